//! The department picker: with several departments, the visitor picks one
//! before writing.

use super::changed;
use crate::chat::Chat;
use crate::dom::{attr, el, flag, on, text, value, Slot};
use crate::i18n::Texts;
use parlor_protocol::widget::WireDepartment;
use web_sys::HtmlElement;
use widget::state::{Event, State};

pub struct Picker {
    root: Slot,
}

impl Picker {
    pub fn build(
        window: &HtmlElement,
        chat: &Chat,
        t: &'static Texts,
        departments: Vec<WireDepartment>,
    ) -> Self {
        let root = el(window, "div", "department");
        let select = el(&root, "select", "");
        attr(&select, "aria-label", t.department);
        // Read once: the select itself shows what the visitor picks next.
        let picked = chat.with(|s| s.saved.department);
        let none = text(&select, "option", "", t.choose_department);
        attr(&none, "value", "");
        flag(&none, "disabled", true);
        flag(&none, "selected", picked.is_none());
        for d in departments {
            let o = text(&select, "option", "", &d.name);
            attr(&o, "value", &d.id.to_string());
            flag(&o, "selected", picked == Some(d.id));
        }
        let c = chat.clone();
        on(&select, "change", move |e| {
            if let Ok(id) = value(&e).parse() {
                c.dispatch(Event::Department(id));
            }
        });
        Self {
            root: Slot::new(root),
        }
    }

    pub fn update(&self, prev: Option<&State>, cur: &State) {
        if changed(prev, cur, State::picking) {
            self.root.show(cur.picking());
        }
    }
}
