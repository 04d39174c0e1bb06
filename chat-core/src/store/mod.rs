//! Persistence, with two backends: SQLite (embedded, the default) and
//! PostgreSQL (several nodes). The services and the domain do not know
//! which one runs. Storage is split by aggregate: each file below holds one
//! small trait and that trait's SQL, shared by both backends
//! (`sql_store.rs` says how); `Store` only composes them. Backend-specific
//! SQL lives in the backend's modules only; row mapping (`rows.rs`) and
//! group commit (`group_commit.rs`) are shared.

mod alerts;
mod attachments;
mod canned;
mod channels;
mod conversations;
mod edits;
mod group_commit;
mod health;
mod help_forms;
mod mail_outbox;
mod mail_settings;
mod messages;
mod notes;
mod postgres;
mod postgres_writer;
mod presence;
mod routing;
mod rows;
mod search;
mod sql_store;
mod sqlite;
mod sqlite_writer;
mod teams;
mod ticket_files;
mod ticket_thread;
mod tickets;
mod users;
mod visitors;

pub use alerts::AlertStore;
pub use attachments::{AttachmentStore, StoredAttachment, ATTACHMENT_CHUNK_BYTES};
pub use canned::CannedStore;
pub use channels::{ChannelPart, ChannelStore};
pub use conversations::ConversationStore;
pub use edits::EditStore;
pub use health::HealthStore;
pub use help_forms::HelpFormStore;
pub use mail_outbox::MailOutboxStore;
pub use mail_settings::MailSettingsStore;
pub use messages::{MessageStore, NewMessage};
pub use notes::NoteStore;
pub use postgres::PostgresStore;
pub use presence::{PresenceStore, StaffPresence};
pub use routing::RoutingStore;
pub use search::SearchStore;
pub use sqlite::SqliteStore;
pub use teams::TeamStore;
pub use ticket_files::TicketFileStore;
pub use ticket_thread::{NewEntry, TicketThreadStore};
pub use tickets::TicketStore;
pub use users::{NewUserRecord, UserStore};
pub use visitors::VisitorStore;

use parlor_domain::Message;
use std::sync::Arc;

/// Everything a backend stores: the aggregates' traits together. `Parlor`
/// holds one `Arc<dyn Store>`; a service reaches the aggregate it works on
/// through the accessors below, each a narrow view of the same store.
pub trait Store:
    HealthStore
    + UserStore
    + AlertStore
    + ChannelStore
    + PresenceStore
    + VisitorStore
    + ConversationStore
    + MessageStore
    + RoutingStore
    + NoteStore
    + CannedStore
    + EditStore
    + AttachmentStore
    + SearchStore
    + TeamStore
    + TicketStore
    + TicketThreadStore
    + TicketFileStore
    + MailSettingsStore
    + MailOutboxStore
    + HelpFormStore
    + 'static
{
}

impl<T> Store for T where
    T: HealthStore
        + UserStore
        + AlertStore
        + ChannelStore
        + PresenceStore
        + VisitorStore
        + ConversationStore
        + MessageStore
        + RoutingStore
        + NoteStore
        + CannedStore
        + EditStore
        + AttachmentStore
        + SearchStore
        + TeamStore
        + TicketStore
        + TicketThreadStore
        + TicketFileStore
        + MailSettingsStore
        + MailOutboxStore
        + HelpFormStore
        + 'static
{
}

/// Narrow views of the store, one per aggregate.
impl dyn Store {
    pub fn health(&self) -> &dyn HealthStore {
        self
    }

    pub fn users(&self) -> &dyn UserStore {
        self
    }

    pub fn alerts(&self) -> &dyn AlertStore {
        self
    }

    pub fn channels(&self) -> &dyn ChannelStore {
        self
    }

    pub fn presence(&self) -> &dyn PresenceStore {
        self
    }

    pub fn visitors(&self) -> &dyn VisitorStore {
        self
    }

    pub fn conversations(&self) -> &dyn ConversationStore {
        self
    }

    pub fn messages(&self) -> &dyn MessageStore {
        self
    }

    pub fn routing(&self) -> &dyn RoutingStore {
        self
    }

    pub fn internal_notes(&self) -> &dyn NoteStore {
        self
    }

    pub fn canned(&self) -> &dyn CannedStore {
        self
    }

    pub fn edits(&self) -> &dyn EditStore {
        self
    }

    pub fn attachments(&self) -> &dyn AttachmentStore {
        self
    }

    pub fn conversation_search(&self) -> &dyn SearchStore {
        self
    }

    pub fn teams(&self) -> &dyn TeamStore {
        self
    }

    pub fn tickets(&self) -> &dyn TicketStore {
        self
    }

    pub fn ticket_thread(&self) -> &dyn TicketThreadStore {
        self
    }

    pub fn ticket_files(&self) -> &dyn TicketFileStore {
        self
    }

    pub fn mail_settings(&self) -> &dyn MailSettingsStore {
        self
    }

    pub fn mail_outbox(&self) -> &dyn MailOutboxStore {
        self
    }

    pub fn help_forms(&self) -> &dyn HelpFormStore {
        self
    }
}

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("{0} not found")]
    NotFound(&'static str),
    #[error("{0} already exists")]
    Conflict(&'static str),
    /// A message for a conversation that was closed; nothing was stored.
    #[error("the conversation is closed")]
    Closed,
    /// Holds only the URL's scheme: the rest may carry a password.
    #[error("unsupported database URL scheme {0:?} (expected sqlite: or postgres:)")]
    UnsupportedUrl(String),
    #[error("stored data is invalid: {0}")]
    Corrupt(String),
    /// The store could not take the write; nothing was stored. Retry.
    #[error("storage unavailable: {0}")]
    Unavailable(String),
    #[error("migration failed: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    #[error("database error: {0}")]
    Database(#[from] sqlx::Error),
}

/// The outcome of an append: a new message (or note), or the one already
/// stored under that id (a retried send), unchanged.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Appended<T = Message> {
    New(T),
    Existing(T),
}

impl<T> Appended<T> {
    pub fn message(&self) -> &T {
        match self {
            Appended::New(m) | Appended::Existing(m) => m,
        }
    }
}

/// Whether the URL names a PostgreSQL database.
pub fn is_postgres(database_url: &str) -> bool {
    database_url.starts_with("postgres:") || database_url.starts_with("postgresql:")
}

/// Opens the backend named by the URL's scheme and migrates it.
pub async fn open(database_url: &str) -> Result<Arc<dyn Store>, StoreError> {
    if database_url.starts_with("sqlite:") {
        Ok(Arc::new(SqliteStore::open(database_url).await?))
    } else if is_postgres(database_url) {
        Ok(Arc::new(PostgresStore::open(database_url).await?))
    } else {
        let scheme = database_url.split(':').next().unwrap_or_default();
        Err(StoreError::UnsupportedUrl(scheme.to_string()))
    }
}
