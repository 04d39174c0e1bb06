//! Server functions. Each body is a few lines: find the user, call
//! `chat_core::Parlor`, convert the result. These are the admin app's private
//! API; the widget never calls them (it uses `/widget/v1/…`).

pub mod alerts;
pub mod auth;
pub mod canned;
pub mod channels;
pub mod desk;
pub mod help_forms;
pub mod helpdesk;
pub mod inbox;
pub mod live;
pub mod mail_settings;
pub mod ticket_thread;
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
    use futures::{FutureExt, StreamExt};

    let input: std::pin::Pin<Box<dyn futures::Stream<Item = _> + Send>> = input.into();
    let frames = input.map(|f| {
        f.map_err(|e| match e {
            AppError::BadFrame(why) => BadFrame(why),
            other => BadFrame(other.to_string()),
        })
    });
    let (tx, rx) = tokio::sync::mpsc::channel(queue);
    let output = SessionOutput {
        running: session(Box::pin(frames), tx).fuse(),
        reason: None,
        queue: rx,
        frame,
        closed: false,
    };
    let output: std::pin::Pin<Box<dyn futures::Stream<Item = _> + Send>> = Box::pin(output);
    output.into()
}

#[cfg(feature = "ssr")]
pin_project_lite::pin_project! {
    /// A session's output: its queue, then its close. One small value per
    /// connection, held by the socket for as long as it is open, so it
    /// holds the session's future once, inline (an `async` block around it
    /// would hold it twice), and no channel for the close.
    struct SessionOutput<Fut, Q, O> {
        #[pin]
        running: futures::future::Fuse<Fut>,
        reason: Option<parlor_protocol::CloseReason>,
        queue: tokio::sync::mpsc::Receiver<Q>,
        frame: fn(Q) -> O,
        closed: bool,
    }
}

#[cfg(feature = "ssr")]
impl<Fut, Q, O> futures::Stream for SessionOutput<Fut, Q, O>
where
    Fut: std::future::Future<Output = parlor_protocol::CloseReason>,
{
    type Item = Result<O, crate::error::AppError>;

    fn poll_next(
        self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Option<Self::Item>> {
        use futures::future::FusedFuture;
        use std::future::Future;
        use std::task::Poll;

        let mut this = self.project();
        if *this.closed {
            return Poll::Ready(None);
        }
        // The session runs only while its output is polled. Once it ends,
        // `Fuse` drops it, and with it the queue's sender.
        if !this.running.is_terminated() {
            if let Poll::Ready(reason) = this.running.as_mut().poll(cx) {
                *this.reason = Some(reason);
            }
        }
        match this.queue.poll_recv(cx) {
            Poll::Ready(Some(q)) => Poll::Ready(Some(Ok((this.frame)(q)))),
            Poll::Pending => Poll::Pending,
            // Drained, and no sender left: the close, once the session has
            // said why (it is still running if it let go of its queue early).
            Poll::Ready(None) => match this.reason.take() {
                Some(reason) => {
                    *this.closed = true;
                    Poll::Ready(Some(Err(crate::error::AppError::closing(reason))))
                }
                None if this.running.is_terminated() => {
                    *this.closed = true;
                    let internal = parlor_protocol::CloseReason::Internal;
                    Poll::Ready(Some(Err(crate::error::AppError::closing(internal))))
                }
                None => Poll::Pending,
            },
        }
    }
}
