//! The visitor's conversations ("multiple" mode): open one to read it (and
//! write, if it is still open), or start a new one.

use crate::chat::Chat;
use crate::i18n::Texts;
use leptos::prelude::*;
use widget::state::Event;

#[component]
pub fn ConversationList(chat: Chat, t: &'static Texts) -> impl IntoView {
    let list = chat.memo(|s| s.list.clone());
    let rows = move || {
        list.get().map(|list| {
            if list.is_empty() {
                return view! { <p class="conv-empty">{t.no_conversations}</p> }.into_any();
            }
            list.into_iter()
                .map(|c| {
                    let id = c.id;
                    let date = js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(c.last_at as f64 * 1000.0))
                        .to_locale_date_string(t.lang, &wasm_bindgen::JsValue::UNDEFINED);
                    let meta = if c.closed {
                        format!("{} · {}", String::from(date), t.ended_tag)
                    } else {
                        String::from(date)
                    };
                    view! {
                        <button type="button" class="conv" on:click=move |_| chat.dispatch(Event::Switch(id))>
                            <span class="conv-text">{c.last_body.unwrap_or_else(|| t.no_messages.to_string())}</span>
                            <span class="conv-meta">{meta}</span>
                        </button>
                    }
                })
                .collect_view()
                .into_any()
        })
    };
    view! {
        <div class="convs" role="region" aria-label=t.conversations>
            <button type="button" class="new-conv" on:click=move |_| chat.dispatch(Event::NewConversation)>
                {t.new_conversation}
            </button>
            {rows}
        </div>
    }
}
