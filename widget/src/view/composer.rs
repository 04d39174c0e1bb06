//! The composer: the text, the paperclip and the send button, with the
//! upload's progress or error above it. Enter sends, Shift+Enter breaks the
//! line. The text grows with what is typed, up to a few lines (CSS
//! `field-sizing`, measured by hand where a browser lacks it), so a long
//! placeholder is never clipped.

use super::changed;
use crate::chat::{new_id, Chat};
use crate::dom::{self, attr, button, el, flag, on, set_value, text, value, Slot};
use crate::files::Files;
use wasm_bindgen::JsCast;
use web_sys::{Element, HtmlElement};
use widget::state::{Event, State};

/// Uploads a picked or dropped file, then sends it with the draft (the text
/// typed stays in the composer if the upload fails).
pub fn attach(chat: &Chat, file: web_sys::File) {
    if !chat.with(State::may_attach) {
        return;
    }
    chat.dispatch(Event::Upload(file.name()));
    let c = chat.clone();
    let t = chat.view.get().map_or_else(crate::i18n::of_page, |v| v.t);
    Files::upload(chat, &file, t, move |result| {
        c.dispatch(Event::Uploaded {
            id: new_id(),
            result,
        })
    });
}

fn send(chat: &Chat) {
    if let Some(id) = new_id() {
        chat.dispatch(Event::Send(id));
    }
}

pub struct Composer {
    uploading: Slot,
    error: Slot,
    form: HtmlElement,
    attach: HtmlElement,
    area: HtmlElement,
    send: HtmlElement,
    t: &'static crate::i18n::Texts,
}

impl Composer {
    pub fn build(
        window: &HtmlElement,
        chat: &Chat,
        t: &'static crate::i18n::Texts,
        placeholder: &str,
        color: &str,
    ) -> Self {
        let uploading = Slot::new(el(window, "p", "file-note"));
        attr(&uploading, "role", "status");
        let error = Slot::new(el(window, "p", "file-note failed"));
        attr(&error, "role", "alert");
        let hint = text(window, "div", "drop-hint", t.drop_file);
        attr(&hint, "aria-hidden", "true");
        let form = el(window, "form", "composer");
        let picker = el(&form, "input", "picker");
        attr(&picker, "type", "file");
        attr(&picker, "tabindex", "-1");
        attr(&picker, "aria-hidden", "true");
        let attach_button = button(&form, "attach", "");
        attr(&attach_button, "aria-label", t.attach);
        attr(&attach_button, "title", t.attach);
        paperclip(&attach_button);
        let area = el(&form, "textarea", "");
        attr(&area, "rows", "1");
        attr(&area, "aria-label", t.message);
        attr(&area, "placeholder", placeholder);
        let send_button = text(&form, "button", "send", "➤");
        attr(&send_button, "type", "submit");
        attr(&send_button, "aria-label", t.send);
        let _ = send_button.style().set_property("background-color", color);

        let c = chat.clone();
        on(&picker, "change", move |e| {
            let Some(input) = e
                .target()
                .and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok())
            else {
                return;
            };
            if let Some(file) = input.files().and_then(|f| f.get(0)) {
                attach(&c, file);
            }
            // Picking the same file again is a change too.
            input.set_value("");
        });
        let p = picker.clone();
        on(&attach_button, "click", move |_| p.click());
        let c = chat.clone();
        on(&area, "input", move |e| {
            c.dispatch(Event::Typed {
                text: value(&e),
                now: js_sys::Date::now(),
            });
            if let Some(a) = e.target().and_then(|t| t.dyn_into::<Element>().ok()) {
                fit(&a);
            }
        });
        let c = chat.clone();
        on(&area, "keydown", move |e| {
            let k = e.unchecked_ref::<web_sys::KeyboardEvent>();
            if k.key() == "Enter" && !k.shift_key() && !k.is_composing() {
                e.prevent_default();
                send(&c);
            }
        });
        let c = chat.clone();
        on(&form, "submit", move |e| {
            e.prevent_default();
            send(&c);
        });
        Self {
            uploading,
            error,
            form,
            attach: attach_button,
            area,
            send: send_button,
            t,
        }
    }

    /// The field that takes the focus when the window opens.
    pub fn field(&self) -> HtmlElement {
        self.area.clone()
    }

    pub fn update(&self, prev: Option<&State>, cur: &State) {
        if changed(prev, cur, |s| s.uploading.clone()) {
            self.uploading.show(cur.uploading.is_some());
            flag(&self.attach, "disabled", cur.uploading.is_some());
            if let Some(n) = &cur.uploading {
                self.uploading
                    .set_text_content(Some(&crate::i18n::fill(self.t.uploading, n)));
            }
        }
        if changed(prev, cur, |s| s.file_error.clone()) {
            self.error.show(cur.file_error.is_some());
            self.error.set_text_content(cur.file_error.as_deref());
        }
        if changed(prev, cur, State::offline_form) {
            flag(&self.form, "hidden", cur.offline_form());
        }
        if changed(prev, cur, State::cannot_send) {
            flag(&self.send, "disabled", cur.cannot_send());
        }
        // Set only when the state's text differs from the field's (it was
        // sent and cleared): typing is never interrupted.
        if changed(prev, cur, |s| s.draft.clone()) && dom::value_of(&self.area) != cur.draft {
            set_value(&self.area, &cur.draft);
            fit(&self.area);
        }
    }
}

/// Grows the text with its lines where CSS `field-sizing` is missing (the
/// stylesheet caps the height).
fn fit(area: &Element) {
    if web_sys::css::supports_with_value("field-sizing", "content").unwrap_or(false) {
        return;
    }
    let Some(a) = area.dyn_ref::<HtmlElement>() else {
        return;
    };
    let style = a.style();
    let _ = style.set_property("height", "auto");
    let _ = style.set_property("height", &format!("{}px", a.scroll_height() + 2));
}

/// The paperclip icon, built as SVG elements (no markup parsing: a page
/// enforcing Trusted Types refuses `innerHTML`).
fn paperclip(parent: &HtmlElement) {
    const NS: Option<&str> = Some("http://www.w3.org/2000/svg");
    let doc = dom::doc();
    if let (Ok(svg), Ok(path)) = (
        doc.create_element_ns(NS, "svg"),
        doc.create_element_ns(NS, "path"),
    ) {
        attr(&svg, "viewBox", "0 0 24 24");
        attr(&svg, "aria-hidden", "true");
        attr(
            &path,
            "d",
            "M21 11l-9 9a6 6 0 0 1-8.5-8.5l9-9a4 4 0 0 1 5.7 5.7l-9 9a2 2 0 0 1-2.9-2.9l8.5-8.4",
        );
        let _ = svg.append_child(&path);
        let _ = parent.append_child(&svg);
    }
}
