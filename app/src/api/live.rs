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
    use chat_core::live::{run_visitor, OUTBOX};

    let ctx = crate::server_ctx::ctx()?;
    let origin = crate::server_ctx::request_origin();
    let upgrade = crate::server_ctx::request_upgrade(&ctx);
    let run = |frames, out| run_visitor(ctx.parlor, origin, upgrade, frames, out);
    // The session's queue holds boxed frames (see `chat_core::live::Outbox`).
    Ok(super::session_socket(input, OUTBOX, run, |frame| *frame))
}
