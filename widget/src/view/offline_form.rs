//! The offline form, in the composer's place while no operator is online
//! and the visitor has no conversation: name, email and the message, which
//! goes as `leave_message`.

use crate::chat::{new_id, Chat};
use crate::i18n::Texts;
use leptos::prelude::*;
use widget::state::Event;

#[component]
pub fn OfflineForm(
    chat: Chat,
    t: &'static Texts,
    color: String,
    /// Takes the focus when the window opens on the form.
    name_field: NodeRef<leptos::html::Input>,
) -> impl IntoView {
    // Memos: each field's text is set only when it changes.
    let field = move |f: fn(&widget::state::State) -> &String| chat.memo(move |s| f(s).clone());
    view! {
        <form
            class="leave"
            novalidate
            on:submit=move |ev| {
                ev.prevent_default();
                if let Some(id) = new_id() {
                    chat.dispatch(Event::Leave(id));
                }
            }
        >
            <p class="leave-title">{t.leave_title}</p>
            <p class="leave-intro">{t.leave_intro}</p>
            <input
                node_ref=name_field
                type="text"
                autocomplete="name"
                maxlength=80
                aria-label=t.your_name
                placeholder=t.your_name
                prop:value=field(|s| &s.name)
                on:input=move |ev| chat.dispatch(Event::Name(event_target_value(&ev)))
            />
            <input
                type="email"
                autocomplete="email"
                maxlength=200
                aria-label=t.your_email
                placeholder=t.your_email
                prop:value=field(|s| &s.email)
                on:input=move |ev| chat.dispatch(Event::Email(event_target_value(&ev)))
            />
            <textarea
                rows=3
                aria-label=t.message
                placeholder=t.message
                prop:value=field(|s| &s.draft)
                on:input=move |ev| chat.dispatch(Event::Draft(event_target_value(&ev)))
            ></textarea>
            <Show when=move || chat.state.with(|s| s.bad_contact || s.form_refused.is_some())>
                <p class="leave-error" role="alert">
                    {move || {
                        chat.state
                            .with(|s| s.form_refused.as_ref().map(|(_, why)| why.clone()))
                            .unwrap_or_else(|| t.bad_contact.to_string())
                    }}
                </p>
            </Show>
            <button
                type="submit"
                class="leave-send"
                disabled=move || chat.state.with(|s| s.cannot_send())
                style:background-color=color
            >
                {t.leave_send}
            </button>
        </form>
    }
}
