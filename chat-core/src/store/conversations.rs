//! Conversations: starting, listing, closing, rating, read markers and the
//! visitor context (`conversations`). New conversations go through the
//! group-commit writer.

use super::{Appended, StoreError};
use parlor_domain::{
    ChannelId, Conversation, ConversationId, ConversationPreview, ConversationRating,
    ConversationSummary, Seq, VisitorId,
};

/// Conversations, apart from their messages and who has them.
#[async_trait::async_trait]
pub trait ConversationStore: Send + Sync {
    /// Fails with `NotFound("channel")` if the channel does not exist.
    async fn insert_conversation(
        &self,
        id: ConversationId,
        channel: ChannelId,
        visitor: VisitorId,
        now: i64,
    ) -> Result<Conversation, StoreError>;

    /// For a channel in "one active" mode: the visitor's open conversation
    /// in `channel` if they have one (`Existing`), else the new conversation
    /// `id` (`New`). Decided inside the writer's transaction under a lock
    /// (`sqlite_writer.rs`, `postgres_writer.rs`), so starts at the same
    /// moment, from several tabs or nodes, all get the same conversation.
    async fn open_or_insert_conversation(
        &self,
        id: ConversationId,
        channel: ChannelId,
        visitor: VisitorId,
        now: i64,
    ) -> Result<Appended<Conversation>, StoreError>;

    /// How a new conversation started: the department the visitor picked,
    /// and whether it came from the offline form.
    async fn set_conversation_start(
        &self,
        id: ConversationId,
        department: Option<u32>,
        offline: bool,
    ) -> Result<(), StoreError>;

    async fn get_conversation(
        &self,
        id: ConversationId,
    ) -> Result<Option<Conversation>, StoreError>;

    /// The visitor's conversations in a channel, newest first.
    async fn visitor_conversations(
        &self,
        visitor: VisitorId,
        channel: ChannelId,
        limit: u32,
    ) -> Result<Vec<ConversationPreview>, StoreError>;

    /// The visitor's newest open conversation in a channel.
    async fn open_conversation(
        &self,
        visitor: VisitorId,
        channel: ChannelId,
    ) -> Result<Option<Conversation>, StoreError>;

    /// Every open conversation, and the `closed_limit` most recently closed,
    /// newest activity first; only those of `channels` when given.
    async fn conversation_summaries(
        &self,
        channels: Option<&[ChannelId]>,
        closed_limit: u32,
    ) -> Result<Vec<ConversationSummary>, StoreError>;

    async fn conversation_summary(
        &self,
        id: ConversationId,
    ) -> Result<Option<ConversationSummary>, StoreError>;

    /// Closes an open conversation; false if it was closed already.
    async fn close_conversation(&self, id: ConversationId, now: i64) -> Result<bool, StoreError>;

    /// Stores (or replaces) the rating of a closed conversation; false if
    /// the conversation is not closed.
    async fn rate_conversation(
        &self,
        id: ConversationId,
        rating: &ConversationRating,
    ) -> Result<bool, StoreError>;

    /// Moves the operators' read marker forward (never back, never past the
    /// last message); the new marker if it moved.
    async fn mark_read(&self, id: ConversationId, seq: Seq) -> Result<Option<Seq>, StoreError>;

    /// Moves the visitor's read marker forward, as `mark_read` does the
    /// team's; the new marker if it moved.
    async fn mark_visitor_read(
        &self,
        id: ConversationId,
        seq: Seq,
    ) -> Result<Option<Seq>, StoreError>;

    /// Replaces a conversation's visitor context (JSON); `true` if it
    /// changed, so the inboxes are told only then.
    async fn set_visitor_context(&self, id: ConversationId, json: &str)
        -> Result<bool, StoreError>;

    /// Hands `from`'s conversations in `channel` to `to`; returns them.
    async fn move_conversations(
        &self,
        from: VisitorId,
        to: VisitorId,
        channel: ChannelId,
    ) -> Result<Vec<ConversationId>, StoreError>;
}

/// `ConversationStore`'s statements, shared by both backends: expanded into an `impl`
/// for a backend's type by `sql_store!` (`sql_store.rs`).
macro_rules! conversations_sql {
    ($store:ty, $db:ty, { $($specific:tt)* }) => {
        /// Moves a read marker (`read_seq`, the team's, or `visitor_read_seq`)
        /// forward, never past the last message; the new marker if it moved.
        async fn move_read_marker(
            pool: &sqlx::Pool<$db>,
            column: &'static str,
            id: ConversationId,
            seq: Seq,
        ) -> Result<Option<Seq>, StoreError> {
            let sql = format!(
                "UPDATE conversations SET {column} = CASE WHEN $1 < last_seq THEN $1 ELSE last_seq END
                  WHERE id = $2 AND {column} < CASE WHEN $1 < last_seq THEN $1 ELSE last_seq END
                 RETURNING {column}"
            );
            let row = sqlx::query(&sql)
                .bind(seq.0 as i64)
                .bind(Key(id.0))
                .fetch_optional(pool)
                .await?;
            row.map(|row| Ok(Seq(row.int(column)? as u64))).transpose()
        }

        #[async_trait::async_trait]
        impl $crate::store::ConversationStore for $store {
            $($specific)*
            async fn insert_conversation(
                &self,
                id: ConversationId,
                channel: ChannelId,
                visitor: VisitorId,
                now: i64,
            ) -> Result<Conversation, StoreError> {
                let op = ConversationOp {
                    id,
                    channel,
                    visitor,
                    now,
                    one_active: false,
                };
                match group_commit::write(&self.writer, |reply| Job::Conversation(op, reply)).await? {
                    Appended::New(c) | Appended::Existing(c) => Ok(c),
                }
            }

            async fn open_or_insert_conversation(
                &self,
                id: ConversationId,
                channel: ChannelId,
                visitor: VisitorId,
                now: i64,
            ) -> Result<Appended<Conversation>, StoreError> {
                let op = ConversationOp {
                    id,
                    channel,
                    visitor,
                    now,
                    one_active: true,
                };
                group_commit::write(&self.writer, |reply| Job::Conversation(op, reply)).await
            }

            async fn set_conversation_start(
                &self,
                id: ConversationId,
                department: Option<u32>,
                offline: bool,
            ) -> Result<(), StoreError> {
                sqlx::query("UPDATE conversations SET department_id = $1, offline = $2 WHERE id = $3")
                    .bind(department.map(i64::from))
                    .bind(i64::from(offline))
                    .bind(Key(id.0))
                    .execute(&self.pool)
                    .await?;
                Ok(())
            }

            async fn get_conversation(
                &self,
                id: ConversationId,
            ) -> Result<Option<Conversation>, StoreError> {
                let row = sqlx::query("SELECT * FROM conversations WHERE id = $1")
                    .bind(Key(id.0))
                    .fetch_optional(&self.pool)
                    .await?;
                row.as_ref().map(rows::conversation).transpose()
            }

            async fn visitor_conversations(
                &self,
                visitor: VisitorId,
                channel: ChannelId,
                limit: u32,
            ) -> Result<Vec<ConversationPreview>, StoreError> {
                let rows = sqlx::query(
                    "SELECT c.*, m.body AS last_body
                       FROM conversations c
                       LEFT JOIN messages m ON m.conversation_id = c.id AND m.seq = c.last_seq
                      WHERE c.visitor_id = $1 AND c.channel_id = $2
                      ORDER BY c.created_at DESC, c.id DESC
                      LIMIT $3",
                )
                .bind(Key(visitor.0))
                .bind(Key(channel.0))
                .bind(i64::from(limit))
                .fetch_all(&self.pool)
                .await?;
                rows.iter()
                    .map(|row| {
                        let conversation = rows::conversation(row)?;
                        Ok(ConversationPreview {
                            last_at: row.opt_int("last_at")?.unwrap_or(conversation.created_at),
                            last_body: row.opt_text("last_body")?,
                            conversation,
                        })
                    })
                    .collect()
            }

            async fn open_conversation(
                &self,
                visitor: VisitorId,
                channel: ChannelId,
            ) -> Result<Option<Conversation>, StoreError> {
                let row = sqlx::query(
                    "SELECT * FROM conversations
                      WHERE visitor_id = $1 AND channel_id = $2 AND status = 'open'
                      ORDER BY created_at DESC, id DESC LIMIT 1",
                )
                .bind(Key(visitor.0))
                .bind(Key(channel.0))
                .fetch_optional(&self.pool)
                .await?;
                row.as_ref().map(rows::conversation).transpose()
            }

            async fn conversation_summary(
                &self,
                id: ConversationId,
            ) -> Result<Option<ConversationSummary>, StoreError> {
                let sql = format!("{SUMMARY_SELECT} WHERE c.id = $1");
                let row = sqlx::query(&sql)
                    .bind(Key(id.0))
                    .fetch_optional(&self.pool)
                    .await?;
                row.as_ref().map(rows::summary).transpose()
            }

            async fn close_conversation(&self, id: ConversationId, now: i64) -> Result<bool, StoreError> {
                let done = sqlx::query(
                    "UPDATE conversations SET status = 'closed', closed_at = $1 WHERE id = $2 AND status = 'open'",
                )
                .bind(now)
                .bind(Key(id.0))
                .execute(&self.pool)
                .await?;
                Ok(done.rows_affected() == 1)
            }

            async fn rate_conversation(
                &self,
                id: ConversationId,
                r: &ConversationRating,
            ) -> Result<bool, StoreError> {
                let done = sqlx::query(
                    "UPDATE conversations SET rating = $1, rating_comment = $2, rated_at = $3
                      WHERE id = $4 AND status = 'closed'",
                )
                .bind(r.rating.as_str())
                .bind(&r.comment)
                .bind(r.rated_at)
                .bind(Key(id.0))
                .execute(&self.pool)
                .await?;
                Ok(done.rows_affected() == 1)
            }

            async fn mark_read(&self, id: ConversationId, seq: Seq) -> Result<Option<Seq>, StoreError> {
                move_read_marker(&self.pool, "read_seq", id, seq).await
            }

            async fn mark_visitor_read(&self, id: ConversationId, seq: Seq) -> Result<Option<Seq>, StoreError> {
                move_read_marker(&self.pool, "visitor_read_seq", id, seq).await
            }

            async fn set_visitor_context(&self, id: ConversationId, json: &str) -> Result<bool, StoreError> {
                let done = sqlx::query(
                    "UPDATE conversations SET visitor_context = $1
                      WHERE id = $2 AND (visitor_context IS NULL OR visitor_context <> $1)",
                )
                .bind(json)
                .bind(Key(id.0))
                .execute(&self.pool)
                .await?;
                Ok(done.rows_affected() > 0)
            }

            async fn move_conversations(
                &self,
                from: VisitorId,
                to: VisitorId,
                channel: ChannelId,
            ) -> Result<Vec<ConversationId>, StoreError> {
                let rows = sqlx::query(
                    "UPDATE conversations SET visitor_id = $1
                      WHERE visitor_id = $2 AND channel_id = $3 RETURNING id",
                )
                .bind(Key(to.0))
                .bind(Key(from.0))
                .bind(Key(channel.0))
                .fetch_all(&self.pool)
                .await?;
                rows.iter()
                    .map(|r| r.uuid("id").map(ConversationId))
                    .collect()
            }
        }
    };
}

pub(super) use conversations_sql;
