//! Who has a conversation: routing to the least busy operator, taking by
//! hand, the queue, each operator's load and maximum, and transfers
//! (`conversations.assignee_id`, `users.max_chats`, `users.assign_seq`).

use super::{Appended, StoreError};
use parlor_domain::{ChannelId, ConversationId, Note, UserId};

/// Who has which conversation.
#[async_trait::async_trait]
pub trait RoutingStore: Send + Sync {
    /// Assigns an open, unassigned conversation to the least busy of
    /// `candidates` below their maximum of chats, the one who got a
    /// conversation longest ago among equals; in one transaction, taking
    /// turns with every other routing. Returns who got it (`None`: everyone
    /// is full, or it was assigned or closed meanwhile).
    async fn route_conversation(
        &self,
        id: ConversationId,
        candidates: &[UserId],
    ) -> Result<Option<UserId>, StoreError>;

    /// Assigns the conversation to `user` if nobody has it and it is open.
    /// Returns its assignee afterwards (`None`: closed, or no such
    /// conversation), so two takes at once leave exactly one owner.
    async fn take_conversation(
        &self,
        id: ConversationId,
        user: UserId,
    ) -> Result<Option<UserId>, StoreError>;

    /// Open conversations nobody has, oldest first, at most `limit`, each
    /// with its channel and department.
    async fn waiting_conversations(
        &self,
        limit: u32,
    ) -> Result<Vec<(ConversationId, ChannelId, Option<u32>)>, StoreError>;

    /// The head of the channel's queue: open conversations nobody has,
    /// started in a live chat (not the offline form), in order, at most
    /// `limit`.
    async fn channel_queue(
        &self,
        channel: ChannelId,
        limit: u32,
    ) -> Result<Vec<ConversationId>, StoreError>;

    /// The conversation's place in its channel's queue, counted up to
    /// `limit`; 0 if it does not wait.
    async fn queue_place(&self, id: ConversationId, limit: u32) -> Result<u32, StoreError>;

    async fn set_max_chats(&self, user: UserId, max_chats: u32) -> Result<(), StoreError>;

    /// Each staff member's maximum of chats and open conversations now.
    async fn staff_load(&self) -> Result<Vec<(UserId, u32, u32)>, StoreError>;

    /// Moves an open conversation to `assignee` (and to `department`,
    /// if given) and records `note` (its `transfer_to` set) in one
    /// transaction. A note id stored already moves nothing again; a closed
    /// conversation is `Closed`.
    async fn transfer_conversation(
        &self,
        assignee: Option<UserId>,
        department: Option<u32>,
        note: &Note,
    ) -> Result<Appended<Note>, StoreError>;
}

/// `RoutingStore`'s statements, shared by both backends: expanded into an `impl`
/// for a backend's type by `sql_store!` (`sql_store.rs`).
macro_rules! routing_sql {
    ($store:ty, $db:ty) => {
        #[async_trait::async_trait]
        impl $crate::store::RoutingStore for $store {
            async fn route_conversation(
                &self,
                id: ConversationId,
                candidates: &[UserId],
            ) -> Result<Option<UserId>, StoreError> {
                if candidates.is_empty() {
                    return Ok(None);
                }
                let list = (0..candidates.len())
                    .map(|i| format!("${}", i + 2))
                    .collect::<Vec<_>>()
                    .join(", ");
                // One statement decides and assigns: the load is counted
                // where the write happens.
                let sql = format!(
                    "UPDATE conversations SET assignee_id = (
                        SELECT u.id FROM users u
                         WHERE u.id IN ({list})
                           AND (SELECT COUNT(*) FROM conversations o
                                 WHERE o.assignee_id = u.id AND o.status = 'open') < u.max_chats
                         ORDER BY (SELECT COUNT(*) FROM conversations o
                                    WHERE o.assignee_id = u.id AND o.status = 'open'),
                                  u.assign_seq, u.id
                         LIMIT 1)
                      WHERE id = $1 AND assignee_id IS NULL AND status = 'open'
                      RETURNING assignee_id"
                );
                let mut tx = self.pool.begin().await?;
                if let Some(lock) = Self::ROUTING_LOCK {
                    sqlx::query(lock).execute(&mut *tx).await?;
                }
                let mut query = sqlx::query(&sql).bind(Key(id.0));
                for user in candidates {
                    query = query.bind(user.0);
                }
                let row = query.fetch_optional(&mut *tx).await?;
                let assignee = match row {
                    Some(row) => row.opt_int("assignee_id")?.map(UserId),
                    None => None,
                };
                if let Some(user) = assignee {
                    sqlx::query(
                        "UPDATE users SET assign_seq = (SELECT MAX(assign_seq) + 1 FROM users) WHERE id = $1",
                    )
                    .bind(user.0)
                    .execute(&mut *tx)
                    .await?;
                }
                tx.commit().await?;
                Ok(assignee)
            }

            async fn take_conversation(
                &self,
                id: ConversationId,
                user: UserId,
            ) -> Result<Option<UserId>, StoreError> {
                sqlx::query(
                    "UPDATE conversations SET assignee_id = $1
                      WHERE id = $2 AND assignee_id IS NULL AND status = 'open'",
                )
                .bind(user.0)
                .bind(Key(id.0))
                .execute(&self.pool)
                .await?;
                let row = sqlx::query("SELECT assignee_id FROM conversations WHERE id = $1 AND status = 'open'")
                    .bind(Key(id.0))
                    .fetch_optional(&self.pool)
                    .await?;
                match row {
                    Some(row) => Ok(row.opt_int("assignee_id")?.map(UserId)),
                    None => Ok(None),
                }
            }

            async fn waiting_conversations(
                &self,
                limit: u32,
            ) -> Result<Vec<(ConversationId, ChannelId, Option<u32>)>, StoreError> {
                let rows = sqlx::query(
                    "SELECT id, channel_id, department_id FROM conversations
                      WHERE status = 'open' AND assignee_id IS NULL
                      ORDER BY created_at, id LIMIT $1",
                )
                .bind(i64::from(limit))
                .fetch_all(&self.pool)
                .await?;
                rows.iter()
                    .map(|r| {
                        Ok((
                            ConversationId(r.uuid("id")?),
                            ChannelId(r.uuid("channel_id")?),
                            r.opt_int("department_id")?.map(|d| d as u32),
                        ))
                    })
                    .collect()
            }

            async fn channel_queue(
                &self,
                channel: ChannelId,
                limit: u32,
            ) -> Result<Vec<ConversationId>, StoreError> {
                let rows = sqlx::query(
                    "SELECT id FROM conversations
                      WHERE channel_id = $1 AND status = 'open' AND assignee_id IS NULL AND offline = 0
                      ORDER BY created_at, id LIMIT $2",
                )
                .bind(Key(channel.0))
                .bind(i64::from(limit))
                .fetch_all(&self.pool)
                .await?;
                rows.iter().map(|r| r.uuid("id").map(ConversationId)).collect()
            }

            async fn queue_place(&self, id: ConversationId, limit: u32) -> Result<u32, StoreError> {
                let place: i64 = sqlx::query_scalar(
                    "SELECT COUNT(*) FROM (
                        SELECT 1 FROM conversations q JOIN conversations c ON c.id = $1
                         WHERE c.status = 'open' AND c.assignee_id IS NULL AND c.offline = 0
                           AND q.channel_id = c.channel_id AND q.status = 'open'
                           AND q.assignee_id IS NULL AND q.offline = 0
                           AND (q.created_at < c.created_at OR (q.created_at = c.created_at AND q.id <= c.id))
                         LIMIT $2) AS ahead",
                )
                .bind(Key(id.0))
                .bind(i64::from(limit))
                .fetch_one(&self.pool)
                .await?;
                Ok(place as u32)
            }

            async fn set_max_chats(&self, user: UserId, max_chats: u32) -> Result<(), StoreError> {
                sqlx::query("UPDATE users SET max_chats = $1 WHERE id = $2")
                    .bind(i64::from(max_chats))
                    .bind(user.0)
                    .execute(&self.pool)
                    .await?;
                Ok(())
            }

            async fn staff_load(&self) -> Result<Vec<(UserId, u32, u32)>, StoreError> {
                let rows = sqlx::query(
                    "SELECT u.id, u.max_chats,
                            (SELECT COUNT(*) FROM conversations o
                              WHERE o.assignee_id = u.id AND o.status = 'open') AS open
                       FROM users u ORDER BY u.id",
                )
                .fetch_all(&self.pool)
                .await?;
                rows.iter()
                    .map(|r| {
                        Ok((
                            UserId(r.int("id")?),
                            r.int("max_chats")? as u32,
                            r.int("open")? as u32,
                        ))
                    })
                    .collect()
            }

            async fn transfer_conversation(
                &self,
                assignee: Option<UserId>,
                department: Option<u32>,
                note: &Note,
            ) -> Result<Appended<Note>, StoreError> {
                let mut tx = self.pool.begin().await?;
                // Only an open conversation moves; a resent transfer finds
                // its note stored and moves nothing again.
                let new = insert_note(&mut tx, note, "AND c.status = 'open'").await?;
                if new {
                    sqlx::query(
                        "UPDATE conversations SET assignee_id = $1, department_id = COALESCE($2, department_id)
                          WHERE id = $3",
                    )
                    .bind(assignee.map(|u| u.0))
                    .bind(department.map(i64::from))
                    .bind(Key(note.conversation.0))
                    .execute(&mut *tx)
                    .await?;
                } else {
                    let done = sqlx::query("SELECT 1 FROM notes WHERE id = $1")
                        .bind(Key(note.id.0))
                        .fetch_optional(&mut *tx)
                        .await?;
                    if done.is_none() {
                        // Not stored now nor before: closed, or missing.
                        return Err(StoreError::Closed);
                    }
                }
                let stored = stored_note(&mut tx, note, new).await?;
                tx.commit().await?;
                Ok(stored)
            }
        }
    };
}

pub(super) use routing_sql;
