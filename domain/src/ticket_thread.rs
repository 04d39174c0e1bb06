//! A ticket's thread: replies to the customer (they go out by email),
//! internal notes (never to the customer), and the customer's own messages
//! (from email). Each reply shows whether its mail went out.

use crate::{Field, TicketNumber, UserId, ValidationErrors};
use serde::{Deserialize, Serialize};

/// The longest thread entry, in characters (a long email fits).
pub const MAX_ENTRY_BODY: usize = 20_000;

/// The longest id a writer may choose for an entry (its idempotency key).
pub const MAX_REQUEST_ID: usize = 64;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct EntryId(pub i64);

/// What an entry is, which decides who sees it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EntryKind {
    /// From the team to the customer, by email.
    Reply,
    /// For the team only.
    Note,
    /// From the customer.
    Customer,
}

impl EntryKind {
    pub fn as_str(self) -> &'static str {
        match self {
            EntryKind::Reply => "reply",
            EntryKind::Note => "note",
            EntryKind::Customer => "customer",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "reply" => Some(EntryKind::Reply),
            "note" => Some(EntryKind::Note),
            "customer" => Some(EntryKind::Customer),
            _ => None,
        }
    }
}

/// Where a reply's mail is.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum Delivery {
    /// Waiting for its turn or for a retry; `error` is the last try's.
    Queued {
        attempts: u32,
        error: Option<String>,
    },
    /// The mail server accepted it.
    Sent { at: i64 },
    /// Given up: the server refused it for good, or retries ran out.
    Failed { error: String },
}

/// One entry of a ticket's thread, as stored.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ThreadEntry {
    pub id: EntryId,
    pub ticket: TicketNumber,
    pub kind: EntryKind,
    /// The staff member who wrote it; `None` for the customer's.
    pub author: Option<UserId>,
    /// Who wrote it, as it was shown when written.
    pub author_name: String,
    pub body: String,
    /// The email's `Message-ID` (without `<>`): a reply's own, or the
    /// customer's mail's. Replies thread on them.
    pub message_id: Option<String>,
    /// Set on replies.
    pub delivery: Option<Delivery>,
    /// A customer message a program sent (an auto-reply, a bounce).
    pub automatic: bool,
    pub created_at: i64,
}

/// A reply or a note as a staff member writes it. [`EntryInput::parse`]
/// checks it.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct EntryInput {
    pub body: String,
    /// An id the writer chose: sent again (a retried click), it adds
    /// nothing new.
    pub request_id: Option<String>,
}

impl EntryInput {
    pub fn parse(mut self) -> Result<EntryInput, ValidationErrors> {
        let mut e = ValidationErrors::default();
        // Trailing blank lines are noise in a mail; leading indentation
        // may be meant (a quoted block), so only the ends' blank lines go.
        self.body = self.body.trim_matches(['\n', '\r']).trim_end().to_string();
        e.check_text(Field::Body, &self.body, true, MAX_ENTRY_BODY);
        if let Some(id) = &self.request_id {
            if id.is_empty()
                || id.len() > MAX_REQUEST_ID
                || !id
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
            {
                e.push(
                    Field::Body,
                    "the request id must be 1-64 letters, digits, '-' or '_'",
                );
            }
        }
        e.into_result().map(|()| self)
    }
}

/// The `[#123]` a ticket's mail subjects carry, so a reply finds its
/// ticket even when the customer's mail program drops the threading
/// headers.
pub fn subject_tag(number: TicketNumber) -> String {
    format!("[#{}]", number.0)
}

/// The ticket a subject names with `[#123]`, if any (the first such tag).
pub fn ticket_in_subject(subject: &str) -> Option<TicketNumber> {
    let mut rest = subject;
    while let Some(start) = rest.find("[#") {
        let after = &rest[start + 2..];
        if let Some(end) = after.find(']') {
            if let Some(n) = TicketNumber::parse(&after[..end]) {
                return Some(n);
            }
        }
        rest = after;
    }
    None
}

/// The subject of the team's mail about a ticket: `[#123] title`, with
/// `Re: ` once the customer has written.
pub fn reply_subject(number: TicketNumber, title: &str, answering: bool) -> String {
    let tag = subject_tag(number);
    if answering {
        format!("Re: {tag} {title}")
    } else {
        format!("{tag} {title}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bodies_are_required_and_bounded() {
        let ok = EntryInput {
            body: "\n\n  Hello,\n  indented\n\n".into(),
            request_id: Some("r-1_a".into()),
        };
        assert_eq!(ok.parse().unwrap().body, "  Hello,\n  indented");
        for body in ["", " \n ", &"x".repeat(MAX_ENTRY_BODY + 1)] {
            let e = EntryInput {
                body: body.into(),
                request_id: None,
            };
            assert!(e.parse().is_err(), "{body:.20}");
        }
        assert!(EntryInput {
            body: "é".repeat(MAX_ENTRY_BODY),
            request_id: None
        }
        .parse()
        .is_ok());
    }

    #[test]
    fn request_ids_are_plain_tokens() {
        for bad in ["", "a b", "<x>", &"a".repeat(65)] {
            let e = EntryInput {
                body: "hi".into(),
                request_id: Some(bad.into()),
            };
            assert!(e.parse().is_err(), "{bad}");
        }
    }

    #[test]
    fn subjects_carry_the_number() {
        let n = TicketNumber(42);
        assert_eq!(reply_subject(n, "Printer", false), "[#42] Printer");
        assert_eq!(reply_subject(n, "Printer", true), "Re: [#42] Printer");
        assert_eq!(ticket_in_subject("Re: Re: [#42] Printer"), Some(n));
        assert_eq!(ticket_in_subject("AW: [#x] [#42]"), Some(n));
        assert_eq!(ticket_in_subject("[#] [#0] #42 [42]"), None);
        assert_eq!(ticket_in_subject("[#4"), None);
    }

    #[test]
    fn kinds_round_trip() {
        for k in [EntryKind::Reply, EntryKind::Note, EntryKind::Customer] {
            assert_eq!(EntryKind::parse(k.as_str()), Some(k));
        }
        assert_eq!(EntryKind::parse("system"), None);
    }
}

/// A file kept with a ticket (an attachment of the customer's mail), with
/// the thread entry it came with.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TicketFile {
    pub file: crate::Attachment,
    pub ticket: TicketNumber,
    pub entry: Option<EntryId>,
    pub created_at: i64,
}
