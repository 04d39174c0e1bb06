//! The visitor's WebSocket, speaking docs/protocol.md directly with
//! `web_sys::WebSocket` (a tag byte, then JSON). Each frame and each change
//! of the connection goes to the state (widget/src/state.rs), which says
//! `hello` with the saved token, conversation and last `seq` on every
//! (re)connection and resends every unacknowledged message with its
//! original id. Reconnects back off up to 8 s, and happen at once when the
//! browser comes back online.

use crate::chat::Chat;
use parlor_protocol::live::{ServerFrame, VisitorFrame, MAX_URL_CHARS};
use std::cell::{Cell, RefCell};
use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;
use web_sys::{BinaryType, MessageEvent, WebSocket};
use widget::state::{Event, Hello, Link};

/// One live socket and the handlers it must keep alive.
struct Open {
    ws: WebSocket,
    _handlers: [Closure<dyn FnMut(web_sys::Event)>; 3],
}

pub struct Socket {
    pub url: String,
    open: RefCell<Option<Open>>,
    /// The previous socket. Its handlers may be running when it is replaced
    /// (a close event closes it), so it is dropped one replacement later.
    dead: RefCell<Option<Open>>,
    retry_ms: Cell<i32>,
    /// Page URL last reported, to report changes only.
    page: RefCell<String>,
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
            url,
            open: RefCell::new(None),
            dead: RefCell::new(None),
            retry_ms: Cell::new(500),
            page: RefCell::new(href()),
        }
    }

    /// Connects at once when the browser comes back online.
    pub fn listen(&self, chat: &Chat) {
        if let Some(w) = web_sys::window() {
            let chat = chat.clone();
            let online = Closure::<dyn FnMut()>::new(move || chat.socket.connect(&chat));
            let _ = w.add_event_listener_with_callback("online", online.as_ref().unchecked_ref());
            // The widget lives as long as the page.
            online.forget();
        }
    }

    fn ready(&self) -> bool {
        self.open
            .borrow()
            .as_ref()
            .is_some_and(|o| o.ws.ready_state() == WebSocket::OPEN)
    }

    /// Sends if connected; the caller keeps anything that must not be lost.
    pub fn send(&self, frame: &VisitorFrame) {
        let json = crate::wire::visitor_frame(frame);
        let mut bytes = Vec::with_capacity(json.len() + 1);
        bytes.push(0);
        bytes.extend_from_slice(json.as_bytes());
        if let Some(o) = self.open.borrow().as_ref().filter(|_| self.ready()) {
            let _ = o.ws.send_with_u8_array(&bytes);
        }
    }

    /// Sends a queued message now, or on the next connection.
    pub fn deliver(&self, chat: &Chat, frame: &VisitorFrame) {
        if self.open.borrow().is_none() {
            self.connect(chat);
        } else {
            self.send(frame);
        }
    }

    /// Reports a changed page (single-page apps navigate without reloads).
    pub fn check_page(&self) {
        let now = href();
        if *self.page.borrow() != now && self.ready() {
            self.page.replace(now.clone());
            self.send(&VisitorFrame::Page { url: now });
        }
    }

    pub fn connect(&self, chat: &Chat) {
        if self.open.borrow().is_some() {
            return;
        }
        let Ok(ws) = WebSocket::new(&self.url) else {
            chat.dispatch(Event::Link(Link::Offline));
            return;
        };
        ws.set_binary_type(BinaryType::Arraybuffer);
        chat.dispatch(Event::Link(Link::Connecting));
        let c = chat.clone();
        let on_open = Closure::<dyn FnMut(web_sys::Event)>::new(move |_| c.socket.hello(&c));
        let c = chat.clone();
        let on_message = Closure::<dyn FnMut(web_sys::Event)>::new(move |e: web_sys::Event| {
            if let Some(frame) = e.dyn_ref::<MessageEvent>().and_then(decode) {
                c.dispatch(Event::Frame(frame));
            }
        });
        let c = chat.clone();
        let on_close = Closure::<dyn FnMut(web_sys::Event)>::new(move |_| c.socket.closed(&c));
        ws.set_onopen(Some(on_open.as_ref().unchecked_ref()));
        ws.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        ws.set_onclose(Some(on_close.as_ref().unchecked_ref()));
        self.open.replace(Some(Open {
            ws,
            _handlers: [on_open, on_message, on_close],
        }));
    }

    /// Open: `hello` and the rest (`State`'s rules), with the page's part.
    fn hello(&self, chat: &Chat) {
        self.retry_ms.set(500);
        let url = href();
        self.page.replace(url.clone());
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
        let taken = self.open.borrow_mut().take();
        if let Some(o) = taken {
            o.ws.set_onclose(None);
            o.ws.set_onmessage(None);
            let _ = o.ws.close();
            self.dead.replace(Some(o));
        }
    }

    fn closed(&self, chat: &Chat) {
        self.drop_socket();
        chat.dispatch(Event::Link(Link::Offline));
        let delay = self.retry_ms.get();
        self.retry_ms.set((delay * 2).min(8_000));
        let chat = chat.clone();
        crate::dom::later(
            move || {
                if chat.wants_socket() {
                    chat.socket.connect(&chat);
                }
            },
            delay,
        );
    }
}

/// A binary message: tag 0 then a JSON frame. Anything else is ignored.
fn decode(e: &MessageEvent) -> Option<ServerFrame> {
    let bytes = js_sys::Uint8Array::new(&e.data()).to_vec();
    match bytes.split_first() {
        Some((0, json)) => crate::wire::server_frame(std::str::from_utf8(json).ok()?),
        _ => None,
    }
}
