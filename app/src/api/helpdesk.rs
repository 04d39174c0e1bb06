//! The helpdesk: teams (every staff member lists them; admins create, edit
//! and delete them on the Helpdesk teams page) and tickets (staff see their
//! teams' tickets; admins all).

use crate::error::AppError;
use leptos::prelude::*;
use leptos::server_fn::codec::Json;
use parlor_domain::{
    Team, TeamId, TeamInput, Ticket, TicketChange, TicketCounts, TicketFilter, TicketNumber,
};

/// Every team, in the admin's order.
#[server(prefix = "/api", endpoint = "helpdesk/teams")]
pub async fn list_teams() -> Result<Vec<Team>, AppError> {
    use crate::server_ctx::{ctx, require_user};
    let actor = require_user().await?;
    Ok(ctx()?.parlor.teams().list(&actor).await?)
}

#[server(prefix = "/api", endpoint = "helpdesk/teams/create", input = Json)]
pub async fn create_team(team: TeamInput) -> Result<Team, AppError> {
    use crate::server_ctx::{ctx, require_user};
    let actor = require_user().await?;
    Ok(ctx()?.parlor.teams().create(&actor, team).await?)
}

/// Replaces team `id`'s settings, members, channels and stages.
#[server(prefix = "/api", endpoint = "helpdesk/teams/update", input = Json)]
pub async fn update_team(id: TeamId, team: TeamInput) -> Result<Team, AppError> {
    use crate::server_ctx::{ctx, require_user};
    let actor = require_user().await?;
    Ok(ctx()?.parlor.teams().update(&actor, id, team).await?)
}

#[server(prefix = "/api", endpoint = "helpdesk/teams/delete", input = Json)]
pub async fn delete_team(id: TeamId) -> Result<(), AppError> {
    use crate::server_ctx::{ctx, require_user};
    let actor = require_user().await?;
    Ok(ctx()?.parlor.teams().delete(&actor, id).await?)
}

/// The tickets the user sees that match `filter`, highest priority first.
#[server(prefix = "/api", endpoint = "helpdesk/tickets", input = Json)]
pub async fn list_tickets(filter: TicketFilter) -> Result<Vec<Ticket>, AppError> {
    use crate::server_ctx::{ctx, require_user};
    let actor = require_user().await?;
    Ok(ctx()?.parlor.tickets().list(&actor, &filter).await?)
}

#[server(prefix = "/api", endpoint = "helpdesk/tickets/get", input = Json)]
pub async fn get_ticket(number: TicketNumber) -> Result<Ticket, AppError> {
    use crate::server_ctx::{ctx, require_user};
    let actor = require_user().await?;
    Ok(ctx()?.parlor.tickets().get(&actor, number).await?)
}

/// Applies `change` to the ticket as it is now (fields left `None` stay).
#[server(prefix = "/api", endpoint = "helpdesk/tickets/change", input = Json)]
pub async fn change_ticket(number: TicketNumber, change: TicketChange) -> Result<Ticket, AppError> {
    use crate::server_ctx::{ctx, require_user};
    let actor = require_user().await?;
    Ok(ctx()?
        .parlor
        .tickets()
        .change(&actor, number, change)
        .await?)
}

/// The navigation's counts: open tickets assigned to the user, and open
/// unassigned ones in their teams.
#[server(prefix = "/api", endpoint = "helpdesk/tickets/counts")]
pub async fn count_tickets() -> Result<TicketCounts, AppError> {
    use crate::server_ctx::{ctx, require_user};
    let actor = require_user().await?;
    Ok(ctx()?.parlor.tickets().counts(&actor).await?)
}
