//! Rating the conversation that just ended: happy / neutral / unhappy, then
//! an optional comment; thanks once the server has stored it.

use super::changed;
use crate::chat::Chat;
use crate::dom::{attr, button, el, on, set_value, text, value_of, yes_no, Slot};
use crate::i18n::Texts;
use parlor_protocol::live::{Rating as Choice, MAX_RATING_COMMENT_CHARS};
use std::cell::{Cell, RefCell};
use std::rc::Rc;
use web_sys::HtmlElement;
use widget::state::{Event, State};

pub struct Rating {
    form: Slot,
    thanks: Slot,
    /// Clears the face and comment picked for an earlier conversation.
    reset: Box<dyn Fn()>,
}

impl Rating {
    pub fn build(parent: &HtmlElement, chat: &Chat, t: &'static Texts) -> Self {
        let form = el(parent, "div", "rate");
        attr(&form, "role", "group");
        attr(&form, "aria-label", t.rate);
        text(&form, "p", "", t.rate);
        let faces = el(&form, "div", "faces");
        let comment = Rc::new(Slot::new(el(&form, "textarea", "rate-comment")));
        attr(&comment, "rows", "2");
        attr(&comment, "maxlength", &MAX_RATING_COMMENT_CHARS.to_string());
        attr(&comment, "aria-label", t.comment);
        attr(&comment, "placeholder", t.comment);
        let send = Rc::new(Slot::new(button(&form, "rate-send", t.send_rating)));
        let choice = Rc::new(Cell::new(None::<Choice>));
        // The comment and its button show once a face is picked.
        comment.show(false);
        send.show(false);
        let buttons: Rc<RefCell<Vec<HtmlElement>>> = Rc::default();
        for (r, label) in Choice::ALL.into_iter().zip(t.ratings) {
            let face = match r {
                Choice::Happy => "😊",
                Choice::Neutral => "😐",
                Choice::Unhappy => "😞",
            };
            let b = button(&faces, "face", face);
            attr(&b, "data-rating", r.as_str());
            attr(&b, "aria-label", label);
            attr(&b, "title", label);
            attr(&b, "aria-pressed", "false");
            buttons.borrow_mut().push(b.clone());
            let (choice, all, comment, send) = (
                choice.clone(),
                buttons.clone(),
                comment.clone(),
                send.clone(),
            );
            on(&b, "click", move |_| {
                choice.set(Some(r));
                for (other, x) in all.borrow().iter().zip(Choice::ALL) {
                    attr(other, "aria-pressed", yes_no(x == r));
                }
                comment.show(true);
                send.show(true);
            });
        }
        let (c, picked, field) = (chat.clone(), choice.clone(), comment.clone());
        on(&send, "click", move |_| {
            if let Some(rating) = picked.get() {
                c.dispatch(Event::Rate {
                    rating,
                    comment: value_of(&field),
                });
            }
        });
        let thanks = Slot::new(text(parent, "p", "thanks", t.thanks));
        let reset = Box::new(move || {
            choice.set(None);
            for b in buttons.borrow().iter() {
                attr(b, "aria-pressed", "false");
            }
            set_value(&comment, "");
            comment.show(false);
            send.show(false);
        });
        Self {
            form: Slot::new(form),
            thanks,
            reset,
        }
    }

    pub fn update(&self, prev: Option<&State>, cur: &State) {
        // Each ended conversation starts from a blank rating.
        if prev.is_some() && changed(prev, cur, |s| s.ended_id) {
            (self.reset)();
        }
        if changed(prev, cur, |s| s.rated) {
            self.form.show(!cur.rated);
            self.thanks.show(cur.rated);
        }
    }
}
