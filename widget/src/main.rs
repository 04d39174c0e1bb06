//! The visitor's chat panel. The loader script (served by Parlor, see
//! server/src/widget/loader.js) draws the launcher; on the visitor's intent,
//! or at once for a returning visitor with a conversation, it imports this
//! bundle and calls `start`, then `toggle` on each click. Everything renders
//! inside the loader's shadow root, so host-page CSS never reaches it, and all
//! visitor-visible text is inserted as text, never HTML.

mod api;
mod chat;
mod files;
mod i18n;
mod socket;
mod view;

use chat::Chat;
use leptos::prelude::*;
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
    api: api::PageApi,
    socket: Socket,
    chat: StoredValue<Option<Chat>>,
    title: String,
}

#[wasm_bindgen]
impl Widget {
    /// Opens or closes the chat window (the launcher's click).
    pub fn toggle(&self) {
        let open = self.with(|c| c.state.with_untracked(|s| s.open));
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
        if let Some(frame) = self.api.identify(json) {
            self.say(&frame);
        }
    }

    /// A trigger fired: its message shows in the channel's name and the
    /// window opens (without the focus), unless the visitor is busy.
    pub fn trigger(&self, id: u32, message: String) {
        if let Some(line) = chat::new_id() {
            self.dispatch(Event::Trigger {
                trigger: id,
                message,
                title: self.title.clone(),
                line,
            });
        }
    }

    /// `Parlor.setCustomField`.
    pub fn set_field(&self, key: String, value: String) {
        let frame = self.api.set_field(key, value);
        self.say(&frame);
    }

    /// Opens the chat window without taking the focus from the host page
    /// (a rule's timer: the visitor may be typing somewhere else).
    pub fn open_quietly(&self) {
        self.dispatch(Event::OpenQuietly);
    }
}

impl Widget {
    fn say(&self, frame: &parlor_protocol::live::VisitorFrame) {
        self.socket.send(frame);
    }

    fn with<T: Default>(&self, f: impl FnOnce(Chat) -> T) -> T {
        self.chat.get_value().map(f).unwrap_or_default()
    }

    fn dispatch(&self, event: Event) {
        self.with(|c| c.dispatch(event));
    }

    fn set_open(&self, open: bool, focus: bool) {
        self.dispatch(Event::Open { open, focus });
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
/// root, the launcher's unread badge. With `full_page` the window fills its
/// container and is always open (the direct chat link). `live` is the
/// WebSocket endpoint, absolute or relative to the page. `emit(event,
/// detail)`, if a function, hears the JS API's events. `online` says
/// whether an operator is online (`display`'s answer; anything but `false`
/// counts as online until the live connection tells).
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
    // serde_json's error text would cost bytes in every visitor's download.
    let config: WidgetConfig = serde_json::from_str(config_json)
        .map_err(|_| JsValue::from_str("Parlor: bad widget config"))?;
    let url = socket_url(live).ok_or_else(|| JsValue::from_str("Parlor: bad live URL"))?;
    let api = api::PageApi::new(emit);
    let socket = Socket::new(url);
    let chat_slot = StoredValue::new(None::<Chat>);
    let title = config.window_title.clone();
    // Effects and the socket are created inside the mount closure: `mount_to`
    // sets up the reactive owner they need.
    let handle = leptos::mount::mount_to(container, move || {
        let channel = config.channel_id;
        let mut state = State::new(channel, chat::load(channel), online, false);
        state.several_departments = config.departments.len() > 1;
        state.visible = page_visible();
        let chat = Chat::new(state, socket, api);
        chat_slot.set_value(Some(chat));
        if full_page {
            chat.dispatch(Event::Open {
                open: true,
                focus: true,
            });
        } else if chat.wants_socket() {
            socket.connect(chat);
        }
        let part = |selector: &str| {
            host.shadow_root()
                .and_then(|r| r.query_selector(selector).ok().flatten())
        };
        let (badge, launcher) = (part(".badge"), part(".launcher"));
        let open = chat.memo(|s| s.open);
        Effect::new(move |was_open: Option<bool>| {
            let is_open = open.get();
            let _ = host.toggle_attribute_with_force("data-open", is_open);
            if let Some(l) = &launcher {
                let _ = l.set_attribute("aria-expanded", if is_open { "true" } else { "false" });
                // Closing from inside the window hands the focus back to
                // the launcher, where a keyboard user left it.
                let inside = host
                    .shadow_root()
                    .and_then(|r| r.active_element())
                    .is_some_and(|e| &e != l);
                if was_open == Some(true) && !is_open && inside {
                    let _ = l.unchecked_ref::<web_sys::HtmlElement>().focus();
                }
            }
            if was_open.is_some_and(|was| was != is_open) {
                api.emit(if is_open { "open" } else { "close" }, None);
            }
            is_open
        });
        let unread = chat.memo(|s| s.unread);
        Effect::new(move || {
            if let Some(b) = &badge {
                let n = unread.get();
                b.set_text_content(Some(&n.to_string()));
                let _ = b.toggle_attribute_with_force("hidden", n == 0);
            }
        });
        let t = i18n::of_page();
        view! { <view::ChatWindow config chat full_page t /> }
    });
    // The widget lives as long as the page.
    handle.forget();
    Ok(Widget {
        api,
        socket,
        chat: chat_slot,
        title,
    })
}
