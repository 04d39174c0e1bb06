//! Whether the store answers, and how much the writer has waiting: what
//! readiness and `/metrics` ask.

use super::StoreError;

/// The store's own state, for readiness and metrics.
#[async_trait::async_trait]
pub trait HealthStore: Send + Sync {
    /// Answers when the database does (readiness).
    async fn ping(&self) -> Result<(), StoreError>;

    /// Writes waiting for the writer right now.
    fn write_queue_depth(&self) -> usize;
}

/// `HealthStore`'s statements, shared by both backends: expanded into an `impl`
/// for a backend's type by `sql_store!` (`sql_store.rs`).
macro_rules! health_sql {
    ($store:ty, $db:ty) => {
        #[async_trait::async_trait]
        impl $crate::store::HealthStore for $store {
            async fn ping(&self) -> Result<(), StoreError> {
                sqlx::query("SELECT 1").execute(&self.pool).await?;
                Ok(())
            }

            fn write_queue_depth(&self) -> usize {
                group_commit::queue_depth(&self.writer)
            }
        }
    };
}

pub(super) use health_sql;
