//! Files sent with messages: metadata in `attachments`, bytes in
//! `attachment_bodies`.

use super::StoreError;
use parlor_domain::{ChannelId, ConversationId, MessageId, VisitorId};

/// An upload as stored (`attachments.rs`), with what access checks need.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StoredAttachment {
    pub attachment: parlor_domain::Attachment,
    /// `None` only if the uploading user was deleted.
    pub uploader: Option<parlor_domain::attachments::Uploader>,
    /// The conversation it was sent in, with its visitor and channel;
    /// `None` until a message claims it.
    pub sent_in: Option<(ConversationId, VisitorId, ChannelId)>,
    pub message: Option<MessageId>,
    pub created_at: i64,
}

/// Uploaded files.
#[async_trait::async_trait]
pub trait AttachmentStore: Send + Sync {
    /// How many files `uploader` stored at or after `since` (the upload rate
    /// limit, shared by all nodes).
    async fn uploads_since(
        &self,
        uploader: parlor_domain::attachments::Uploader,
        since: i64,
    ) -> Result<u32, StoreError>;

    /// Stores an upload, claimed by no conversation yet, with its bytes.
    async fn insert_attachment(
        &self,
        attachment: &parlor_domain::Attachment,
        uploader: parlor_domain::attachments::Uploader,
        bytes: &[u8],
        now: i64,
    ) -> Result<(), StoreError>;

    async fn get_attachment(
        &self,
        id: parlor_domain::AttachmentId,
    ) -> Result<Option<StoredAttachment>, StoreError>;

    async fn attachment_bytes(
        &self,
        id: parlor_domain::AttachmentId,
    ) -> Result<Option<Vec<u8>>, StoreError>;

    /// Claims an upload of `uploader` for message `message` of
    /// `conversation`. Claiming it again for the same message changes
    /// nothing (a resend); anyone else's upload, or one claimed by another
    /// message, is `NotFound("attachment")`.
    async fn claim_attachment(
        &self,
        id: parlor_domain::AttachmentId,
        uploader: parlor_domain::attachments::Uploader,
        conversation: ConversationId,
        message: MessageId,
    ) -> Result<parlor_domain::Attachment, StoreError>;

    /// Deletes uploads stored before `before` that no stored message has
    /// (never sent, or claimed by a send that was refused); how many.
    async fn sweep_attachments(&self, before: i64) -> Result<u64, StoreError>;
}

/// `AttachmentStore`'s statements, shared by both backends: expanded into an `impl`
/// for a backend's type by `sql_store!` (`sql_store.rs`).
macro_rules! attachments_sql {
    ($store:ty, $db:ty) => {
        #[async_trait::async_trait]
        impl $crate::store::AttachmentStore for $store {
            async fn uploads_since(
                &self,
                uploader: parlor_domain::attachments::Uploader,
                since: i64,
            ) -> Result<u32, StoreError> {
                let (visitor, user) = rows::uploader_columns(uploader);
                let row = sqlx::query(
                    "SELECT COUNT(*) AS n FROM attachments
                      WHERE (uploader_visitor_id = $1 OR uploader_user_id = $2) AND created_at >= $3",
                )
                .bind(visitor.map(Key))
                .bind(user)
                .bind(since)
                .fetch_one(&self.pool)
                .await?;
                Ok(row.int("n")? as u32)
            }

            async fn insert_attachment(
                &self,
                attachment: &parlor_domain::Attachment,
                uploader: parlor_domain::attachments::Uploader,
                bytes: &[u8],
                now: i64,
            ) -> Result<(), StoreError> {
                let (visitor, user) = rows::uploader_columns(uploader);
                let mut tx = self.pool.begin().await?;
                sqlx::query(
                    "INSERT INTO attachments (id, uploader_visitor_id, uploader_user_id, name, content_type, size, created_at)
                     VALUES ($1, $2, $3, $4, $5, $6, $7)",
                )
                .bind(Key(attachment.id.0))
                .bind(visitor.map(Key))
                .bind(user)
                .bind(&attachment.name)
                .bind(&attachment.content_type)
                .bind(attachment.size as i64)
                .bind(now)
                .execute(&mut *tx)
                .await?;
                sqlx::query("INSERT INTO attachment_bodies (attachment_id, bytes) VALUES ($1, $2)")
                    .bind(Key(attachment.id.0))
                    .bind(bytes)
                    .execute(&mut *tx)
                    .await?;
                tx.commit().await?;
                Ok(())
            }

            async fn get_attachment(
                &self,
                id: parlor_domain::AttachmentId,
            ) -> Result<Option<crate::store::StoredAttachment>, StoreError> {
                let row = sqlx::query(
                    "SELECT a.*, c.visitor_id AS c_visitor_id, c.channel_id AS c_channel_id
                       FROM attachments a
                       LEFT JOIN conversations c ON c.id = a.conversation_id
                      WHERE a.id = $1",
                )
                .bind(Key(id.0))
                .fetch_optional(&self.pool)
                .await?;
                row.as_ref().map(rows::stored_attachment).transpose()
            }

            async fn attachment_bytes(
                &self,
                id: parlor_domain::AttachmentId,
            ) -> Result<Option<Vec<u8>>, StoreError> {
                let row = sqlx::query("SELECT bytes FROM attachment_bodies WHERE attachment_id = $1")
                    .bind(Key(id.0))
                    .fetch_optional(&self.pool)
                    .await?;
                Ok(match row {
                    Some(row) => Some(sqlx::Row::try_get::<Vec<u8>, _>(&row, "bytes")?),
                    None => None,
                })
            }

            async fn claim_attachment(
                &self,
                id: parlor_domain::AttachmentId,
                uploader: parlor_domain::attachments::Uploader,
                conversation: ConversationId,
                message: parlor_domain::MessageId,
            ) -> Result<parlor_domain::Attachment, StoreError> {
                let (visitor, user) = rows::uploader_columns(uploader);
                // Matched rows count, so a repeated claim by the same message
                // (a resend) counts as done on both backends. A claim whose
                // message was never stored (its conversation closed first)
                // moves with the message's resend to its new conversation.
                let done = sqlx::query(
                    "UPDATE attachments SET conversation_id = $1, message_id = $2
                      WHERE id = $3 AND (uploader_visitor_id = $4 OR uploader_user_id = $5)
                        AND (conversation_id IS NULL
                             OR (conversation_id = $1 AND message_id = $2)
                             OR (message_id = $2 AND NOT EXISTS (SELECT 1 FROM messages m WHERE m.id = $2)))",
                )
                .bind(Key(conversation.0))
                .bind(Key(message.0))
                .bind(Key(id.0))
                .bind(visitor.map(Key))
                .bind(user)
                .execute(&self.pool)
                .await?;
                if done.rows_affected() == 0 {
                    return Err(StoreError::NotFound("attachment"));
                }
                match self.get_attachment(id).await? {
                    Some(stored) => Ok(stored.attachment),
                    None => Err(StoreError::NotFound("attachment")),
                }
            }

            async fn sweep_attachments(&self, before: i64) -> Result<u64, StoreError> {
                // Bodies go with their row (ON DELETE CASCADE).
                let done = sqlx::query(
                    "DELETE FROM attachments
                      WHERE created_at < $1
                        AND (message_id IS NULL
                             OR NOT EXISTS (SELECT 1 FROM messages m WHERE m.id = attachments.message_id))",
                )
                .bind(before)
                .execute(&self.pool)
                .await?;
                Ok(done.rows_affected())
            }
        }
    };
}

pub(super) use attachments_sql;
