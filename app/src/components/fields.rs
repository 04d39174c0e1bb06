//! Labelled form fields with inline errors and a character counter.

use leptos::prelude::*;

/// The error line under a field; renders nothing when there is no error.
#[component]
pub fn FieldMessage(#[prop(into)] error: Signal<Option<String>>, id: String) -> impl IntoView {
    view! {
        <Show when=move || error.get().is_some()>
            <p class="field-error" id=id.clone() role="alert">
                {move || error.get().unwrap_or_default()}
            </p>
        </Show>
    }
}

/// A single-line or multi-line text field bound to `value`.
#[component]
pub fn TextField(
    id: &'static str,
    label: &'static str,
    value: RwSignal<String>,
    max: usize,
    #[prop(into)] error: Signal<Option<String>>,
    #[prop(optional)] multiline: bool,
) -> impl IntoView {
    let error_id = format!("{id}-error");
    let count = move || value.with(|v| v.chars().count());
    let input = if multiline {
        view! {
            <textarea
                id=id
                name=id
                rows=4
                prop:value=move || value.get()
                on:input=move |ev| value.set(event_target_value(&ev))
                aria-invalid=move || error.get().is_some().to_string()
                aria-describedby=error_id.clone()
            ></textarea>
        }
        .into_any()
    } else {
        view! {
            <input
                type="text"
                id=id
                name=id
                prop:value=move || value.get()
                on:input=move |ev| value.set(event_target_value(&ev))
                aria-invalid=move || error.get().is_some().to_string()
                aria-describedby=error_id.clone()
            />
        }
        .into_any()
    };
    view! {
        <div class="field" class:invalid=move || error.get().is_some()>
            <div class="field-head">
                <label for=id>{label}</label>
                <span class="counter" class:over=move || { count() > max }>
                    {move || format!("{}/{max}", count())}
                </span>
            </div>
            {input}
            <FieldMessage error id=format!("{id}-error") />
        </div>
    }
}

/// A form's outcome after Save: "Saved." or the error. Renders nothing
/// before the first save (empty text would not survive hydration).
pub type SaveState = RwSignal<Option<Result<&'static str, String>>>;

#[component]
pub fn SaveStatus(status: SaveState) -> impl IntoView {
    view! {
        <Show when=move || status.get().is_some()>
            <span
                class=move || match status.get() {
                    Some(Err(_)) => "form-error",
                    _ => "saved",
                }
                role="status"
            >
                {move || match status.get() {
                    Some(Ok(msg)) => msg.to_string(),
                    Some(Err(msg)) => msg,
                    None => String::new(),
                }}
            </span>
        </Show>
    }
}

/// A one-line input for rows that repeat (rules, triggers): ids are made
/// per row, and the error comes from the list's checks.
#[component]
pub fn RowInput(
    id: String,
    label: &'static str,
    value: RwSignal<String>,
    error: Signal<Option<String>>,
    #[prop(optional)] numeric: bool,
) -> impl IntoView {
    let error_id = format!("{id}-error");
    view! {
        <div class="field" class:invalid=move || error.get().is_some()>
            <label for=id.clone()>{label}</label>
            <input
                type="text"
                id=id.clone()
                inputmode=if numeric { "numeric" } else { "text" }
                prop:value=move || value.get()
                on:input=move |ev| value.set(event_target_value(&ev))
                aria-invalid=move || error.get().is_some().to_string()
                aria-describedby=error_id.clone()
            />
            <FieldMessage error id=error_id.clone() />
        </div>
    }
}

/// What a form shows once sent: errors beside their fields, an error for
/// the whole form, or a confirmation. Forms fill it from their server
/// action's answer and show it with [`FormStatus`].
#[derive(Clone, Copy)]
pub struct FormFeedback {
    errors: RwSignal<parlor_domain::ValidationErrors>,
    general: RwSignal<Option<String>>,
    done: RwSignal<Option<String>>,
}

impl Default for FormFeedback {
    fn default() -> Self {
        Self {
            errors: RwSignal::new(Default::default()),
            general: RwSignal::new(None),
            done: RwSignal::new(None),
        }
    }
}

impl FormFeedback {
    /// Nothing shown (a new attempt starts).
    pub fn clear(&self) {
        self.errors.set(Default::default());
        self.general.set(None);
        self.done.set(None);
    }

    /// The form's own check refused the input: nothing is sent.
    pub fn invalid(&self, errors: parlor_domain::ValidationErrors) {
        self.clear();
        self.errors.set(errors);
    }

    /// The server refused: field errors inline, anything else for the
    /// whole form.
    pub fn refused(&self, e: &crate::error::AppError) {
        self.clear();
        match e.validation() {
            Some(v) => self.errors.set(v.clone()),
            None => self.general.set(Some(e.to_string())),
        }
    }

    /// It worked; `message` says what happened.
    pub fn saved(&self, message: String) {
        self.clear();
        self.done.set(Some(message));
    }

    /// The error of one field, for [`TextField`] and [`FieldMessage`].
    pub fn field(&self, field: parlor_domain::Field) -> Signal<Option<String>> {
        let errors = self.errors;
        Signal::derive(move || errors.with(|e| e.for_field(field).map(str::to_string)))
    }
}

/// A form's status line: the confirmation, or the error for the whole form.
#[component]
pub fn FormStatus(feedback: FormFeedback) -> impl IntoView {
    let (done, general) = (feedback.done, feedback.general);
    view! {
        <Show when=move || done.with(Option::is_some)>
            <span class="saved" role="status">{move || done.get()}</span>
        </Show>
        <Show when=move || general.with(Option::is_some)>
            <span class="form-error" role="alert">{move || general.get()}</span>
        </Show>
    }
}
