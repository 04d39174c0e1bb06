//! Each staff member's alert settings, kept as JSON in `users.alert_settings`.

use super::StoreError;
use parlor_domain::UserId;

/// Alert settings per staff member.
#[async_trait::async_trait]
pub trait AlertStore: Send + Sync {
    /// A user's alert settings as stored (JSON); `None` before they saved
    /// any, or for a user that does not exist.
    async fn alert_settings(&self, user: UserId) -> Result<Option<String>, StoreError>;

    /// Replaces a user's alert settings (JSON).
    async fn set_alert_settings(&self, user: UserId, json: &str) -> Result<(), StoreError>;
}

/// `AlertStore`'s statements, shared by both backends: expanded into an `impl`
/// for a backend's type by `sql_store!` (`sql_store.rs`).
macro_rules! alerts_sql {
    ($store:ty, $db:ty) => {
        #[async_trait::async_trait]
        impl $crate::store::AlertStore for $store {
            async fn alert_settings(&self, user: UserId) -> Result<Option<String>, StoreError> {
                let row = sqlx::query("SELECT alert_settings FROM users WHERE id = $1")
                    .bind(user.0)
                    .fetch_optional(&self.pool)
                    .await?;
                match row {
                    Some(row) => row.opt_text("alert_settings"),
                    None => Ok(None),
                }
            }

            async fn set_alert_settings(&self, user: UserId, json: &str) -> Result<(), StoreError> {
                sqlx::query("UPDATE users SET alert_settings = $1 WHERE id = $2")
                    .bind(json)
                    .bind(user.0)
                    .execute(&self.pool)
                    .await?;
                Ok(())
            }
        }
    };
}

pub(super) use alerts_sql;
