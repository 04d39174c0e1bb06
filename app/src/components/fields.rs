//! Labelled form fields with inline errors and a character counter, and
//! what a form shows once sent ([`FormFeedback`], [`FormStatus`]).

use crate::error::AppError;
use leptos::either::Either;
use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use parlor_domain::{Field, ValidationErrors};

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
/// the whole form, or a confirmation. Every admin form keeps one and shows
/// it with [`FormStatus`]; a form checked while typing also shows its own
/// checks' errors beside the fields ([`FormFeedback::checking`]).
#[derive(Clone, Copy)]
pub struct FormFeedback {
    /// The server's field errors.
    errors: RwSignal<ValidationErrors>,
    /// The current input's errors, by the rules the server applies.
    checks: Option<Memo<ValidationErrors>>,
    general: RwSignal<Option<String>>,
    done: RwSignal<Option<String>>,
}

impl Default for FormFeedback {
    fn default() -> Self {
        Self {
            errors: RwSignal::new(Default::default()),
            checks: None,
            general: RwSignal::new(None),
            done: RwSignal::new(None),
        }
    }
}

impl FormFeedback {
    /// A form checked while typing: `checks` are the current input's errors.
    pub fn checking(checks: Memo<ValidationErrors>) -> Self {
        Self {
            checks: Some(checks),
            ..Self::default()
        }
    }

    /// Nothing shown (a new attempt starts).
    pub fn clear(&self) {
        self.errors.set(Default::default());
        self.general.set(None);
        self.done.set(None);
    }

    /// The form's own check refused the input: nothing is sent.
    pub fn invalid(&self, errors: ValidationErrors) {
        self.clear();
        self.errors.set(errors);
    }

    /// Before a checked form sends: whether its checks pass. If they do not,
    /// the status line says so (their errors already show beside the
    /// fields). The server's field errors stay until its next answer.
    pub fn check(&self) -> bool {
        self.general.set(None);
        self.done.set(None);
        let failed = self
            .checks
            .is_some_and(|c| !c.with_untracked(ValidationErrors::is_empty));
        if failed {
            let summary = AppError::Validation(Default::default()).to_string();
            self.general.set(Some(summary));
        }
        !failed
    }

    /// The server refused: field errors inline, anything else for the
    /// whole form.
    pub fn refused(&self, e: &AppError) {
        self.clear();
        match e.validation() {
            Some(v) => self.errors.set(v.clone()),
            None => self.general.set(Some(e.to_string())),
        }
    }

    /// Follows a settings form's save: "Saved." and `stored` with the
    /// server's answer when it worked, [`FormFeedback::failed`] when not.
    pub fn follow<S>(self, save: ServerAction<S>, stored: impl Fn(S::Output) + 'static)
    where
        S: ServerFn<Error = AppError> + Clone + Send + Sync + 'static,
        S::Output: Clone + Send + Sync + 'static,
    {
        Effect::new(move || match save.value().get() {
            Some(Ok(answer)) => {
                self.saved("Saved.");
                stored(answer);
            }
            Some(Err(e)) => self.failed(&e),
            None => {}
        });
    }

    /// A checked form's submit handler: sends `input()` through `save`
    /// when the form's checks pass ([`FormFeedback::check`]).
    pub fn submit<S>(
        self,
        save: ServerAction<S>,
        input: impl Fn() -> S + 'static,
    ) -> impl Fn(SubmitEvent) + 'static
    where
        S: ServerFn<Error = AppError> + Clone + Send + Sync + 'static,
        S::Output: Send + Sync + 'static,
    {
        move |ev: SubmitEvent| {
            ev.prevent_default();
            if self.check() {
                save.dispatch(input());
            }
        }
    }

    /// The server refused: field errors inline, and the status line says
    /// so in every case ("Please correct the highlighted fields.").
    pub fn failed(&self, e: &AppError) {
        self.clear();
        self.errors.set(e.validation().cloned().unwrap_or_default());
        self.general.set(Some(e.to_string()));
    }

    /// The server refused a form of one field: whatever went wrong is said
    /// beside `field`.
    pub fn refused_at(&self, e: &AppError, field: Field) {
        self.clear();
        let message = e
            .validation()
            .and_then(|v| v.for_field(field))
            .map_or_else(|| e.to_string(), str::to_string);
        self.errors.set(ValidationErrors::single(field, message));
    }

    /// Something failed that can only be tried again; `message` says so.
    pub fn error(&self, message: impl Into<String>) {
        self.clear();
        self.general.set(Some(message.into()));
    }

    /// It worked; `message` says what happened.
    pub fn saved(&self, message: impl Into<String>) {
        self.clear();
        self.done.set(Some(message.into()));
    }

    /// The input changed (or went again): an earlier confirmation no
    /// longer holds.
    pub fn edited(&self) {
        self.done.set(None);
    }

    /// The error of one field, the form's own check first (tracked).
    pub fn error_of(&self, field: Field) -> Option<String> {
        let found = |e: &ValidationErrors| e.for_field(field).map(str::to_string);
        self.checks
            .and_then(|c| c.with(found))
            .or_else(|| self.errors.with(found))
    }

    /// The error of one field, for [`TextField`] and [`FieldMessage`].
    pub fn field(&self, field: Field) -> Signal<Option<String>> {
        let this = *self;
        Signal::derive(move || this.error_of(field))
    }
}

/// A form's status line: the confirmation, or the error for the whole form.
/// Renders nothing before the first outcome (empty text would not survive
/// hydration).
#[component]
pub fn FormStatus(
    feedback: FormFeedback,
    /// Errors too are said politely (`role="status"`): a settings form's one
    /// status line for every outcome of Save. Otherwise they are alerts.
    #[prop(optional)]
    polite: bool,
    /// A paragraph of its own, rather than a line beside the form's buttons.
    #[prop(optional)]
    block: bool,
) -> impl IntoView {
    let (done, general) = (feedback.done, feedback.general);
    let error_role = if polite { "status" } else { "alert" };
    let line = move |class: &'static str, role: &'static str, text: Signal<Option<String>>| {
        if block {
            Either::Left(view! { <p class=class role=role>{text}</p> })
        } else {
            Either::Right(view! { <span class=class role=role>{text}</span> })
        }
    };
    view! {
        <Show when=move || done.with(Option::is_some)>
            {line("saved", "status", done.into())}
        </Show>
        <Show when=move || general.with(Option::is_some)>
            {line("form-error", error_role, general.into())}
        </Show>
    }
}

/// A settings form's Save button, off while saving, and its status line.
#[component]
pub fn SaveButton<S>(
    save: ServerAction<S>,
    label: &'static str,
    feedback: FormFeedback,
) -> impl IntoView
where
    S: ServerFn<Error = AppError> + Clone + Send + Sync + 'static,
    S::Output: Send + Sync + 'static,
{
    view! {
        <button type="submit" class="button primary" disabled=move || save.pending().get()>
            {label}
        </button>
        <FormStatus feedback polite=true />
    }
}
