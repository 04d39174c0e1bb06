//! Files sent with messages. An upload is checked (size, type from its
//! bytes), named by a fresh UUIDv7 and stored with no conversation; a `send`
//! naming it claims it for that message (`claim_attachment`), and from then
//! on the conversation's participants may download it. Uploads never sent
//! are swept after [`UNSENT_TTL_SECS`].

use crate::store::StoredAttachment;
use crate::{now_unix, Error, Parlor, Result};
use parlor_domain::attachments::{self, Uploader};
use parlor_domain::{
    Attachment, AttachmentId, ChannelId, ConversationId, MessageId, User, VisitorId,
};
use parlor_protocol::WireAttachment;
use std::time::Duration;

/// Uploads one uploader may store per minute (all nodes together).
pub const UPLOADS_PER_MINUTE: u32 = 10;
/// How long an upload no message claimed is kept.
pub const UNSENT_TTL_SECS: i64 = 24 * 60 * 60;
/// How often each node sweeps unclaimed uploads.
const SWEEP_EVERY: Duration = Duration::from_secs(60 * 60);

impl Parlor {
    /// The visitor a token names, if they may upload into `channel` from a
    /// page on `origin` now (the channel's allowed sites; the rate limit).
    /// Checked before the body is read.
    pub async fn visitor_uploader(
        &self,
        token: &str,
        channel: ChannelId,
        origin: Option<&str>,
    ) -> Result<VisitorId> {
        let visitor = self.visitor_in(token, channel).await?;
        self.public_channel(channel, origin).await?;
        self.check_upload_rate(Uploader::Visitor(visitor)).await?;
        Ok(visitor)
    }

    /// Stores a visitor's upload (see [`Parlor::visitor_uploader`]).
    pub async fn upload_visitor_file(
        &self,
        visitor: VisitorId,
        name: &str,
        bytes: &[u8],
    ) -> Result<WireAttachment> {
        self.store_upload(Uploader::Visitor(visitor), name, bytes)
            .await
    }

    /// Whether `user` may upload for `conversation` now: the inbox's rule
    /// (an operator of its channel, or an admin), and the rate limit.
    pub async fn operator_uploader(&self, user: &User, conversation: ConversationId) -> Result<()> {
        let access = self.inbox_access(user).await?;
        self.operator_conversation(&access, conversation).await?;
        self.check_upload_rate(Uploader::User(user.id)).await
    }

    /// Stores an operator's upload for `conversation`; it is claimed when
    /// they send it.
    pub async fn upload_operator_file(
        &self,
        user: &User,
        conversation: ConversationId,
        name: &str,
        bytes: &[u8],
    ) -> Result<WireAttachment> {
        self.operator_uploader(user, conversation).await?;
        self.store_upload(Uploader::User(user.id), name, bytes)
            .await
    }

    /// A file for the visitor a token names: one they uploaded, or one sent
    /// in their conversation. Anything else is `NotFound`, as if missing.
    pub async fn visitor_file(
        &self,
        token: &str,
        id: AttachmentId,
    ) -> Result<(Attachment, Vec<u8>)> {
        let visitor = self.visitor(token).await?;
        let stored = self.store.attachments().get_attachment(id).await?;
        let allowed = stored.as_ref().is_some_and(|s| {
            s.uploader == Some(Uploader::Visitor(visitor))
                || s.sent_in.is_some_and(|(_, v, _)| v == visitor)
        });
        self.file_body(stored.filter(|_| allowed)).await
    }

    /// A file for staff: one sent in a conversation of a channel they work
    /// in (admins: all), or one they uploaded. Else `NotFound`.
    pub async fn operator_file(
        &self,
        user: &User,
        id: AttachmentId,
    ) -> Result<(Attachment, Vec<u8>)> {
        let stored = self.store.attachments().get_attachment(id).await?;
        let allowed = match &stored {
            None => false,
            Some(s) if s.uploader == Some(Uploader::User(user.id)) => true,
            Some(s) => match s.sent_in {
                Some((_, _, channel)) => self.inbox_access(user).await?.allows(channel),
                None => false,
            },
        };
        self.file_body(stored.filter(|_| allowed)).await
    }

    /// Claims `id` for message `message` of `conversation`, for its
    /// uploader only; returns what the message carries.
    pub(crate) async fn claim_attachment(
        &self,
        id: AttachmentId,
        uploader: Uploader,
        conversation: ConversationId,
        message: MessageId,
    ) -> Result<Attachment> {
        Ok(self
            .store
            .attachments()
            .claim_attachment(id, uploader, conversation, message)
            .await?)
    }

    /// Deletes uploads no message claimed within [`UNSENT_TTL_SECS`].
    pub async fn sweep_unsent_attachments(&self) -> Result<u64> {
        Ok(self
            .store
            .attachments()
            .sweep_attachments(now_unix() - UNSENT_TTL_SECS)
            .await?)
    }

    /// Sweeps unclaimed uploads every hour until shutdown. Every node may
    /// run it; the deletes do not conflict.
    pub fn spawn_attachment_sweep(&self) {
        let parlor = self.clone();
        let mut stop = self.shutdown_signal();
        tokio::spawn(async move {
            let mut tick = tokio::time::interval(SWEEP_EVERY);
            tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            loop {
                tokio::select! {
                    _ = tick.tick() => {}
                    _ = crate::stopping(&mut stop) => return,
                }
                match parlor.sweep_unsent_attachments().await {
                    Ok(0) => {}
                    Ok(n) => tracing::info!(deleted = n, "swept unsent uploads"),
                    Err(e) => tracing::warn!(error = %e, "sweeping unsent uploads failed"),
                }
            }
        });
    }

    async fn check_upload_rate(&self, uploader: Uploader) -> Result<()> {
        let recent = self
            .store
            .attachments()
            .uploads_since(uploader, now_unix() - 59)
            .await?;
        if recent >= UPLOADS_PER_MINUTE {
            return Err(Error::RateLimited);
        }
        Ok(())
    }

    async fn store_upload(
        &self,
        uploader: Uploader,
        name: &str,
        bytes: &[u8],
    ) -> Result<WireAttachment> {
        let kind = attachments::check_upload(bytes)?;
        // Checked again now that the body is in: uploads running in
        // parallel may all have passed the early check.
        self.check_upload_rate(uploader).await?;
        let attachment = Attachment {
            id: AttachmentId(uuid::Uuid::now_v7()),
            name: attachments::sanitize_name(name),
            content_type: kind.content_type().to_string(),
            size: bytes.len() as u64,
        };
        self.store
            .attachments()
            .insert_attachment(&attachment, uploader, bytes, now_unix())
            .await?;
        Ok(attachment.to_wire())
    }

    async fn file_body(&self, stored: Option<StoredAttachment>) -> Result<(Attachment, Vec<u8>)> {
        let stored = stored.ok_or(Error::NotFound("file"))?;
        let bytes = self
            .store
            .attachments()
            .attachment_bytes(stored.attachment.id)
            .await?
            .ok_or(Error::NotFound("file"))?;
        Ok((stored.attachment, bytes))
    }
}
