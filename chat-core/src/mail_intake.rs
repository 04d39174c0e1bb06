//! Mail into the helpdesk, a service of its own. A new mail opens a ticket
//! in the team whose alias it was sent to; an answer joins its ticket. The
//! IMAP side (`parlor-mail`) removes a mail from the mailbox only after
//! this has committed it, and a mail fetched twice is found by its
//! Message-ID, so a crash loses nothing and repeats nothing.
//!
//! An answer is matched by `In-Reply-To`/`References` (ids only the
//! ticket's own mail carries), or by `[#123]` in the subject when it comes
//! from the ticket's customer: a stranger who guesses a number opens a
//! ticket of their own rather than writing into someone else's.

use crate::store::{Appended, NewEntry, TeamStore, TicketThreadStore};
use crate::ticket_thread::DeskAddress;
use crate::tickets::Tickets;
use crate::{now_unix, Result};
use parlor_domain::helpdesk::{
    plausible_email, MAX_CUSTOMER_EMAIL, MAX_CUSTOMER_NAME, MAX_TICKET_DESCRIPTION,
    MAX_TICKET_TITLE,
};
use parlor_domain::mail::MAX_FILES_PER_MAIL;
use parlor_domain::ticket_thread::{ticket_in_subject, MAX_ENTRY_BODY};
use parlor_domain::{
    Customer, EntryKind, InboundFile, InboundMail, NewTicket, Priority, Team, TicketNumber,
    TicketSource,
};
use sha2::{Digest, Sha256};
use std::sync::Arc;

/// What became of a mail.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Intake {
    /// It opened this ticket.
    Opened(TicketNumber),
    /// It joined this ticket's thread.
    Joined(TicketNumber),
    /// It was imported before (fetched again after a crash).
    AlreadyIn(TicketNumber),
    /// Parlor's own mail come back: nothing to do.
    Own,
    /// No team takes mail: it stays in the mailbox until one does.
    NoTeam,
}

impl Intake {
    /// Whether the mail may now leave the mailbox.
    pub fn done(&self) -> bool {
        !matches!(self, Intake::NoTeam)
    }
}

#[derive(Clone)]
pub struct MailIntake {
    thread: Arc<dyn TicketThreadStore>,
    teams: Arc<dyn TeamStore>,
    tickets: Tickets,
    identity: DeskAddress,
}

impl MailIntake {
    pub fn new(
        thread: Arc<dyn TicketThreadStore>,
        teams: Arc<dyn TeamStore>,
        tickets: Tickets,
        identity: DeskAddress,
    ) -> Self {
        Self {
            thread,
            teams,
            tickets,
            identity,
        }
    }

    /// Files one mail: into its ticket, or as a new one.
    pub async fn receive(&self, mail: &InboundMail) -> Result<Intake> {
        if self.is_own(mail) {
            return Ok(Intake::Own);
        }
        if let Some(done) = self
            .thread
            .ticket_of_mail(std::slice::from_ref(&mail.message_id))
            .await?
        {
            return Ok(Intake::AlreadyIn(done));
        }
        if let Some(number) = self.answered_ticket(mail).await? {
            // An auto-reply ("out of office") does not reopen anything.
            if !mail.automatic {
                self.tickets.reopen(number).await?;
            }
            return Ok(match self.append(number, mail).await? {
                Appended::New(_) => {
                    if let Some(ticket) = self.tickets.get_unchecked(number).await? {
                        self.tickets.changed(&ticket, None);
                    }
                    Intake::Joined(number)
                }
                Appended::Existing(_) => Intake::AlreadyIn(number),
            });
        }
        let teams = self.teams.list_teams().await?;
        let Some(team) = self.route(&teams, mail) else {
            return Ok(Intake::NoTeam);
        };
        let c = customer(mail);
        let author = author_name(&c);
        let text = entry_text(mail);
        // The ticket and its first entry in one transaction: fetched again,
        // the mail finds both or neither.
        let first = NewEntry {
            ticket: TicketNumber(0),
            kind: EntryKind::Customer,
            author: None,
            author_name: &author,
            body: &text,
            message_id: Some(&mail.message_id),
            request_id: None,
            automatic: mail.automatic,
            files: kept(mail),
        };
        let ticket = self
            .tickets
            .receive_with(
                NewTicket {
                    team: team.id,
                    title: title(&mail.subject),
                    description: clip(&body(mail), MAX_TICKET_DESCRIPTION),
                    customer: c.clone(),
                    priority: Priority::Low,
                    tags: Vec::new(),
                    source: TicketSource::Email,
                    conversation: None,
                    // The same mail again finds this ticket.
                    request_id: Some(request_id(&mail.message_id)),
                },
                Some((&first, None)),
            )
            .await?;
        tracing::info!(
            ticket = ticket.number.0,
            team = team.id.0,
            "ticket opened by email"
        );
        Ok(Intake::Opened(ticket.number))
    }

    /// Our own replies carry Message-IDs we made (`ticket-…@our domain`).
    fn is_own(&self, mail: &InboundMail) -> bool {
        self.identity.get().is_some_and(|id| {
            mail.message_id.starts_with("ticket-")
                && mail
                    .message_id
                    .rsplit_once('@')
                    .is_some_and(|(_, d)| d.eq_ignore_ascii_case(id.domain()))
        })
    }

    async fn answered_ticket(&self, mail: &InboundMail) -> Result<Option<TicketNumber>> {
        if let Some(n) = self.thread.ticket_of_mail(&mail.replying_to).await? {
            return Ok(Some(n));
        }
        let Some(n) = ticket_in_subject(&mail.subject) else {
            return Ok(None);
        };
        let from_customer = self
            .tickets
            .get_unchecked(n)
            .await?
            .is_some_and(|t| t.customer.email.eq_ignore_ascii_case(&mail.from.email));
        Ok(from_customer.then_some(n))
    }

    /// The team whose alias the mail was sent to, else the first team
    /// (in the admin's order) that takes mail.
    fn route<'t>(&self, teams: &'t [Team], mail: &InboundMail) -> Option<&'t Team> {
        let domain = self.identity.get().map(|i| i.domain().to_lowercase());
        let by_alias = mail.recipients.iter().find_map(|to| {
            let (local, at) = to.rsplit_once('@')?;
            if domain.as_deref().is_some_and(|d| d != at) {
                return None;
            }
            teams
                .iter()
                .find(|t| t.email_alias.as_deref() == Some(local))
        });
        by_alias.or_else(|| teams.iter().find(|t| t.email_alias.is_some()))
    }

    async fn append(
        &self,
        number: TicketNumber,
        mail: &InboundMail,
    ) -> Result<Appended<parlor_domain::ThreadEntry>> {
        let author = author_name(&customer(mail));
        let text = entry_text(mail);
        let entry = NewEntry {
            ticket: number,
            kind: EntryKind::Customer,
            author: None,
            author_name: &author,
            body: &text,
            message_id: Some(&mail.message_id),
            request_id: None,
            automatic: mail.automatic,
            files: kept(mail),
        };
        Ok(self.thread.add_entry(&entry, None, now_unix()).await?)
    }
}

/// Who the customer's entries are from: their name, else their address.
fn author_name(c: &Customer) -> String {
    if c.name.is_empty() {
        c.email.clone()
    } else {
        c.name.clone()
    }
}

/// A thread entry's text: the mail's, within the limit, never empty.
fn entry_text(mail: &InboundMail) -> String {
    let text = clip(&body(mail), MAX_ENTRY_BODY);
    if text.trim().is_empty() {
        "(no text)".to_string()
    } else {
        text
    }
}

/// The attachments kept as the ticket's files.
fn kept(mail: &InboundMail) -> &[InboundFile] {
    &mail.attachments[..mail.attachments.len().min(MAX_FILES_PER_MAIL)]
}

/// The text, and below it the names of attachments past the limit (the
/// others are the ticket's files).
fn body(mail: &InboundMail) -> String {
    let mut text = mail.text.trim().to_string();
    let dropped = mail
        .attachments
        .get(MAX_FILES_PER_MAIL..)
        .unwrap_or_default();
    if !dropped.is_empty() {
        text.push_str(&format!(
            "\n\nAttachments not kept (at most {MAX_FILES_PER_MAIL} per mail):"
        ));
        for f in dropped {
            text.push_str(&format!(
                "\n- {} ({} KB)",
                f.name,
                f.bytes.len().div_ceil(1024)
            ));
        }
    }
    text
}

/// One line: control characters and runs of spaces become one space.
fn one_line(text: &str, max: usize) -> String {
    let line: String = text
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    let line = line.split_whitespace().collect::<Vec<_>>().join(" ");
    line.chars().take(max).collect()
}

/// The subject as the ticket's title.
fn title(subject: &str) -> String {
    let line = one_line(subject, MAX_TICKET_TITLE);
    if line.is_empty() {
        "(no subject)".to_string()
    } else {
        line
    }
}

/// At most `max` characters; a cut says so.
fn clip(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_string();
    }
    let note = "\n\n[…the rest of this mail was cut: it was too long to import]";
    let keep = max.saturating_sub(note.chars().count());
    let mut out: String = text.chars().take(keep).collect();
    out.push_str(note);
    out
}

/// The sender as the ticket's customer. A From the form's rules would
/// refuse (no address, a forged header full of junk) leaves the address
/// empty rather than the mail unimported: replies then need one added.
fn customer(mail: &InboundMail) -> Customer {
    let email = mail.from.email.trim().to_lowercase();
    let email = if plausible_email(&email) && email.chars().count() <= MAX_CUSTOMER_EMAIL {
        email
    } else {
        String::new()
    };
    Customer {
        name: one_line(&mail.from.name, MAX_CUSTOMER_NAME),
        email,
        visitor: None,
    }
}

/// A ticket's idempotency key from a Message-ID of any length.
fn request_id(message_id: &str) -> String {
    let digest = Sha256::digest(message_id.as_bytes());
    format!("mail-{}", hex::encode(&digest[..16]))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn titles_are_one_bounded_line() {
        assert_eq!(title("  Re:\r\n  help\tme "), "Re: help me");
        assert_eq!(title(""), "(no subject)");
        assert_eq!(title(&"x".repeat(500)).chars().count(), MAX_TICKET_TITLE);
    }

    #[test]
    fn long_text_is_cut_and_says_so() {
        let cut = clip(&"é".repeat(30_000), MAX_ENTRY_BODY);
        assert_eq!(cut.chars().count(), MAX_ENTRY_BODY);
        assert!(cut.ends_with("too long to import]"));
        assert_eq!(clip("short", 10), "short");
    }

    #[test]
    fn a_bad_from_keeps_the_mail_without_an_address() {
        let mail = InboundMail {
            from: parlor_domain::Mailbox {
                name: "Eve\u{0}<script>".into(),
                email: "not an address".into(),
            },
            ..InboundMail::default()
        };
        let c = customer(&mail);
        assert_eq!(c.email, "");
        assert_eq!(c.name, "Eve <script>");
    }
}
