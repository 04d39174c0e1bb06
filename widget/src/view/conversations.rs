//! The visitor's conversations ("multiple" mode): open one to read it (and
//! write, if it is still open), or start a new one.

use super::changed;
use crate::chat::Chat;
use crate::dom::{attr, button, closest, el, on, text, Slot};
use crate::i18n::Texts;
use wasm_bindgen::JsValue;
use web_sys::HtmlElement;
use widget::state::{Event, State};

pub struct List {
    root: Slot,
    rows: HtmlElement,
    t: &'static Texts,
}

impl List {
    pub fn build(window: &HtmlElement, chat: &Chat, t: &'static Texts) -> Self {
        let root = el(window, "div", "convs");
        attr(&root, "role", "region");
        attr(&root, "aria-label", t.conversations);
        let new = button(&root, "new-conv", t.new_conversation);
        let c = chat.clone();
        on(&new, "click", move |_| c.dispatch(Event::NewConversation));
        let rows = el(&root, "div", "rows");
        // One listener for every row: rows are drawn anew as the list
        // changes; each carries its place in the list.
        let c = chat.clone();
        on(&rows, "click", move |e| {
            let picked = closest(&e, ".conv")
                .and_then(|r| r.get_attribute("data-i")?.parse::<usize>().ok())
                .and_then(|i| c.with(|s| Some(s.list.as_ref()?.get(i)?.id)));
            if let Some(id) = picked {
                c.dispatch(Event::Switch(id));
            }
        });
        Self {
            root: Slot::new(root),
            rows,
            t,
        }
    }

    pub fn update(&self, prev: Option<&State>, cur: &State) {
        if changed(prev, cur, |s| s.listing) {
            self.root.show(cur.listing);
        }
        if !changed(prev, cur, |s| s.list.clone()) {
            return;
        }
        let t = self.t;
        self.rows.set_text_content(None);
        let Some(list) = &cur.list else {
            return;
        };
        if list.is_empty() {
            text(&self.rows, "p", "conv-empty", t.no_conversations);
        }
        for (i, c) in list.iter().enumerate() {
            let row = button(&self.rows, "conv", "");
            attr(&row, "data-i", &i.to_string());
            text(
                &row,
                "span",
                "conv-text",
                c.last_body.as_deref().unwrap_or(t.no_messages),
            );
            let date: String = js_sys::Date::new(&JsValue::from_f64(c.last_at as f64 * 1000.0))
                .to_locale_date_string(t.lang, &JsValue::UNDEFINED)
                .into();
            let meta = if c.closed {
                format!("{date} · {}", t.ended_tag)
            } else {
                date
            };
            text(&row, "span", "conv-meta", &meta);
        }
    }
}
