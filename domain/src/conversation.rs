//! Conversations and their messages. A message is identified by the id its
//! author's client gave it and ordered by a per-conversation sequence number
//! that the store assigns when it commits the message.

use crate::validation::{Field, ValidationErrors};
use crate::UserId;
use parlor_protocol::live::{Rating, MAX_RATING_COMMENT_CHARS};
use parlor_protocol::{ChannelId, ConversationId, MessageId, Seq, VisitorId};
use serde::{Deserialize, Serialize};

/// The longest message, in characters. Longer ones are refused, not cut.
pub const MAX_MESSAGE_CHARS: usize = 4000;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ConversationStatus {
    Open,
    Closed,
}

impl ConversationStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            ConversationStatus::Open => "open",
            ConversationStatus::Closed => "closed",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "open" => Some(Self::Open),
            "closed" => Some(Self::Closed),
            _ => None,
        }
    }
}

/// A remark on a conversation for the team only (never for the visitor).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Note {
    /// Chosen by the author's client, so a resend stores it once.
    pub id: MessageId,
    pub conversation: ConversationId,
    /// `None` once the author's account is gone.
    pub author: Option<UserId>,
    /// The conversation's last message when it was written (it shows
    /// right after that one).
    pub after_seq: Seq,
    pub body: String,
    pub created_at: i64,
    /// Set when the note records a transfer: where the conversation went
    /// (a name, as it was then). `body` may then be empty.
    pub transfer_to: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Conversation {
    pub id: ConversationId,
    pub channel: ChannelId,
    pub visitor: VisitorId,
    pub status: ConversationStatus,
    /// The operator who has it; set by the first answer when nobody had it.
    pub assignee: Option<UserId>,
    /// The highest sequence number in use; 0 before the first message.
    pub last_seq: Seq,
    pub created_at: i64,
    /// The visitor's rating, given after the end.
    pub rating: Option<ConversationRating>,
    /// Left with the offline form, while no operator was online.
    pub offline: bool,
    /// How far the team has read (their read receipt, as the visitor sees it).
    pub read_seq: Seq,
    /// How far the visitor has read (their read receipt, as operators see it).
    pub visitor_read_seq: Seq,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConversationRating {
    pub rating: Rating,
    /// Trimmed; empty when the visitor left none.
    pub comment: String,
    pub rated_at: i64,
}

impl ConversationRating {
    pub fn new(rating: Rating, comment: &str, rated_at: i64) -> Result<Self, ValidationErrors> {
        let comment = comment.trim().to_string();
        let mut e = ValidationErrors::default();
        e.check_text(Field::Comment, &comment, false, MAX_RATING_COMMENT_CHARS);
        e.into_result().map(|()| Self {
            rating,
            comment,
            rated_at,
        })
    }
}

/// A conversation as its visitor's list shows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConversationPreview {
    pub conversation: Conversation,
    pub last_body: Option<String>,
    /// The newest message's time, or the start.
    pub last_at: i64,
}

/// A conversation as the inbox lists it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConversationSummary {
    pub conversation: Conversation,
    pub channel_name: String,
    pub assignee_name: Option<String>,
    /// The newest message, if any.
    pub last_message: Option<Message>,
    /// Visitor messages after the operators' read marker.
    pub unread: u32,
    pub page_url: Option<String>,
    pub visitor: crate::VisitorProfile,
    /// The department the visitor picked.
    pub department: Option<String>,
    /// Where the visitor comes from (browser, country, …), for the panel.
    pub context: crate::VisitorContext,
}

/// What a visitor without a name is called: "Visitor 4f2a", from their id,
/// the same in the inbox and on their tickets.
pub fn anonymous_visitor(visitor: VisitorId) -> String {
    let id = visitor.0.simple().to_string();
    format!("Visitor {}", &id[..4])
}

/// The visitor's name as staff see it: `name` (only ever a name the
/// channel trusts, see `VisitorProfile::identify`), else the anonymous label.
pub fn visitor_label(name: Option<&str>, visitor: VisitorId) -> String {
    name.map_or_else(|| anonymous_visitor(visitor), str::to_string)
}

impl ConversationSummary {
    /// Who the list row and the header name: `VisitorProfile::label`.
    pub fn visitor_name(&self) -> String {
        self.visitor.label(self.conversation.visitor)
    }

    /// Newest activity: the last message, or the start.
    pub fn last_at(&self) -> i64 {
        self.last_message
            .as_ref()
            .map_or(self.conversation.created_at, |m| m.created_at)
    }
}

/// Who wrote a message.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Author {
    Visitor,
    Operator {
        user: UserId,
    },
    /// The channel itself (a trigger's message), or an operator whose
    /// account is gone.
    Channel,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Message {
    pub id: MessageId,
    pub conversation: ConversationId,
    pub seq: Seq,
    pub author: Author,
    pub body: String,
    pub created_at: i64,
    /// When an operator last edited the text (`edits.rs`); `None` if never.
    pub edited_at: Option<i64>,
    /// The file sent with it, if any (`attachments.rs`). Optional in JSON,
    /// so nodes of the previous version still read this node's bus events.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub attachment: Option<crate::Attachment>,
}

/// A message body that passed the rules: not blank, at most
/// [`MAX_MESSAGE_CHARS`] characters. Surrounding whitespace is trimmed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MessageBody(String);

impl MessageBody {
    pub fn parse(text: &str) -> Result<Self, ValidationErrors> {
        let text = text.trim();
        let mut e = ValidationErrors::default();
        e.check_text(Field::Body, text, true, MAX_MESSAGE_CHARS);
        e.into_result().map(|()| Self(text.to_string()))
    }

    /// As `parse`, but an empty text passes when the message carries a file
    /// (`with_attachment`).
    pub fn parse_with(text: &str, with_attachment: bool) -> Result<Self, ValidationErrors> {
        let text = text.trim();
        let mut e = ValidationErrors::default();
        e.check_text(Field::Body, text, !with_attachment, MAX_MESSAGE_CHARS);
        e.into_result().map(|()| Self(text.to_string()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bodies_are_trimmed_and_bounded() {
        assert_eq!(MessageBody::parse("  hi \n").unwrap().as_str(), "hi");
        assert!(MessageBody::parse(" \n\t ").is_err());
        assert!(MessageBody::parse(&"é".repeat(MAX_MESSAGE_CHARS)).is_ok());
        let e = MessageBody::parse(&"x".repeat(MAX_MESSAGE_CHARS + 1)).unwrap_err();
        assert!(e.for_field(Field::Body).unwrap().contains("at most 4000"));
    }

    #[test]
    fn status_round_trips() {
        for s in [ConversationStatus::Open, ConversationStatus::Closed] {
            assert_eq!(ConversationStatus::parse(s.as_str()), Some(s));
        }
    }
}
