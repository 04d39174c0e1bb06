//! Teams' website forms, a service of their own: admins set a team's
//! extra fields; anyone may submit the public form of a team that has it
//! switched on. A submission opens a ticket with the message as its first
//! entry and, when mail is set up, queues the confirmation mail in the same
//! transaction. A retried submission (the same request id) opens nothing
//! new. Submissions are limited per client address, on each node.

use crate::store::{ChannelStore, HelpFormStore, NewEntry, TeamStore};
use crate::ticket_thread::DeskAddress;
use crate::tickets::Tickets;
use crate::{now_unix, Error, Result};
use parlor_domain::help_form::FormTexts;
use parlor_domain::mail::TICKET_NUMBER_SLOT;
use parlor_domain::{
    Customer, EntryKind, FormAnswers, HelpForm, HexColor, Mailbox, NewTicket, OutgoingMail,
    Priority, Team, TeamId, TicketNumber, TicketSource, User, ValidationErrors,
};
use parlor_protocol::widget::Theme;
use std::collections::{HashMap, VecDeque};
use std::net::IpAddr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// Submissions one client address may make per [`FORM_WINDOW`], per node.
pub const FORM_SUBMISSIONS: usize = 5;
pub const FORM_WINDOW: Duration = Duration::from_secs(600);
/// Addresses remembered at most; past it, the oldest windows are dropped.
const TRACKED_ADDRESSES: usize = 10_000;

/// What the public page shows: the team's name, its fields, and the look
/// of the team's first live-chat channel (the widget's colours and theme).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PublicForm {
    pub team: TeamId,
    pub team_name: String,
    pub form: HelpForm,
    pub theme: Theme,
    pub header_color: HexColor,
    pub button_color: HexColor,
}

/// How a submission went.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Submitted {
    /// A ticket (new, or the one this request made before).
    Ticket { number: TicketNumber, email: String },
    /// Answers to fix, each beside its field.
    Invalid(ValidationErrors),
    /// Too many from this address lately.
    TooMany,
}

#[derive(Clone)]
pub struct HelpForms {
    store: Arc<dyn HelpFormStore>,
    teams: Arc<dyn TeamStore>,
    channels: Arc<dyn ChannelStore>,
    tickets: Tickets,
    identity: DeskAddress,
    recent: Arc<Mutex<HashMap<IpAddr, VecDeque<Instant>>>>,
}

impl HelpForms {
    pub fn new(
        store: Arc<dyn HelpFormStore>,
        teams: Arc<dyn TeamStore>,
        channels: Arc<dyn ChannelStore>,
        tickets: Tickets,
        identity: DeskAddress,
    ) -> Self {
        Self {
            store,
            teams,
            channels,
            tickets,
            identity,
            recent: Arc::default(),
        }
    }

    /// A team's extra fields, for its editor (admins and managers).
    pub async fn get(&self, actor: &User, team: TeamId) -> Result<HelpForm> {
        crate::auth::require(actor, parlor_domain::Power::ManageHelpdesk)?;
        Ok(self.store.help_form(team).await?)
    }

    /// Replaces a team's extra fields (admins and managers).
    pub async fn save(&self, actor: &User, team: TeamId, form: HelpForm) -> Result<HelpForm> {
        crate::auth::require(actor, parlor_domain::Power::ManageHelpdesk)?;
        let form = form.parse()?;
        self.store.save_help_form(team, &form, now_unix()).await?;
        Ok(form)
    }

    /// The public form of a team that has it on; "not found" otherwise.
    pub async fn public(&self, team: TeamId) -> Result<PublicForm> {
        let t = self.open_team(team).await?;
        let look = match t.channels.first() {
            Some(c) => self.channels.get_channel(*c).await?.map(|c| c.settings),
            None => None,
        };
        let defaults = parlor_domain::ChannelSettings::new_named("");
        let look = look.unwrap_or(defaults);
        Ok(PublicForm {
            team,
            team_name: t.name,
            form: self.store.help_form(team).await?,
            theme: look.theme,
            header_color: look.header_color,
            button_color: look.button_color,
        })
    }

    /// A team whose form is on; "not found" otherwise.
    async fn open_team(&self, team: TeamId) -> Result<Team> {
        self.teams
            .get_team(team)
            .await?
            .filter(|t| t.web_form)
            .ok_or(Error::NotFound("form"))
    }

    /// A visitor's submission from `from`. `request` is the id the page
    /// was served with: sent again, it finds the same ticket.
    pub async fn submit(
        &self,
        team: TeamId,
        answers: &FormAnswers,
        request: &str,
        texts: &FormTexts,
        from: Option<IpAddr>,
    ) -> Result<Submitted> {
        let t = self.open_team(team).await?;
        let form = self.store.help_form(team).await?;
        let checked = match answers.check(&form, texts) {
            Ok(c) => c,
            Err(e) => return Ok(Submitted::Invalid(e)),
        };
        if let Some(addr) = from {
            if !self.admit(addr) {
                return Ok(Submitted::TooMany);
            }
        }
        let confirmation = self.identity.get().map(|id| OutgoingMail {
            from: id.sender(&t),
            to: Mailbox {
                name: checked.name.clone(),
                email: checked.email.clone(),
            },
            subject: texts.mail_subject.replace("{n}", TICKET_NUMBER_SLOT),
            text: texts.mail_body.replace("{n}", TICKET_NUMBER_SLOT),
            message_id: id.new_ticket_message_id(),
            in_reply_to: None,
            references: Vec::new(),
        });
        let first = NewEntry {
            ticket: TicketNumber(0),
            kind: EntryKind::Customer,
            author: None,
            author_name: &checked.name,
            body: &checked.description,
            // Replies to the confirmation thread back into the ticket.
            message_id: confirmation.as_ref().map(|m| m.message_id.as_str()),
            request_id: None,
            automatic: false,
            files: &[],
        };
        let ticket = self
            .tickets
            .receive_with(
                NewTicket {
                    team,
                    title: checked.subject.clone(),
                    description: checked.description.clone(),
                    customer: Customer {
                        name: checked.name.clone(),
                        email: checked.email.clone(),
                        visitor: None,
                    },
                    priority: Priority::Low,
                    tags: Vec::new(),
                    source: TicketSource::Form,
                    conversation: None,
                    request_id: Some(format!("form-{request}")),
                },
                Some((&first, confirmation.as_ref())),
            )
            .await?;
        tracing::info!(
            ticket = ticket.number.0,
            team = team.0,
            "ticket from the website form"
        );
        Ok(Submitted::Ticket {
            number: ticket.number,
            email: ticket.customer.email,
        })
    }

    /// Counts a submission from `addr`; false past the limit.
    fn admit(&self, addr: IpAddr) -> bool {
        let now = Instant::now();
        let Ok(mut recent) = self.recent.lock() else {
            return true;
        };
        if recent.len() >= TRACKED_ADDRESSES {
            recent.retain(|_, times| {
                times
                    .back()
                    .is_some_and(|t| now.duration_since(*t) < FORM_WINDOW)
            });
        }
        let times = recent.entry(addr).or_default();
        while times
            .front()
            .is_some_and(|t| now.duration_since(*t) >= FORM_WINDOW)
        {
            times.pop_front();
        }
        if times.len() >= FORM_SUBMISSIONS {
            return false;
        }
        times.push_back(now);
        true
    }
}
