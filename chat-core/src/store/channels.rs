//! Channels: settings, the parts kept as JSON columns (rules, embedding and
//! allowed sites, triggers, departments, identity) and their operators
//! (`channels`, `channel_operators`).

use super::{rows, StoreError};
use parlor_domain::{
    Channel, ChannelDepartments, ChannelId, ChannelIdentity, ChannelRules, ChannelSettings,
    ChannelSummary, ChannelTriggers, Embedding, UserId,
};

/// A part of a channel kept whole in a JSON column of `channels`.
pub enum ChannelPart<'a> {
    Rules(&'a ChannelRules),
    Embedding(&'a Embedding),
    Triggers(&'a ChannelTriggers),
    Departments(&'a ChannelDepartments),
    Identity(&'a ChannelIdentity),
}

impl ChannelPart<'_> {
    pub(super) fn column(&self) -> &'static str {
        match self {
            ChannelPart::Rules(_) => "rules",
            ChannelPart::Embedding(_) => "embedding",
            ChannelPart::Triggers(_) => "triggers",
            ChannelPart::Departments(_) => "departments",
            ChannelPart::Identity(_) => "identity",
        }
    }

    pub(super) fn json(&self) -> Result<String, StoreError> {
        match self {
            ChannelPart::Rules(v) => rows::to_json(v),
            ChannelPart::Embedding(v) => rows::to_json(v),
            ChannelPart::Triggers(v) => rows::to_json(v),
            ChannelPart::Departments(v) => rows::to_json(v),
            ChannelPart::Identity(v) => rows::to_json(v),
        }
    }
}

/// Channels and who operates them.
#[async_trait::async_trait]
pub trait ChannelStore: Send + Sync {
    async fn count_channels(&self) -> Result<u64, StoreError>;

    /// Inserts the channel and its first operators in one transaction.
    async fn insert_channel(
        &self,
        id: ChannelId,
        settings: &ChannelSettings,
        embedding: &Embedding,
        identity: &ChannelIdentity,
        operators: &[UserId],
        now: i64,
    ) -> Result<Channel, StoreError>;

    async fn get_channel(&self, id: ChannelId) -> Result<Option<Channel>, StoreError>;

    async fn list_channels(&self) -> Result<Vec<ChannelSummary>, StoreError>;

    /// Replaces all settings in one statement: a channel is never half-saved.
    async fn update_channel_settings(
        &self,
        id: ChannelId,
        settings: &ChannelSettings,
        now: i64,
    ) -> Result<Channel, StoreError>;

    /// Replaces one part of a channel kept as a JSON column.
    async fn update_channel_part(
        &self,
        id: ChannelId,
        part: ChannelPart<'_>,
        now: i64,
    ) -> Result<Channel, StoreError>;

    /// Adds (`member = true`) or removes a user from a channel's operators.
    /// Idempotent.
    async fn set_channel_operator(
        &self,
        id: ChannelId,
        user: UserId,
        member: bool,
    ) -> Result<(), StoreError>;

    /// Every (channel, operator) pair.
    async fn channel_members(&self) -> Result<Vec<(ChannelId, UserId)>, StoreError>;

    /// The channels a user operates (admins see every channel anyway).
    async fn operator_channels(&self, user: UserId) -> Result<Vec<ChannelId>, StoreError>;
}

/// `ChannelStore`'s statements, shared by both backends: expanded into an `impl`
/// for a backend's type by `sql_store!` (`sql_store.rs`).
macro_rules! channels_sql {
    ($store:ty, $db:ty) => {
        type Query<'q> = sqlx::query::Query<'q, $db, <$db as sqlx::Database>::Arguments<'q>>;

        /// Binds the nine settings columns, in the order name, window_title,
        /// notification_text, button_color, header_color, welcome_message,
        /// input_placeholder, theme, conversation_mode: every statement that
        /// writes settings lists them so.
        fn bind_settings<'q>(query: Query<'q>, s: &'q ChannelSettings) -> Query<'q> {
            query
                .bind(&s.name)
                .bind(&s.window_title)
                .bind(&s.notification_text)
                .bind(s.button_color.as_str())
                .bind(s.header_color.as_str())
                .bind(&s.welcome_message)
                .bind(&s.input_placeholder)
                .bind(s.theme.as_str())
                .bind(s.conversation_mode.as_str())
        }

        #[async_trait::async_trait]
        impl $crate::store::ChannelStore for $store {
            async fn count_channels(&self) -> Result<u64, StoreError> {
                let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM channels")
                    .fetch_one(&self.pool)
                    .await?;
                Ok(n as u64)
            }

            async fn insert_channel(
                &self,
                id: ChannelId,
                s: &ChannelSettings,
                embedding: &Embedding,
                identity: &ChannelIdentity,
                operators: &[UserId],
                now: i64,
            ) -> Result<Channel, StoreError> {
                let mut tx = self.pool.begin().await?;
                bind_settings(
                    sqlx::query(
                        "INSERT INTO channels (name, window_title, notification_text, button_color,
                             header_color, welcome_message, input_placeholder, theme, conversation_mode,
                             id, created_at, updated_at, embedding, identity)
                         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)",
                    ),
                    s,
                )
                .bind(Key(id.0))
                .bind(now)
                .bind(now)
                .bind(rows::to_json(embedding)?)
                .bind(rows::to_json(identity)?)
                .execute(&mut *tx)
                .await?;
                for user in operators {
                    sqlx::query("INSERT INTO channel_operators (channel_id, user_id) VALUES ($1, $2)")
                        .bind(Key(id.0))
                        .bind(user.0)
                        .execute(&mut *tx)
                        .await?;
                }
                tx.commit().await?;
                Ok(Channel {
                    id,
                    settings: s.clone(),
                    rules: ChannelRules::default(),
                    embedding: embedding.clone(),
                    identity: identity.clone(),
                    triggers: ChannelTriggers::default(),
                    departments: ChannelDepartments::default(),
                    operators: operators.to_vec(),
                })
            }

            async fn get_channel(&self, id: ChannelId) -> Result<Option<Channel>, StoreError> {
                let Some(row) = sqlx::query("SELECT * FROM channels WHERE id = $1")
                    .bind(Key(id.0))
                    .fetch_optional(&self.pool)
                    .await?
                else {
                    return Ok(None);
                };
                let operators: Vec<i64> = sqlx::query_scalar(
                    "SELECT user_id FROM channel_operators WHERE channel_id = $1 ORDER BY user_id",
                )
                .bind(Key(id.0))
                .fetch_all(&self.pool)
                .await?;
                Ok(Some(Channel {
                    id,
                    settings: rows::settings(&row)?,
                    rules: rows::json(&row, "rules")?,
                    embedding: rows::json(&row, "embedding")?,
                    identity: rows::json(&row, "identity")?,
                    triggers: rows::json(&row, "triggers")?,
                    departments: rows::json(&row, "departments")?,
                    operators: operators.into_iter().map(UserId).collect(),
                }))
            }

            async fn list_channels(&self) -> Result<Vec<ChannelSummary>, StoreError> {
                // In creation order: `created_at` is in seconds, and ids
                // (UUIDv7) order channels made within the same one.
                let rows = sqlx::query(
                    "SELECT c.id, c.name, c.button_color,
                            (SELECT COUNT(*) FROM channel_operators o WHERE o.channel_id = c.id) AS operators
                     FROM channels c ORDER BY c.created_at, c.id",
                )
                .fetch_all(&self.pool)
                .await?;
                rows.iter()
                    .map(|row| {
                        Ok(ChannelSummary {
                            id: ChannelId(row.uuid("id")?),
                            name: row.text("name")?,
                            button_color: rows::color(row, "button_color")?,
                            operator_count: row.int("operators")? as u32,
                        })
                    })
                    .collect()
            }

            async fn update_channel_settings(
                &self,
                id: ChannelId,
                s: &ChannelSettings,
                now: i64,
            ) -> Result<Channel, StoreError> {
                let done = bind_settings(
                    sqlx::query(
                        "UPDATE channels SET name = $1, window_title = $2, notification_text = $3,
                             button_color = $4, header_color = $5, welcome_message = $6,
                             input_placeholder = $7, theme = $8, conversation_mode = $9,
                             updated_at = $10
                         WHERE id = $11",
                    ),
                    s,
                )
                .bind(now)
                .bind(Key(id.0))
                .execute(&self.pool)
                .await?;
                if done.rows_affected() == 0 {
                    return Err(StoreError::NotFound("channel"));
                }
                self.get_channel(id)
                    .await?
                    .ok_or(StoreError::NotFound("channel"))
            }

            async fn update_channel_part(
                &self,
                id: ChannelId,
                part: ChannelPart<'_>,
                now: i64,
            ) -> Result<Channel, StoreError> {
                // The column comes from `ChannelPart`, never from input.
                let sql = format!("UPDATE channels SET {} = $1, updated_at = $2 WHERE id = $3", part.column());
                let done = sqlx::query(&sql)
                    .bind(part.json()?)
                    .bind(now)
                    .bind(Key(id.0))
                    .execute(&self.pool)
                    .await?;
                if done.rows_affected() == 0 {
                    return Err(StoreError::NotFound("channel"));
                }
                self.get_channel(id)
                    .await?
                    .ok_or(StoreError::NotFound("channel"))
            }

            async fn set_channel_operator(
                &self,
                id: ChannelId,
                user: UserId,
                member: bool,
            ) -> Result<(), StoreError> {
                let sql = if member {
                    "INSERT INTO channel_operators (channel_id, user_id) VALUES ($1, $2) ON CONFLICT DO NOTHING"
                } else {
                    "DELETE FROM channel_operators WHERE channel_id = $1 AND user_id = $2"
                };
                let res = sqlx::query(sql)
                    .bind(Key(id.0))
                    .bind(user.0)
                    .execute(&self.pool)
                    .await;
                match res {
                    Ok(_) => Ok(()),
                    Err(sqlx::Error::Database(db)) if db.is_foreign_key_violation() => {
                        Err(StoreError::NotFound("channel or user"))
                    }
                    Err(e) => Err(e.into()),
                }
            }

            async fn channel_members(&self) -> Result<Vec<(ChannelId, UserId)>, StoreError> {
                let rows = sqlx::query("SELECT channel_id, user_id FROM channel_operators")
                    .fetch_all(&self.pool)
                    .await?;
                rows.iter()
                    .map(|r| Ok((ChannelId(r.uuid("channel_id")?), UserId(r.int("user_id")?))))
                    .collect()
            }

            async fn operator_channels(&self, user: UserId) -> Result<Vec<ChannelId>, StoreError> {
                let rows = sqlx::query("SELECT channel_id FROM channel_operators WHERE user_id = $1")
                    .bind(user.0)
                    .fetch_all(&self.pool)
                    .await?;
                rows.iter()
                    .map(|r| r.uuid("channel_id").map(ChannelId))
                    .collect()
            }
        }
    };
}

pub(super) use channels_sql;
