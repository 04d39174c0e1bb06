//! The offline form, in the composer's place while no operator is online
//! and the visitor has no conversation: name, email and the message, which
//! goes as `leave_message`.

use super::changed;
use crate::chat::{new_id, Chat};
use crate::dom::{self, attr, el, flag, on, set_value, text, value, Slot};
use crate::i18n::Texts;
use web_sys::HtmlElement;
use widget::state::{Event, State};

pub struct Form {
    form: Slot,
    name: HtmlElement,
    email: HtmlElement,
    message: HtmlElement,
    error: Slot,
    send: HtmlElement,
    t: &'static Texts,
}

/// A field whose every change becomes `event`.
fn field(
    form: &HtmlElement,
    chat: &Chat,
    tag: &str,
    label: &str,
    event: fn(String) -> Event,
) -> HtmlElement {
    let f = el(form, tag, "");
    attr(&f, "aria-label", label);
    attr(&f, "placeholder", label);
    let c = chat.clone();
    on(&f, "input", move |e| c.dispatch(event(value(&e))));
    f
}

impl Form {
    pub fn build(window: &HtmlElement, chat: &Chat, t: &'static Texts, color: &str) -> Self {
        let form = el(window, "form", "leave");
        flag(&form, "novalidate", true);
        text(&form, "p", "leave-title", t.leave_title);
        text(&form, "p", "leave-intro", t.leave_intro);
        let name = field(&form, chat, "input", t.your_name, Event::Name);
        attr(&name, "type", "text");
        attr(&name, "autocomplete", "name");
        attr(&name, "maxlength", "80");
        let email = field(&form, chat, "input", t.your_email, Event::Email);
        attr(&email, "type", "email");
        attr(&email, "autocomplete", "email");
        attr(&email, "maxlength", "200");
        let message = field(&form, chat, "textarea", t.message, Event::Draft);
        attr(&message, "rows", "3");
        let error = Slot::new(el(&form, "p", "leave-error"));
        attr(&error, "role", "alert");
        let send = text(&form, "button", "leave-send", t.leave_send);
        attr(&send, "type", "submit");
        let _ = send.style().set_property("background-color", color);
        let c = chat.clone();
        on(&form, "submit", move |e| {
            e.prevent_default();
            if let Some(id) = new_id() {
                c.dispatch(Event::Leave(id));
            }
        });
        Self {
            form: Slot::new(form),
            name,
            email,
            message,
            error,
            send,
            t,
        }
    }

    /// The field that takes the focus when the window opens on the form.
    pub fn first_field(&self) -> HtmlElement {
        self.name.clone()
    }

    pub fn update(&self, prev: Option<&State>, cur: &State) {
        if changed(prev, cur, State::offline_form) {
            self.form.show(cur.offline_form());
        }
        // Each field's text is set only when the state's differs from it.
        for (el, part) in [
            (&self.name, (|s| s.name.clone()) as fn(&State) -> String),
            (&self.email, |s| s.email.clone()),
            (&self.message, |s| s.draft.clone()),
        ] {
            if changed(prev, cur, part) && dom::value_of(el) != part(cur) {
                set_value(el, &part(cur));
            }
        }
        let error =
            |s: &State| (s.bad_contact || s.form_refused.is_some()).then(|| s.form_refused.clone());
        if changed(prev, cur, error) {
            let shown = error(cur);
            self.error.show(shown.is_some());
            if let Some(refused) = shown {
                let why = refused.map(|(_, why)| why);
                self.error
                    .set_text_content(Some(why.as_deref().unwrap_or(self.t.bad_contact)));
            }
        }
        if changed(prev, cur, State::cannot_send) {
            flag(&self.send, "disabled", cur.cannot_send());
        }
    }
}
