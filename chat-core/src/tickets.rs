//! Tickets, a service of their own. Staff see the tickets of the teams they
//! work in (admins see all); a ticket they may not see is "not found", so
//! its number tells nothing. Changes apply to the ticket as it is now: two
//! operators changing different fields at once both keep their change.

use crate::hub::{DeskEvent, Hub};
use crate::store::{NewEntry, StoreError, TeamStore, TicketStore};
use crate::teams::Teams;
use crate::{now_unix, Error, Result};
use parlor_domain::{
    Field, NewTicket, OutgoingMail, Team, TeamId, Ticket, TicketChange, TicketCounts, TicketFilter,
    TicketNumber, TicketSource, User, ValidationErrors,
};
use std::sync::Arc;

/// How often a change is re-applied when someone else saved in between.
const SAVE_ATTEMPTS: usize = 5;

#[derive(Clone)]
pub struct Tickets {
    store: Arc<dyn TicketStore>,
    team_store: Arc<dyn TeamStore>,
    teams: Teams,
    hub: Arc<Hub>,
}

impl Tickets {
    pub fn new(
        store: Arc<dyn TicketStore>,
        team_store: Arc<dyn TeamStore>,
        teams: Teams,
        hub: Arc<Hub>,
    ) -> Self {
        Self {
            store,
            team_store,
            teams,
            hub,
        }
    }

    /// Which tickets change, from now on, on every node.
    pub fn follow(&self) -> tokio::sync::broadcast::Receiver<DeskEvent> {
        self.hub.follow_desk()
    }

    /// Tells every node's helpdesk screens that `ticket` changed (after
    /// the commit; its thread counts). `was`: the team it left.
    pub(crate) fn changed(&self, ticket: &Ticket, was: Option<TeamId>) {
        self.hub.to_desk(DeskEvent::Ticket {
            number: ticket.number,
            team: ticket.team,
            was: was.filter(|w| *w != ticket.team),
        });
    }

    /// A ticket created by a staff member (from a chat, or by hand): they
    /// must work in its team.
    pub async fn create(&self, actor: &User, ticket: NewTicket) -> Result<Ticket> {
        let team = self.team(ticket.team).await?;
        if !actor.may(parlor_domain::Power::Supervise) && !team.is_member(actor.id) {
            return Err(Error::NotPermitted(
                "only the team's members can open its tickets",
            ));
        }
        self.insert(ticket).await
    }

    /// A ticket from the outside (the website form, an email): the team
    /// must have that way in switched on.
    pub async fn receive(&self, ticket: NewTicket) -> Result<Ticket> {
        self.receive_with(ticket, None).await
    }

    /// [`Tickets::receive`] with the thread's first entry and its mail.
    pub(crate) async fn receive_with(
        &self,
        ticket: NewTicket,
        first: Option<(&NewEntry<'_>, Option<&OutgoingMail>)>,
    ) -> Result<Ticket> {
        let team = self.team(ticket.team).await?;
        let open = match ticket.source {
            TicketSource::Form => team.web_form,
            TicketSource::Email => team.email_alias.is_some(),
            _ => false,
        };
        if !open {
            return Err(Error::NotFound("team"));
        }
        self.insert_with(ticket, first).await
    }

    pub(crate) async fn insert(&self, ticket: NewTicket) -> Result<Ticket> {
        self.insert_with(ticket, None).await
    }

    /// A ticket with its thread's first entry (and that entry's mail), in
    /// one transaction: from the form or an email.
    pub(crate) async fn insert_with(
        &self,
        ticket: NewTicket,
        first: Option<(&NewEntry<'_>, Option<&OutgoingMail>)>,
    ) -> Result<Ticket> {
        let ticket = ticket.parse()?;
        let ticket = self.store.insert_ticket(&ticket, first, now_unix()).await?;
        tracing::info!(
            ticket = ticket.number.0,
            team = ticket.team.0,
            source = ticket.source.as_str(),
            "ticket created"
        );
        self.changed(&ticket, None);
        Ok(ticket)
    }

    /// A ticket, for the system's own use (the mail intake): no actor.
    pub(crate) async fn get_unchecked(&self, number: TicketNumber) -> Result<Option<Ticket>> {
        Ok(self.store.get_ticket(number).await?)
    }

    pub async fn get(&self, actor: &User, number: TicketNumber) -> Result<Ticket> {
        let ticket = self
            .store
            .get_ticket(number)
            .await?
            .ok_or(Error::NotFound("ticket"))?;
        self.may_see(actor, ticket.team).await?;
        Ok(ticket)
    }

    /// The tickets `actor` sees that match `filter`, highest priority first.
    pub async fn list(&self, actor: &User, filter: &TicketFilter) -> Result<Vec<Ticket>> {
        let visible = self.teams.visible_to(actor).await?;
        let mut filter = filter.clone();
        if filter.mine {
            filter.assignee = Some(actor.id);
        }
        Ok(self.store.list_tickets(&filter, visible.as_deref()).await?)
    }

    /// The navigation's counts: open tickets assigned to `actor`, and open
    /// unassigned ones in the teams they see.
    pub async fn counts(&self, actor: &User) -> Result<TicketCounts> {
        let visible = self.teams.visible_to(actor).await?;
        Ok(self
            .store
            .ticket_counts(actor.id, visible.as_deref())
            .await?)
    }

    /// Applies `change` to the ticket as it is now.
    pub async fn change(
        &self,
        actor: &User,
        number: TicketNumber,
        change: TicketChange,
    ) -> Result<Ticket> {
        let change = change.parse()?;
        for _ in 0..SAVE_ATTEMPTS {
            let current = self.get(actor, number).await?;
            let was = current.team;
            let next = self.applied(actor, current, &change).await?;
            match self.store.save_ticket(&next, now_unix()).await {
                Err(StoreError::Conflict(_)) => continue,
                Err(StoreError::NotFound("user")) => {
                    return Err(Error::Validation(ValidationErrors::single(
                        Field::DisplayName,
                        "the assignee is not a user any more",
                    )))
                }
                saved => {
                    let saved = saved?;
                    self.changed(&saved, Some(was));
                    return Ok(saved);
                }
            }
        }
        Err(Error::Internal(format!(
            "ticket {number} kept changing; the change was not saved"
        )))
    }

    /// A closed ticket the customer wrote to again goes back to its team's
    /// first stage, as Zammad and Odoo do. Called before their message is
    /// added, so a crash in between reopens it on the mail's next fetch.
    pub(crate) async fn reopen(&self, number: TicketNumber) -> Result<()> {
        for _ in 0..SAVE_ATTEMPTS {
            let Some(mut t) = self.store.get_ticket(number).await? else {
                return Ok(());
            };
            if t.closed_at.is_none() {
                return Ok(());
            }
            let team = self.team(t.team).await?;
            let first = team.first_stage().ok_or(Error::NotFound("stage"))?;
            t.stage = first.id;
            t.closed_at = None;
            match self.store.save_ticket(&t, now_unix()).await {
                Err(StoreError::Conflict(_)) => continue,
                saved => {
                    let saved = saved?;
                    tracing::info!(ticket = number.0, "ticket reopened by the customer's mail");
                    self.changed(&saved, None);
                    return Ok(());
                }
            }
        }
        Err(Error::Internal(format!(
            "ticket {number} kept changing; not reopened"
        )))
    }

    /// `ticket` with `change` applied, checked against its team.
    async fn applied(&self, actor: &User, mut t: Ticket, c: &TicketChange) -> Result<Ticket> {
        if let Some(team) = c.team.filter(|team| *team != t.team) {
            self.may_see(actor, team).await?;
            let to = self.team(team).await?;
            let first = to.first_stage().ok_or(Error::NotFound("stage"))?;
            t.team = to.id;
            t.stage = first.id;
            // Someone outside the new team cannot keep it.
            if t.assignee.is_some_and(|a| !to.is_member(a)) {
                t.assignee = None;
            }
        }
        let team = self.team(t.team).await?;
        if let Some(stage) = c.stage {
            if team.stage(stage).is_none() {
                return Err(Error::NotFound("stage"));
            }
            t.stage = stage;
        }
        if let Some(assignee) = c.assignee {
            if let Some(user) = assignee {
                if !team.is_member(user) {
                    return Err(Error::Validation(ValidationErrors::single(
                        Field::DisplayName,
                        "only a member of the ticket's team can be its assignee",
                    )));
                }
            }
            t.assignee = assignee;
        }
        if let Some(title) = &c.title {
            t.title.clone_from(title);
        }
        if let Some(description) = &c.description {
            t.description.clone_from(description);
        }
        if let Some(customer) = &c.customer {
            // The visitor link is where the ticket came from, not an edit.
            t.customer.name.clone_from(&customer.name);
            t.customer.email.clone_from(&customer.email);
        }
        if let Some(tags) = &c.tags {
            t.tags.clone_from(tags);
        }
        if let Some(priority) = c.priority {
            t.priority = priority;
        }
        let closes = team.stage(t.stage).is_some_and(|s| s.closes);
        t.closed_at = match (closes, t.closed_at) {
            (true, Some(at)) => Some(at),
            (true, None) => Some(now_unix()),
            (false, _) => None,
        };
        Ok(t)
    }

    async fn team(&self, id: TeamId) -> Result<Team> {
        self.team_store
            .get_team(id)
            .await?
            .ok_or(Error::NotFound("team"))
    }

    /// A team's tickets are "not found" for staff outside it.
    async fn may_see(&self, actor: &User, team: TeamId) -> Result<()> {
        match self.teams.visible_to(actor).await? {
            Some(teams) if !teams.contains(&team) => Err(Error::NotFound("ticket")),
            _ => Ok(()),
        }
    }
}
