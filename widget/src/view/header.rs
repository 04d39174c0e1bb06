//! The window's header: title, connection state, and the buttons for the
//! list of conversations, ending the conversation, and closing.

use crate::chat::Chat;
use crate::i18n::Texts;
use leptos::prelude::*;
use widget::state::{Event, Link};

#[component]
pub fn Header(
    chat: Chat,
    t: &'static Texts,
    title: String,
    color: String,
    /// "multiple" mode: the visitor's conversations can be listed.
    multiple: bool,
    /// The direct chat link: the window cannot be closed.
    full_page: bool,
) -> impl IntoView {
    let status = move || match chat.state.with(|s| s.link) {
        Link::Connecting => t.connecting,
        Link::Offline => t.offline,
        Link::Idle | Link::Online => "",
    };
    let listing = move || chat.state.with(|s| s.listing);
    view! {
        <header class="head" style:background-color=color>
            <div class="heading">
                <span class="title">{title}</span>
                <span class="status" role="status">{status}</span>
            </div>
            <Show when=move || multiple>
                <button
                    type="button"
                    class="list-toggle"
                    aria-label=t.conversations
                    title=t.conversations
                    aria-pressed=move || listing().to_string()
                    on:click=move |_| chat.dispatch(Event::ToggleList)
                >
                    "☰"
                </button>
            </Show>
            <Show when=move || chat.state.with(|s| s.may_end())>
                <button type="button" class="end" on:click=move |_| chat.dispatch(Event::End)>
                    {t.end}
                </button>
            </Show>
            <Show when=move || !full_page>
                <button
                    type="button"
                    class="close"
                    aria-label=t.close
                    on:click=move |_| chat.dispatch(Event::Open { open: false, focus: false })
                >
                    "×"
                </button>
            </Show>
        </header>
    }
}
