//! Group commit for SQLite writes on the message path. One task owns a
//! connection and applies whatever is waiting in one transaction: one fsync
//! acknowledges a whole batch, where one transaction per write made
//! concurrent senders queue behind each other's fsyncs (SQLite has a single
//! writer anyway). New visitors and conversations go through it too, so a
//! burst of first messages batches like any other.
//!
//! Each job is one statement in the common case. sqlx runs SQLite on a
//! worker thread, and every statement is a round trip to it, so statements
//! per message is what this file minimises. A failing statement rolls back
//! only itself (SQLite's statement-level ABORT), so one bad job does not
//! spoil the others. Replies are sent only after COMMIT returns, i.e. once
//! the batch is durable.

use super::{Appended, StoreError};
use parlor_domain::{
    Author, ChannelId, Conversation, ConversationId, ConversationStatus, Message, MessageId, Seq,
    VisitorId,
};
use sqlx::sqlite::SqliteConnection;
use tokio::sync::{mpsc, oneshot};

/// The most jobs committed together.
const MAX_BATCH: usize = 256;
/// Jobs waiting for the writer before callers wait for room.
pub(super) const QUEUE: usize = 4096;

type Reply<T> = oneshot::Sender<Result<T, StoreError>>;

pub(super) enum Job {
    Append {
        id: MessageId,
        conversation: ConversationId,
        author: Author,
        body: String,
        now: i64,
        reply: Reply<Appended>,
    },
    Visitor {
        id: VisitorId,
        token_hash: String,
        now: i64,
        reply: Reply<()>,
    },
    Conversation {
        id: ConversationId,
        channel: ChannelId,
        visitor: VisitorId,
        now: i64,
        reply: Reply<Conversation>,
    },
}

/// A job's outcome, held until the batch commits.
enum Done {
    Append(Reply<Appended>, Result<Appended, StoreError>),
    Visitor(Reply<()>, Result<(), StoreError>),
    Conversation(Reply<Conversation>, Result<Conversation, StoreError>),
}

impl Done {
    fn send(self) {
        match self {
            Done::Append(r, v) => drop(r.send(v)),
            Done::Visitor(r, v) => drop(r.send(v)),
            Done::Conversation(r, v) => drop(r.send(v)),
        }
    }

    /// The batch failed as a whole: nothing of it is stored.
    fn fail(self, why: &str) {
        let e = || StoreError::Unavailable(why.to_string());
        match self {
            Done::Append(r, _) => drop(r.send(Err(e()))),
            Done::Visitor(r, _) => drop(r.send(Err(e()))),
            Done::Conversation(r, _) => drop(r.send(Err(e()))),
        }
    }
}

pub(super) fn spawn(conn: SqliteConnection) -> mpsc::Sender<Job> {
    let (tx, rx) = mpsc::channel(QUEUE);
    tokio::spawn(writer(conn, rx));
    tx
}

async fn writer(mut conn: SqliteConnection, mut rx: mpsc::Receiver<Job>) {
    let mut batch = Vec::with_capacity(MAX_BATCH);
    while rx.recv_many(&mut batch, MAX_BATCH).await > 0 {
        match commit_batch(&mut conn, std::mem::take(&mut batch)).await {
            Ok(done) => done.into_iter().for_each(Done::send),
            Err((e, done)) => {
                tracing::error!(error = %e, size = done.len(), "write batch failed");
                let _ = sqlx::query("ROLLBACK").execute(&mut conn).await;
                let why = e.to_string();
                done.into_iter().for_each(|d| d.fail(&why));
            }
        }
    }
}

async fn exec(conn: &mut SqliteConnection, sql: &str) -> Result<(), sqlx::Error> {
    sqlx::query(sql).execute(conn).await.map(|_| ())
}

type BatchError = (sqlx::Error, Vec<Done>);

async fn commit_batch(
    conn: &mut SqliteConnection,
    batch: Vec<Job>,
) -> Result<Vec<Done>, BatchError> {
    // IMMEDIATE takes the write lock up front (waiting on busy_timeout), so the
    // reads below cannot go stale under another connection's write.
    let mut done = Vec::with_capacity(batch.len());
    if let Err(e) = exec(conn, "BEGIN IMMEDIATE").await {
        return Err((e, batch.into_iter().map(pending).collect()));
    }
    for job in batch {
        done.push(apply(conn, job).await);
    }
    match exec(conn, "COMMIT").await {
        Ok(()) => Ok(done),
        Err(e) => Err((e, done)),
    }
}

/// A job as a failed outcome, for a batch that never started.
fn pending(job: Job) -> Done {
    fn gone<T>() -> Result<T, StoreError> {
        Err(StoreError::Unavailable("not applied".into()))
    }
    match job {
        Job::Append { reply, .. } => Done::Append(reply, gone()),
        Job::Visitor { reply, .. } => Done::Visitor(reply, gone()),
        Job::Conversation { reply, .. } => Done::Conversation(reply, gone()),
    }
}

async fn apply(conn: &mut SqliteConnection, job: Job) -> Done {
    match job {
        Job::Append {
            id,
            conversation,
            author,
            body,
            now,
            reply,
        } => {
            let result = append(conn, id, conversation, author, body, now).await;
            Done::Append(reply, result)
        }
        Job::Visitor {
            id,
            token_hash,
            now,
            reply,
        } => {
            let result =
                sqlx::query("INSERT INTO visitors (id, token_hash, created_at) VALUES (?, ?, ?)")
                    .bind(id.to_string())
                    .bind(token_hash)
                    .bind(now)
                    .execute(&mut *conn)
                    .await
                    .map(|_| ())
                    .map_err(StoreError::from);
            Done::Visitor(reply, result)
        }
        Job::Conversation {
            id,
            channel,
            visitor,
            now,
            reply,
        } => {
            let result = sqlx::query(
                "INSERT INTO conversations (id, channel_id, visitor_id, status, last_seq, created_at)
                 VALUES (?, ?, ?, 'open', 0, ?)",
            )
            .bind(id.to_string())
            .bind(channel.to_string())
            .bind(visitor.to_string())
            .bind(now)
            .execute(&mut *conn)
            .await;
            let result = match result {
                Ok(_) => Ok(Conversation {
                    id,
                    channel,
                    visitor,
                    status: ConversationStatus::Open,
                    assignee: None,
                    last_seq: Seq(0),
                    created_at: now,
                }),
                Err(sqlx::Error::Database(db)) if db.is_foreign_key_violation() => {
                    Err(StoreError::NotFound("channel"))
                }
                Err(e) => Err(e.into()),
            };
            Done::Conversation(reply, result)
        }
    }
}

/// One statement when the message is new: the insert takes the number after
/// the conversation's `last_seq`, only while the conversation is open, and
/// the `messages_advance_conversation` trigger moves the conversation on.
/// Nothing inserted means a resend, a closed or a missing conversation.
async fn append(
    conn: &mut SqliteConnection,
    id: MessageId,
    conversation: ConversationId,
    author: Author,
    body: String,
    now: i64,
) -> Result<Appended, StoreError> {
    let (kind, user) = match author {
        Author::Visitor => ("visitor", None),
        Author::Operator { user } => ("operator", Some(user.0)),
    };
    let seq: Option<i64> = sqlx::query_scalar(
        "INSERT INTO messages (id, conversation_id, seq, author_kind, author_user_id, body, created_at)
         SELECT ?1, c.id, c.last_seq + 1, ?2, ?3, ?4, ?5
           FROM conversations c
          WHERE c.id = ?6 AND c.status = 'open'
         ON CONFLICT (id) DO NOTHING
         RETURNING seq",
    )
    .bind(id.to_string())
    .bind(kind)
    .bind(user)
    .bind(&body)
    .bind(now)
    .bind(conversation.to_string())
    .fetch_optional(&mut *conn)
    .await?;
    if let Some(seq) = seq {
        return Ok(Appended::New(Message {
            id,
            conversation,
            seq: Seq(seq as u64),
            author,
            body,
            created_at: now,
        }));
    }
    let existing = sqlx::query("SELECT * FROM messages WHERE id = ?")
        .bind(id.to_string())
        .fetch_optional(&mut *conn)
        .await?;
    if let Some(row) = existing {
        let existing = super::sqlite::message_from_row(&row)?;
        return if existing.conversation == conversation {
            Ok(Appended::Existing(existing))
        } else {
            Err(StoreError::Conflict("message id"))
        };
    }
    let exists: Option<i64> = sqlx::query_scalar("SELECT 1 FROM conversations WHERE id = ?")
        .bind(conversation.to_string())
        .fetch_optional(&mut *conn)
        .await?;
    Err(match exists {
        Some(_) => StoreError::Closed,
        None => StoreError::NotFound("conversation"),
    })
}
