//! A ticket's thread, a service of its own: replies to the customer go out
//! by email through the outbox, written in the same transaction as the
//! reply; notes stay with the team. Whoever may see a ticket may write in
//! its thread (`Tickets::get` decides).

use crate::mail_outbox::MailOutbox;
use crate::store::{Appended, NewEntry, TeamStore, TicketThreadStore};
use crate::tickets::Tickets;
use crate::{now_unix, Error, Result};
use parlor_domain::mail::trim_references;
use parlor_domain::ticket_thread::reply_subject;
use parlor_domain::{
    EntryInput, EntryKind, Field, Mailbox, OutgoingMail, Team, ThreadEntry, Ticket, TicketNumber,
    User, ValidationErrors,
};
use std::sync::Arc;

/// Who the helpdesk's mail comes from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MailIdentity {
    /// The desk's own address (`support@example.com`): the sender of mail
    /// from a team without an alias, and the domain of team aliases and
    /// of Message-IDs.
    pub address: String,
    /// Its display name ("Example Support").
    pub name: String,
}

/// Who the desk's mail comes from now, shared by every service that
/// writes or files mail. Set at start from the environment, and again
/// whenever the mail settings in force change (`parlor_mail::supervisor`);
/// `None` while outgoing mail is off.
#[derive(Clone, Default)]
pub struct DeskAddress(Arc<std::sync::RwLock<Option<MailIdentity>>>);

impl DeskAddress {
    pub fn new(identity: Option<MailIdentity>) -> Self {
        Self(Arc::new(std::sync::RwLock::new(identity)))
    }

    pub fn get(&self) -> Option<MailIdentity> {
        // A panic elsewhere while holding the lock leaves the value usable.
        self.0.read().unwrap_or_else(|p| p.into_inner()).clone()
    }

    pub fn set(&self, identity: Option<MailIdentity>) {
        *self.0.write().unwrap_or_else(|p| p.into_inner()) = identity;
    }
}

impl MailIdentity {
    /// The part after `@`.
    pub fn domain(&self) -> &str {
        self.address
            .rsplit_once('@')
            .map_or(self.address.as_str(), |(_, d)| d)
    }

    /// Where a team's mail comes from: its alias at the desk's domain,
    /// under the team's name, or the desk's own address.
    pub fn sender(&self, team: &Team) -> Mailbox {
        match &team.email_alias {
            Some(alias) => Mailbox {
                name: team.name.clone(),
                email: format!("{alias}@{}", self.domain()),
            },
            None => Mailbox {
                name: self.name.clone(),
                email: self.address.clone(),
            },
        }
    }

    /// A fresh Message-ID for the first mail of a ticket not stored yet.
    pub fn new_ticket_message_id(&self) -> String {
        self.fresh_id("new")
    }

    /// A fresh Message-ID for mail about `ticket`.
    pub fn message_id(&self, ticket: TicketNumber) -> String {
        self.fresh_id(ticket.0)
    }

    /// `ticket-<what>.<random>@<domain>`: the shape `MailIntake` knows as
    /// Parlor's own.
    fn fresh_id(&self, what: impl std::fmt::Display) -> String {
        format!(
            "ticket-{what}.{}@{}",
            uuid::Uuid::new_v4().simple(),
            self.domain()
        )
    }
}

#[derive(Clone)]
pub struct TicketThread {
    store: Arc<dyn TicketThreadStore>,
    teams: Arc<dyn TeamStore>,
    tickets: Tickets,
    outbox: MailOutbox,
    /// `None` when outgoing mail is not set up: replies are refused (a
    /// note still works), rather than queued for a sender that never runs.
    mail: DeskAddress,
}

impl TicketThread {
    pub fn new(
        store: Arc<dyn TicketThreadStore>,
        teams: Arc<dyn TeamStore>,
        tickets: Tickets,
        outbox: MailOutbox,
        mail: DeskAddress,
    ) -> Self {
        Self {
            store,
            teams,
            tickets,
            outbox,
            mail,
        }
    }

    /// Whether replies can go out by mail.
    pub fn can_reply(&self) -> bool {
        self.mail.get().is_some()
    }

    /// The ticket's thread, oldest first.
    pub async fn entries(&self, actor: &User, number: TicketNumber) -> Result<Vec<ThreadEntry>> {
        self.tickets.get(actor, number).await?;
        Ok(self.store.thread(number).await?)
    }

    /// An internal note: the team sees it, the customer never does.
    pub async fn note(
        &self,
        actor: &User,
        number: TicketNumber,
        input: EntryInput,
    ) -> Result<ThreadEntry> {
        let input = input.parse()?;
        let ticket = self.tickets.get(actor, number).await?;
        let entry = NewEntry {
            ticket: number,
            kind: EntryKind::Note,
            author: Some(actor.id),
            author_name: &actor.display_name,
            body: &input.body,
            message_id: None,
            request_id: input.request_id.as_deref(),
            automatic: false,
            files: &[],
        };
        let added = self.store.add_entry(&entry, None, now_unix()).await?;
        if matches!(added, Appended::New(_)) {
            self.tickets.changed(&ticket, None);
        }
        expect_kind(added, EntryKind::Note)
    }

    /// A reply to the customer, mailed to them. It is stored and queued
    /// together; the mail goes out when the sender gets to it.
    pub async fn reply(
        &self,
        actor: &User,
        number: TicketNumber,
        input: EntryInput,
    ) -> Result<ThreadEntry> {
        let input = input.parse()?;
        let ticket = self.tickets.get(actor, number).await?;
        let Some(identity) = self.mail.get() else {
            return Err(Error::NotPermitted(
                "outgoing mail is not set up (PARLOR_SMTP_HOST and PARLOR_MAIL_FROM); write a note instead",
            ));
        };
        if ticket.customer.email.is_empty() {
            let mut e = ValidationErrors::default();
            e.push(
                Field::Email,
                "the customer has no email address: add one to the ticket to reply",
            );
            return Err(e.into());
        }
        let team = self
            .teams
            .get_team(ticket.team)
            .await?
            .ok_or(Error::NotFound("team"))?;
        let thread = self.store.thread(number).await?;
        let mail = reply_mail(&identity, &team, &ticket, &thread, actor, &input.body);
        let entry = NewEntry {
            ticket: number,
            kind: EntryKind::Reply,
            author: Some(actor.id),
            author_name: &actor.display_name,
            body: &input.body,
            message_id: Some(&mail.message_id),
            request_id: input.request_id.as_deref(),
            automatic: false,
            files: &[],
        };
        let added = self
            .store
            .add_entry(&entry, Some(&mail), now_unix())
            .await?;
        if matches!(added, Appended::New(_)) {
            self.outbox.wake();
            self.tickets.changed(&ticket, None);
        }
        expect_kind(added, EntryKind::Reply)
    }
}

/// A retried request returns what the first one wrote; the same id used
/// for something else is a client's mistake.
fn expect_kind(added: Appended<ThreadEntry>, kind: EntryKind) -> Result<ThreadEntry> {
    let entry = match added {
        Appended::New(e) | Appended::Existing(e) => e,
    };
    if entry.kind != kind {
        let mut e = ValidationErrors::default();
        e.push(Field::Body, "that request id was used for another entry");
        return Err(e.into());
    }
    Ok(entry)
}

/// The mail carrying a reply: threaded under the customer's last mail (or
/// the thread's last), with the whole thread as references, and the
/// writer's name below the text.
fn reply_mail(
    identity: &MailIdentity,
    team: &Team,
    ticket: &Ticket,
    thread: &[ThreadEntry],
    actor: &User,
    body: &str,
) -> OutgoingMail {
    let ids: Vec<String> = thread.iter().filter_map(|e| e.message_id.clone()).collect();
    let answering = thread
        .iter()
        .rev()
        .find(|e| e.kind == EntryKind::Customer && e.message_id.is_some());
    let in_reply_to = answering
        .and_then(|e| e.message_id.clone())
        .or_else(|| ids.last().cloned());
    OutgoingMail {
        from: identity.sender(team),
        to: Mailbox {
            name: ticket.customer.name.clone(),
            email: ticket.customer.email.clone(),
        },
        subject: reply_subject(ticket.number, &ticket.title, answering.is_some()),
        text: format!("{body}\n\n-- \n{}, {}", actor.display_name, team.name),
        message_id: identity.message_id(ticket.number),
        in_reply_to,
        references: trim_references(ids),
    }
}
