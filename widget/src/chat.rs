//! The browser shell around `widget::state`: one `State`, each event applied
//! to it, what it returns carried out (the socket, the page's storage, the
//! page's events), then the view brought up to date with what changed.

use crate::api::PageApi;
use crate::files::Files;
use crate::socket::Socket;
use crate::view::View;
use parlor_protocol::{ChannelId, MessageId};
use std::cell::{OnceCell, RefCell};
use std::rc::Rc;
use widget::saved::{self, Saved};
use widget::state::{Event, Out, State};

pub struct Inner {
    pub state: RefCell<State>,
    /// The state the view shows (`None` before its first drawing).
    shown: RefCell<Option<State>>,
    /// Events that came while the state was being drawn (a page's listener,
    /// run by a focus change, called the widget): applied right after.
    pending: RefCell<Vec<Event>>,
    pub socket: Socket,
    pub api: PageApi,
    pub files: Files,
    pub view: OnceCell<View>,
}

/// The window's state and where its effects go; cloned into every handler.
#[derive(Clone)]
pub struct Chat(pub Rc<Inner>);

impl std::ops::Deref for Chat {
    type Target = Inner;
    fn deref(&self) -> &Inner {
        &self.0
    }
}

impl Chat {
    pub fn new(state: State, socket: Socket, api: PageApi) -> Self {
        let chat = Self(Rc::new(Inner {
            state: RefCell::new(state),
            shown: RefCell::new(None),
            pending: RefCell::new(Vec::new()),
            socket,
            api,
            files: Files::default(),
            view: OnceCell::new(),
        }));
        chat.socket.listen(&chat);
        chat
    }

    /// Reads the state.
    pub fn with<T>(&self, f: impl FnOnce(&State) -> T) -> T {
        f(&self.state.borrow())
    }

    pub fn channel(&self) -> ChannelId {
        self.with(|s| s.channel)
    }

    /// Applies `event`, does what it asks for, then redraws what changed.
    /// No borrow is held while effects run: they may dispatch in turn.
    pub fn dispatch(&self, event: Event) {
        let Ok(mut state) = self.state.try_borrow_mut() else {
            self.pending.borrow_mut().push(event);
            return;
        };
        let outs = state.apply(event);
        drop(state);
        for out in outs {
            match out {
                Out::Send(frame) => self.socket.send(&frame),
                Out::Deliver(frame) => self.socket.deliver(self, &frame),
                Out::Connect => self.socket.connect(self),
                Out::Reconnect => {
                    self.socket.drop_socket();
                    self.socket.connect(self);
                }
                Out::Save => self.with(|s| store(s.channel, &s.saved)),
                Out::Emit { from, name, body } => self.api.message(from, name.as_deref(), &body),
            }
        }
        self.render();
        let next = self.pending.take();
        for event in next {
            self.dispatch(event);
        }
    }

    /// Brings the view up to date. The page hears `open`/`close` after the
    /// borrows end: its listeners may call the widget.
    pub fn render(&self) {
        let Some(view) = self.view.get() else {
            return;
        };
        let opened = {
            let state = self.state.borrow();
            let mut shown = self.shown.borrow_mut();
            if shown.as_ref() == Some(&*state) {
                return;
            }
            view.update(self, shown.as_ref(), &state);
            let opened = shown
                .as_ref()
                .filter(|was| was.open != state.open)
                .map(|_| state.open);
            *shown = Some(state.clone());
            opened
        };
        if let Some(open) = opened {
            self.api.emit(if open { "open" } else { "close" }, None);
        }
    }

    pub fn wants_socket(&self) -> bool {
        self.with(State::wants_socket)
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
        .and_then(|json| crate::wire::saved(&json))
        .unwrap_or_default()
}

fn store(channel: ChannelId, saved: &Saved) {
    if let Some(s) = storage() {
        let _ = s.set_item(&saved::key(channel), &crate::wire::saved_text(saved));
    }
}
