//! Server functions. Each body is a few lines: find the user, call
//! `chat_core::Parlor`, convert the result. These are the admin app's private
//! API; the widget never calls them (it uses `/widget/v1/…`).

pub mod alerts;
pub mod auth;
pub mod canned;
pub mod channels;
pub mod inbox;
pub mod live;
pub mod tuned_ws;
pub mod users;

/// Frames a live session reads: decoded, or why one could not be.
#[cfg(feature = "ssr")]
type SessionInput<I> =
    std::pin::Pin<Box<dyn futures::Stream<Item = Result<I, chat_core::session::BadFrame>> + Send>>;

/// Adapts a WebSocket server function to a `chat_core` session: decoding
/// errors become `BadFrame`s for the session to answer, and the output is
/// the session's queue (`queue` frames), each turned into a wire frame by
/// `frame`, then the reason the session ended, which the socket sends as
/// its close frame. The session is polled by the same task that writes the
/// socket: no task of its own means one wake-up less per frame and one task
/// less per idle connection. The output ends once the session has ended and
/// its queue is drained.
#[cfg(feature = "ssr")]
fn session_socket<I, Q, O, Fut>(
    input: leptos::server_fn::BoxedStream<I, crate::error::AppError>,
    queue: usize,
    session: impl FnOnce(SessionInput<I>, tokio::sync::mpsc::Sender<Q>) -> Fut,
    frame: fn(Q) -> O,
) -> leptos::server_fn::BoxedStream<O, crate::error::AppError>
where
    I: Send + 'static,
    Q: Send + 'static,
    O: Send + 'static,
    Fut: std::future::Future<Output = parlor_protocol::CloseReason> + Send + 'static,
{
    use crate::error::AppError;
    use chat_core::session::BadFrame;
    use futures::StreamExt;

    let input: std::pin::Pin<Box<dyn futures::Stream<Item = _> + Send>> = input.into();
    let frames = input.map(|f| {
        f.map_err(|e| match e {
            AppError::BadFrame(why) => BadFrame(why),
            other => BadFrame(other.to_string()),
        })
    });
    let (tx, rx) = tokio::sync::mpsc::channel(queue);
    let (closed, reason) = tokio::sync::oneshot::channel();
    let running = session(Box::pin(frames), tx);
    // The session never yields items; it only runs while the output is polled.
    let session = futures::stream::once(async move {
        let _ = closed.send(running.await);
    })
    .filter_map(|()| async { None });
    let out = futures::stream::unfold(rx, move |mut rx| async move {
        rx.recv().await.map(|q| (Ok(frame(q)), rx))
    })
    .chain(futures::stream::once(async move {
        let reason = reason
            .await
            .unwrap_or(parlor_protocol::CloseReason::Internal);
        Err(AppError::closing(reason))
    }));
    futures::stream::select(session, out).into()
}
