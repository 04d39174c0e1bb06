//! The helpdesk screens' live connection, `/api/helpdesk/live`: which
//! tickets changed, for the teams the signed-in user sees, over the same
//! tuned WebSocket protocol as the inbox. The session's rules live in
//! `chat_core::desk_live`.

use super::tuned_ws;
use crate::error::AppError;
use leptos::prelude::*;
use leptos::server_fn::codec::JsonEncoding;
use leptos::server_fn::BoxedStream;
use parlor_protocol::desk::{DeskFrame, DeskRequest};
use parlor_protocol::framed::Framed;

#[server(
    protocol = tuned_ws::Websocket<JsonEncoding, JsonEncoding>,
    prefix = "/api/helpdesk",
    endpoint = "live"
)]
pub async fn desk_live(
    input: BoxedStream<DeskRequest, AppError>,
) -> Result<BoxedStream<Framed<DeskFrame>, AppError>, AppError> {
    use chat_core::desk_live::{run_desk, DESK_OUTBOX};

    let user = crate::server_ctx::require_user().await?;
    let parlor = crate::server_ctx::ctx()?.parlor;
    let run = |frames, out| run_desk(parlor, user, frames, out);
    Ok(super::session_socket(input, DESK_OUTBOX, run, Framed))
}
