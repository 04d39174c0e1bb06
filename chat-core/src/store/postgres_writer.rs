//! PostgreSQL's statements for the group-commit writer (`group_commit.rs`).
//! Every statement is written so that the expected refusals (a resend, a
//! closed conversation, a missing channel) are answers, not SQL errors: an
//! error would abort the whole batch's transaction.
//!
//! Several nodes append to one database. `conversation_states` locks the
//! conversations' rows (`FOR UPDATE`), so two nodes appending to one
//! conversation take turns, and the second reads the `last_seq` the first
//! committed. Arrays keep every statement's text the same whatever the batch
//! size, so each is prepared once.

use super::group_commit::{Backend, ConversationOp, ConversationState, VisitorOp};
use super::{rows, Appended, StoreError};
use async_trait::async_trait;
use parlor_domain::{Conversation, ConversationId, Message, MessageId};
use sqlx::postgres::{PgConnectOptions, PgConnection};
use sqlx::{ConnectOptions, Connection};
use uuid::Uuid;

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

    async fn messages_by_id(&mut self, ids: &[MessageId]) -> Result<Vec<Message>, StoreError> {
        let ids: Vec<Uuid> = ids.iter().map(|id| id.0).collect();
        let found = sqlx::query("SELECT * FROM messages WHERE id = ANY($1)")
            .bind(ids)
            .fetch_all(self.conn()?)
            .await?;
        found.iter().map(rows::message).collect()
    }

    /// Locks the rows in id order, so two nodes' batches never deadlock.
    async fn conversation_states(
        &mut self,
        ids: &[ConversationId],
    ) -> Result<Vec<ConversationState>, StoreError> {
        let ids: Vec<Uuid> = ids.iter().map(|id| id.0).collect();
        let found = sqlx::query(
            "SELECT id, status, last_seq FROM conversations WHERE id = ANY($1)
              ORDER BY id FOR UPDATE",
        )
        .bind(ids)
        .fetch_all(self.conn()?)
        .await?;
        found.iter().map(rows::conversation_state).collect()
    }

    /// One insert from arrays, in the order given (`ORDER BY ord`): the
    /// append trigger moves each conversation on, row by row.
    async fn insert_messages(&mut self, messages: &[Message]) -> Result<u64, StoreError> {
        let mut cols = Columns::default();
        for m in messages {
            let (kind, user) = rows::author_columns(m.author);
            cols.id.push(m.id.0);
            cols.conversation.push(m.conversation.0);
            cols.seq.push(m.seq.0 as i64);
            cols.kind.push(kind);
            cols.user.push(user);
            cols.body.push(&m.body);
            cols.at.push(m.created_at);
            cols.attachment
                .push(m.attachment.as_ref().map(rows::to_json).transpose()?);
        }
        let done = sqlx::query(
            "INSERT INTO messages (id, conversation_id, seq, author_kind, author_user_id, body, created_at, attachment)
             SELECT id, c, s, k, u, b, t, a
               FROM unnest($1::uuid[], $2::uuid[], $3::bigint[], $4::text[], $5::bigint[], $6::text[], $7::bigint[], $8::text[])
                    WITH ORDINALITY AS x(id, c, s, k, u, b, t, a, ord)
              ORDER BY ord
             ON CONFLICT (id) DO NOTHING",
        )
        .bind(cols.id)
        .bind(cols.conversation)
        .bind(cols.seq)
        .bind(cols.kind)
        .bind(cols.user)
        .bind(cols.body)
        .bind(cols.at)
        .bind(cols.attachment)
        .execute(self.conn()?)
        .await?;
        Ok(done.rows_affected())
    }

    async fn insert_visitor(&mut self, op: &VisitorOp) -> Result<(), StoreError> {
        let done = sqlx::query(
            "INSERT INTO visitors (id, channel_id, token_hash, created_at) VALUES ($1, $2, $3, $4)
             ON CONFLICT DO NOTHING",
        )
        .bind(op.id.0)
        .bind(op.channel.0)
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
    ) -> Result<Appended<Conversation>, StoreError> {
        if op.one_active {
            // Several nodes start conversations, so the check below must
            // exclude theirs too: the visitor's row stays locked until this
            // batch commits, and a second tab (on any node) waits here, then
            // reads the conversation the first one committed. A lock, not a
            // unique index: databases written before this fix may hold
            // several open conversations of one visitor, which an index
            // could not be built over, and merging visitors
            // (`move_conversations`) may rightly leave two open.
            sqlx::query("SELECT 1 FROM visitors WHERE id = $1 FOR UPDATE")
                .bind(op.visitor.0)
                .execute(self.conn()?)
                .await?;
            let open = sqlx::query(
                "SELECT * FROM conversations
                  WHERE visitor_id = $1 AND channel_id = $2 AND status = 'open'
                  ORDER BY created_at DESC, id DESC LIMIT 1",
            )
            .bind(op.visitor.0)
            .bind(op.channel.0)
            .fetch_optional(self.conn()?)
            .await?;
            if let Some(row) = open {
                return Ok(Appended::Existing(rows::conversation(&row)?));
            }
        }
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
            1 => Ok(Appended::New(op.created())),
            _ => Err(StoreError::NotFound("channel")),
        }
    }
}

/// A batch of messages as column arrays, for `unnest`.
#[derive(Default)]
struct Columns<'a> {
    id: Vec<Uuid>,
    conversation: Vec<Uuid>,
    seq: Vec<i64>,
    kind: Vec<&'static str>,
    user: Vec<Option<i64>>,
    body: Vec<&'a str>,
    at: Vec<i64>,
    attachment: Vec<Option<String>>,
}
