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
