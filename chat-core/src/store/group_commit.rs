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
use std::collections::HashMap;
use tokio::sync::{mpsc, oneshot};

/// The most jobs committed together.
const MAX_BATCH: usize = 512;
/// Jobs waiting for the writer before callers wait for room.
pub(super) const QUEUE: usize = 4096;

pub(super) struct AppendOp {
    pub id: MessageId,
    pub conversation: ConversationId,
    pub author: Author,
    pub body: String,
    pub now: i64,
    pub attachment: Option<parlor_domain::Attachment>,
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
    /// The channel whose widget made the visitor: their token is valid
    /// there only.
    pub channel: ChannelId,
    pub token_hash: String,
    pub now: i64,
}

pub(super) struct ConversationOp {
    pub id: ConversationId,
    pub channel: ChannelId,
    pub visitor: VisitorId,
    pub now: i64,
    /// The channel allows one open conversation per visitor: the visitor's
    /// open one, if any, is the answer, and nothing is inserted.
    pub one_active: bool,
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
            rating: None,
            offline: false,
            read_seq: Seq(0),
            visitor_read_seq: Seq(0),
        }
    }
}

pub(super) struct ConversationState {
    pub id: ConversationId,
    pub open: bool,
    pub last_seq: Seq,
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
    /// The stored messages among `ids`.
    async fn messages_by_id(&mut self, ids: &[MessageId]) -> Result<Vec<Message>, StoreError>;
    /// Whether each of these conversations is open, and its last `seq`; the
    /// rows stay locked until the transaction ends where other writers
    /// exist (PostgreSQL), so the numbers cannot go stale.
    async fn conversation_states(
        &mut self,
        ids: &[ConversationId],
    ) -> Result<Vec<ConversationState>, StoreError>;
    /// Inserts new messages, in the order given (the append trigger moves
    /// each conversation on); returns how many rows were inserted.
    async fn insert_messages(&mut self, messages: &[Message]) -> Result<u64, StoreError>;
    async fn insert_visitor(&mut self, op: &VisitorOp) -> Result<(), StoreError>;
    /// Inserts the conversation; with `op.one_active`, returns the
    /// visitor's open conversation in the channel instead if there is one.
    async fn insert_conversation(
        &mut self,
        op: &ConversationOp,
    ) -> Result<Appended<Conversation>, StoreError>;
}

type Reply<T> = oneshot::Sender<Result<T, StoreError>>;

pub(super) enum Job {
    Append(AppendOp, Reply<Appended>),
    Visitor(VisitorOp, Reply<()>),
    Conversation(ConversationOp, Reply<Appended<Conversation>>),
}

/// A job's outcome, held until its transaction commits.
enum Outcome {
    Append(Result<Appended, StoreError>),
    Visitor(Result<(), StoreError>),
    Conversation(Result<Appended<Conversation>, StoreError>),
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
    /// A statement failed and the batch was rolled back (in PostgreSQL the
    /// failure spoils the transaction anyway); holds that statement's outcome.
    Statement(Vec<Outcome>),
}

/// Applies `jobs` in one transaction; the outcomes stand once this returns Ok.
async fn run<B: Backend>(backend: &mut B, jobs: &[Job]) -> Result<Vec<Outcome>, Failed> {
    if let Err(e) = backend.begin().await {
        backend.rollback().await;
        return Err(Failed::Transaction(e));
    }
    // New visitors and conversations first. No append depends on a job of
    // its own batch: a session waits for each write's answer before the next.
    let mut outcomes: Vec<Option<Outcome>> = jobs.iter().map(|_| None).collect();
    let mut appends = Vec::new();
    for (i, job) in jobs.iter().enumerate() {
        let outcome = match job {
            Job::Append(op, _) => {
                appends.push((i, op));
                continue;
            }
            Job::Visitor(op, _) => Outcome::Visitor(backend.insert_visitor(op).await),
            Job::Conversation(op, _) => {
                Outcome::Conversation(backend.insert_conversation(op).await)
            }
        };
        if B::FAILURE_ABORTS_TRANSACTION && outcome.sql_failed() {
            backend.rollback().await;
            return Err(Failed::Statement(vec![outcome]));
        }
        outcomes[i] = Some(outcome);
    }
    if !appends.is_empty() {
        let ops: Vec<&AppendOp> = appends.iter().map(|(_, op)| *op).collect();
        match append_all(backend, &ops).await {
            Ok(results) => {
                for ((i, _), result) in appends.iter().zip(results) {
                    outcomes[*i] = Some(Outcome::Append(result));
                }
            }
            Err(e) => {
                backend.rollback().await;
                return Err(Failed::Statement(vec![Outcome::Append(Err(e))]));
            }
        }
    }
    if let Err(e) = backend.commit().await {
        backend.rollback().await;
        return Err(Failed::Transaction(e));
    }
    Ok(outcomes.into_iter().flatten().collect())
}

/// Appends a batch's messages with three statements, however many there
/// are: what is stored under their ids already (resends), the state of
/// their conversations, then one insert. Sequence numbers are handed out
/// here, in the order the appends arrived.
async fn append_all<B: Backend>(
    backend: &mut B,
    ops: &[&AppendOp],
) -> Result<Vec<Result<Appended, StoreError>>, StoreError> {
    let ids: Vec<MessageId> = ops.iter().map(|op| op.id).collect();
    let mut stored: HashMap<MessageId, Message> = backend
        .messages_by_id(&ids)
        .await?
        .into_iter()
        .map(|m| (m.id, m))
        .collect();
    let mut conversations: Vec<ConversationId> = ops.iter().map(|op| op.conversation).collect();
    conversations.sort_unstable();
    conversations.dedup();
    let mut states: HashMap<ConversationId, ConversationState> = backend
        .conversation_states(&conversations)
        .await?
        .into_iter()
        .map(|c| (c.id, c))
        .collect();
    let mut new = Vec::new();
    let mut results = Vec::with_capacity(ops.len());
    for op in ops {
        if let Some(existing) = stored.get(&op.id) {
            results.push(op.resent(existing.clone()));
            continue;
        }
        let result = match states.get_mut(&op.conversation) {
            Some(c) if c.open => {
                c.last_seq = Seq(c.last_seq.0 + 1);
                let message = Message {
                    id: op.id,
                    conversation: op.conversation,
                    seq: c.last_seq,
                    author: op.author,
                    body: op.body.clone(),
                    created_at: op.now,
                    edited_at: None,
                    attachment: op.attachment.clone(),
                };
                // A resend within this batch finds it.
                stored.insert(op.id, message.clone());
                new.push(message.clone());
                Ok(Appended::New(message))
            }
            state => Err(AppendOp::not_open(state.is_some())),
        };
        results.push(result);
    }
    if !new.is_empty() {
        let inserted = backend.insert_messages(&new).await?;
        if inserted != new.len() as u64 {
            // Another node stored one of these ids meanwhile: the batch is
            // retried job by job, which finds it.
            return Err(StoreError::Unavailable(
                "a message id was taken meanwhile".into(),
            ));
        }
    }
    Ok(results)
}
