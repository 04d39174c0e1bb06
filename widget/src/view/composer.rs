//! The composer: the text, the paperclip and the send button, with the
//! upload's progress or error above it. Enter sends, Shift+Enter breaks the
//! line.

use crate::chat::{new_id, Chat};
use crate::files::Files;
use crate::i18n::Texts;
use leptos::prelude::*;
use widget::state::{Event, State};

/// Uploads a picked or dropped file, then sends it with the draft (the text
/// typed stays in the composer if the upload fails).
pub fn attach(chat: Chat, files: Files, t: &'static Texts, file: web_sys::File) {
    if !chat.state.with_untracked(State::may_attach) {
        return;
    }
    chat.dispatch(Event::Upload(file.name()));
    files.upload(&file, t, move |result| {
        chat.dispatch(Event::Uploaded {
            id: new_id(),
            result,
        })
    });
}

#[component]
pub fn Composer(
    chat: Chat,
    t: &'static Texts,
    files: Files,
    placeholder: String,
    color: String,
    /// Takes the focus when the window opens.
    composer: NodeRef<leptos::html::Textarea>,
) -> impl IntoView {
    let send = move || {
        if let Some(id) = new_id() {
            chat.dispatch(Event::Send(id));
        }
    };
    let picker = NodeRef::<leptos::html::Input>::new();
    let picked_file = move |_| {
        if let Some(input) = picker.get_untracked() {
            if let Some(file) = input.files().and_then(|f| f.get(0)) {
                attach(chat, files, t, file);
            }
            // Picking the same file again is a change too.
            input.set_value("");
        }
    };
    let uploading = move || chat.state.with(|s| s.uploading.clone());
    // A memo: the text is set only when it changes (as typed, or cleared).
    let draft = chat.memo(|s| s.draft.clone());
    view! {
        {move || uploading().map(|n| view! { <p class="file-note" role="status">{t.uploading.replace("{name}", &n)}</p> })}
        {move || {
            chat.state
                .with(|s| s.file_error.clone())
                .map(|e| view! { <p class="file-note failed" role="alert">{e}</p> })
        }}
        <div class="drop-hint" aria-hidden="true">{t.drop_file}</div>
        <form
            class="composer"
            class:hidden=move || chat.state.with(State::offline_form)
            on:submit=move |ev| {
                ev.prevent_default();
                send();
            }
        >
            <input type="file" class="picker" tabindex=-1 aria-hidden="true" node_ref=picker on:change=picked_file />
            <button
                type="button"
                class="attach"
                aria-label=t.attach
                title=t.attach
                disabled=move || uploading().is_some()
                on:click=move |_| {
                    if let Some(input) = picker.get_untracked() {
                        input.click();
                    }
                }
            >
                <svg viewBox="0 0 24 24" aria-hidden="true">
                    <path d="M21 11l-9 9a6 6 0 0 1-8.5-8.5l9-9a4 4 0 0 1 5.7 5.7l-9 9a2 2 0 0 1-2.9-2.9l8.5-8.4" />
                </svg>
            </button>
            <textarea
                node_ref=composer
                rows=1
                aria-label=t.message
                placeholder=placeholder
                prop:value=draft
                on:input=move |ev| {
                    chat.dispatch(Event::Typed {
                        text: event_target_value(&ev),
                        now: js_sys::Date::now(),
                    })
                }
                on:keydown=move |ev: leptos::ev::KeyboardEvent| {
                    if ev.key() == "Enter" && !ev.shift_key() {
                        ev.prevent_default();
                        send();
                    }
                }
            ></textarea>
            <button
                type="submit"
                class="send"
                aria-label=t.send
                disabled=move || chat.state.with(State::cannot_send)
                style:background-color=color
            >
                "➤"
            </button>
        </form>
    }
}
