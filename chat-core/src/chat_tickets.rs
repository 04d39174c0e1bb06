//! Tickets from live chat: the inbox's `/ticket <title>` and
//! `/search_tickets <words or #number>`. A ticket made from a chat goes to
//! the first team (in the admin's order) whose live-chat intake links the
//! conversation's channel, with the transcript as its description; its
//! number is left in the conversation as an internal note, for the team
//! only. Any operator working the chat may escalate it this way, member of
//! that team or not.

use crate::notes::Notes;
use crate::store::{MessageStore, UserStore, VisitorStore};
use crate::teams::Teams;
use crate::tickets::Tickets;
use crate::{Error, Result};
use parlor_domain::helpdesk::MAX_TICKET_DESCRIPTION;
use parlor_domain::{
    Author, Conversation, Customer, Field, MessageId, NewTicket, Priority, Seq, Ticket,
    TicketFilter, TicketSource, User, UserId, ValidationErrors,
};
use std::collections::HashMap;
use std::sync::Arc;

/// The most messages a transcript reads.
const TRANSCRIPT_MESSAGES: u32 = 1000;
/// The most tickets a search lists.
pub const SEARCH_RESULTS: u32 = 10;

#[derive(Clone)]
pub struct ChatTickets {
    teams: Teams,
    tickets: Tickets,
    notes: Notes,
    messages: Arc<dyn MessageStore>,
    users: Arc<dyn UserStore>,
    visitors: Arc<dyn VisitorStore>,
}

impl ChatTickets {
    pub fn new(
        teams: Teams,
        tickets: Tickets,
        notes: Notes,
        messages: Arc<dyn MessageStore>,
        users: Arc<dyn UserStore>,
        visitors: Arc<dyn VisitorStore>,
    ) -> Self {
        Self {
            teams,
            tickets,
            notes,
            messages,
            users,
            visitors,
        }
    }

    /// `/ticket <title>` in `conversation` (the caller checked that `actor`
    /// may work on it). `request` is the command's id: sent again, it
    /// creates no second ticket and no second note.
    pub async fn create(
        &self,
        actor: &User,
        conversation: &Conversation,
        request: MessageId,
        title: &str,
    ) -> Result<Ticket> {
        if title.trim().is_empty() {
            return Err(Error::Validation(ValidationErrors::single(
                Field::Title,
                "is required: /ticket <title>",
            )));
        }
        let team = *self
            .teams
            .for_channel(conversation.channel)
            .await?
            .first()
            .ok_or(Error::NotPermitted(
                "no helpdesk team takes tickets from this channel; an admin can link it to a team",
            ))?;
        let profile = self.visitors.visitor_profile(conversation.visitor).await?;
        let ticket = NewTicket {
            team,
            title: title.to_string(),
            description: self.transcript(conversation).await?,
            customer: Customer {
                name: profile.name.unwrap_or_default(),
                email: profile.email.unwrap_or_default(),
                visitor: Some(conversation.visitor),
            },
            priority: Priority::Low,
            tags: Vec::new(),
            source: TicketSource::Chat,
            conversation: Some(conversation.id),
            request_id: Some(format!("chat:{}", request.0)),
        };
        let ticket = self.tickets.insert(ticket).await?;
        let note = format!("Ticket {} created: {}", ticket.number, ticket.title);
        self.notes.add(actor, conversation, request, &note).await?;
        Ok(ticket)
    }

    /// `/search_tickets`: tickets `actor` sees whose text has every word, or
    /// the one with that `#number`; open and closed, highest priority first.
    pub async fn search(&self, actor: &User, query: &str) -> Result<Vec<Ticket>> {
        if query.trim().is_empty() {
            return Err(Error::Validation(ValidationErrors::single(
                Field::Search,
                "is required: /search_tickets <words or #number>",
            )));
        }
        let filter = TicketFilter {
            text: Some(query.to_string()),
            include_closed: true,
            limit: SEARCH_RESULTS,
            ..TicketFilter::default()
        };
        self.tickets.list(actor, &filter).await
    }

    /// The conversation as lines of "Name: text", oldest first, cut to the
    /// description's limit (the ticket's thread links back to the chat).
    async fn transcript(&self, conversation: &Conversation) -> Result<String> {
        let messages = self
            .messages
            .messages_after(conversation.id, Seq(0), TRANSCRIPT_MESSAGES)
            .await?;
        let mut names: HashMap<UserId, String> = HashMap::new();
        let mut out = String::new();
        let mut chars = 0;
        for m in messages {
            let who = match m.author {
                Author::Visitor => "Visitor".to_string(),
                Author::Channel => "Channel".to_string(),
                Author::Operator { user } => match names.get(&user) {
                    Some(name) => name.clone(),
                    None => {
                        let name = self
                            .users
                            .get_user(user)
                            .await?
                            .map_or_else(|| "Operator".to_string(), |u| u.display_name);
                        names.insert(user, name.clone());
                        name
                    }
                },
            };
            let body = match (&m.attachment, m.body.is_empty()) {
                (Some(file), true) => format!("[file: {}]", file.name),
                (Some(file), false) => format!("{} [file: {}]", m.body, file.name),
                (None, _) => m.body.clone(),
            };
            let line = format!("{who}: {body}\n");
            chars += line.chars().count();
            if chars >= MAX_TICKET_DESCRIPTION {
                out.push('…');
                break;
            }
            out.push_str(&line);
        }
        Ok(out)
    }
}
