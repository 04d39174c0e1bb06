//! What the widget keeps in the host page's `localStorage` (first-party to
//! the site, so it survives reloads and navigation where third-party
//! cookies would not): the visitor's token, their conversation, and the
//! messages typed but not yet acknowledged. Reading and writing it is the
//! browser shell's (widget/src/chat.rs).

use parlor_protocol::{ChannelId, ConversationId, MessageId, Seq, WireAttachment};
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Saved {
    pub token: Option<String>,
    pub conversation_id: Option<ConversationId>,
    /// The newest message the visitor has had on screen: later operator
    /// messages count as unread, even after a reload.
    #[serde(default)]
    pub seen: Option<Seq>,
    /// Unacknowledged messages, oldest first; resent with the same id.
    #[serde(default)]
    pub outbox: Vec<(MessageId, String)>,
    /// A trigger the visitor answered with this message, until its `ack`:
    /// the server stores the trigger's message first.
    #[serde(default)]
    pub trigger: Option<(u32, MessageId)>,
    /// The department picked for the next conversation.
    #[serde(default)]
    pub department: Option<u32>,
    /// The offline form's message id, name and email, until its `ack`: that
    /// message is (re)sent as `leave_message`.
    #[serde(default)]
    pub contact: Option<(MessageId, String, String)>,
    /// The files of `outbox` messages that carry one (a field of its own:
    /// what older versions stored still reads).
    #[serde(default)]
    pub files: Vec<(MessageId, WireAttachment)>,
}

impl Saved {
    /// The file queued with message `id`, if any.
    pub fn file(&self, id: MessageId) -> Option<WireAttachment> {
        self.files
            .iter()
            .find(|(x, _)| *x == id)
            .map(|(_, a)| a.clone())
    }
}

/// The storage key of a channel's `Saved`.
pub fn key(channel: ChannelId) -> String {
    // The loader reads the same key to connect early for returning visitors.
    format!("parlor:v1:{channel}")
}
