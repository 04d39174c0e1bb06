//! The visitor's live connection: typed frames in both directions.
//!
//! On the wire (see docs/protocol.md) each WebSocket message is one byte of
//! tag, `0` for a frame or `1` for an error, followed by the frame as JSON.

use crate::{AttachmentId, ChannelId, ConversationId, MessageId, Seq, WireAttachment};
use serde::{Deserialize, Serialize};

/// Frames a visitor's client sends.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum VisitorFrame {
    /// Must come first. `token` is the one an earlier `welcome` gave this
    /// browser (none for a new visitor). With `conversation_id`, the server
    /// replays every message after `last_seq` before anything live.
    Hello {
        channel_id: ChannelId,
        token: Option<String>,
        conversation_id: Option<ConversationId>,
        last_seq: Option<Seq>,
        /// The page the visitor is on, shown to operators.
        #[serde(default)]
        page_url: Option<String>,
        /// The host page's `document.referrer` (at most [`MAX_URL_CHARS`]).
        #[serde(default)]
        referrer: Option<String>,
        /// `navigator.language`, a BCP 47 tag such as `de-DE`.
        #[serde(default)]
        language: Option<String>,
        /// The browser's IANA time zone, such as `Asia/Tokyo`.
        #[serde(default)]
        time_zone: Option<String>,
    },
    /// A message. `message_id` is a fresh UUID the client keeps until it sees
    /// the `ack`; resending with the same id never stores it twice. Without an
    /// open conversation, the first `send` starts one.
    /// A message. `body` may be empty when `attachment` names a file the
    /// visitor uploaded (see `visitor_upload_path`).
    Send {
        message_id: MessageId,
        body: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        attachment: Option<AttachmentId>,
    },
    /// The visitor started (`true`) or stopped typing. Send `true` again at
    /// least every few seconds while typing goes on; operators drop it after
    /// [`TYPING_TIMEOUT_SECS`].
    Typing { typing: bool },
    /// The visitor moved to another page (a single-page app navigated).
    Page { url: String },
    /// The visitor ends their conversation. The server closes it and answers
    /// with `ended`; the next `send` starts a new one.
    End,
    /// Asks for the visitor's conversations in this channel (answered by
    /// `conversations`), for the "multiple" conversations mode.
    List,
    /// Shows another of the visitor's conversations in this channel: the
    /// server answers `switched`, then replays it after `last_seq` (and
    /// `ended` if it is closed). `null` leaves the current one, so the next
    /// `send` starts a new conversation ("multiple" mode; in "one active"
    /// mode it joins the open one again).
    Switch {
        conversation_id: Option<ConversationId>,
        #[serde(default)]
        last_seq: Option<Seq>,
    },
    /// Who the visitor is, from the host page (the JS API's `identify`).
    /// `signature` is HMAC-SHA256 of `external_id` with the channel's
    /// secret, in hex. Answered by `identified`.
    Identify {
        external_id: String,
        #[serde(default)]
        name: Option<String>,
        #[serde(default)]
        email: Option<String>,
        #[serde(default)]
        signature: Option<String>,
    },
    /// A custom field operators see (the JS API's `setCustomField`); an
    /// empty value removes it.
    Field { key: String, value: String },
    /// The visitor answers a trigger's message: the server stores it in the
    /// conversation (starting one if needed) just before the visitor's
    /// message `before`, under the id [`trigger_message_id`]`(before)`, so
    /// sending it again stores nothing new.
    Triggered { trigger_id: u32, before: MessageId },
    /// The department the conversation the next `send` starts goes to
    /// (one of the config's `departments`; needed when there are several).
    Department { id: u32 },
    /// The visitor rates an ended conversation of theirs, with an optional
    /// comment (at most [`MAX_RATING_COMMENT_CHARS`]). Rating again
    /// replaces the rating. Answered by `rated`.
    Rate {
        conversation_id: ConversationId,
        rating: Rating,
        #[serde(default)]
        comment: String,
    },
    /// The offline form, sent while no operator is online: the visitor's
    /// name and email (kept on their profile) and a message, which starts a
    /// conversation marked as left offline. Acknowledged like `send`, and
    /// idempotent by `message_id` in the same way.
    LeaveMessage {
        message_id: MessageId,
        name: String,
        email: String,
        body: String,
    },
    /// The visitor has seen the current conversation up to `seq` (the
    /// window is open and the page visible). Operators see it as a read
    /// receipt; a `seq` at or below the last one changes nothing.
    Read { seq: Seq },
}

/// How the visitor felt about a conversation, as in Odoo's ratings.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Rating {
    Happy,
    Neutral,
    Unhappy,
}

impl Rating {
    pub const ALL: [Rating; 3] = [Rating::Happy, Rating::Neutral, Rating::Unhappy];

    pub fn as_str(self) -> &'static str {
        match self {
            Rating::Happy => "happy",
            Rating::Neutral => "neutral",
            Rating::Unhappy => "unhappy",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|r| r.as_str() == text)
    }
}

pub const MAX_RATING_COMMENT_CHARS: usize = 1000;

/// One of the visitor's conversations, as their list shows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct VisitorConversation {
    pub id: ConversationId,
    pub closed: bool,
    /// The newest message, cut to [`PREVIEW_CHARS`] characters.
    pub last_body: Option<String>,
    /// Unix seconds of the newest message, or of the start.
    pub last_at: i64,
}

/// Places in line are counted up to this; further back reads "this or more".
pub const MAX_QUEUE_PLACE: u32 = 100;

/// The most conversations a `conversations` frame lists.
pub const MAX_LISTED: u32 = 50;
/// The longest preview in a list, in characters.
pub const PREVIEW_CHARS: usize = 140;

/// The id a trigger's message is stored under, derived from the visitor's
/// answer, so the client knows it in advance and resends are idempotent.
pub fn trigger_message_id(before: MessageId) -> MessageId {
    MessageId(uuid::Uuid::from_u128(
        before.0.as_u128() ^ 0x7472_6967_6765_7200_0000_0000_0000_0000,
    ))
}

/// How long a typing indicator lasts without a fresh `typing: true`.
pub const TYPING_TIMEOUT_SECS: u32 = 6;
/// The longest page URL kept; longer ones are cut.
pub const MAX_URL_CHARS: usize = 2000;

/// Who wrote a message, as the visitor may know it. Tagged `kind`; in the
/// admin app's browser build read tag first (`crate::framed`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(not(feature = "tag-first"), serde(tag = "kind"))]
#[serde(rename_all = "snake_case")]
pub enum WireAuthor {
    Visitor,
    Operator { name: String },
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct WireMessage {
    pub id: MessageId,
    pub conversation_id: ConversationId,
    pub seq: Seq,
    #[cfg_attr(
        feature = "tag-first",
        serde(deserialize_with = "crate::framed::kind_first")
    )]
    pub author: WireAuthor,
    pub body: String,
    /// Unix seconds.
    pub sent_at: i64,
    /// Unix seconds of the last edit (an operator corrected the text);
    /// `None` for a message never edited (and then left out of the JSON).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub edited_at: Option<i64>,
    /// The file sent with the message, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub attachment: Option<WireAttachment>,
}

/// Frames the server sends.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ServerFrame {
    /// The answer to `hello`. Keep `token` (it proves this visitor later) and
    /// the conversation id.
    Welcome {
        token: String,
        conversation_id: Option<ConversationId>,
        /// Whether an operator of the channel is online now; without one
        /// the widget offers the offline form for a new conversation.
        online: bool,
    },
    /// Whether an operator of the channel is online changed.
    Availability { online: bool },
    /// The conversation waits for a free operator: the visitor's place in
    /// the channel's line (1 is next; [`MAX_QUEUE_PLACE`] means that many
    /// or more); `null` once an operator has it.
    Queue { position: Option<u32> },
    /// An operator started or stopped typing in the conversation.
    Typing {
        conversation_id: ConversationId,
        name: String,
        typing: bool,
    },
    /// The conversation was closed. The next `send` starts a new one.
    Ended { conversation_id: ConversationId },
    /// A message of the conversation, replayed or live, in `seq` order.
    Message { message: WireMessage },
    /// A message already sent was edited by an operator: `message` is the
    /// whole message with its new `body` and `edited_at`. Replace the shown
    /// message with the same `id` (and `seq`).
    Edited { message: WireMessage },
    /// The team has read the conversation up to `seq` (an operator had it
    /// open, or answered): the visitor's messages up to it are "seen". Sent
    /// after the replay too, so a reload still shows it.
    Read {
        conversation_id: ConversationId,
        seq: Seq,
    },
    /// `message_id` is committed durably as `seq`.
    Ack {
        message_id: MessageId,
        conversation_id: ConversationId,
        seq: Seq,
    },
    /// The visitor's conversations in this channel, newest first (at most
    /// [`MAX_LISTED`]).
    Conversations {
        conversations: Vec<VisitorConversation>,
    },
    /// The connection now shows this conversation (or none); its messages
    /// follow.
    Switched {
        conversation_id: Option<ConversationId>,
    },
    /// The answer to `identify`. `verified`: the signature was valid. A
    /// `token` replaces the one this client keeps: the identity belongs to
    /// a visitor first seen on another device, whose history this
    /// connection now shares.
    Identified {
        verified: bool,
        #[serde(default)]
        token: Option<String>,
    },
    /// The rating of this ended conversation is stored.
    Rated { conversation_id: ConversationId },
    /// The connection fell behind and is about to close: reconnect with
    /// `hello` and `last_seq` to get the rest. `last_seq` is set when the
    /// resume point asked for was beyond the conversation's newest message
    /// (the server's database was restored): drop what you have after it,
    /// and resume from it.
    Resync {
        conversation_id: ConversationId,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        last_seq: Option<Seq>,
    },
    /// Something was wrong with one frame; the connection stays usable unless
    /// the code says otherwise.
    Error {
        code: LiveErrorCode,
        message: String,
        message_id: Option<MessageId>,
    },
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LiveErrorCode {
    /// The frame was not valid JSON or not a known frame type.
    BadFrame,
    /// Something other than `hello` came first, or `hello` came twice.
    HelloFirst,
    /// The token is unknown. The connection closes; reconnect without one.
    BadToken,
    /// No such channel or conversation (or not this visitor's).
    NotFound,
    /// The message is empty or longer than the limit.
    InvalidMessage,
    /// Too many frames too fast; the message was not stored: resend it later.
    RateLimited,
    /// The conversation was closed before this message was stored; resend
    /// it (same id) to start a new conversation.
    Ended,
    /// The server failed; resend later.
    Internal,
    /// The page's origin is not among the channel's allowed sites. The
    /// connection closes.
    OriginRefused,
    /// Another operator has the conversation (inbox `take`).
    Taken,
    /// The operator may not do this (inbox `edit` of a message that is not
    /// theirs, or a visitor's); the message says who may.
    Forbidden,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn edited_at_is_optional_both_ways() {
        let json = r#"{"id":"00000000-0000-0000-0000-000000000001",
            "conversation_id":"00000000-0000-0000-0000-000000000002","seq":3,
            "author":{"kind":"operator","name":"Ann"},"body":"Hi","sent_at":10}"#;
        let mut m: WireMessage = serde_json::from_str(json).unwrap();
        assert_eq!(m.edited_at, None, "an older server's message parses");
        let text = serde_json::to_string(&m).unwrap();
        assert!(
            !text.contains("edited_at"),
            "left out when never edited: {text}"
        );
        m.edited_at = Some(20);
        let frame = ServerFrame::Edited { message: m };
        let text = serde_json::to_string(&frame).unwrap();
        assert!(
            text.starts_with(r#"{"type":"edited","message":{"#),
            "{text}"
        );
        assert!(text.contains(r#""edited_at":20"#), "{text}");
        assert_eq!(serde_json::from_str::<ServerFrame>(&text).unwrap(), frame);
    }
}
