//! The operator inbox's live connection, `/api/inbox/live`: a server function
//! over the same tuned WebSocket protocol as the widget. The session cookie
//! proves the operator (the server refuses cross-origin upgrades before this
//! runs); the session's rules live in `chat_core::inbox_live`.

use super::tuned_ws;
use crate::error::AppError;
use leptos::prelude::*;
use leptos::server_fn::codec::JsonEncoding;
use leptos::server_fn::BoxedStream;
use parlor_protocol::framed::Framed;
use parlor_protocol::inbox::{InboxFrame, OperatorFrame};

#[server(
    protocol = tuned_ws::Websocket<JsonEncoding, JsonEncoding>,
    prefix = "/api/inbox",
    endpoint = "live"
)]
pub async fn inbox_live(
    input: BoxedStream<OperatorFrame, AppError>,
) -> Result<BoxedStream<Framed<InboxFrame>, AppError>, AppError> {
    use chat_core::inbox_live::{run_operator, INBOX_OUTBOX};

    let user = crate::server_ctx::require_user().await?;
    let parlor = crate::server_ctx::ctx()?.parlor;
    let run = |frames, out| run_operator(parlor, user, frames, out);
    Ok(super::session_socket(input, INBOX_OUTBOX, run, Framed))
}

/// One of the visitor's other conversations, for `/history` and the
/// visitor panel.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct PastConversation {
    pub id: parlor_protocol::ConversationId,
    pub created_at: i64,
    pub last_at: i64,
    pub last_body: Option<String>,
    pub closed: bool,
}

/// The other conversations of the visitor of `conversation`, newest first.
#[server(prefix = "/api", endpoint = "inbox/history")]
pub async fn visitor_history(
    conversation: parlor_protocol::ConversationId,
) -> Result<Vec<PastConversation>, AppError> {
    use crate::server_ctx::{ctx, require_user};
    let user = require_user().await?;
    let parlor = ctx()?.parlor;
    let access = parlor.inbox_access(&user).await?;
    Ok(parlor
        .past_conversations(&access, conversation)
        .await?
        .into_iter()
        .map(|p| PastConversation {
            id: p.conversation.id,
            created_at: p.conversation.created_at,
            last_at: p.last_at,
            last_body: p.last_body,
            closed: p.conversation.status == parlor_domain::ConversationStatus::Closed,
        })
        .collect())
}

/// One conversation a search found, as the inbox lists it.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct SearchResult {
    pub conversation_id: parlor_protocol::ConversationId,
    pub visitor_name: String,
    pub channel_name: String,
    /// Plain text around the first match (see `parlor_domain::search::snippet`).
    pub snippet: String,
    /// When the matching message was written (unix seconds).
    pub at: i64,
}

/// Conversations of the user's channels whose messages, or whose visitor's
/// name or email, match `query`; newest first, one result each.
#[server(prefix = "/api", endpoint = "inbox/search", input = leptos::server_fn::codec::Json)]
pub async fn search_conversations(
    query: parlor_domain::SearchQuery,
) -> Result<Vec<SearchResult>, AppError> {
    use crate::server_ctx::{ctx, require_user};
    let user = require_user().await?;
    let parlor = ctx()?.parlor;
    let access = parlor.inbox_access(&user).await?;
    let text = query.text.trim().to_string();
    Ok(parlor
        .search()
        .conversations(&access, query)
        .await?
        .into_iter()
        .map(|hit| SearchResult {
            conversation_id: hit.conversation,
            visitor_name: hit.visitor_label(),
            channel_name: hit.channel_name.clone(),
            snippet: parlor_domain::search::snippet(&hit.body, &text),
            at: hit.at,
        })
        .collect())
}

/// A text a message had before an edit (its audit trail), for admins.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct PreviousText {
    pub body: String,
    /// Who replaced it; `None` once their account is gone.
    pub edited_by: Option<i64>,
    /// When it was replaced (unix seconds).
    pub edited_at: i64,
}

/// The audit trail of `message` in `conversation`, oldest text first.
/// Admins only.
#[server(prefix = "/api", endpoint = "inbox/edits")]
pub async fn message_edits(
    conversation: parlor_protocol::ConversationId,
    message: parlor_protocol::MessageId,
) -> Result<Vec<PreviousText>, AppError> {
    use crate::server_ctx::{ctx, require_user};
    let user = require_user().await?;
    let parlor = ctx()?.parlor;
    let access = parlor.inbox_access(&user).await?;
    Ok(parlor
        .edits()
        .history(&user, &access, conversation, message)
        .await?
        .into_iter()
        .map(|e| PreviousText {
            body: e.previous_body,
            edited_by: e.edited_by.map(|u| u.0),
            edited_at: e.edited_at,
        })
        .collect())
}
