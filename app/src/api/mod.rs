//! Server functions. Each body is a few lines: find the user, call
//! `chat_core::Parlor`, convert the result. These are the admin app's private
//! API; the widget never calls them (it uses `/widget/v1/…`).

pub mod auth;
pub mod channels;
pub mod inbox;
pub mod live;
pub mod tuned_ws;
pub mod users;

/// A connection's output: its queued frames, with the session itself polled
/// by the same task that writes the socket. No task of its own means one
/// wake-up less per frame and one task less per idle connection. The stream
/// ends once the session has ended and its queue is drained.
#[cfg(feature = "ssr")]
fn drive<T: Send + 'static>(
    session: impl std::future::Future<Output = ()> + Send + 'static,
    frames: impl futures::Stream<Item = T> + Send + 'static,
) -> impl futures::Stream<Item = T> + Send + 'static {
    use futures::StreamExt;
    // The session never yields items; it only runs while the stream is polled.
    let session = futures::stream::once(session).filter_map(|()| async { None });
    futures::stream::select(session, frames)
}
