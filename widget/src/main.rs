//! The visitor's chat panel. The loader script (served by Parlor, see
//! server/src/widget/loader.js) draws the launcher; on the visitor's intent,
//! or at once for a returning visitor with a conversation, it imports this
//! bundle and calls `start`, then `toggle` on each click. Everything renders
//! inside the loader's shadow root, so host-page CSS never reaches it, and all
//! visitor-visible text is inserted as text, never HTML.

mod api;
mod chat;
mod dom;
mod files;
mod i18n;
mod socket;
mod view;
mod wire;

use chat::Chat;
use parlor_protocol::WidgetConfig;
use socket::Socket;
use wasm_bindgen::prelude::*;
use widget::state::{Event, State};

/// Trunk calls `main` when the module initialises; the loader calls `start`.
fn main() {}

/// One mounted chat window. Each loader keeps its own, so two channels on one
/// page (sharing this module) open their own windows.
#[wasm_bindgen]
pub struct Widget {
    chat: Chat,
    title: String,
}

#[wasm_bindgen]
impl Widget {
    /// Opens or closes the chat window (the launcher's click).
    pub fn toggle(&self) {
        let open = self.chat.with(|s| s.open);
        self.set_open(!open, true);
    }

    /// Opens the chat window and moves the focus into it.
    pub fn open(&self) {
        self.set_open(true, true);
    }

    pub fn close(&self) {
        self.set_open(false, false);
    }

    /// `Parlor.identify`, as JSON: kept for every connection, sent now if
    /// connected.
    pub fn identify(&self, json: &str) {
        if let Some(frame) = self.chat.api.identify(json) {
            self.chat.socket.send(&frame);
        }
    }

    /// A trigger fired: its message shows in the channel's name and the
    /// window opens (without the focus), unless the visitor is busy.
    pub fn trigger(&self, id: u32, message: String) {
        if let Some(line) = chat::new_id() {
            self.chat.dispatch(Event::Trigger {
                trigger: id,
                message,
                title: self.title.clone(),
                line,
            });
        }
    }

    /// `Parlor.setCustomField`.
    pub fn set_field(&self, key: String, value: String) {
        let frame = self.chat.api.set_field(key, value);
        self.chat.socket.send(&frame);
    }

    /// Opens the chat window without taking the focus from the host page
    /// (a rule's timer: the visitor may be typing somewhere else).
    pub fn open_quietly(&self) {
        self.chat.dispatch(Event::OpenQuietly);
    }
}

impl Widget {
    fn set_open(&self, open: bool, focus: bool) {
        self.chat.dispatch(Event::Open { open, focus });
    }
}

/// Whether the host page is on screen: an open window in a hidden tab is
/// not read yet.
pub fn page_visible() -> bool {
    web_sys::window()
        .and_then(|w| w.document())
        .is_none_or(|d| !d.hidden())
}

/// The live endpoint as a `ws:`/`wss:` URL, resolved against the page.
fn socket_url(live: &str) -> Option<String> {
    let href = web_sys::window()?.location().href().ok()?;
    let url = web_sys::Url::new_with_base(live, &href).ok()?;
    let scheme = if url.protocol() == "https:" {
        "wss:"
    } else {
        "ws:"
    };
    url.set_protocol(scheme);
    Some(url.href())
}

/// Mounts the chat window into `container`. `host` is the element that
/// carries `data-open` (the launcher's CSS follows it) and, in its shadow
/// root, the launcher and its unread badge; the window's stylesheet joins
/// that shadow root's. With `full_page` (the direct chat link) the window
/// fills the page in a shadow root of its own on `container`, and is always
/// open. `live` is the WebSocket endpoint, absolute or relative to the
/// page. `emit(event, detail)`, if a function, hears the JS API's events.
/// `online` says whether an operator is online (`display`'s answer;
/// anything but `false` counts as online until the live connection tells).
#[wasm_bindgen]
pub fn start(
    host: web_sys::Element,
    container: web_sys::HtmlElement,
    config_json: &str,
    full_page: bool,
    live: &str,
    emit: JsValue,
    online: JsValue,
) -> Result<Widget, JsValue> {
    let online = online.as_bool() != Some(false);
    let config: WidgetConfig =
        wire::config(config_json).ok_or_else(|| JsValue::from_str("Parlor: bad widget config"))?;
    let url = socket_url(live).ok_or_else(|| JsValue::from_str("Parlor: bad live URL"))?;
    let channel = config.channel_id;
    let mut state = State::new(channel, chat::load(channel), online, false);
    state.several_departments = config.departments.len() > 1;
    state.visible = page_visible();
    let chat = Chat::new(state, Socket::new(url), api::PageApi::new(emit));
    let title = config.window_title.clone();
    let (root, parent): (web_sys::Node, web_sys::Node) = if full_page {
        let root = container
            .attach_shadow(&web_sys::ShadowRootInit::new(web_sys::ShadowRootMode::Open))?;
        (root.clone().into(), root.into())
    } else {
        (container.get_root_node(), container.into())
    };
    let t = i18n::of_page();
    let view = view::View::build(
        &chat,
        config,
        full_page,
        t,
        &root,
        &parent,
        (!full_page).then_some(host),
    );
    let _ = chat.view.set(view);
    if full_page {
        // Drawn open from the start (no `open` event: it was never closed).
        chat.dispatch(Event::Open {
            open: true,
            focus: true,
        });
    } else {
        chat.render();
        if chat.wants_socket() {
            chat.socket.connect(&chat);
        }
    }
    Ok(Widget { chat, title })
}
