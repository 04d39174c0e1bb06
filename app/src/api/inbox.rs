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
    use chat_core::live::BadFrame;
    use futures::StreamExt;

    let user = crate::server_ctx::require_user().await?;
    let ctx = crate::server_ctx::ctx()?;
    let input: std::pin::Pin<Box<dyn futures::Stream<Item = _> + Send>> = input.into();
    let frames = input.map(|frame| frame.map_err(|e: AppError| BadFrame(e.to_string())));
    let (tx, rx) = tokio::sync::mpsc::channel(INBOX_OUTBOX);
    let session = run_operator(ctx.parlor, user, frames, tx);
    let out = futures::stream::unfold(rx, |mut rx| async move {
        rx.recv().await.map(|frame| (Ok(frame), rx))
    });
    Ok(super::drive(session, out).into())
}
