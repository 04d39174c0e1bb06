//! PostgreSQL's statements for the group-commit writer (`group_commit.rs`).
//! Every statement is written so that the expected refusals (a resend, a
//! closed conversation, a missing channel) are answers, not SQL errors: an
//! error would abort the whole batch's transaction.
//!
//! Several nodes append to one database. The insert's `SELECT … FOR UPDATE`
//! locks the conversation's row, so two nodes appending to one conversation
//! take turns, and the second reads the `last_seq` the first committed.

use super::group_commit::{AppendOp, Backend, ConversationOp, VisitorOp};
use super::{rows, Appended, StoreError};
use async_trait::async_trait;
use parlor_domain::{Conversation, Message, Seq};
use sqlx::postgres::{PgConnectOptions, PgConnection};
use sqlx::{ConnectOptions, Connection};

/// The writer's own connection, made again after it is lost (a database
/// restart): the next batch reconnects.
pub(super) struct Postgres {
    options: PgConnectOptions,
    conn: Option<PgConnection>,
}

impl Postgres {
    pub fn new(options: PgConnectOptions) -> Self {
        Self {
            options,
            conn: None,
        }
    }

    fn conn(&mut self) -> Result<&mut PgConnection, sqlx::Error> {
        self.conn.as_mut().ok_or(sqlx::Error::PoolClosed)
    }

    async fn exec(&mut self, sql: &str) -> Result<(), sqlx::Error> {
        let result = sqlx::query(sql).execute(self.conn()?).await.map(|_| ());
        if result.is_err() {
            // Whatever failed, the next batch starts on a fresh connection.
            self.conn = None;
        }
        result
    }
}

#[async_trait]
impl Backend for Postgres {
    const FAILURE_ABORTS_TRANSACTION: bool = true;

    async fn begin(&mut self) -> Result<(), sqlx::Error> {
        if self.conn.is_none() {
            self.conn = Some(self.options.connect().await?);
        }
        self.exec("BEGIN").await
    }

    async fn commit(&mut self) -> Result<(), sqlx::Error> {
        self.exec("COMMIT").await
    }

    async fn rollback(&mut self) {
        if let Some(conn) = self.conn.take() {
            // A connection that cannot roll back is dropped, not reused.
            let mut conn = conn;
            if sqlx::query("ROLLBACK").execute(&mut conn).await.is_ok() {
                self.conn = Some(conn);
            } else {
                let _ = conn.close().await;
            }
        }
    }

    async fn append(&mut self, op: &AppendOp) -> Result<Appended, StoreError> {
        let conn = self.conn()?;
        let (kind, user) = rows::author_columns(op.author);
        let seq: Option<i64> = sqlx::query_scalar(
            "INSERT INTO messages (id, conversation_id, seq, author_kind, author_user_id, body, created_at)
             SELECT $1, c.id, c.last_seq + 1, $2, $3, $4, $5
               FROM conversations c
              WHERE c.id = $6 AND c.status = 'open'
                FOR UPDATE
             ON CONFLICT (id) DO NOTHING
             RETURNING seq",
        )
        .bind(op.id.0)
        .bind(kind)
        .bind(user)
        .bind(&op.body)
        .bind(op.now)
        .bind(op.conversation.0)
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
        let existing = sqlx::query("SELECT * FROM messages WHERE id = $1")
            .bind(op.id.0)
            .fetch_optional(&mut *conn)
            .await?;
        if let Some(row) = existing {
            return op.resent(rows::message(&row)?);
        }
        let exists: Option<i32> = sqlx::query_scalar("SELECT 1 FROM conversations WHERE id = $1")
            .bind(op.conversation.0)
            .fetch_optional(&mut *conn)
            .await?;
        Err(AppendOp::not_open(exists.is_some()))
    }

    async fn insert_visitor(&mut self, op: &VisitorOp) -> Result<(), StoreError> {
        let done = sqlx::query(
            "INSERT INTO visitors (id, token_hash, created_at) VALUES ($1, $2, $3)
             ON CONFLICT DO NOTHING",
        )
        .bind(op.id.0)
        .bind(&op.token_hash)
        .bind(op.now)
        .execute(self.conn()?)
        .await?;
        match done.rows_affected() {
            1 => Ok(()),
            _ => Err(StoreError::Conflict("visitor")),
        }
    }

    async fn insert_conversation(
        &mut self,
        op: &ConversationOp,
    ) -> Result<Conversation, StoreError> {
        // Selecting the channel and visitor instead of relying on the foreign
        // keys turns a missing one into "nothing inserted", not an error.
        let done = sqlx::query(
            "INSERT INTO conversations (id, channel_id, visitor_id, status, last_seq, created_at)
             SELECT $1, ch.id, v.id, 'open', 0, $4
               FROM channels ch, visitors v
              WHERE ch.id = $2 AND v.id = $3
             ON CONFLICT (id) DO NOTHING",
        )
        .bind(op.id.0)
        .bind(op.channel.0)
        .bind(op.visitor.0)
        .bind(op.now)
        .execute(self.conn()?)
        .await?;
        match done.rows_affected() {
            1 => Ok(op.created()),
            _ => Err(StoreError::NotFound("channel")),
        }
    }
}
