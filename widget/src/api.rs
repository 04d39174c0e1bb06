//! The host page's JavaScript API, on the widget's side (the loader owns
//! `window.Parlor`, see server/src/widget/loader.js): the identity and
//! custom fields the page gave, sent on every connection, and the events
//! the page listens to.

use leptos::prelude::*;
use parlor_protocol::live::VisitorFrame;
use serde::Deserialize;
use wasm_bindgen::{JsCast, JsValue};

/// `Parlor.identify({ externalId, name, email, signature })`.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct IdentifyArgs {
    external_id: String,
    name: Option<String>,
    email: Option<String>,
    signature: Option<String>,
}

/// What the page told about the visitor, and where events go.
#[derive(Clone, Copy)]
pub struct PageApi {
    identity: StoredValue<Option<VisitorFrame>>,
    fields: StoredValue<Vec<(String, String)>>,
    emit: StoredValue<Option<js_sys::Function>, LocalStorage>,
}

impl PageApi {
    pub fn new(emit: JsValue) -> Self {
        Self {
            identity: StoredValue::new(None),
            fields: StoredValue::new(Vec::new()),
            emit: StoredValue::new_local(emit.dyn_into().ok()),
        }
    }

    /// Keeps the identity; `None` if the JSON is not an identity.
    pub fn identify(&self, json: &str) -> Option<VisitorFrame> {
        let a: IdentifyArgs = serde_json::from_str(json).ok()?;
        let frame = VisitorFrame::Identify {
            external_id: a.external_id,
            name: a.name,
            email: a.email,
            signature: a.signature,
        };
        self.identity.set_value(Some(frame.clone()));
        Some(frame)
    }

    pub fn set_field(&self, key: String, value: String) -> VisitorFrame {
        self.fields.update_value(|f| {
            f.retain(|(k, _)| *k != key);
            f.push((key.clone(), value.clone()));
        });
        VisitorFrame::Field { key, value }
    }

    /// Everything to say again on a new connection, after `hello`.
    pub fn frames(&self) -> Vec<VisitorFrame> {
        let mut frames: Vec<_> = self.identity.get_value().into_iter().collect();
        self.fields.with_value(|f| {
            frames.extend(f.iter().map(|(key, value)| VisitorFrame::Field {
                key: key.clone(),
                value: value.clone(),
            }))
        });
        frames
    }

    /// A `message` event: `{ from, name, body }`.
    pub fn message(&self, from: &str, name: Option<&str>, body: &str) {
        // A struct, not `serde_json::json!`: `Value` costs bytes.
        #[derive(serde::Serialize)]
        struct Detail<'a> {
            from: &'a str,
            name: Option<&'a str>,
            body: &'a str,
        }
        let detail = serde_json::to_string(&Detail { from, name, body }).ok();
        self.emit("message", detail);
    }

    /// Calls the page's listeners for `event` (`open`, `close`, `message`)
    /// with `detail` as JSON. A listener that throws is the page's problem.
    pub fn emit(&self, event: &str, detail: Option<String>) {
        self.emit.with_value(|f| {
            if let Some(f) = f {
                let detail = detail.map_or(JsValue::NULL, |d| JsValue::from_str(&d));
                let _ = f.call2(&JsValue::NULL, &JsValue::from_str(event), &detail);
            }
        });
    }
}
