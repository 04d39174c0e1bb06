//! Files sent with messages. An upload is checked (size, type from its
//! bytes), named by a fresh UUIDv7 and stored with no conversation; a `send`
//! naming it claims it for that message (`claim_attachment`), and from then
//! on the conversation's participants may download it. Uploads never sent
//! are swept after [`UNSENT_TTL_SECS`].
//!
//! Bytes move a chunk at a time both ways: an [`Upload`] stores each chunk
//! as it arrives, and a [`FileBody`] reads them back one by one, so no file
//! is ever held whole.

use crate::store::{Store, StoredAttachment};
use crate::{now_unix, Error, Parlor, Result};
use futures::Stream;
use parlor_domain::attachments::{self, UploadCheck, Uploader};
use parlor_domain::{
    Attachment, AttachmentId, ChannelId, ConversationId, MessageId, User, VisitorId,
};
use parlor_protocol::WireAttachment;
use std::sync::Arc;
use std::time::Duration;

pub use crate::store::ATTACHMENT_CHUNK_BYTES;

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

    /// Starts a visitor's upload from its first chunk (at most
    /// [`ATTACHMENT_CHUNK_BYTES`]), whose bytes decide the type.
    pub async fn begin_visitor_upload(
        &self,
        visitor: VisitorId,
        name: &str,
        first: &[u8],
    ) -> Result<Upload> {
        self.begin_upload(Uploader::Visitor(visitor), name, first)
            .await
    }

    /// Whether `user` may upload for `conversation` now: the inbox's rule
    /// (an operator of its channel, or an admin), and the rate limit.
    pub async fn operator_uploader(&self, user: &User, conversation: ConversationId) -> Result<()> {
        let access = self.inbox_access(user).await?;
        self.operator_conversation(&access, conversation).await?;
        self.check_upload_rate(Uploader::User(user.id)).await
    }

    /// Starts an operator's upload for `conversation` from its first chunk
    /// (see [`Parlor::begin_visitor_upload`]).
    pub async fn begin_operator_upload(
        &self,
        user: &User,
        conversation: ConversationId,
        name: &str,
        first: &[u8],
    ) -> Result<Upload> {
        self.operator_uploader(user, conversation).await?;
        self.begin_upload(Uploader::User(user.id), name, first)
            .await
    }

    /// A file for the visitor a token names: one they uploaded, or one sent
    /// in their conversation. Anything else is `NotFound`, as if missing.
    pub async fn visitor_file(
        &self,
        token: &str,
        id: AttachmentId,
    ) -> Result<(Attachment, FileBody)> {
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
    ) -> Result<(Attachment, FileBody)> {
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

    async fn begin_upload(&self, uploader: Uploader, name: &str, first: &[u8]) -> Result<Upload> {
        let check = UploadCheck::start(first)?;
        let attachment = Attachment {
            id: AttachmentId(uuid::Uuid::now_v7()),
            name: attachments::sanitize_name(name),
            content_type: check.kind().content_type().to_string(),
            size: 0,
        };
        self.store
            .attachments()
            .begin_attachment(&attachment, uploader, now_unix())
            .await?;
        let mut upload = Upload {
            parlor: self.clone(),
            attachment,
            uploader,
            check,
            next: 0,
            finished: false,
        };
        upload.put(first).await?;
        Ok(upload)
    }

    /// The file's first chunk is read before answering, so a file without
    /// bytes, or a store that fails at once, is an error status rather than
    /// a cut-off download.
    async fn file_body(&self, stored: Option<StoredAttachment>) -> Result<(Attachment, FileBody)> {
        let stored = stored.ok_or(Error::NotFound("file"))?;
        let body = FileBody::open(self.store.clone(), stored.attachment.id).await?;
        Ok((stored.attachment, body))
    }
}

/// An upload being stored a chunk at a time, invisible until
/// [`Upload::finish`]. Dropped before that (a refused or lost body, or the
/// request cancelled), it deletes what it stored; if even that cannot run,
/// the sweep of unsent uploads does it later.
pub struct Upload {
    parlor: Parlor,
    attachment: Attachment,
    uploader: Uploader,
    check: UploadCheck,
    /// The index of the next chunk.
    next: u32,
    finished: bool,
}

impl Upload {
    /// Checks and stores the next chunk (at most [`ATTACHMENT_CHUNK_BYTES`]
    /// is stored per row; a longer one is split).
    pub async fn append(&mut self, bytes: &[u8]) -> Result<()> {
        self.check.next(bytes)?;
        self.put(bytes).await
    }

    async fn put(&mut self, bytes: &[u8]) -> Result<()> {
        for chunk in bytes.chunks(ATTACHMENT_CHUNK_BYTES) {
            self.parlor
                .store
                .attachments()
                .put_attachment_chunk(self.attachment.id, self.next, chunk)
                .await?;
            self.next += 1;
        }
        Ok(())
    }

    /// Ends the upload once the body is in: the whole file's checks, the
    /// rate limit again (uploads running in parallel may all have passed
    /// the early check), then it becomes visible.
    pub async fn finish(mut self) -> Result<WireAttachment> {
        let size = self.check.size();
        self.check.finish()?;
        self.parlor.check_upload_rate(self.uploader).await?;
        self.parlor
            .store
            .attachments()
            .finish_attachment(self.attachment.id, size)
            .await?;
        self.finished = true;
        self.attachment.size = size;
        Ok(self.attachment.to_wire())
    }
}

impl Drop for Upload {
    fn drop(&mut self) {
        if self.finished {
            return;
        }
        let Ok(runtime) = tokio::runtime::Handle::try_current() else {
            return;
        };
        let store = self.parlor.store.clone();
        let id = self.attachment.id;
        runtime.spawn(async move {
            if let Err(e) = store.attachments().discard_attachment(id).await {
                tracing::warn!(error = %e, "discarding an unfinished upload failed");
            }
        });
    }
}

/// A stored file's bytes as a stream of its chunks, read from the store
/// one at a time as the client takes them.
pub struct FileBody {
    store: Arc<dyn Store>,
    id: AttachmentId,
    first: Option<Vec<u8>>,
}

impl FileBody {
    /// A stored file's body. Its first chunk is read now, so a file
    /// without bytes is "not found" before any header goes out.
    pub(crate) async fn open(store: Arc<dyn Store>, id: AttachmentId) -> Result<FileBody> {
        let first = store
            .attachments()
            .attachment_chunk(id, 0)
            .await?
            .ok_or(Error::NotFound("file"))?;
        Ok(FileBody {
            store,
            id,
            first: Some(first),
        })
    }

    /// The chunks in order. A store error ends the stream with it (the
    /// transport then cuts the response short).
    pub fn into_stream(self) -> impl Stream<Item = Result<Vec<u8>>> + Send + 'static {
        let Self { store, id, first } = self;
        futures::stream::try_unfold((first, 1u32), move |(first, next)| {
            let store = store.clone();
            async move {
                if let Some(first) = first {
                    return Ok(Some((first, (None, next))));
                }
                let chunk = store.attachments().attachment_chunk(id, next).await?;
                Ok(chunk.map(|chunk| (chunk, (None, next + 1))))
            }
        })
    }

    /// All of it at once, for tests and small files.
    pub async fn collect(self) -> Result<Vec<u8>> {
        use futures::TryStreamExt;
        self.into_stream().try_concat().await
    }
}
