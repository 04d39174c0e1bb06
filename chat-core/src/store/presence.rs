//! Operator presence: the status each staff member chose and, per node,
//! whether an inbox of theirs is connected (`users.availability`,
//! `operator_presence`).

use super::StoreError;
use parlor_domain::{Availability, PresenceFacts, UserId};

/// One staff member's presence, as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StaffPresence {
    pub user: UserId,
    pub name: String,
    pub facts: PresenceFacts,
}

/// The facts presence is derived from.
#[async_trait::async_trait]
pub trait PresenceStore: Send + Sync {
    /// The status a staff member chose.
    async fn set_availability(
        &self,
        user: UserId,
        availability: Availability,
    ) -> Result<(), StoreError>;

    /// Whether `node` has an inbox of `user` connected, as of `now`.
    async fn set_presence(
        &self,
        node: &str,
        user: UserId,
        connected: bool,
        now: i64,
    ) -> Result<(), StoreError>;

    /// `node` is alive: its connected operators were seen at `now`.
    async fn presence_heartbeat(&self, node: &str, now: i64) -> Result<(), StoreError>;

    /// Every staff member's presence facts; a connection counts only if its
    /// node was seen at `fresh_since` or later (a node that died stops
    /// counting). Ordered by name.
    async fn staff_presence(&self, fresh_since: i64) -> Result<Vec<StaffPresence>, StoreError>;
}

/// `PresenceStore`'s statements, shared by both backends: expanded into an `impl`
/// for a backend's type by `sql_store!` (`sql_store.rs`).
macro_rules! presence_sql {
    ($store:ty, $db:ty) => {
        #[async_trait::async_trait]
        impl $crate::store::PresenceStore for $store {
            async fn set_availability(
                &self,
                user: UserId,
                availability: Availability,
            ) -> Result<(), StoreError> {
                sqlx::query("UPDATE users SET availability = $1 WHERE id = $2")
                    .bind(availability.as_str())
                    .bind(user.0)
                    .execute(&self.pool)
                    .await?;
                Ok(())
            }

            async fn set_presence(
                &self,
                node: &str,
                user: UserId,
                connected: bool,
                now: i64,
            ) -> Result<(), StoreError> {
                sqlx::query(
                    "INSERT INTO operator_presence (node, user_id, connected, seen_at) VALUES ($1, $2, $3, $4)
                     ON CONFLICT (node, user_id) DO UPDATE SET connected = excluded.connected, seen_at = excluded.seen_at",
                )
                .bind(node)
                .bind(user.0)
                .bind(i64::from(connected))
                .bind(now)
                .execute(&self.pool)
                .await?;
                Ok(())
            }

            async fn presence_heartbeat(&self, node: &str, now: i64) -> Result<(), StoreError> {
                sqlx::query("UPDATE operator_presence SET seen_at = $1 WHERE node = $2 AND connected = 1")
                    .bind(now)
                    .bind(node)
                    .execute(&self.pool)
                    .await?;
                // Rows of nodes long gone say nothing any more.
                sqlx::query("DELETE FROM operator_presence WHERE seen_at < $1")
                    .bind(now - 7 * 24 * 3600)
                    .execute(&self.pool)
                    .await?;
                Ok(())
            }

            async fn staff_presence(&self, fresh_since: i64) -> Result<Vec<StaffPresence>, StoreError> {
                let rows = sqlx::query(
                    "SELECT u.id, u.display_name, u.availability,
                            CAST(MAX(CASE WHEN p.connected = 1 AND p.seen_at >= $1 THEN 1 ELSE 0 END) AS BIGINT) AS connected,
                            MAX(p.seen_at) AS last_seen
                       FROM users u LEFT JOIN operator_presence p ON p.user_id = u.id
                      GROUP BY u.id, u.display_name, u.availability
                      ORDER BY lower(u.display_name), u.id",
                )
                .bind(fresh_since)
                .fetch_all(&self.pool)
                .await?;
                rows.iter().map(rows::staff_presence).collect()
            }
        }
    };
}

pub(super) use presence_sql;
