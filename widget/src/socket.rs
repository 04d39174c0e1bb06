//! The visitor's WebSocket, speaking docs/protocol.md directly with
//! `web_sys::WebSocket` (a tag byte, then JSON). Each frame and each change
//! of the connection goes to the state (widget/src/state.rs), which says
//! `hello` with the saved token, conversation and last `seq` on every
//! (re)connection and resends every unacknowledged message with its
//! original id. Reconnects back off up to 8 s, and happen at once when the
//! browser comes back online.

use crate::chat::Chat;
use leptos::prelude::*;
use parlor_protocol::live::{ServerFrame, VisitorFrame, MAX_URL_CHARS};
use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;
use web_sys::{BinaryType, MessageEvent, WebSocket};
use widget::state::{Event, Hello, Link};

/// One live socket and the handlers it must keep alive.
struct Open {
    ws: WebSocket,
    _handlers: [Closure<dyn FnMut(web_sys::Event)>; 3],
}

#[derive(Clone, Copy)]
pub struct Socket {
    pub url: StoredValue<String>,
    open: StoredValue<Option<Open>, LocalStorage>,
    /// The previous socket. Its handlers may be running when it is replaced
    /// (a close event closes it), so it is dropped one replacement later.
    dead: StoredValue<Option<Open>, LocalStorage>,
    retry_ms: StoredValue<i32>,
    /// Page URL last reported, to report changes only.
    page: StoredValue<String>,
}

fn href() -> String {
    web_sys::window()
        .and_then(|w| w.location().href().ok())
        .unwrap_or_default()
}

/// For the operators' visitor panel: the host page's referrer, the browser's
/// language and IANA time zone. The server checks each before keeping it.
fn whereabouts() -> (Option<String>, Option<String>, Option<String>) {
    let Some(window) = web_sys::window() else {
        return (None, None, None);
    };
    let referrer = window
        .document()
        .map(|d| d.referrer())
        .filter(|r| !r.is_empty())
        .map(|r| r.chars().take(MAX_URL_CHARS).collect());
    let language = window.navigator().language();
    let options = js_sys::Intl::DateTimeFormat::new(&js_sys::Array::new(), &js_sys::Object::new())
        .resolved_options();
    let time_zone = js_sys::Reflect::get(&options, &"timeZone".into())
        .ok()
        .and_then(|z| z.as_string());
    (referrer, language, time_zone)
}

impl Socket {
    pub fn new(url: String) -> Self {
        Self {
            url: StoredValue::new(url),
            open: StoredValue::new_local(None),
            dead: StoredValue::new_local(None),
            retry_ms: StoredValue::new(500),
            page: StoredValue::new(href()),
        }
    }

    /// Connects at once when the browser comes back online.
    pub fn listen(&self, chat: Chat) {
        if let Some(w) = web_sys::window() {
            let s = *self;
            let online = Closure::<dyn FnMut()>::new(move || s.connect(chat));
            let _ = w.add_event_listener_with_callback("online", online.as_ref().unchecked_ref());
            // The widget lives as long as the page.
            online.forget();
        }
    }

    fn ready(&self) -> bool {
        self.open.with_value(|o| {
            o.as_ref()
                .is_some_and(|o| o.ws.ready_state() == WebSocket::OPEN)
        })
    }

    /// Sends if connected; the caller keeps anything that must not be lost.
    pub fn send(&self, frame: &VisitorFrame) {
        let Ok(json) = serde_json::to_vec(frame) else {
            return;
        };
        let mut bytes = Vec::with_capacity(json.len() + 1);
        bytes.push(0);
        bytes.extend_from_slice(&json);
        self.open.with_value(|o| {
            if let Some(o) = o.as_ref().filter(|_| self.ready()) {
                let _ = o.ws.send_with_u8_array(&bytes);
            }
        });
    }

    /// Sends a queued message now, or on the next connection.
    pub fn deliver(&self, chat: Chat, frame: &VisitorFrame) {
        if self.open.with_value(Option::is_none) {
            self.connect(chat);
        } else {
            self.send(frame);
        }
    }

    /// Reports a changed page (single-page apps navigate without reloads).
    pub fn check_page(&self) {
        let now = href();
        if self.page.with_value(|p| *p != now) && self.ready() {
            self.page.set_value(now.clone());
            self.send(&VisitorFrame::Page { url: now });
        }
    }

    pub fn connect(&self, chat: Chat) {
        if self.open.with_value(Option::is_some) {
            return;
        }
        let Ok(ws) = WebSocket::new(&self.url.get_value()) else {
            chat.dispatch(Event::Link(Link::Offline));
            return;
        };
        ws.set_binary_type(BinaryType::Arraybuffer);
        chat.dispatch(Event::Link(Link::Connecting));
        let s = *self;
        let on_open = Closure::<dyn FnMut(web_sys::Event)>::new(move |_| s.hello(chat));
        let on_message = Closure::<dyn FnMut(web_sys::Event)>::new(move |e: web_sys::Event| {
            if let Some(frame) = e.dyn_ref::<MessageEvent>().and_then(decode) {
                chat.dispatch(Event::Frame(frame));
            }
        });
        let on_close = Closure::<dyn FnMut(web_sys::Event)>::new(move |_| s.closed(chat));
        ws.set_onopen(Some(on_open.as_ref().unchecked_ref()));
        ws.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        ws.set_onclose(Some(on_close.as_ref().unchecked_ref()));
        self.open.set_value(Some(Open {
            ws,
            _handlers: [on_open, on_message, on_close],
        }));
    }

    /// Open: `hello` and the rest (`State`'s rules), with the page's part.
    fn hello(&self, chat: Chat) {
        self.retry_ms.set_value(500);
        let url = href();
        self.page.set_value(url.clone());
        let (referrer, language, time_zone) = whereabouts();
        chat.dispatch(Event::Connected(Hello {
            page_url: Some(url),
            referrer,
            language,
            time_zone,
            page_frames: chat.api.frames(),
        }));
    }

    pub fn drop_socket(&self) {
        if let Some(o) = self.open.try_update_value(Option::take).flatten() {
            o.ws.set_onclose(None);
            o.ws.set_onmessage(None);
            let _ = o.ws.close();
            self.dead.set_value(Some(o));
        }
    }

    fn closed(&self, chat: Chat) {
        self.drop_socket();
        chat.dispatch(Event::Link(Link::Offline));
        let delay = self.retry_ms.get_value();
        self.retry_ms.set_value((delay * 2).min(8_000));
        let s = *self;
        let again = Closure::once_into_js(move || {
            if chat.wants_socket() {
                s.connect(chat);
            }
        });
        if let Some(w) = web_sys::window() {
            let _ = w.set_timeout_with_callback_and_timeout_and_arguments_0(
                again.unchecked_ref(),
                delay,
            );
        }
    }
}

/// A binary message: tag 0 then a JSON frame. Anything else is ignored.
fn decode(e: &MessageEvent) -> Option<ServerFrame> {
    let bytes = js_sys::Uint8Array::new(&e.data()).to_vec();
    match bytes.split_first() {
        Some((0, json)) => serde_json::from_slice(json).ok(),
        _ => None,
    }
}
