//! SQLite's statements for the group-commit writer (`group_commit.rs`).
//! sqlx runs SQLite on a worker thread and every statement is a round trip
//! to it, so statements per message is what this file minimises: a batch's
//! messages take three statements however many there are. A failing statement rolls back only itself
//! (SQLite's statement-level ABORT), so one bad job does not spoil the
//! others.

use super::group_commit::{Backend, ConversationOp, ConversationState, VisitorOp};
use super::rows::{self, Key};
use super::{Appended, StoreError};
use async_trait::async_trait;
use parlor_domain::{Conversation, ConversationId, Message, MessageId};
use sqlx::sqlite::SqliteConnection;
use sqlx::QueryBuilder;

pub(super) struct Sqlite(pub SqliteConnection);

async fn exec(conn: &mut SqliteConnection, sql: &str) -> Result<(), sqlx::Error> {
    sqlx::query(sql).execute(conn).await.map(|_| ())
}

#[async_trait]
impl Backend for Sqlite {
    const FAILURE_ABORTS_TRANSACTION: bool = false;

    async fn begin(&mut self) -> Result<(), sqlx::Error> {
        // IMMEDIATE takes the write lock up front (waiting on busy_timeout),
        // so the reads below cannot go stale under another connection's write.
        exec(&mut self.0, "BEGIN IMMEDIATE").await
    }

    async fn commit(&mut self) -> Result<(), sqlx::Error> {
        exec(&mut self.0, "COMMIT").await
    }

    async fn rollback(&mut self) {
        let _ = exec(&mut self.0, "ROLLBACK").await;
    }

    async fn messages_by_id(&mut self, ids: &[MessageId]) -> Result<Vec<Message>, StoreError> {
        let mut q = QueryBuilder::<sqlx::Sqlite>::new("SELECT * FROM messages WHERE id IN (");
        let mut list = q.separated(", ");
        for id in ids {
            list.push_bind(Key(id.0));
        }
        q.push(")");
        let found = q.build().fetch_all(&mut self.0).await?;
        found.iter().map(rows::message).collect()
    }

    async fn conversation_states(
        &mut self,
        ids: &[ConversationId],
    ) -> Result<Vec<ConversationState>, StoreError> {
        // BEGIN IMMEDIATE holds the only write lock: nothing changes these.
        let mut q = QueryBuilder::<sqlx::Sqlite>::new(
            "SELECT id, status, last_seq FROM conversations WHERE id IN (",
        );
        let mut list = q.separated(", ");
        for id in ids {
            list.push_bind(Key(id.0));
        }
        q.push(")");
        let found = q.build().fetch_all(&mut self.0).await?;
        found.iter().map(rows::conversation_state).collect()
    }

    /// One multi-row insert; the `messages_advance_conversation` trigger
    /// moves each conversation on, row by row, in the order given.
    async fn insert_messages(&mut self, messages: &[Message]) -> Result<u64, StoreError> {
        let mut q = QueryBuilder::<sqlx::Sqlite>::new(
            "INSERT INTO messages (id, conversation_id, seq, author_kind, author_user_id, body, created_at, attachment) ",
        );
        let attachments = messages
            .iter()
            .map(|m| m.attachment.as_ref().map(rows::to_json).transpose())
            .collect::<Result<Vec<_>, _>>()?;
        q.push_values(
            messages.iter().zip(attachments),
            |mut row, (m, attachment)| {
                let (kind, user) = rows::author_columns(m.author);
                row.push_bind(Key(m.id.0))
                    .push_bind(Key(m.conversation.0))
                    .push_bind(m.seq.0 as i64)
                    .push_bind(kind)
                    .push_bind(user)
                    .push_bind(m.body.clone())
                    .push_bind(m.created_at)
                    .push_bind(attachment);
            },
        );
        q.push(" ON CONFLICT (id) DO NOTHING");
        Ok(q.build().execute(&mut self.0).await?.rows_affected())
    }

    async fn insert_visitor(&mut self, op: &VisitorOp) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO visitors (id, channel_id, token_hash, created_at) VALUES (?, ?, ?, ?)",
        )
        .bind(op.id.to_string())
        .bind(op.channel.to_string())
        .bind(&op.token_hash)
        .bind(op.now)
        .execute(&mut self.0)
        .await?;
        Ok(())
    }

    async fn insert_conversation(
        &mut self,
        op: &ConversationOp,
    ) -> Result<Appended<Conversation>, StoreError> {
        if op.one_active {
            // No lock of our own: the writer's transaction began IMMEDIATE,
            // so it holds SQLite's only write lock, and nothing can start a
            // conversation between this read and the insert below. A tab
            // that comes second gets the first one's conversation.
            let open = sqlx::query(
                "SELECT * FROM conversations
                  WHERE visitor_id = ? AND channel_id = ? AND status = 'open'
                  ORDER BY created_at DESC, id DESC LIMIT 1",
            )
            .bind(op.visitor.to_string())
            .bind(op.channel.to_string())
            .fetch_optional(&mut self.0)
            .await?;
            if let Some(row) = open {
                return Ok(Appended::Existing(rows::conversation(&row)?));
            }
        }
        let result = sqlx::query(
            "INSERT INTO conversations (id, channel_id, visitor_id, status, last_seq, created_at)
             VALUES (?, ?, ?, 'open', 0, ?)",
        )
        .bind(op.id.to_string())
        .bind(op.channel.to_string())
        .bind(op.visitor.to_string())
        .bind(op.now)
        .execute(&mut self.0)
        .await;
        match result {
            Ok(_) => Ok(Appended::New(op.created())),
            Err(sqlx::Error::Database(db)) if db.is_foreign_key_violation() => {
                Err(StoreError::NotFound("channel"))
            }
            Err(e) => Err(e.into()),
        }
    }
}
