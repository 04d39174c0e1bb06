//! Persistence behind one trait, with two backends: SQLite (embedded, the
//! default) and PostgreSQL (several nodes). The services and the domain do
//! not know which one runs. Backend-specific SQL lives in the backend's
//! modules only; row mapping (`rows.rs`) and group commit
//! (`group_commit.rs`) are shared.

mod group_commit;
mod postgres;
mod postgres_writer;
mod rows;
mod sql_store;
mod sqlite;
mod sqlite_writer;

pub use postgres::PostgresStore;
pub use sqlite::SqliteStore;

use async_trait::async_trait;
use parlor_domain::{
    Author, Availability, Channel, ChannelDepartments, ChannelId, ChannelIdentity, ChannelRules,
    ChannelSettings, ChannelSummary, ChannelTriggers, Conversation, ConversationId,
    ConversationPreview, ConversationRating, ConversationSummary, Embedding, Message, MessageId,
    Note, PresenceFacts, Role, Seq, User, UserId, VisitorId, VisitorProfile,
};
use std::sync::Arc;

/// A part of a channel kept whole in a JSON column of `channels`.
pub enum ChannelPart<'a> {
    Rules(&'a ChannelRules),
    Embedding(&'a Embedding),
    Triggers(&'a ChannelTriggers),
    Departments(&'a ChannelDepartments),
    Identity(&'a ChannelIdentity),
}

impl ChannelPart<'_> {
    fn column(&self) -> &'static str {
        match self {
            ChannelPart::Rules(_) => "rules",
            ChannelPart::Embedding(_) => "embedding",
            ChannelPart::Triggers(_) => "triggers",
            ChannelPart::Departments(_) => "departments",
            ChannelPart::Identity(_) => "identity",
        }
    }

    fn json(&self) -> Result<String, StoreError> {
        match self {
            ChannelPart::Rules(v) => rows::to_json(v),
            ChannelPart::Embedding(v) => rows::to_json(v),
            ChannelPart::Triggers(v) => rows::to_json(v),
            ChannelPart::Departments(v) => rows::to_json(v),
            ChannelPart::Identity(v) => rows::to_json(v),
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("{0} not found")]
    NotFound(&'static str),
    #[error("{0} already exists")]
    Conflict(&'static str),
    /// A message for a conversation that was closed; nothing was stored.
    #[error("the conversation is closed")]
    Closed,
    /// Holds only the URL's scheme: the rest may carry a password.
    #[error("unsupported database URL scheme {0:?} (expected sqlite: or postgres:)")]
    UnsupportedUrl(String),
    #[error("stored data is invalid: {0}")]
    Corrupt(String),
    /// The store could not take the write; nothing was stored. Retry.
    #[error("storage unavailable: {0}")]
    Unavailable(String),
    #[error("migration failed: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    #[error("database error: {0}")]
    Database(#[from] sqlx::Error),
}

/// A user row about to be inserted; the password is already hashed.
#[derive(Debug, Clone)]
pub struct NewUserRecord {
    pub email: String,
    pub display_name: String,
    pub role: Role,
    pub password_hash: String,
}

/// One staff member's presence, as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StaffPresence {
    pub user: UserId,
    pub name: String,
    pub facts: PresenceFacts,
}

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

/// The outcome of an append: a new message (or note), or the one already
/// stored under that id (a retried send), unchanged.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Appended<T = Message> {
    New(T),
    Existing(T),
}

impl<T> Appended<T> {
    pub fn message(&self) -> &T {
        match self {
            Appended::New(m) | Appended::Existing(m) => m,
        }
    }
}

#[async_trait]
pub trait Store: Send + Sync + 'static {
    /// Answers when the database does (readiness).
    async fn ping(&self) -> Result<(), StoreError>;
    /// Writes waiting for the writer right now.
    fn write_queue_depth(&self) -> usize;

    async fn count_users(&self) -> Result<u64, StoreError>;
    /// Fails with `Conflict("user")` if the email is taken.
    async fn insert_user(&self, user: &NewUserRecord) -> Result<User, StoreError>;
    async fn get_user(&self, id: UserId) -> Result<Option<User>, StoreError>;
    /// The user and their password hash, for sign-in.
    async fn user_credentials(&self, email: &str) -> Result<Option<(User, String)>, StoreError>;
    async fn list_users(&self) -> Result<Vec<User>, StoreError>;

    async fn insert_session(
        &self,
        token_hash: &str,
        user: UserId,
        now: i64,
        expires_at: i64,
    ) -> Result<(), StoreError>;
    /// The user of a session that has not expired at `now`.
    async fn session_user(&self, token_hash: &str, now: i64) -> Result<Option<User>, StoreError>;
    async fn delete_session(&self, token_hash: &str) -> Result<(), StoreError>;
    /// The user's sessions that have not expired at `now`.
    async fn count_sessions(&self, user: UserId, now: i64) -> Result<u64, StoreError>;

    async fn count_channels(&self) -> Result<u64, StoreError>;
    /// Inserts the channel and its first operators in one transaction.
    async fn insert_channel(
        &self,
        id: ChannelId,
        settings: &ChannelSettings,
        embedding: &Embedding,
        identity: &ChannelIdentity,
        operators: &[UserId],
        now: i64,
    ) -> Result<Channel, StoreError>;
    async fn get_channel(&self, id: ChannelId) -> Result<Option<Channel>, StoreError>;
    async fn list_channels(&self) -> Result<Vec<ChannelSummary>, StoreError>;
    /// Replaces all settings in one statement: a channel is never half-saved.
    async fn update_channel_settings(
        &self,
        id: ChannelId,
        settings: &ChannelSettings,
        now: i64,
    ) -> Result<Channel, StoreError>;
    /// Replaces one part of a channel kept as a JSON column.
    async fn update_channel_part(
        &self,
        id: ChannelId,
        part: ChannelPart<'_>,
        now: i64,
    ) -> Result<Channel, StoreError>;
    /// How a new conversation started: the department the visitor picked,
    /// and whether it came from the offline form.
    async fn set_conversation_start(
        &self,
        id: ConversationId,
        department: Option<u32>,
        offline: bool,
    ) -> Result<(), StoreError>;

    /// The status a staff member chose.
    async fn set_availability(
        &self,
        user: UserId,
        availability: Availability,
    ) -> Result<(), StoreError>;
    /// Whether `node` has an inbox of `user` connected, as of `now`.
    async fn set_presence(
        &self,
        node: &str,
        user: UserId,
        connected: bool,
        now: i64,
    ) -> Result<(), StoreError>;
    /// `node` is alive: its connected operators were seen at `now`.
    async fn presence_heartbeat(&self, node: &str, now: i64) -> Result<(), StoreError>;
    /// Every staff member's presence facts; a connection counts only if its
    /// node was seen at `fresh_since` or later (a node that died stops
    /// counting). Ordered by name.
    async fn staff_presence(&self, fresh_since: i64) -> Result<Vec<StaffPresence>, StoreError>;
    /// Every (channel, operator) pair.
    async fn channel_members(&self) -> Result<Vec<(ChannelId, UserId)>, StoreError>;

    /// Assigns an open, unassigned conversation to the least busy of
    /// `candidates` below their maximum of chats, the one who got a
    /// conversation longest ago among equals; in one transaction, taking
    /// turns with every other routing. Returns who got it (`None`: everyone
    /// is full, or it was assigned or closed meanwhile).
    async fn route_conversation(
        &self,
        id: ConversationId,
        candidates: &[UserId],
    ) -> Result<Option<UserId>, StoreError>;
    /// Assigns the conversation to `user` if nobody has it and it is open.
    /// Returns its assignee afterwards (`None`: closed, or no such
    /// conversation), so two takes at once leave exactly one owner.
    async fn take_conversation(
        &self,
        id: ConversationId,
        user: UserId,
    ) -> Result<Option<UserId>, StoreError>;
    /// Open conversations nobody has, oldest first, at most `limit`, each
    /// with its channel and department.
    async fn waiting_conversations(
        &self,
        limit: u32,
    ) -> Result<Vec<(ConversationId, ChannelId, Option<u32>)>, StoreError>;
    /// The head of the channel's queue: open conversations nobody has,
    /// started in a live chat (not the offline form), in order, at most
    /// `limit`.
    async fn channel_queue(
        &self,
        channel: ChannelId,
        limit: u32,
    ) -> Result<Vec<ConversationId>, StoreError>;
    /// The conversation's place in its channel's queue, counted up to
    /// `limit`; 0 if it does not wait.
    async fn queue_place(&self, id: ConversationId, limit: u32) -> Result<u32, StoreError>;
    async fn set_max_chats(&self, user: UserId, max_chats: u32) -> Result<(), StoreError>;
    /// Stores an internal note after the conversation's last message (its
    /// `after_seq` is set here); a note already stored under its id comes
    /// back unchanged (a resend), and an id used in another conversation is
    /// a `Conflict`.
    /// Moves an open conversation to `assignee` (and to `department`,
    /// if given) and records `note` (its `transfer_to` set) in one
    /// transaction. A note id stored already moves nothing again; a closed
    /// conversation is `Closed`.
    async fn transfer_conversation(
        &self,
        assignee: Option<UserId>,
        department: Option<u32>,
        note: &Note,
    ) -> Result<Appended<Note>, StoreError>;
    async fn add_note(&self, note: &Note) -> Result<Appended<Note>, StoreError>;
    /// A conversation's notes, oldest first.
    async fn notes(&self, conversation: ConversationId) -> Result<Vec<Note>, StoreError>;
    /// Each staff member's maximum of chats and open conversations now.
    async fn staff_load(&self) -> Result<Vec<(UserId, u32, u32)>, StoreError>;

    /// Adds (`member = true`) or removes a user from a channel's operators.
    /// Idempotent.
    async fn set_channel_operator(
        &self,
        id: ChannelId,
        user: UserId,
        member: bool,
    ) -> Result<(), StoreError>;

    async fn insert_visitor(
        &self,
        id: VisitorId,
        channel: ChannelId,
        token_hash: &str,
        now: i64,
    ) -> Result<(), StoreError>;
    /// The visitor a token names, and the channel they belong to (`None`
    /// for visitors made before tokens were bound to a channel, who never
    /// started a conversation).
    async fn visitor_by_token(
        &self,
        token_hash: &str,
    ) -> Result<Option<(VisitorId, Option<ChannelId>)>, StoreError>;
    /// Another token for an existing visitor (a device that proved to be them).
    async fn add_visitor_token(
        &self,
        visitor: VisitorId,
        token_hash: &str,
        now: i64,
    ) -> Result<(), StoreError>;
    async fn visitor_profile(&self, visitor: VisitorId) -> Result<VisitorProfile, StoreError>;
    async fn save_visitor_profile(
        &self,
        visitor: VisitorId,
        profile: &VisitorProfile,
    ) -> Result<(), StoreError>;
    /// The visitor who holds `external_id` in `channel`: `visitor`, if no
    /// one held it yet (it is theirs from now on).
    async fn claim_identity(
        &self,
        channel: ChannelId,
        external_id: &str,
        visitor: VisitorId,
    ) -> Result<VisitorId, StoreError>;
    /// Hands `from`'s conversations in `channel` to `to`; returns them.
    async fn move_conversations(
        &self,
        from: VisitorId,
        to: VisitorId,
        channel: ChannelId,
    ) -> Result<Vec<ConversationId>, StoreError>;

    /// Fails with `NotFound("channel")` if the channel does not exist.
    async fn insert_conversation(
        &self,
        id: ConversationId,
        channel: ChannelId,
        visitor: VisitorId,
        now: i64,
    ) -> Result<Conversation, StoreError>;
    async fn get_conversation(
        &self,
        id: ConversationId,
    ) -> Result<Option<Conversation>, StoreError>;
    /// The visitor's conversations in a channel, newest first.
    async fn visitor_conversations(
        &self,
        visitor: VisitorId,
        channel: ChannelId,
        limit: u32,
    ) -> Result<Vec<ConversationPreview>, StoreError>;
    /// The visitor's newest open conversation in a channel.
    async fn open_conversation(
        &self,
        visitor: VisitorId,
        channel: ChannelId,
    ) -> Result<Option<Conversation>, StoreError>;
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

    /// The channels a user operates (admins see every channel anyway).
    async fn operator_channels(&self, user: UserId) -> Result<Vec<ChannelId>, StoreError>;
    /// Every open conversation, and the `closed_limit` most recently closed,
    /// newest activity first; only those of `channels` when given.
    async fn conversation_summaries(
        &self,
        channels: Option<&[ChannelId]>,
        closed_limit: u32,
    ) -> Result<Vec<ConversationSummary>, StoreError>;
    async fn conversation_summary(
        &self,
        id: ConversationId,
    ) -> Result<Option<ConversationSummary>, StoreError>;
    /// Closes an open conversation; false if it was closed already.
    async fn close_conversation(&self, id: ConversationId, now: i64) -> Result<bool, StoreError>;
    /// Stores (or replaces) the rating of a closed conversation; false if
    /// the conversation is not closed.
    async fn rate_conversation(
        &self,
        id: ConversationId,
        rating: &ConversationRating,
    ) -> Result<bool, StoreError>;
    /// Moves the operators' read marker forward (never back, never past the
    /// last message); the new marker if it moved.
    async fn mark_read(&self, id: ConversationId, seq: Seq) -> Result<Option<Seq>, StoreError>;
    async fn set_visitor_page(&self, visitor: VisitorId, url: &str) -> Result<(), StoreError>;

    /// Every canned response, by shortcut.
    async fn list_canned(&self) -> Result<Vec<parlor_domain::CannedResponse>, StoreError>;
    /// Fails with `Conflict("canned response")` if the shortcut is taken.
    async fn create_canned(
        &self,
        shortcut: &str,
        body: &str,
        now: i64,
    ) -> Result<parlor_domain::CannedResponse, StoreError>;
    /// Replaces a canned response's shortcut and text: `NotFound("canned
    /// response")` if there is none with that id, `Conflict("canned
    /// response")` if another has the shortcut.
    async fn update_canned(
        &self,
        id: i64,
        shortcut: &str,
        body: &str,
        now: i64,
    ) -> Result<parlor_domain::CannedResponse, StoreError>;
    /// `NotFound("canned response")` if there is none with that id.
    async fn delete_canned(&self, id: i64) -> Result<(), StoreError>;

    /// Message `id` of `conversation`, if there is one.
    async fn get_message(
        &self,
        conversation: ConversationId,
        id: MessageId,
    ) -> Result<Option<Message>, StoreError>;
    /// In one transaction: records the message's current text in its audit
    /// trail (`message_edits`, by `editor` at `now`), then replaces it with
    /// `body` and sets `edited_at`. Returns the message as stored
    /// afterwards; `None` if `conversation` has no message `id`. A body
    /// equal to the stored one changes and records nothing. The row is
    /// locked first, so concurrent edits each record the text they replaced.
    async fn edit_message(
        &self,
        id: MessageId,
        conversation: ConversationId,
        body: &str,
        editor: Option<UserId>,
        now: i64,
    ) -> Result<Option<Message>, StoreError>;
    /// A message's audit trail: the texts it had before each edit, oldest
    /// first.
    async fn message_edits(
        &self,
        message: MessageId,
    ) -> Result<Vec<parlor_domain::MessageEdit>, StoreError>;

    /// Conversations with a message whose text matches `query`, or whose
    /// visitor's name or email does, newest hit first, at most `limit`.
    /// One hit per conversation: its newest matching message (or, when only
    /// the visitor matched, its newest message), with `created_at` in
    /// `[from, until)`. `channels` restricts them (`Some(&[])`: none).
    async fn search(
        &self,
        query: &parlor_domain::search::SearchQuery,
        channels: Option<&[ChannelId]>,
        limit: u32,
    ) -> Result<Vec<parlor_domain::search::SearchHit>, StoreError>;

    /// Moves the visitor's read marker forward, as `mark_read` does the
    /// team's; the new marker if it moved.
    async fn mark_visitor_read(
        &self,
        id: ConversationId,
        seq: Seq,
    ) -> Result<Option<Seq>, StoreError>;

    /// A user's alert settings as stored (JSON); `None` before they saved
    /// any, or for a user that does not exist.
    async fn alert_settings(&self, user: UserId) -> Result<Option<String>, StoreError>;

    /// Replaces a user's alert settings (JSON).
    async fn set_alert_settings(&self, user: UserId, json: &str) -> Result<(), StoreError>;

    /// Replaces a conversation's visitor context (JSON); `true` if it
    /// changed, so the inboxes are told only then.
    async fn set_visitor_context(&self, id: ConversationId, json: &str)
        -> Result<bool, StoreError>;

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

/// Whether the URL names a PostgreSQL database.
pub fn is_postgres(database_url: &str) -> bool {
    database_url.starts_with("postgres:") || database_url.starts_with("postgresql:")
}

/// Opens the backend named by the URL's scheme and migrates it.
pub async fn open(database_url: &str) -> Result<Arc<dyn Store>, StoreError> {
    if database_url.starts_with("sqlite:") {
        Ok(Arc::new(SqliteStore::open(database_url).await?))
    } else if is_postgres(database_url) {
        Ok(Arc::new(PostgresStore::open(database_url).await?))
    } else {
        let scheme = database_url.split(':').next().unwrap_or_default();
        Err(StoreError::UnsupportedUrl(scheme.to_string()))
    }
}
