//! Parlor's application services. Each operation validates its input with
//! `parlor_domain`, checks who may do it, and persists through the `Store`
//! trait. Nothing here knows about HTTP, WebSocket or Leptos: the server's
//! handlers and the app's server functions are thin adapters onto [`Parlor`].

mod auth;
mod channels;
mod conversations;
pub mod error;
pub mod hub;
mod inbox;
pub mod inbox_live;
pub mod live;
pub mod metrics;
mod names;
mod password;
mod setup;
pub mod store;
mod users;

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
}

impl Parlor {
    pub fn new(store: Arc<dyn Store>) -> Self {
        Self {
            store,
            hub: Arc::default(),
            metrics: Arc::default(),
        }
    }

    pub fn metrics(&self) -> &metrics::Metrics {
        &self.metrics
    }

    /// The `/metrics` text.
    pub fn render_metrics(&self) -> String {
        self.metrics.render(self.store.write_queue_depth())
    }

    /// Ready to serve: the database answers.
    pub async fn ready(&self) -> Result<()> {
        Ok(self.store.ping().await?)
    }

    /// Opens the store named by `database_url` and runs its migrations.
    /// A failed migration is an error: the caller must not start serving.
    pub async fn open(database_url: &str) -> Result<Self> {
        let store = store::open(database_url).await?;
        Ok(Self::new(store))
    }
}

pub(crate) fn now_unix() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
}
