//! Group commit for writes on the message path, for both backends. One task
//! owns a connection and applies whatever is waiting in one transaction: one
//! fsync acknowledges a whole batch, where one transaction per write made
//! concurrent senders queue behind each other's fsyncs. New visitors and
//! conversations go through it too, so a burst of first messages batches
//! like any other. Replies are sent only after COMMIT returns, i.e. once the
//! batch is durable.
//!
//! Each backend supplies the statements ([`Backend`]); what differs is what
//! a failing statement spoils. In SQLite only itself, so the batch goes on.
//! In PostgreSQL the whole transaction, so the batch is rolled back and its
//! jobs run again one transaction each: one bad job never fails another.

use super::{Appended, StoreError};
use async_trait::async_trait;
use parlor_domain::{
    Author, ChannelId, Conversation, ConversationId, ConversationStatus, Message, MessageId, Seq,
    VisitorId,
};
use tokio::sync::{mpsc, oneshot};

/// The most jobs committed together.
const MAX_BATCH: usize = 256;
/// Jobs waiting for the writer before callers wait for room.
pub(super) const QUEUE: usize = 4096;

pub(super) struct AppendOp {
    pub id: MessageId,
    pub conversation: ConversationId,
    pub author: Author,
    pub body: String,
    pub now: i64,
}

impl AppendOp {
    /// The append found `existing` under its id: a resend gets the original;
    /// the id of another conversation's message is a conflict.
    pub fn resent(&self, existing: Message) -> Result<Appended, StoreError> {
        if existing.conversation == self.conversation {
            Ok(Appended::Existing(existing))
        } else {
            Err(StoreError::Conflict("message id"))
        }
    }

    /// Nothing was appended and no message has the id: the conversation is
    /// closed if it `exists`, else missing.
    pub fn not_open(exists: bool) -> StoreError {
        if exists {
            StoreError::Closed
        } else {
            StoreError::NotFound("conversation")
        }
    }
}

pub(super) struct VisitorOp {
    pub id: VisitorId,
    pub token_hash: String,
    pub now: i64,
}

pub(super) struct ConversationOp {
    pub id: ConversationId,
    pub channel: ChannelId,
    pub visitor: VisitorId,
    pub now: i64,
}

impl ConversationOp {
    /// The conversation this op creates, as it is once inserted.
    pub fn created(&self) -> Conversation {
        Conversation {
            id: self.id,
            channel: self.channel,
            visitor: self.visitor,
            status: ConversationStatus::Open,
            assignee: None,
            last_seq: Seq(0),
            created_at: self.now,
        }
    }
}

/// The statements of one backend, run inside the writer's transaction.
#[async_trait]
pub(super) trait Backend: Send + 'static {
    /// A failed statement aborts the whole transaction (PostgreSQL), not only
    /// itself (SQLite).
    const FAILURE_ABORTS_TRANSACTION: bool;
    async fn begin(&mut self) -> Result<(), sqlx::Error>;
    async fn commit(&mut self) -> Result<(), sqlx::Error>;
    async fn rollback(&mut self);
    async fn append(&mut self, op: &AppendOp) -> Result<Appended, StoreError>;
    async fn insert_visitor(&mut self, op: &VisitorOp) -> Result<(), StoreError>;
    async fn insert_conversation(
        &mut self,
        op: &ConversationOp,
    ) -> Result<Conversation, StoreError>;
}

type Reply<T> = oneshot::Sender<Result<T, StoreError>>;

pub(super) enum Job {
    Append(AppendOp, Reply<Appended>),
    Visitor(VisitorOp, Reply<()>),
    Conversation(ConversationOp, Reply<Conversation>),
}

/// A job's outcome, held until its transaction commits.
enum Outcome {
    Append(Result<Appended, StoreError>),
    Visitor(Result<(), StoreError>),
    Conversation(Result<Conversation, StoreError>),
}

impl Outcome {
    fn sql_failed(&self) -> bool {
        let failed = |e: Option<&StoreError>| matches!(e, Some(StoreError::Database(_)));
        match self {
            Outcome::Append(r) => failed(r.as_ref().err()),
            Outcome::Visitor(r) => failed(r.as_ref().err()),
            Outcome::Conversation(r) => failed(r.as_ref().err()),
        }
    }
}

impl Job {
    fn answer(self, outcome: Outcome) {
        match (self, outcome) {
            (Job::Append(_, r), Outcome::Append(v)) => drop(r.send(v)),
            (Job::Visitor(_, r), Outcome::Visitor(v)) => drop(r.send(v)),
            (Job::Conversation(_, r), Outcome::Conversation(v)) => drop(r.send(v)),
            (job, _) => job.fail("outcome of another job"),
        }
    }

    /// Nothing of the job is stored.
    fn fail(self, why: &str) {
        let e = || StoreError::Unavailable(why.to_string());
        match self {
            Job::Append(_, r) => drop(r.send(Err(e()))),
            Job::Visitor(_, r) => drop(r.send(Err(e()))),
            Job::Conversation(_, r) => drop(r.send(Err(e()))),
        }
    }
}

pub(super) fn spawn<B: Backend>(backend: B) -> mpsc::Sender<Job> {
    let (tx, rx) = mpsc::channel(QUEUE);
    tokio::spawn(writer(backend, rx));
    tx
}

/// Hands a job to the writer and waits for its durable outcome.
pub(super) async fn write<T>(
    writer: &mpsc::Sender<Job>,
    job: impl FnOnce(Reply<T>) -> Job,
) -> Result<T, StoreError> {
    let (reply, answer) = oneshot::channel();
    let gone = || StoreError::Unavailable("the writer stopped".into());
    writer.send(job(reply)).await.map_err(|_| gone())?;
    answer.await.map_err(|_| gone())?
}

pub(super) fn queue_depth(writer: &mpsc::Sender<Job>) -> usize {
    writer.max_capacity() - writer.capacity()
}

async fn writer<B: Backend>(mut backend: B, mut rx: mpsc::Receiver<Job>) {
    let mut batch = Vec::with_capacity(MAX_BATCH);
    while rx.recv_many(&mut batch, MAX_BATCH).await > 0 {
        match run(&mut backend, &batch).await {
            Ok(outcomes) => batch.drain(..).zip(outcomes).for_each(|(j, o)| j.answer(o)),
            Err(Failed::Statement(_)) if batch.len() > 1 => {
                // One job's statement spoiled the transaction: give each job
                // a transaction of its own.
                for job in batch.drain(..) {
                    match run(&mut backend, std::slice::from_ref(&job)).await {
                        Ok(mut outcome) | Err(Failed::Statement(mut outcome)) => {
                            match outcome.pop() {
                                Some(o) => job.answer(o),
                                None => job.fail("no outcome"),
                            }
                        }
                        Err(Failed::Transaction(e)) => job.fail(&e.to_string()),
                    }
                }
            }
            Err(Failed::Statement(mut outcome)) => {
                if let (Some(job), Some(o)) = (batch.pop(), outcome.pop()) {
                    job.answer(o);
                }
            }
            Err(Failed::Transaction(e)) => {
                tracing::error!(error = %e, size = batch.len(), "write batch failed");
                let why = e.to_string();
                batch.drain(..).for_each(|j| j.fail(&why));
            }
        }
    }
}

enum Failed {
    /// BEGIN or COMMIT failed: nothing of the batch is stored.
    Transaction(sqlx::Error),
    /// A statement failed and took the transaction with it (PostgreSQL); the
    /// last outcome is that statement's.
    Statement(Vec<Outcome>),
}

/// Applies `jobs` in one transaction; the outcomes stand once this returns Ok.
async fn run<B: Backend>(backend: &mut B, jobs: &[Job]) -> Result<Vec<Outcome>, Failed> {
    if let Err(e) = backend.begin().await {
        backend.rollback().await;
        return Err(Failed::Transaction(e));
    }
    let mut outcomes = Vec::with_capacity(jobs.len());
    for job in jobs {
        let outcome = match job {
            Job::Append(op, _) => Outcome::Append(backend.append(op).await),
            Job::Visitor(op, _) => Outcome::Visitor(backend.insert_visitor(op).await),
            Job::Conversation(op, _) => {
                Outcome::Conversation(backend.insert_conversation(op).await)
            }
        };
        let spoiled = B::FAILURE_ABORTS_TRANSACTION && outcome.sql_failed();
        outcomes.push(outcome);
        if spoiled {
            backend.rollback().await;
            return Err(Failed::Statement(outcomes));
        }
    }
    match backend.commit().await {
        Ok(()) => Ok(outcomes),
        Err(e) => {
            backend.rollback().await;
            Err(Failed::Transaction(e))
        }
    }
}
