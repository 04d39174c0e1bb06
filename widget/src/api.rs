//! The host page's JavaScript API, on the widget's side (the loader owns
//! `window.Parlor`, see server/src/widget/loader.js): the identity and
//! custom fields the page gave, sent on every connection, and the events
//! the page listens to.

use parlor_protocol::live::VisitorFrame;
use std::cell::RefCell;
use wasm_bindgen::{JsCast, JsValue};

/// What the page told about the visitor, and where events go.
pub struct PageApi {
    identity: RefCell<Option<VisitorFrame>>,
    fields: RefCell<Vec<(String, String)>>,
    emit: Option<js_sys::Function>,
}

impl PageApi {
    pub fn new(emit: JsValue) -> Self {
        Self {
            identity: RefCell::new(None),
            fields: RefCell::new(Vec::new()),
            emit: emit.dyn_into().ok(),
        }
    }

    /// Keeps the identity; `None` if the JSON is not an identity.
    pub fn identify(&self, json: &str) -> Option<VisitorFrame> {
        let frame = crate::wire::identify(json)?;
        self.identity.replace(Some(frame.clone()));
        Some(frame)
    }

    pub fn set_field(&self, key: String, value: String) -> VisitorFrame {
        let mut f = self.fields.borrow_mut();
        f.retain(|(k, _)| *k != key);
        f.push((key.clone(), value.clone()));
        VisitorFrame::Field { key, value }
    }

    /// Everything to say again on a new connection, after `hello`.
    pub fn frames(&self) -> Vec<VisitorFrame> {
        let mut frames: Vec<_> = self.identity.borrow().clone().into_iter().collect();
        frames.extend(
            self.fields
                .borrow()
                .iter()
                .map(|(key, value)| VisitorFrame::Field {
                    key: key.clone(),
                    value: value.clone(),
                }),
        );
        frames
    }

    /// A `message` event: `{ from, name, body }`.
    pub fn message(&self, from: &str, name: Option<&str>, body: &str) {
        let detail = crate::wire::message_detail(from, name, body);
        self.emit("message", Some(detail));
    }

    /// Calls the page's listeners for `event` (`open`, `close`, `message`)
    /// with `detail` as JSON. A listener that throws is the page's problem.
    pub fn emit(&self, event: &str, detail: Option<String>) {
        if let Some(f) = &self.emit {
            let detail = detail.map_or(JsValue::NULL, |d| JsValue::from_str(&d));
            let _ = f.call2(&JsValue::NULL, &JsValue::from_str(event), &detail);
        }
    }
}
