//! Messages: the append (group-committed, `group_commit.rs`) and reading
//! them back (`messages`).

use super::{Appended, StoreError};
use parlor_domain::{Author, ConversationId, Message, MessageId, Seq};

/// A message to append. The store assigns its sequence number.
#[derive(Debug, Clone)]
pub struct NewMessage<'a> {
    pub id: MessageId,
    pub conversation: ConversationId,
    pub author: Author,
    pub body: &'a str,
    pub now: i64,
    /// A file already claimed for this message (`attachments.rs`).
    pub attachment: Option<&'a parlor_domain::Attachment>,
}

/// A conversation's messages.
#[async_trait::async_trait]
pub trait MessageStore: Send + Sync {
    /// In one transaction: takes the conversation's next sequence number and
    /// inserts the message, or returns the message already stored under its id.
    /// Returns only once the commit is durable. A message id used in another
    /// conversation is a `Conflict`; a new message in a closed conversation is
    /// `Closed`. An operator's message assigns the conversation to them if
    /// nobody has it, and marks it read up to that message.
    async fn append_message(&self, message: &NewMessage<'_>) -> Result<Appended, StoreError>;

    /// Messages with `seq > after`, in order, at most `limit`.
    async fn messages_after(
        &self,
        conversation: ConversationId,
        after: Seq,
        limit: u32,
    ) -> Result<Vec<Message>, StoreError>;

    /// Message `id` of `conversation`, if there is one.
    async fn get_message(
        &self,
        conversation: ConversationId,
        id: MessageId,
    ) -> Result<Option<Message>, StoreError>;
}

/// `MessageStore`'s statements, shared by both backends: expanded into an `impl`
/// for a backend's type by `sql_store!` (`sql_store.rs`).
macro_rules! messages_sql {
    ($store:ty, $db:ty) => {
        #[async_trait::async_trait]
        impl $crate::store::MessageStore for $store {
            async fn append_message(&self, m: &NewMessage<'_>) -> Result<Appended, StoreError> {
                let op = AppendOp {
                    id: m.id,
                    conversation: m.conversation,
                    author: m.author,
                    body: m.body.to_string(),
                    now: m.now,
                    attachment: m.attachment.cloned(),
                };
                group_commit::write(&self.writer, |reply| Job::Append(op, reply)).await
            }

            async fn messages_after(
                &self,
                conversation: ConversationId,
                after: Seq,
                limit: u32,
            ) -> Result<Vec<Message>, StoreError> {
                let rows = sqlx::query(
                    "SELECT * FROM messages WHERE conversation_id = $1 AND seq > $2 ORDER BY seq LIMIT $3",
                )
                .bind(Key(conversation.0))
                .bind(after.0 as i64)
                .bind(i64::from(limit))
                .fetch_all(&self.pool)
                .await?;
                rows.iter().map(rows::message).collect()
            }

            async fn get_message(
                &self,
                conversation: ConversationId,
                id: parlor_domain::MessageId,
            ) -> Result<Option<Message>, StoreError> {
                let row = sqlx::query("SELECT * FROM messages WHERE id = $1 AND conversation_id = $2")
                    .bind(Key(id.0))
                    .bind(Key(conversation.0))
                    .fetch_optional(&self.pool)
                    .await?;
                row.as_ref().map(rows::message).transpose()
            }
        }
    };
}

pub(super) use messages_sql;
