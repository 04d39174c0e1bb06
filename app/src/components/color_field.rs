use super::fields::FieldMessage;
use leptos::prelude::*;
use parlor_protocol::HexColor;

/// A colour chosen with the browser's visual picker or typed as hex. Both
/// inputs edit the same text; the picker shows the last valid colour while
/// the hex text is being typed.
#[component]
pub fn ColorField(
    id: &'static str,
    label: &'static str,
    value: RwSignal<String>,
    #[prop(into)] error: Signal<Option<String>>,
) -> impl IntoView {
    let last_valid = RwSignal::new(
        value
            .get_untracked()
            .parse::<HexColor>()
            .map(|c| c.to_string())
            .unwrap_or_else(|_| "#000000".into()),
    );
    Effect::new(move || {
        if let Ok(c) = value.get().parse::<HexColor>() {
            last_valid.set(c.to_string());
        }
    });
    let hex_id = format!("{id}-hex");
    let error_id = format!("{id}-error");
    view! {
        <div class="field color-field" class:invalid=move || error.get().is_some()>
            <label for=hex_id.clone()>{label}</label>
            <div class="color-inputs">
                <input
                    type="color"
                    id=format!("{id}-picker")
                    aria-label=format!("{label}: colour picker")
                    prop:value=move || last_valid.get()
                    on:input=move |ev| value.set(event_target_value(&ev))
                />
                <input
                    type="text"
                    class="hex"
                    id=hex_id
                    name=id
                    spellcheck="false"
                    autocomplete="off"
                    prop:value=move || value.get()
                    on:input=move |ev| value.set(event_target_value(&ev))
                    aria-invalid=move || error.get().is_some().to_string()
                    aria-describedby=error_id.clone()
                />
                <span class="swatch" style:background-color=move || last_valid.get()></span>
            </div>
            <FieldMessage error id=format!("{id}-error") />
        </div>
    }
}
