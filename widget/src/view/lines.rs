//! The conversation: the welcome, each line with its delivery state, the
//! operator typing, the offline form's thanks, the place in line, and the
//! end with its rating. Kept scrolled to the newest line.

use super::changed;
use super::rating::Rating;
use crate::chat::Chat;
use crate::dom::{self, attr, button, closest, el, on, text, Slot};
use crate::files::Files;
use crate::i18n::Texts;
use parlor_protocol::attachments::human_size;
use parlor_protocol::live::MAX_QUEUE_PLACE;
use parlor_protocol::{AttachmentId, WireAttachment};
use web_sys::HtmlElement;
use widget::state::{Delivery, Event, Line, State};

pub struct Lines {
    list: HtmlElement,
    /// The lines themselves, drawn anew when they change: diffing them
    /// would cost more bytes than a conversation's worth of lines costs
    /// time.
    body: HtmlElement,
    typing: Slot,
    left: Slot,
    queue: Slot,
    ended: Slot,
    rating: Rating,
    t: &'static Texts,
}

impl Lines {
    pub fn build(window: &HtmlElement, chat: &Chat, t: &'static Texts, welcome: &str) -> Self {
        let list = el(window, "div", "messages");
        attr(&list, "role", "log");
        attr(&list, "aria-live", "polite");
        if !welcome.trim().is_empty() {
            let w = el(&list, "div", "msg operator");
            text(&w, "div", "bubble welcome", welcome);
        }
        let body = el(&list, "div", "lines");
        // One listener for every line's buttons (Retry, a file): each line
        // carries its place in the list.
        let c = chat.clone();
        on(&body, "click", move |e| {
            let Some(line) = closest(&e, ".msg")
                .and_then(|m| m.get_attribute("data-i")?.parse::<usize>().ok())
                .and_then(|i| c.with(|s| s.lines.get(i).cloned()))
            else {
                return;
            };
            if closest(&e, ".retry").is_some() {
                c.dispatch(Event::Retry(line.id));
            } else if let Some(a) = line.attachment.filter(|_| closest(&e, ".file").is_some()) {
                Files::download(&c, &a);
            }
        });
        let typing = Slot::new(el(&list, "div", "typing"));
        let left = Slot::new(el(&list, "p", "left"));
        let queue = Slot::new(el(&list, "p", "queue"));
        attr(&queue, "role", "status");
        let ended = Slot::new(el(&list, "div", "ended"));
        text(&ended, "p", "", t.ended);
        let rating = Rating::build(&ended, chat, t);
        let restart = button(&ended, "restart", t.start_over);
        let c = chat.clone();
        on(&restart, "click", move |_| c.dispatch(Event::StartOver));
        Self {
            list,
            body,
            typing,
            left,
            queue,
            ended,
            rating,
            t,
        }
    }

    pub fn update(&self, chat: &Chat, prev: Option<&State>, cur: &State) {
        let t = self.t;
        let lines = changed(prev, cur, |s| (s.lines.clone(), s.team_read));
        if lines {
            self.body.set_text_content(None);
            for (i, line) in cur.lines.iter().enumerate() {
                let seen = line.seq.is_some_and(|s| s <= cur.team_read);
                self.line(chat, i, line, seen);
            }
            chat.files.prune(&cur.lines);
        }
        let typing = changed(prev, cur, |s| s.typing.clone());
        if typing {
            self.typing.show(cur.typing.is_some());
            if let Some(n) = &cur.typing {
                self.typing
                    .set_text_content(Some(&format!("{n}{}", t.is_typing)));
            }
        }
        if changed(prev, cur, |s| s.left.clone()) {
            self.left.show(cur.left.is_some());
            if let Some(to) = &cur.left {
                self.left.set_text_content(Some(&format!("{}{to}", t.left)));
            }
        }
        if changed(prev, cur, |s| s.queue) {
            self.queue.show(cur.queue.is_some());
            if let Some(n) = cur.queue {
                let place = if n >= MAX_QUEUE_PLACE {
                    format!("{n}+")
                } else {
                    n.to_string()
                };
                self.queue
                    .set_text_content(Some(&crate::i18n::fill(t.queue, &place)));
            }
        }
        let ended = changed(prev, cur, |s| s.ended);
        if ended {
            self.ended.show(cur.ended);
        }
        self.rating.update(prev, cur);
        // Keep the newest line in view as lines, typing or the end arrive.
        if lines || typing || ended || changed(prev, cur, |s| s.open) {
            let list = self.list.clone();
            dom::next_frame(move || list.set_scroll_top(list.scroll_height()));
        }
    }

    /// One line. `seen`: an operator has read it (the visitor's own lines
    /// show "Seen").
    fn line(&self, chat: &Chat, i: usize, line: &Line, seen: bool) {
        let t = self.t;
        let mine = line.operator.is_none();
        let row = el(
            &self.body,
            "div",
            if mine { "msg mine" } else { "msg operator" },
        );
        attr(&row, "data-i", &i.to_string());
        attr(
            &row,
            "data-state",
            match line.delivery {
                Delivery::Sending => "sending",
                Delivery::Sent => "sent",
                Delivery::Failed(_) | Delivery::Refused(_) => "failed",
            },
        );
        if let Some(name) = &line.operator {
            text(&row, "span", "who", name);
        }
        let bubble = el(&row, "div", "bubble");
        if let Some(a) = &line.attachment {
            attachment(chat, &bubble, a);
        }
        let _ = bubble.append_with_str_1(&line.body);
        if line.edited {
            text(&row, "span", "edited", t.edited);
        }
        let state = match &line.delivery {
            Delivery::Sending => Some(("state", t.sending.to_string())),
            Delivery::Sent if seen => mine.then(|| ("state seen", t.seen.to_string())),
            Delivery::Sent => mine.then(|| ("state", t.sent.to_string())),
            Delivery::Failed(why) | Delivery::Refused(why) => {
                Some(("state failed", format!("{}{why}", t.not_sent)))
            }
        };
        if let Some((class, note)) = state {
            text(&row, "span", class, &note);
        }
        if matches!(line.delivery, Delivery::Failed(_)) {
            button(&row, "retry", t.retry);
        }
    }

    /// A preview fetched after its line was drawn.
    pub fn preview_arrived(&self, id: AttachmentId, url: &str) {
        let selector = format!("img[data-file=\"{id}\"]");
        if let Ok(Some(img)) = self.body.query_selector(&selector) {
            attr(&img, "src", url);
            dom::flag(&img, "hidden", false);
        }
    }
}

/// A message's file: an image previewed, anything else a button that
/// downloads it (the list's listener). The name is text (and `alt`),
/// never markup.
fn attachment(chat: &Chat, bubble: &HtmlElement, a: &WireAttachment) {
    if a.image {
        let figure = el(bubble, "figure", "file-img");
        let img = el(&figure, "img", "");
        attr(&img, "alt", &a.name);
        attr(&img, "data-file", &a.id.to_string());
        // Hidden until its bytes arrive: an image without them would show
        // its alt text, the name a second time, or a broken image.
        match Files::preview(chat, a.id) {
            Some(url) => attr(&img, "src", &url),
            None => dom::flag(&img, "hidden", true),
        }
        text(&figure, "figcaption", "", &a.name);
    } else {
        let b = button(bubble, "file", "");
        text(&b, "span", "file-name", &a.name);
        text(&b, "span", "file-size", &human_size(a.size));
    }
}
