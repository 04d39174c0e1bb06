//! The browser shell around `widget::state`: one `State` in a signal, each
//! event applied to it, and what it returns carried out (the socket, the
//! page's storage, the page's events).

use crate::api::PageApi;
use crate::socket::Socket;
use leptos::prelude::*;
use parlor_protocol::{ChannelId, MessageId};
use widget::saved::{self, Saved};
use widget::state::{Event, Out, State};

/// The window's state and where its effects go; copied into every
/// component and handler.
#[derive(Clone, Copy)]
pub struct Chat {
    pub state: RwSignal<State>,
    pub socket: Socket,
    pub api: PageApi,
}

impl Chat {
    pub fn new(state: State, socket: Socket, api: PageApi) -> Self {
        let chat = Self {
            state: RwSignal::new(state),
            socket,
            api,
        };
        socket.listen(chat);
        chat
    }

    /// Reads a part of the state; the view re-renders only when it changes.
    pub fn memo<T: Clone + PartialEq + Send + Sync + 'static>(
        &self,
        part: impl Fn(&State) -> T + Send + Sync + 'static,
    ) -> Memo<T> {
        let state = self.state;
        Memo::new(move |_| state.with(&part))
    }

    pub fn channel(&self) -> ChannelId {
        self.state.with_untracked(|s| s.channel)
    }

    /// Applies `event`, then does what it asks for.
    pub fn dispatch(&self, event: Event) {
        // Subscribers hear only of a real change (most ticks change nothing).
        let outs = self.state.try_maybe_update(|s| {
            let before = s.clone();
            let outs = s.apply(event);
            (*s != before, outs)
        });
        for out in outs.into_iter().flatten() {
            match out {
                Out::Send(frame) => self.socket.send(&frame),
                Out::Deliver(frame) => self.socket.deliver(*self, &frame),
                Out::Connect => self.socket.connect(*self),
                Out::Reconnect => {
                    self.socket.drop_socket();
                    self.socket.connect(*self);
                }
                Out::Save => self.state.with_untracked(|s| store(s.channel, &s.saved)),
                Out::Emit { from, name, body } => self.api.message(from, name.as_deref(), &body),
            }
        }
    }

    pub fn wants_socket(&self) -> bool {
        self.state.with_untracked(State::wants_socket)
    }
}

pub fn new_id() -> Option<MessageId> {
    web_sys::window()?.crypto().ok()?.random_uuid().parse().ok()
}

fn storage() -> Option<web_sys::Storage> {
    // Storage can be disabled or throw (privacy modes): then nothing persists.
    web_sys::window()?.local_storage().ok()?
}

pub fn load(channel: ChannelId) -> Saved {
    storage()
        .and_then(|s| s.get_item(&saved::key(channel)).ok()?)
        .and_then(|json| serde_json::from_str(&json).ok())
        .unwrap_or_default()
}

fn store(channel: ChannelId, saved: &Saved) {
    if let (Some(s), Ok(json)) = (storage(), serde_json::to_string(saved)) {
        let _ = s.set_item(&saved::key(channel), &json);
    }
}
