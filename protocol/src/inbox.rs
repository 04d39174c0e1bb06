//! The operator inbox's live connection, `/api/inbox/live`: the admin app's
//! own API (signed in with the session cookie), typed like the visitor's.
//! docs/protocol.md describes it after the visitor protocol.

use crate::live::{LiveErrorCode, Rating, WireMessage};
use crate::{AttachmentId, ChannelId, ConversationId, MessageId, Seq};
use serde::{Deserialize, Serialize};

/// The longest preview in an `activity` frame, in characters.
pub const PREVIEW_CHARS: usize = 140;

/// Frames the operator's app sends.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum OperatorFrame {
    /// Shows one conversation: the server replays its messages after
    /// `last_seq`, then sends its typing indicator too. Replaces the
    /// previously opened one.
    Open {
        conversation_id: ConversationId,
        last_seq: Option<Seq>,
    },
    /// A reply. As for visitors: a fresh id per message, resent unchanged
    /// until its `ack`. Answering assigns the conversation to the sender if
    /// nobody has it.
    Send {
        conversation_id: ConversationId,
        message_id: MessageId,
        body: String,
        /// A file the operator uploaded to `/api/inbox/files`; `body` may then
        /// be empty.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        attachment: Option<AttachmentId>,
    },
    Typing {
        conversation_id: ConversationId,
        typing: bool,
    },
    /// The operator has seen the conversation up to `seq`.
    Read {
        conversation_id: ConversationId,
        seq: Seq,
    },
    /// Ends the conversation; the visitor is told.
    Close { conversation_id: ConversationId },
    /// The operator's own choice of status; teammates see the result.
    SetAvailability { availability: Availability },
    /// An internal note on the conversation, for the team only. `note_id`
    /// is fresh per note; resending it stores nothing new. Every inbox with
    /// the conversation open gets it as a `note` frame (the author too).
    Note {
        conversation_id: ConversationId,
        note_id: MessageId,
        body: String,
    },
    /// Takes a conversation nobody has; if another operator has it, an
    /// error `taken`.
    Take { conversation_id: ConversationId },
    /// Hands the conversation to another operator of its channel, or to one
    /// of its departments (unassigned, then routed among the department's
    /// members). `note` (may be empty) goes with it into the conversation's
    /// history, as a `note` frame with `transfer_to` set. `note_id` is fresh
    /// per transfer; resending it changes nothing.
    Transfer {
        conversation_id: ConversationId,
        note_id: MessageId,
        to: TransferTarget,
        note: String,
    },
    /// Replaces the text of a message already sent: an operator edits their
    /// own messages, an admin anyone's; nobody edits a visitor's or the
    /// channel's (a trigger's). The body follows the message rules; an
    /// unchanged body changes nothing. The previous text is kept in an
    /// audit trail. Every inbox with the conversation open gets `edited`
    /// (the editor's too), and the visitor too; a refusal is an `error`
    /// with this `message_id`.
    Edit {
        conversation_id: ConversationId,
        message_id: MessageId,
        body: String,
    },
    /// `/ticket <title>`: a helpdesk ticket from the conversation, in the
    /// first team whose live chat links its channel, with the transcript as
    /// its description. Its number comes back as an internal note (a `note`
    /// frame, with `note_id` = `request_id`), for the team only; a refusal
    /// is an `error` with `message_id` = `request_id`. `request_id` is fresh
    /// per command; resending it creates nothing new.
    CreateTicket {
        conversation_id: ConversationId,
        request_id: MessageId,
        title: String,
    },
    /// `/search_tickets <words or #number>`: the tickets this operator sees
    /// that match, as `tickets_found`, to this operator only.
    SearchTickets {
        conversation_id: ConversationId,
        query: String,
    },
}

/// The command a composer line names, and the rest of the line: `/`, then
/// a word of ASCII letters, digits or `_`, then whitespace or the end
/// (`/etc/hosts` is text). The inbox runs such a line as a command or
/// refuses it, and the server never sends one to a visitor as a message.
pub fn command_name(line: &str) -> Option<(&str, &str)> {
    let rest = line.trim_start().strip_prefix('/')?;
    let end = rest.find(char::is_whitespace).unwrap_or(rest.len());
    let (name, args) = rest.split_at(end);
    let word = !name.is_empty() && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
    word.then(|| (name, args.trim()))
}

/// A ticket as a command's answer lists it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TicketLink {
    /// Shown as `#number`; its page is `/tickets/{number}`.
    pub number: i64,
    pub title: String,
    /// In a closing stage (Solved, Cancelled).
    pub closed: bool,
}

/// Where a transfer sends a conversation.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum TransferTarget {
    Operator { user_id: i64 },
    Department { department_id: u32 },
}

/// A channel as the inbox needs it: who operates it and its departments
/// (the choices of a transfer).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct InboxChannel {
    pub id: ChannelId,
    pub name: String,
    pub operators: Vec<i64>,
    pub departments: Vec<crate::widget::WireDepartment>,
}

/// Whether an operator takes chats. Each operator chooses online, away or
/// offline; a chosen "online" counts only while an inbox of theirs is
/// connected (or within a grace period after the last one went away), and
/// becomes "away" after it.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Availability {
    #[default]
    Online,
    Away,
    Offline,
}

impl Availability {
    pub const ALL: [Availability; 3] = [
        Availability::Online,
        Availability::Away,
        Availability::Offline,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Availability::Online => "online",
            Availability::Away => "away",
            Availability::Offline => "offline",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|a| a.as_str() == text)
    }

    pub fn label(self) -> &'static str {
        match self {
            Availability::Online => "Online",
            Availability::Away => "Away",
            Availability::Offline => "Offline",
        }
    }
}

/// A colleague as the inbox's team list shows them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TeamMember {
    pub user_id: i64,
    pub name: String,
    pub availability: Availability,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Assignee {
    pub user_id: i64,
    pub name: String,
}

/// One row of the conversation list.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConversationSummary {
    pub id: ConversationId,
    pub channel_id: ChannelId,
    pub channel_name: String,
    /// A short stable label such as "Visitor 4f2a".
    pub visitor_name: String,
    pub closed: bool,
    pub assignee: Option<Assignee>,
    pub last_seq: Seq,
    /// The newest message's text, if any (plain text).
    pub last_body: Option<String>,
    pub last_from_visitor: bool,
    /// The staff member who wrote the newest message, when staff did (the
    /// list says "You:" only for your own).
    #[serde(default)]
    pub last_author_id: Option<i64>,
    /// Unix seconds of the newest message, or of the start.
    pub last_at: i64,
    /// Visitor messages no operator has read yet.
    pub unread: u32,
    pub page_url: Option<String>,
    pub created_at: i64,
    /// The visitor's rating, once they gave one after the end.
    #[serde(default)]
    pub rating: Option<WireRating>,
    /// What the host page told about the visitor (JS API).
    #[serde(default)]
    pub visitor: WireVisitor,
    /// The department the visitor picked.
    #[serde(default)]
    pub department: Option<String>,
    /// Left with the offline form, while no operator was online.
    #[serde(default)]
    pub offline: bool,
    /// Waits in its channel's queue: open, nobody has it, and not left
    /// with the offline form. A new conversation is announced only after
    /// routing tried, so this means no operator online had room.
    #[serde(default)]
    pub queued: bool,
    /// The visitor has seen the conversation up to this message (their
    /// read receipt): operators' messages up to it are "seen".
    #[serde(default)]
    pub visitor_read_seq: Seq,
    /// Where the visitor comes from, as of their latest `hello` in this
    /// conversation (visitor panel).
    #[serde(default)]
    pub context: WireVisitorContext,
}

/// Told by the widget (referrer, language, time zone) or found by the server
/// (country, browser, OS). Each is `None` when unknown.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(default)]
pub struct WireVisitorContext {
    pub referrer: Option<String>,
    /// ISO 3166-1 alpha-2 code, upper case.
    pub country: Option<String>,
    pub browser: Option<String>,
    pub os: Option<String>,
    pub language: Option<String>,
    /// IANA zone name.
    pub time_zone: Option<String>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct WireVisitor {
    pub name: Option<String>,
    pub email: Option<String>,
    pub external_id: Option<String>,
    /// The identity came with a valid signature.
    pub verified: bool,
    /// Custom fields, by key.
    pub fields: std::collections::BTreeMap<String, String>,
    /// An identity the channel did not trust (a wrong signature, or none
    /// where signatures are required): for the visitor panel only, never the
    /// visitor's name. `name`, `email` and `external_id` never come from it.
    /// Older servers leave it out.
    #[serde(default)]
    pub claim: Option<WireClaim>,
}

/// What an untrusted `identify` said, as the page sent it (checked for
/// length only): plain text to show, never markup.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct WireClaim {
    pub external_id: String,
    pub name: Option<String>,
    pub email: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct WireRating {
    pub rating: Rating,
    /// Empty when the visitor left none.
    pub comment: String,
}

/// An internal note as the team sees it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct WireNote {
    pub id: MessageId,
    pub conversation_id: ConversationId,
    /// The author's display name.
    pub author: String,
    /// The note shows right after this message of the conversation.
    pub after_seq: Seq,
    pub body: String,
    /// Unix seconds.
    pub created_at: i64,
    /// Set when this line records a transfer: to whom (an operator's or a
    /// department's name, as it was then); `body` is the note that went
    /// with it.
    #[serde(default)]
    pub transfer_to: Option<String>,
}

/// Frames the server sends to an operator. Read through
/// [`crate::framed::Framed`]: in the admin app's browser build the tag
/// attribute is off and `Framed` reads the tag first (same wire format).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(not(feature = "tag-first"), serde(tag = "type"))]
#[serde(rename_all = "snake_case")]
pub enum InboxFrame {
    /// First frame after connecting (and again after a resync): the
    /// conversations this operator may see, newest activity first: every
    /// open one, and the latest closed ones.
    Snapshot {
        me: Assignee,
        /// What this operator chose (their effective status is in `team`).
        #[serde(default)]
        chosen: Availability,
        /// Everyone on the staff and their status now.
        #[serde(default)]
        team: Vec<TeamMember>,
        /// The channels this operator works in.
        #[serde(default)]
        channels: Vec<InboxChannel>,
        /// You are an admin (you may edit any operator's message).
        #[serde(default)]
        admin: bool,
        /// You supervise (an admin or a manager): `conversations` holds
        /// every channel's, so each colleague's load can be counted from it.
        #[serde(default)]
        supervisor: bool,
        conversations: Vec<ConversationSummary>,
    },
    /// A colleague's (or this operator's own) status changed. `chosen` is
    /// set for this operator's own changes.
    Presence {
        user_id: i64,
        name: String,
        availability: Availability,
        #[serde(default)]
        chosen: Option<Availability>,
    },
    /// A conversation started or changed (assigned, closed, page moved).
    Summary {
        conversation: Box<ConversationSummary>,
    },
    /// A message of the opened conversation, live or replayed. Order by
    /// `seq` within a conversation.
    Message { message: WireMessage },
    /// A message of the opened conversation was edited: `message` is the
    /// whole message with its new `body` and `edited_at`; replace the one
    /// with the same `seq`.
    Edited { message: WireMessage },
    /// A new message in another conversation this operator may see: enough
    /// for its row in the list (the text is cut to [`PREVIEW_CHARS`]).
    Activity {
        conversation_id: ConversationId,
        seq: Seq,
        preview: String,
        from_visitor: bool,
        /// The staff member who wrote it, when staff did.
        #[serde(default)]
        author_id: Option<i64>,
        /// Unix seconds.
        at: i64,
    },
    Ack {
        message_id: MessageId,
        conversation_id: ConversationId,
        seq: Seq,
    },
    /// An internal note of the opened conversation: all of them after the
    /// `open` replay, then new ones live.
    Note { note: WireNote },
    /// A note of a conversation you may see mentions you (`@` and your
    /// name), whether or not you have it open.
    Mentioned { note: WireNote },
    /// The visitor of the opened conversation started or stopped typing.
    Typing {
        conversation_id: ConversationId,
        typing: bool,
    },
    /// The answer to `search_tickets`, for this operator only (never
    /// stored, never shown to the visitor). At most 10, highest priority
    /// first.
    TicketsFound {
        conversation_id: ConversationId,
        query: String,
        tickets: Vec<TicketLink>,
    },
    /// This connection fell behind and closes; reconnect for a new snapshot.
    Resync,
    Error {
        code: LiveErrorCode,
        message: String,
        message_id: Option<MessageId>,
    },
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn command_lines_are_a_slash_and_a_word() {
        assert_eq!(
            command_name("/ticket  Printer "),
            Some(("ticket", "Printer"))
        );
        assert_eq!(command_name(" /clsoe"), Some(("clsoe", "")));
        assert_eq!(
            command_name("/search_tickets #12"),
            Some(("search_tickets", "#12"))
        );
        for text in ["/", "/ hello", "/etc/hosts", "a /close", "/héllo", "//x"] {
            assert_eq!(command_name(text), None, "{text}");
        }
    }
}
