//! A ticket's thread: read it, reply to the customer (by email), or log a
//! note for the team. Whoever may see the ticket may write in its thread.

use crate::error::AppError;
use leptos::prelude::*;
use leptos::server_fn::codec::Json;
use parlor_domain::{EntryInput, ThreadEntry, TicketFile, TicketNumber};
use serde::{Deserialize, Serialize};

/// The thread, the ticket's files (each with the entry it came with), and
/// whether replies can go out (outgoing mail is set up).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ThreadView {
    pub entries: Vec<ThreadEntry>,
    pub files: Vec<TicketFile>,
    pub can_reply: bool,
}

#[server(prefix = "/api", endpoint = "helpdesk/tickets/thread", input = Json)]
pub async fn ticket_thread(number: TicketNumber) -> Result<ThreadView, AppError> {
    use crate::server_ctx::{ctx, require_user};
    let actor = require_user().await?;
    let parlor = ctx()?.parlor;
    let thread = parlor.ticket_thread();
    Ok(ThreadView {
        entries: thread.entries(&actor, number).await?,
        files: parlor.ticket_files().list(&actor, number).await?,
        can_reply: thread.can_reply(),
    })
}

/// Replies to the customer: stored, and mailed through the outbox.
#[server(prefix = "/api", endpoint = "helpdesk/tickets/reply", input = Json)]
pub async fn reply_ticket(
    number: TicketNumber,
    entry: EntryInput,
) -> Result<ThreadEntry, AppError> {
    use crate::server_ctx::{ctx, require_user};
    let actor = require_user().await?;
    Ok(ctx()?
        .parlor
        .ticket_thread()
        .reply(&actor, number, entry)
        .await?)
}

/// A note for the team; the customer never sees it.
#[server(prefix = "/api", endpoint = "helpdesk/tickets/note", input = Json)]
pub async fn note_ticket(number: TicketNumber, entry: EntryInput) -> Result<ThreadEntry, AppError> {
    use crate::server_ctx::{ctx, require_user};
    let actor = require_user().await?;
    Ok(ctx()?
        .parlor
        .ticket_thread()
        .note(&actor, number, entry)
        .await?)
}
