//! SQLite's statements for the group-commit writer (`group_commit.rs`).
//! sqlx runs SQLite on a worker thread and every statement is a round trip
//! to it, so statements per message is what this file minimises: one per
//! job in the common case. A failing statement rolls back only itself
//! (SQLite's statement-level ABORT), so one bad job does not spoil the
//! others.

use super::group_commit::{AppendOp, Backend, ConversationOp, VisitorOp};
use super::{rows, Appended, StoreError};
use async_trait::async_trait;
use parlor_domain::{Conversation, Message, Seq};
use sqlx::sqlite::SqliteConnection;

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

    /// One statement when the message is new: the insert takes the number
    /// after the conversation's `last_seq`, only while the conversation is
    /// open, and the `messages_advance_conversation` trigger moves the
    /// conversation on. Nothing inserted means a resend, a closed or a
    /// missing conversation.
    async fn append(&mut self, op: &AppendOp) -> Result<Appended, StoreError> {
        let conn = &mut self.0;
        let (kind, user) = rows::author_columns(op.author);
        let seq: Option<i64> = sqlx::query_scalar(
            "INSERT INTO messages (id, conversation_id, seq, author_kind, author_user_id, body, created_at)
             SELECT ?1, c.id, c.last_seq + 1, ?2, ?3, ?4, ?5
               FROM conversations c
              WHERE c.id = ?6 AND c.status = 'open'
             ON CONFLICT (id) DO NOTHING
             RETURNING seq",
        )
        .bind(op.id.to_string())
        .bind(kind)
        .bind(user)
        .bind(&op.body)
        .bind(op.now)
        .bind(op.conversation.to_string())
        .fetch_optional(&mut *conn)
        .await?;
        if let Some(seq) = seq {
            return Ok(Appended::New(Message {
                id: op.id,
                conversation: op.conversation,
                seq: Seq(seq as u64),
                author: op.author,
                body: op.body.clone(),
                created_at: op.now,
            }));
        }
        let existing = sqlx::query("SELECT * FROM messages WHERE id = ?")
            .bind(op.id.to_string())
            .fetch_optional(&mut *conn)
            .await?;
        if let Some(row) = existing {
            return op.resent(rows::message(&row)?);
        }
        let exists: Option<i64> = sqlx::query_scalar("SELECT 1 FROM conversations WHERE id = ?")
            .bind(op.conversation.to_string())
            .fetch_optional(&mut *conn)
            .await?;
        Err(AppendOp::not_open(exists.is_some()))
    }

    async fn insert_visitor(&mut self, op: &VisitorOp) -> Result<(), StoreError> {
        sqlx::query("INSERT INTO visitors (id, token_hash, created_at) VALUES (?, ?, ?)")
            .bind(op.id.to_string())
            .bind(&op.token_hash)
            .bind(op.now)
            .execute(&mut self.0)
            .await?;
        Ok(())
    }

    async fn insert_conversation(
        &mut self,
        op: &ConversationOp,
    ) -> Result<Conversation, StoreError> {
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
            Ok(_) => Ok(op.created()),
            Err(sqlx::Error::Database(db)) if db.is_foreign_key_violation() => {
                Err(StoreError::NotFound("channel"))
            }
            Err(e) => Err(e.into()),
        }
    }
}
