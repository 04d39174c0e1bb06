//! The chat window: header, messages, composer.

use leptos::prelude::*;
use parlor_protocol::WidgetConfig;

const STYLE: &str = include_str!("widget.css");

#[component]
pub fn ChatWindow(config: WidgetConfig, open: RwSignal<bool>, full_page: bool) -> impl IntoView {
    let WidgetConfig {
        window_title,
        header_color,
        button_color,
        welcome_message,
        input_placeholder,
        ..
    } = config;
    let has_welcome = !welcome_message.trim().is_empty();
    let label = window_title.clone();
    let draft = RwSignal::new(String::new());
    view! {
        <style>{STYLE}</style>
        <div
            class="window"
            class:open=move || open.get()
            class:page=full_page
            role="dialog"
            aria-label=label
            aria-hidden=move || (!open.get()).to_string()
        >
            <header class="head" style:background-color=header_color.to_string()>
                <span class="title">{window_title}</span>
                <Show when=move || !full_page>
                    <button type="button" class="close" aria-label="Close chat" on:click=move |_| open.set(false)>
                        "×"
                    </button>
                </Show>
            </header>
            <div class="messages" role="log" aria-live="polite">
                <Show when=move || has_welcome>
                    <div class="msg operator">
                        <div class="bubble welcome">{welcome_message.clone()}</div>
                    </div>
                </Show>
            </div>
            <form class="composer" on:submit=move |ev| ev.prevent_default()>
                <textarea
                    rows=1
                    aria-label="Message"
                    placeholder=input_placeholder
                    prop:value=move || draft.get()
                    on:input=move |ev| draft.set(event_target_value(&ev))
                ></textarea>
                // Sending arrives with live conversations; until then the
                // button stays disabled rather than pretending to send.
                <button
                    type="submit"
                    class="send"
                    aria-label="Send"
                    disabled=true
                    style:background-color=button_color.to_string()
                >
                    "➤"
                </button>
            </form>
        </div>
    }
}
