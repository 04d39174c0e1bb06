//! Files sent with messages: metadata in `attachments`, bytes in
//! `attachment_chunks` of at most [`ATTACHMENT_CHUNK_BYTES`] each, so a file
//! is written and read a bounded piece at a time. A streamed upload is
//! `begin_attachment`, `put_attachment_chunk`s, then `finish_attachment`;
//! until finished its row is `pending` and every read here skips it.

use super::StoreError;
use parlor_domain::{ChannelId, ConversationId, MessageId, VisitorId};

/// The most bytes one stored chunk holds: 256 KiB. The migration that
/// moved older bodies into chunks cut them at this size too.
pub const ATTACHMENT_CHUNK_BYTES: usize = 256 * 1024;

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

    /// Stores a whole upload at once, claimed by no conversation yet, with
    /// its bytes in chunks, in one transaction.
    async fn insert_attachment(
        &self,
        attachment: &parlor_domain::Attachment,
        uploader: parlor_domain::attachments::Uploader,
        bytes: &[u8],
        now: i64,
    ) -> Result<(), StoreError>;

    /// Starts a streamed upload: its row, pending (invisible to every read
    /// and to the rate count) until [`AttachmentStore::finish_attachment`].
    async fn begin_attachment(
        &self,
        attachment: &parlor_domain::Attachment,
        uploader: parlor_domain::attachments::Uploader,
        now: i64,
    ) -> Result<(), StoreError>;

    /// Stores chunk `idx` (from 0, in order) of a pending upload; at most
    /// [`ATTACHMENT_CHUNK_BYTES`].
    async fn put_attachment_chunk(
        &self,
        id: parlor_domain::AttachmentId,
        idx: u32,
        bytes: &[u8],
    ) -> Result<(), StoreError>;

    /// Makes a pending upload visible with its final size. `NotFound` if it
    /// is no longer there (deleted or swept meanwhile).
    async fn finish_attachment(
        &self,
        id: parlor_domain::AttachmentId,
        size: u64,
    ) -> Result<(), StoreError>;

    /// Deletes an upload still pending, chunks and all (an aborted upload).
    async fn discard_attachment(&self, id: parlor_domain::AttachmentId) -> Result<(), StoreError>;

    async fn get_attachment(
        &self,
        id: parlor_domain::AttachmentId,
    ) -> Result<Option<StoredAttachment>, StoreError>;

    /// Chunk `idx` of a stored (not pending) upload; `None` past its last.
    async fn attachment_chunk(
        &self,
        id: parlor_domain::AttachmentId,
        idx: u32,
    ) -> Result<Option<Vec<u8>>, StoreError>;

    /// A stored file's bytes, whole: its chunks joined. For small files and
    /// tests; downloads stream [`AttachmentStore::attachment_chunk`]s.
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

pub(super) const INSERT_CHUNK: &str =
    "INSERT INTO attachment_chunks (attachment_id, idx, bytes) VALUES ($1, $2, $3)";

/// `AttachmentStore`'s statements, shared by both backends: expanded into an `impl`
/// for a backend's type by `sql_store!` (`sql_store.rs`).
macro_rules! attachments_sql {
    ($store:ty, $db:ty) => {
        /// An upload's row: complete with its size, or pending (size 0
        /// until `finish_attachment`).
        fn attachment_row<'q>(
            attachment: &'q parlor_domain::Attachment,
            uploader: parlor_domain::attachments::Uploader,
            now: i64,
            pending: bool,
        ) -> sqlx::query::Query<'q, $db, <$db as sqlx::Database>::Arguments<'q>> {
            let (visitor, user) = rows::uploader_columns(uploader);
            sqlx::query(
                "INSERT INTO attachments
                   (id, uploader_visitor_id, uploader_user_id, name, content_type, size, created_at, pending)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
            )
            .bind(Key(attachment.id.0))
            .bind(visitor.map(Key))
            .bind(user)
            .bind(&attachment.name)
            .bind(&attachment.content_type)
            .bind(if pending { 0 } else { attachment.size as i64 })
            .bind(now)
            .bind(i32::from(pending))
        }

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
                      WHERE (uploader_visitor_id = $1 OR uploader_user_id = $2) AND created_at >= $3
                        AND pending = 0",
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
                let mut tx = self.pool.begin().await?;
                attachment_row(attachment, uploader, now, false)
                    .execute(&mut *tx)
                    .await?;
                for (idx, chunk) in bytes
                    .chunks($crate::store::attachments::ATTACHMENT_CHUNK_BYTES)
                    .enumerate()
                {
                    sqlx::query($crate::store::attachments::INSERT_CHUNK)
                        .bind(Key(attachment.id.0))
                        .bind(idx as i32)
                        .bind(chunk)
                        .execute(&mut *tx)
                        .await?;
                }
                tx.commit().await?;
                Ok(())
            }

            async fn begin_attachment(
                &self,
                attachment: &parlor_domain::Attachment,
                uploader: parlor_domain::attachments::Uploader,
                now: i64,
            ) -> Result<(), StoreError> {
                attachment_row(attachment, uploader, now, true)
                    .execute(&self.pool)
                    .await?;
                Ok(())
            }

            async fn put_attachment_chunk(
                &self,
                id: parlor_domain::AttachmentId,
                idx: u32,
                bytes: &[u8],
            ) -> Result<(), StoreError> {
                let idx = i32::try_from(idx).map_err(|_| StoreError::NotFound("attachment"))?;
                sqlx::query($crate::store::attachments::INSERT_CHUNK)
                    .bind(Key(id.0))
                    .bind(idx)
                    .bind(bytes)
                    .execute(&self.pool)
                    .await?;
                Ok(())
            }

            async fn finish_attachment(
                &self,
                id: parlor_domain::AttachmentId,
                size: u64,
            ) -> Result<(), StoreError> {
                let done = sqlx::query(
                    "UPDATE attachments SET pending = 0, size = $2 WHERE id = $1 AND pending = 1",
                )
                .bind(Key(id.0))
                .bind(size as i64)
                .execute(&self.pool)
                .await?;
                if done.rows_affected() == 0 {
                    return Err(StoreError::NotFound("attachment"));
                }
                Ok(())
            }

            async fn discard_attachment(
                &self,
                id: parlor_domain::AttachmentId,
            ) -> Result<(), StoreError> {
                // Chunks go with their row (ON DELETE CASCADE).
                sqlx::query("DELETE FROM attachments WHERE id = $1 AND pending = 1")
                    .bind(Key(id.0))
                    .execute(&self.pool)
                    .await?;
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
                      WHERE a.id = $1 AND a.pending = 0",
                )
                .bind(Key(id.0))
                .fetch_optional(&self.pool)
                .await?;
                row.as_ref().map(rows::stored_attachment).transpose()
            }

            async fn attachment_chunk(
                &self,
                id: parlor_domain::AttachmentId,
                idx: u32,
            ) -> Result<Option<Vec<u8>>, StoreError> {
                let Ok(idx) = i32::try_from(idx) else {
                    return Ok(None);
                };
                let row = sqlx::query(
                    "SELECT c.bytes FROM attachment_chunks c
                       JOIN attachments a ON a.id = c.attachment_id AND a.pending = 0
                      WHERE c.attachment_id = $1 AND c.idx = $2",
                )
                .bind(Key(id.0))
                .bind(idx)
                .fetch_optional(&self.pool)
                .await?;
                Ok(match row {
                    Some(row) => Some(sqlx::Row::try_get::<Vec<u8>, _>(&row, "bytes")?),
                    None => None,
                })
            }

            async fn attachment_bytes(
                &self,
                id: parlor_domain::AttachmentId,
            ) -> Result<Option<Vec<u8>>, StoreError> {
                let mut bytes: Option<Vec<u8>> = None;
                let mut idx = 0;
                while let Some(chunk) = self.attachment_chunk(id, idx).await? {
                    bytes.get_or_insert_with(Vec::new).extend_from_slice(&chunk);
                    idx += 1;
                }
                Ok(bytes)
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
                      WHERE id = $3 AND pending = 0 AND (uploader_visitor_id = $4 OR uploader_user_id = $5)
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
                // Chunks go with their row (ON DELETE CASCADE). Pending rows
                // this old are uploads a crash or a lost connection left.
                let done = sqlx::query(
                    "DELETE FROM attachments
                      WHERE created_at < $1 AND ticket_id IS NULL
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
