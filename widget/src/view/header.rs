//! The window's header: title, connection state, and the buttons for the
//! list of conversations, ending the conversation, and closing.

use super::changed;
use crate::chat::Chat;
use crate::dom::{attr, button, el, on, text, yes_no, Slot};
use crate::i18n::Texts;
use web_sys::HtmlElement;
use widget::state::{Event, Link, State};

pub struct Header {
    status: HtmlElement,
    list: Option<HtmlElement>,
    end: Slot,
    t: &'static Texts,
}

impl Header {
    /// `multiple`: the visitor's conversations can be listed.
    /// `full_page`: the direct chat link, whose window cannot be closed.
    pub fn build(
        window: &HtmlElement,
        chat: &Chat,
        t: &'static Texts,
        title: &str,
        color: &str,
        multiple: bool,
        full_page: bool,
    ) -> Self {
        let head = el(window, "header", "head");
        let _ = head.style().set_property("background-color", color);
        let heading = el(&head, "div", "heading");
        text(&heading, "span", "title", title);
        let status = el(&heading, "span", "status");
        attr(&status, "role", "status");
        let list = multiple.then(|| {
            let b = button(&head, "list-toggle", "☰");
            attr(&b, "aria-label", t.conversations);
            attr(&b, "title", t.conversations);
            let c = chat.clone();
            on(&b, "click", move |_| c.dispatch(Event::ToggleList));
            b
        });
        let end = Slot::new(button(&head, "end", t.end));
        let c = chat.clone();
        on(&end, "click", move |_| c.dispatch(Event::End));
        if !full_page {
            let close = button(&head, "close", "×");
            attr(&close, "aria-label", t.close);
            let c = chat.clone();
            on(&close, "click", move |_| {
                c.dispatch(Event::Open {
                    open: false,
                    focus: false,
                })
            });
        }
        Self {
            status,
            list,
            end,
            t,
        }
    }

    pub fn update(&self, prev: Option<&State>, cur: &State) {
        if changed(prev, cur, |s| s.link) {
            let t = self.t;
            self.status.set_text_content(Some(match cur.link {
                Link::Connecting => t.connecting,
                Link::Offline => t.offline,
                Link::Idle | Link::Online => "",
            }));
        }
        if let Some(list) = self
            .list
            .as_ref()
            .filter(|_| changed(prev, cur, |s| s.listing))
        {
            attr(list, "aria-pressed", yes_no(cur.listing));
        }
        if changed(prev, cur, State::may_end) {
            self.end.show(cur.may_end());
        }
    }
}
