//! Parlor's application services. Each operation validates its input with
//! `parlor_domain`, checks who may do it, and persists through the store's
//! trait for that aggregate (`store/`). Nothing here knows about HTTP, WebSocket or Leptos: the server's
//! handlers and the app's server functions are thin adapters onto [`Parlor`].

pub mod alerts;
pub mod attachments;
mod auth;
pub mod bus;
pub mod canned;
mod channels;
pub mod chat_tickets;
mod clock;
mod conversations;
pub mod desk_live;
mod edits;
pub mod error;
pub mod events;
pub mod help_forms;
pub mod hub;
pub mod identity;
mod inbox;
pub mod inbox_live;
pub mod live;
pub mod mail_intake;
pub mod mail_outbox;
pub mod mail_settings;
pub mod metrics;
mod names;
mod notes;
mod parlor;
mod password;
pub mod presence;
mod routing;
mod search;
pub mod session;
mod setup;
pub mod store;
pub mod teams;
#[doc(hidden)]
pub mod testing;
pub mod ticket_files;
pub mod ticket_thread;
pub mod tickets;
mod transfer;
mod users;
pub mod visitor_context;

pub use auth::{Session, SESSION_TTL_SECS};
pub use conversations::{VisitorSession, HISTORY_PAGE};
pub use error::{Error, Result};
pub use inbox::{Access, CLOSED_IN_SNAPSHOT};
pub use parlor::{Options, Parlor};
pub use setup::FirstAdmin;
pub use store::{Appended, Store, StoreError};

pub(crate) use clock::{now_unix, stopping};
