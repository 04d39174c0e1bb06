//! The visitor's live connection, `/widget/v1/live`: a server function over
//! Leptos' WebSocket protocol at a fixed, versioned path. Frames are
//! `parlor_protocol::live` types as JSON; docs/protocol.md describes the wire.
//! The session's rules live in `chat_core::live`; this only adapts streams.

use super::tuned_ws;
use crate::error::AppError;
use leptos::prelude::*;
use leptos::server_fn::codec::JsonEncoding;
use leptos::server_fn::BoxedStream;
use parlor_protocol::live::{ServerFrame, VisitorFrame};

#[server(
    protocol = tuned_ws::Websocket<JsonEncoding, JsonEncoding>,
    prefix = "/widget/v1",
    endpoint = "live"
)]
pub async fn visitor_live(
    input: BoxedStream<VisitorFrame, AppError>,
) -> Result<BoxedStream<ServerFrame, AppError>, AppError> {
    use chat_core::live::{run_visitor, BadFrame, OUTBOX};
    use futures::StreamExt;

    let ctx = crate::server_ctx::ctx()?;
    let input: std::pin::Pin<Box<dyn futures::Stream<Item = _> + Send>> = input.into();
    let frames = input.map(|frame| frame.map_err(|e: AppError| BadFrame(e.to_string())));
    let (tx, rx) = tokio::sync::mpsc::channel(OUTBOX);
    let session = run_visitor(ctx.parlor, frames, tx);
    let out = futures::stream::unfold(rx, |mut rx| async move {
        rx.recv().await.map(|frame| (Ok(*frame), rx))
    });
    Ok(super::drive(session, out).into())
}
