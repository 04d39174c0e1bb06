//! Parlor's application services. Each operation validates its input with
//! `parlor_domain`, checks who may do it, and persists through the store's
//! trait for that aggregate (`store/`). Nothing here knows about HTTP, WebSocket or Leptos: the server's
//! handlers and the app's server functions are thin adapters onto [`Parlor`].

mod alerts;
pub mod attachments;
mod auth;
pub mod bus;
mod canned;
mod channels;
mod conversations;
mod edits;
pub mod error;
pub mod hub;
pub mod identity;
mod inbox;
pub mod inbox_live;
pub mod live;
pub mod metrics;
mod names;
mod notes;
mod password;
pub mod presence;
mod routing;
mod search;
pub mod session;
mod setup;
pub mod store;
#[doc(hidden)]
pub mod testing;
mod transfer;
mod users;
pub mod visitor_context;

pub use auth::{Session, SESSION_TTL_SECS};
pub use conversations::{VisitorSession, HISTORY_PAGE};
pub use error::{Error, Result};
pub use inbox::{Access, CLOSED_IN_SNAPSHOT};
pub use setup::FirstAdmin;
pub use store::{Appended, Store, StoreError};

use std::sync::Arc;

/// The service facade, cheap to clone and shared by every request.
#[derive(Clone)]
pub struct Parlor {
    store: Arc<dyn Store>,
    hub: Arc<hub::Hub>,
    metrics: Arc<metrics::Metrics>,
    presence: Arc<presence::Presence>,
    /// Flips to true when the process is shutting down: every live session
    /// tells its client to reconnect (elsewhere) and ends.
    shutdown: Arc<tokio::sync::watch::Sender<bool>>,
}

impl Parlor {
    pub fn new(store: Arc<dyn Store>) -> Self {
        Self {
            store,
            hub: Arc::default(),
            metrics: Arc::default(),
            presence: Arc::default(),
            shutdown: Arc::new(tokio::sync::watch::channel(false).0),
        }
    }

    pub fn metrics(&self) -> &metrics::Metrics {
        &self.metrics
    }

    /// Starts a graceful shutdown of the live connections (see `drained`).
    pub fn begin_shutdown(&self) {
        self.shutdown.send_replace(true);
    }

    pub(crate) fn shutdown_signal(&self) -> tokio::sync::watch::Receiver<bool> {
        self.shutdown.subscribe()
    }

    /// Waits until no live connection is left, or `limit` has passed;
    /// true if none is left.
    pub async fn drained(&self, limit: std::time::Duration) -> bool {
        let deadline = tokio::time::Instant::now() + limit;
        while self.metrics.connections_open() > 0 {
            if tokio::time::Instant::now() >= deadline {
                return false;
            }
            tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        }
        true
    }

    /// The `/metrics` text.
    pub fn render_metrics(&self) -> String {
        self.metrics.render(self.store.health().write_queue_depth())
    }

    /// Ready to serve: the database answers.
    pub async fn ready(&self) -> Result<()> {
        Ok(self.store.health().ping().await?)
    }

    /// Opens the store named by `database_url` and runs its migrations.
    /// A failed migration is an error: the caller must not start serving.
    /// On PostgreSQL the node also joins the others' live events (`bus`).
    pub async fn open(database_url: &str) -> Result<Self> {
        let store = store::open(database_url).await?;
        let parlor = Self::new(store);
        if store::is_postgres(database_url) {
            bus::start(&parlor, database_url).await?;
        }
        Ok(parlor)
    }
}

/// Resolves once a shutdown has begun (see `Parlor::begin_shutdown`).
pub(crate) use session::stopping;

pub(crate) fn now_unix() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
}
