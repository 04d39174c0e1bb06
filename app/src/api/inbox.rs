//! The operator inbox's live connection, `/api/inbox/live`: a server function
//! over the same tuned WebSocket protocol as the widget. The session cookie
//! proves the operator (the server refuses cross-origin upgrades before this
//! runs); the session's rules live in `chat_core::inbox_live`.

use super::tuned_ws;
use crate::error::AppError;
use leptos::prelude::*;
use leptos::server_fn::codec::JsonEncoding;
use leptos::server_fn::BoxedStream;
use parlor_protocol::inbox::{InboxFrame, OperatorFrame};

#[server(
    protocol = tuned_ws::Websocket<JsonEncoding, JsonEncoding>,
    prefix = "/api/inbox",
    endpoint = "live"
)]
pub async fn inbox_live(
    input: BoxedStream<OperatorFrame, AppError>,
) -> Result<BoxedStream<InboxFrame, AppError>, AppError> {
    use chat_core::inbox_live::{run_operator, INBOX_OUTBOX};

    let user = crate::server_ctx::require_user().await?;
    let parlor = crate::server_ctx::ctx()?.parlor;
    let run = |frames, out| run_operator(parlor, user, frames, out);
    Ok(super::session_socket(input, INBOX_OUTBOX, run, |frame| {
        frame
    }))
}
