use super::clipboard;
use leptos::prelude::*;
use leptos::task::spawn_local;
use std::time::Duration;

#[derive(Clone, Copy, PartialEq, Eq)]
enum CopyState {
    Idle,
    Copied,
    Failed,
}

/// A button that copies `text` to the clipboard and says whether it worked.
#[component]
pub fn CopyButton(text: String, label: &'static str) -> impl IntoView {
    let state = RwSignal::new(CopyState::Idle);
    let on_click = move |_| {
        let text = text.clone();
        spawn_local(async move {
            let ok = clipboard::write_text(&text).await;
            state.set(if ok {
                CopyState::Copied
            } else {
                CopyState::Failed
            });
            set_timeout(move || state.set(CopyState::Idle), Duration::from_secs(2));
        });
    };
    view! {
        <button
            type="button"
            class="button copy"
            class:copied=move || state.get() == CopyState::Copied
            on:click=on_click
        >
            {move || match state.get() {
                CopyState::Idle => label,
                CopyState::Copied => "Copied!",
                CopyState::Failed => "Copy failed: select the text and copy it",
            }}
        </button>
    }
}
