//! Mail Parlor sends: what the outbox holds until the mail server takes it.
//! Building the MIME message and speaking SMTP are the mail crate's job;
//! this is only the data, so the services can queue a mail in the same
//! transaction as what caused it.

use serde::{Deserialize, Serialize};

/// How many `References` a mail carries at most: the oldest go first, as
/// mail programs do, so a long ticket does not grow its headers forever.
pub const MAX_REFERENCES: usize = 20;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct MailId(pub i64);

/// A name and an address.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Mailbox {
    pub name: String,
    pub email: String,
}

/// One mail to send.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OutgoingMail {
    pub from: Mailbox,
    pub to: Mailbox,
    pub subject: String,
    /// Plain text: what anyone typed goes out as text, never as HTML.
    pub text: String,
    /// The `Message-ID`, without `<>`. Every try sends the same one, so a
    /// mail sent twice (a crash between the server's "OK" and our record
    /// of it) is recognisably the same mail.
    pub message_id: String,
    pub in_reply_to: Option<String>,
    pub references: Vec<String>,
}

/// A mail the outbox handed to a sender, with how often it was tried.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct QueuedMail {
    pub id: MailId,
    pub mail: OutgoingMail,
    /// Tries so far, this one included.
    pub attempts: u32,
    pub created_at: i64,
}

/// The largest mail the intake imports whole. A larger one becomes a ticket
/// entry from its headers alone, saying so, and is kept in the mailbox's
/// folder for refused mail.
pub const MAX_INBOUND_BYTES: u32 = 25 * 1024 * 1024;

/// The most recipients a mail's headers are read for (routing by alias);
/// a mail to thousands is still imported, routed by the first ones.
pub const MAX_RECIPIENTS: usize = 100;

/// A mail fetched from the desk's mailbox, as the intake's parser read it.
/// Every text is plain text: HTML was turned into text, markup and all.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct InboundMail {
    /// Its `Message-ID` without `<>` (made from its content when it has
    /// none), so fetching it again finds it already imported.
    pub message_id: String,
    /// `In-Reply-To` and `References`, oldest first, without `<>`.
    pub replying_to: Vec<String>,
    pub subject: String,
    pub from: Mailbox,
    /// `To`, `Cc` and `Delivered-To` addresses, lower-cased, at most
    /// [`MAX_RECIPIENTS`].
    pub recipients: Vec<String>,
    pub text: String,
    /// Sent by a program (`Auto-Submitted`, `Precedence: bulk`, a bounce,
    /// a mailing list): recorded, never answered.
    pub automatic: bool,
    /// The attachments, bytes and all: they become the ticket's files.
    pub attachments: Vec<InboundFile>,
}

/// One attachment of a fetched mail.
#[derive(Clone, PartialEq, Eq, Default)]
pub struct InboundFile {
    /// As the mail names it; cleaned when stored.
    pub name: String,
    pub bytes: Vec<u8>,
}

impl std::fmt::Debug for InboundFile {
    // A mail's bytes would drown any log or failed assertion.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "InboundFile({:?}, {} bytes)",
            self.name,
            self.bytes.len()
        )
    }
}

/// The most attachments of one mail kept as the ticket's files; the
/// thread entry names the others.
pub const MAX_FILES_PER_MAIL: usize = 50;

/// Where a new ticket's first mail (the form's confirmation) says the
/// ticket's number, which is only known once the ticket is stored: the
/// store puts it in, in the same transaction ([`OutgoingMail::numbered`]).
pub const TICKET_NUMBER_SLOT: &str = "{ticket}";

impl OutgoingMail {
    /// The mail with [`TICKET_NUMBER_SLOT`] replaced by `number` in its
    /// subject and text.
    pub fn numbered(&self, number: i64) -> OutgoingMail {
        let n = number.to_string();
        OutgoingMail {
            subject: self.subject.replace(TICKET_NUMBER_SLOT, &n),
            text: self.text.replace(TICKET_NUMBER_SLOT, &n),
            ..self.clone()
        }
    }
}

/// The last `MAX_REFERENCES` ids, oldest first.
pub fn trim_references(mut ids: Vec<String>) -> Vec<String> {
    if ids.len() > MAX_REFERENCES {
        ids.drain(..ids.len() - MAX_REFERENCES);
    }
    ids
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn references_keep_the_newest() {
        let ids: Vec<String> = (0..30).map(|i| i.to_string()).collect();
        let kept = trim_references(ids);
        assert_eq!(kept.len(), MAX_REFERENCES);
        assert_eq!(kept.first().map(String::as_str), Some("10"));
        assert_eq!(kept.last().map(String::as_str), Some("29"));
    }
}
