//! A few DOM helpers for the view, written straight against web-sys: a
//! framework's view builders cost more bytes than this whole panel (see
//! docs/performance.md). Text always goes in as text, never as HTML, and
//! no style attribute is ever written (a strict host CSP refuses them):
//! classes, `hidden`, and CSSOM properties only.

use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, UnwrapThrowExt};
use web_sys::{Document, Element, EventTarget, HtmlElement, Node};

pub fn doc() -> Document {
    web_sys::window().unwrap_throw().document().unwrap_throw()
}

/// A new `<tag class="class">` appended to `parent`.
pub fn el(parent: &Node, tag: &str, class: &str) -> HtmlElement {
    let e: HtmlElement = doc().create_element(tag).unwrap_throw().unchecked_into();
    if !class.is_empty() {
        e.set_class_name(class);
    }
    let _ = parent.append_child(&e);
    e
}

/// Like `el`, with `text` as its text.
pub fn text(parent: &Node, tag: &str, class: &str, text: &str) -> HtmlElement {
    let e = el(parent, tag, class);
    e.set_text_content(Some(text));
    e
}

/// A `<button type="button">` with a text.
pub fn button(parent: &Node, class: &str, label: &str) -> HtmlElement {
    let b = text(parent, "button", class, label);
    attr(&b, "type", "button");
    b
}

pub fn attr(e: &Element, name: &str, value: &str) {
    let _ = e.set_attribute(name, value);
}

pub fn flag(e: &Element, name: &str, on: bool) {
    let _ = e.toggle_attribute_with_force(name, on);
}

/// A part that comes and goes: out of the document while not shown (so
/// nothing can reach it, not even a search of the window), back in its
/// place, marked by an empty comment, when shown.
pub struct Slot {
    pub el: HtmlElement,
    mark: web_sys::Comment,
}

impl Slot {
    /// `el` is in its place; it stays until the first `show`.
    pub fn new(el: HtmlElement) -> Self {
        let mark = doc().create_comment("");
        let _ = el.before_with_node_1(&mark);
        Self { el, mark }
    }

    pub fn show(&self, on: bool) {
        if !on {
            self.el.remove();
        } else if self.el.parent_node().is_none() {
            let _ = self.mark.after_with_node_1(&self.el);
        }
    }
}

impl std::ops::Deref for Slot {
    type Target = HtmlElement;
    fn deref(&self) -> &HtmlElement {
        &self.el
    }
}

pub fn class(e: &Element, name: &str, on: bool) {
    let _ = e.class_list().toggle_with_force(name, on);
}

pub fn yes_no(on: bool) -> &'static str {
    if on {
        "true"
    } else {
        "false"
    }
}

/// Listens to `event` on `target` for the page's lifetime.
pub fn on(target: &EventTarget, event: &str, f: impl FnMut(web_sys::Event) + 'static) {
    let f = Closure::<dyn FnMut(web_sys::Event)>::new(f);
    let _ = target.add_event_listener_with_callback(event, f.as_ref().unchecked_ref());
    // The window lives as long as the page.
    f.forget();
}

/// The element an event came from, or its nearest ancestor matching
/// `selector` (one listener on a list serves all its rows).
pub fn closest(e: &web_sys::Event, selector: &str) -> Option<Element> {
    e.target()?
        .dyn_into::<Element>()
        .ok()?
        .closest(selector)
        .ok()?
}

/// The value of an `<input>`, `<textarea>` or `<select>` an event came
/// from.
pub fn value(e: &web_sys::Event) -> String {
    e.target()
        .and_then(|t| t.dyn_into::<Element>().ok())
        .map(|t| value_of(&t))
        .unwrap_or_default()
}

/// Sets a form field's value (which is not an attribute).
pub fn set_value(e: &Element, v: &str) {
    let _ = js_sys::Reflect::set(e, &"value".into(), &v.into());
}

pub fn later(f: impl FnOnce() + 'static, ms: i32) {
    if let Some(w) = web_sys::window() {
        let f = Closure::once_into_js(f);
        let _ = w.set_timeout_with_callback_and_timeout_and_arguments_0(f.unchecked_ref(), ms);
    }
}

pub fn next_frame(f: impl FnOnce() + 'static) {
    if let Some(w) = web_sys::window() {
        let f = Closure::once_into_js(f);
        let _ = w.request_animation_frame(f.unchecked_ref());
    }
}

/// The value of a form field.
pub fn value_of(e: &Element) -> String {
    js_sys::Reflect::get(e, &"value".into())
        .ok()
        .and_then(|v| v.as_string())
        .unwrap_or_default()
}
