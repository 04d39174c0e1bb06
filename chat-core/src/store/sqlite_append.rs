//! Group commit for message appends on SQLite. One task owns a connection and
//! appends whatever is waiting in one transaction: one fsync acknowledges a
//! whole batch, where one transaction per message made concurrent senders
//! queue behind each other's fsyncs (SQLite has a single writer anyway).
//!
//! Per message, inside the batch: look the id up (a resend returns the stored
//! message), bump the conversation's `last_seq`, insert. Each message runs in
//! a savepoint, so one failure neither leaves a gap nor spoils the others.
//! Replies are sent only after COMMIT returns, i.e. once the batch is durable.

use super::{Appended, StoreError};
use parlor_domain::{Author, ConversationId, Message, MessageId, Seq};
use sqlx::sqlite::SqliteConnection;
use tokio::sync::{mpsc, oneshot};

/// The most appends committed together.
const MAX_BATCH: usize = 256;
/// Appends waiting for the writer before senders wait for room.
pub(super) const QUEUE: usize = 4096;

pub(super) struct Job {
    pub id: MessageId,
    pub conversation: ConversationId,
    pub author: Author,
    pub body: String,
    pub now: i64,
    pub reply: oneshot::Sender<Result<Appended, StoreError>>,
}

pub(super) fn spawn(conn: SqliteConnection) -> mpsc::Sender<Job> {
    let (tx, rx) = mpsc::channel(QUEUE);
    tokio::spawn(writer(conn, rx));
    tx
}

async fn writer(mut conn: SqliteConnection, mut rx: mpsc::Receiver<Job>) {
    while let Some(first) = rx.recv().await {
        let mut batch = vec![first];
        while batch.len() < MAX_BATCH {
            match rx.try_recv() {
                Ok(job) => batch.push(job),
                Err(_) => break,
            }
        }
        match commit_batch(&mut conn, &batch).await {
            Ok(results) => {
                for (job, result) in batch.into_iter().zip(results) {
                    let _ = job.reply.send(result);
                }
            }
            Err(e) => {
                tracing::error!(error = %e, size = batch.len(), "append batch failed");
                let _ = sqlx::query("ROLLBACK").execute(&mut conn).await;
                for job in batch {
                    let _ = job.reply.send(Err(StoreError::Unavailable(e.to_string())));
                }
            }
        }
    }
}

async fn exec(conn: &mut SqliteConnection, sql: &str) -> Result<(), sqlx::Error> {
    sqlx::query(sql).execute(conn).await.map(|_| ())
}

async fn commit_batch(
    conn: &mut SqliteConnection,
    batch: &[Job],
) -> Result<Vec<Result<Appended, StoreError>>, sqlx::Error> {
    // IMMEDIATE takes the write lock up front (waiting on busy_timeout), so the
    // reads below cannot go stale under another connection's write.
    exec(conn, "BEGIN IMMEDIATE").await?;
    let mut results = Vec::with_capacity(batch.len());
    for job in batch {
        exec(conn, "SAVEPOINT append").await?;
        let result = append_one(conn, job).await;
        if result.is_err() {
            exec(conn, "ROLLBACK TO append").await?;
        }
        exec(conn, "RELEASE append").await?;
        results.push(result);
    }
    exec(conn, "COMMIT").await?;
    Ok(results)
}

async fn append_one(conn: &mut SqliteConnection, job: &Job) -> Result<Appended, StoreError> {
    let existing = sqlx::query("SELECT * FROM messages WHERE id = ?")
        .bind(job.id.to_string())
        .fetch_optional(&mut *conn)
        .await?;
    if let Some(row) = existing {
        let existing = super::sqlite::message_from_row(&row)?;
        return if existing.conversation == job.conversation {
            Ok(Appended::Existing(existing))
        } else {
            Err(StoreError::Conflict("message id"))
        };
    }
    let operator = match job.author {
        Author::Visitor => None,
        Author::Operator { user } => Some(user.0),
    };
    // SET sees the old row: `last_seq + 1` is the new message's number. An
    // operator's answer takes an unassigned conversation and reads it.
    let seq: Option<i64> = sqlx::query_scalar(
        "UPDATE conversations
            SET last_seq = last_seq + 1,
                last_at = ?1,
                assignee_id = CASE WHEN ?2 IS NULL THEN assignee_id ELSE COALESCE(assignee_id, ?2) END,
                read_seq = CASE WHEN ?2 IS NULL THEN read_seq ELSE last_seq + 1 END
          WHERE id = ?3 AND status = 'open'
      RETURNING last_seq",
    )
    .bind(job.now)
    .bind(operator)
    .bind(job.conversation.to_string())
    .fetch_optional(&mut *conn)
    .await?;
    let Some(seq) = seq else {
        let exists: Option<i64> = sqlx::query_scalar("SELECT 1 FROM conversations WHERE id = ?")
            .bind(job.conversation.to_string())
            .fetch_optional(&mut *conn)
            .await?;
        return Err(match exists {
            Some(_) => StoreError::Closed,
            None => StoreError::NotFound("conversation"),
        });
    };
    let (kind, user) = match job.author {
        Author::Visitor => ("visitor", None),
        Author::Operator { user } => ("operator", Some(user.0)),
    };
    sqlx::query(
        "INSERT INTO messages (id, conversation_id, seq, author_kind, author_user_id, body, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?)",
    )
    .bind(job.id.to_string())
    .bind(job.conversation.to_string())
    .bind(seq)
    .bind(kind)
    .bind(user)
    .bind(&job.body)
    .bind(job.now)
    .execute(&mut *conn)
    .await?;
    Ok(Appended::New(Message {
        id: job.id,
        conversation: job.conversation,
        seq: Seq(seq as u64),
        author: job.author,
        body: job.body.clone(),
        created_at: job.now,
    }))
}
