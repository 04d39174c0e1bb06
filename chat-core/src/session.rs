//! The loop every live connection runs, visitor or operator, independent of
//! the transport: frames come in as a stream, go out through a bounded
//! [`Outbox`], and live events come from the session's own subscriptions.
//! The driver owns what both kinds share: the select loop, shutdown, a
//! lagging subscription turned into a resync, the rate limit, the opening's
//! deadline, and the reason the connection ends ([`CloseReason`], which the
//! transport sends as its close frame). Sessions (`live.rs`,
//! `inbox_live.rs`) only say what a frame or an event means.

use crate::clock::stopping;
use futures::{Stream, StreamExt};
use parlor_protocol::CloseReason;
use std::future::Future;
use std::time::{Duration, Instant};
use tokio::sync::{mpsc, watch};

/// How long a connection may take to say `hello` (or whatever opens it).
pub const HELLO_TIMEOUT: Duration = Duration::from_secs(5);
/// Frames that count against the rate limit: a burst, then so many a second.
pub const RATE_BURST: f64 = 20.0;
pub const RATE_PER_SEC: f64 = 5.0;

/// A step of a session: go on, or end the connection for this reason.
pub type Step = Result<(), CloseReason>;

/// A frame that could not be decoded. The text says what was wrong, in
/// words a client's developer can act on (never a parser's internals).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BadFrame(pub String);

/// A live subscription fell behind and dropped events.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Lagged;

/// A frame the driver refused before the session saw it; the session words
/// it as its own wire error.
#[derive(Debug, Clone, PartialEq)]
pub enum Refusal {
    /// Over the connection's rate limit; nothing was done.
    RateLimited { per_second: f64 },
    /// The frame could not be decoded.
    BadFrame(String),
}

/// One connection's outgoing queue: bounded, so a client that does not read
/// costs a fixed amount of memory and never slows anyone else.
pub struct Outbox<T>(mpsc::Sender<T>);

impl<T> Outbox<T> {
    pub fn new(tx: mpsc::Sender<T>) -> Self {
        Self(tx)
    }

    /// Waits for room: for answers to the client's own frames, which it
    /// paces itself.
    pub async fn send(&self, frame: T) -> Step {
        self.0.send(frame).await.map_err(|_| CloseReason::Normal)
    }

    /// Queues a live event without waiting: a full queue ends the
    /// connection with a resync instead of holding up the publisher.
    pub fn forward(&self, frame: T) -> Step {
        self.0.try_send(frame).map_err(|e| match e {
            mpsc::error::TrySendError::Full(_) => CloseReason::Resync,
            mpsc::error::TrySendError::Closed(_) => CloseReason::Normal,
        })
    }

    /// Best effort, for the last frame before a close.
    pub fn last_word(&self, frame: T) {
        let _ = self.0.try_send(frame);
    }
}

/// A token bucket: `RATE_BURST` frames at once, refilled at `RATE_PER_SEC`.
pub struct RateLimit {
    tokens: f64,
    at: Instant,
}

impl Default for RateLimit {
    fn default() -> Self {
        Self {
            tokens: RATE_BURST,
            at: Instant::now(),
        }
    }
}

impl RateLimit {
    /// Takes one frame's token, or refuses.
    pub fn take(&mut self) -> Result<(), Refusal> {
        let now = Instant::now();
        let refill = now.duration_since(self.at).as_secs_f64() * RATE_PER_SEC;
        self.tokens = (self.tokens + refill).min(RATE_BURST);
        self.at = now;
        if self.tokens >= 1.0 {
            self.tokens -= 1.0;
            Ok(())
        } else {
            Err(Refusal::RateLimited {
                per_second: RATE_PER_SEC,
            })
        }
    }
}

/// What a kind of live connection does with what arrives.
pub trait Session: Send {
    /// A decoded frame from the client.
    type Frame: Send;
    /// An event from the session's live subscriptions.
    type Event: Send;

    /// Whether `frame` takes a token of the rate limit.
    fn costs(frame: &Self::Frame) -> bool;

    fn on_frame(&mut self, frame: Self::Frame) -> impl Future<Output = Step> + Send;

    /// A frame refused before `on_frame` (`frame` is `None` when it could
    /// not be decoded): tell the client why.
    fn on_refused(
        &mut self,
        refusal: Refusal,
        frame: Option<Self::Frame>,
    ) -> impl Future<Output = Step> + Send;

    /// The next live event; pending while the session follows nothing.
    fn next_event(&mut self) -> impl Future<Output = Result<Self::Event, Lagged>> + Send;

    fn on_event(&mut self, event: Self::Event) -> impl Future<Output = Step> + Send;

    /// The connection ends for `reason` (or because the client left, with
    /// `Normal`): the last frame to queue, and what to tidy up.
    fn on_close(&mut self, reason: CloseReason);
}

/// Runs `opening` (waiting for `hello`, say) within `limit`, or until a
/// shutdown begins: a connection that never says who it is cannot hold a
/// slot, nor hold up a restart.
pub async fn opening<T>(
    limit: Duration,
    shutdown: &mut watch::Receiver<bool>,
    opening: impl Future<Output = Result<T, CloseReason>>,
) -> Result<T, CloseReason> {
    tokio::select! {
        _ = stopping(shutdown) => Err(CloseReason::GoingAway),
        _ = tokio::time::sleep(limit) => Err(CloseReason::Policy),
        opened = opening => opened,
    }
}

/// What woke the driver.
enum Next<F, E> {
    Stop,
    Frame(Option<Result<F, BadFrame>>),
    Event(Result<E, Lagged>),
}

/// What to do with what woke the driver: a handler, boxed, or the reason to
/// close. Not `async`: only the box is held while the handler runs.
#[allow(clippy::type_complexity)]
fn handle<'a, S: Session>(
    session: &'a mut S,
    rate: &mut RateLimit,
    next: Next<S::Frame, S::Event>,
) -> Result<std::pin::Pin<Box<dyn Future<Output = Step> + Send + 'a>>, CloseReason> {
    Ok(match next {
        Next::Stop => return Err(CloseReason::GoingAway),
        Next::Frame(None) => return Err(CloseReason::Normal),
        Next::Frame(Some(Ok(frame))) => match S::costs(&frame).then(|| rate.take()) {
            Some(Err(refused)) => Box::pin(session.on_refused(refused, Some(frame))),
            _ => Box::pin(session.on_frame(frame)),
        },
        Next::Frame(Some(Err(BadFrame(why)))) => {
            Box::pin(session.on_refused(Refusal::BadFrame(why), None))
        }
        Next::Event(Ok(event)) => Box::pin(session.on_event(event)),
        Next::Event(Err(Lagged)) => return Err(CloseReason::Resync),
    })
}

/// Runs `session` until the client leaves (`Normal`), a shutdown begins
/// (`GoingAway`), or the session ends the connection. Each frame and event
/// is handled in a boxed future, so an idle connection's task holds only
/// the session and this select.
pub async fn drive<S, I>(
    session: &mut S,
    input: &mut I,
    shutdown: &mut watch::Receiver<bool>,
) -> CloseReason
where
    S: Session,
    I: Stream<Item = Result<S::Frame, BadFrame>> + Unpin + Send,
{
    let mut rate = RateLimit::default();
    loop {
        // The select ends before a handler runs, so its futures (what an
        // idle connection waits on) and a handler's state share the same
        // bytes of this future instead of adding up.
        let next = tokio::select! {
            _ = stopping(shutdown) => Next::Stop,
            frame = input.next() => Next::Frame(frame),
            event = session.next_event() => Next::Event(event),
        };
        let step = match handle(session, &mut rate, next) {
            Ok(handling) => handling.await,
            Err(reason) => Err(reason),
        };
        if let Err(reason) = step {
            session.on_close(reason);
            return reason;
        }
    }
}

#[cfg(test)]
mod tests {
    //! The driver over in-memory channels, with a session that echoes.
    use super::*;
    use futures::channel::mpsc as fmpsc;
    use futures::SinkExt;
    use tokio::sync::broadcast;

    #[derive(Debug, PartialEq)]
    enum Out {
        Echo(String),
        Event(u32),
        Refused(Refusal, Option<String>),
        Closing(CloseReason),
    }

    struct Echo {
        out: Outbox<Out>,
        events: broadcast::Receiver<u32>,
    }

    impl Session for Echo {
        type Frame = String;
        type Event = u32;

        fn costs(frame: &String) -> bool {
            frame != "free"
        }

        async fn on_frame(&mut self, frame: String) -> Step {
            if frame == "bye" {
                return Err(CloseReason::Normal);
            }
            self.out.send(Out::Echo(frame)).await
        }

        async fn on_refused(&mut self, refusal: Refusal, frame: Option<String>) -> Step {
            self.out.send(Out::Refused(refusal, frame)).await
        }

        async fn next_event(&mut self) -> Result<u32, Lagged> {
            match self.events.recv().await {
                Ok(n) => Ok(n),
                Err(broadcast::error::RecvError::Lagged(_)) => Err(Lagged),
                Err(broadcast::error::RecvError::Closed) => std::future::pending().await,
            }
        }

        async fn on_event(&mut self, event: u32) -> Step {
            self.out.forward(Out::Event(event))
        }

        fn on_close(&mut self, reason: CloseReason) {
            self.out.last_word(Out::Closing(reason));
        }
    }

    struct Rig {
        frames: fmpsc::Sender<Result<String, BadFrame>>,
        events: broadcast::Sender<u32>,
        out: mpsc::Receiver<Out>,
        stop: watch::Sender<bool>,
        task: tokio::task::JoinHandle<CloseReason>,
    }

    fn rig(outbox: usize, backlog: usize) -> Rig {
        let (frames, mut input) = fmpsc::channel(64);
        let (events, rx) = broadcast::channel(backlog);
        let (tx, out) = mpsc::channel(outbox);
        let (stop, mut shutdown) = watch::channel(false);
        let mut session = Echo {
            out: Outbox::new(tx),
            events: rx,
        };
        let task =
            tokio::spawn(async move { drive(&mut session, &mut input, &mut shutdown).await });
        Rig {
            frames,
            events,
            out,
            stop,
            task,
        }
    }

    #[tokio::test]
    async fn frames_and_events_reach_the_session_and_input_end_closes_normally() {
        let mut r = rig(8, 8);
        r.frames.send(Ok("hi".into())).await.unwrap();
        assert_eq!(r.out.recv().await, Some(Out::Echo("hi".into())));
        r.events.send(7).unwrap();
        assert_eq!(r.out.recv().await, Some(Out::Event(7)));
        r.frames.close_channel();
        assert_eq!(r.task.await.unwrap(), CloseReason::Normal);
        assert_eq!(r.out.recv().await, Some(Out::Closing(CloseReason::Normal)));
    }

    #[tokio::test]
    async fn undecodable_frames_are_refused_as_typed_values_and_the_connection_stays() {
        let mut r = rig(8, 8);
        r.frames
            .send(Err(BadFrame("unknown type `x`".into())))
            .await
            .unwrap();
        assert_eq!(
            r.out.recv().await,
            Some(Out::Refused(
                Refusal::BadFrame("unknown type `x`".into()),
                None
            ))
        );
        r.frames.send(Ok("still here".into())).await.unwrap();
        assert_eq!(r.out.recv().await, Some(Out::Echo("still here".into())));
    }

    #[tokio::test]
    async fn the_rate_limit_refuses_costly_frames_beyond_the_burst_only() {
        let mut r = rig(64, 8);
        for i in 0..RATE_BURST as usize + 2 {
            r.frames.send(Ok(format!("m{i}"))).await.unwrap();
        }
        r.frames.send(Ok("free".into())).await.unwrap();
        let mut echoed = 0;
        let mut refused = Vec::new();
        for _ in 0..RATE_BURST as usize + 3 {
            match r.out.recv().await.unwrap() {
                Out::Echo(f) if f != "free" => echoed += 1,
                Out::Echo(_) => {}
                Out::Refused(Refusal::RateLimited { per_second }, Some(frame)) => {
                    assert_eq!(per_second, RATE_PER_SEC);
                    refused.push(frame);
                }
                other => panic!("unexpected {other:?}"),
            }
        }
        // The refill during the test may let one more through.
        assert!(echoed >= RATE_BURST as usize, "{echoed} echoed");
        assert!(!refused.is_empty() && refused.len() <= 2, "{refused:?}");
    }

    #[tokio::test]
    async fn a_lagging_subscription_ends_in_resync() {
        let mut r = rig(64, 2);
        // More events than the backlog holds before the task first runs.
        for n in 0..10 {
            r.events.send(n).unwrap();
        }
        assert_eq!(r.task.await.unwrap(), CloseReason::Resync);
        let mut last = None;
        while let Ok(o) = r.out.try_recv() {
            last = Some(o);
        }
        assert_eq!(last, Some(Out::Closing(CloseReason::Resync)));
    }

    #[tokio::test]
    async fn a_full_outbox_ends_in_resync_instead_of_waiting() {
        let r = rig(2, 64);
        for n in 0..5 {
            r.events.send(n).unwrap();
        }
        assert_eq!(r.task.await.unwrap(), CloseReason::Resync);
    }

    #[tokio::test]
    async fn a_shutdown_ends_the_connection_as_going_away() {
        let mut r = rig(8, 8);
        r.frames.send(Ok("hi".into())).await.unwrap();
        assert_eq!(r.out.recv().await, Some(Out::Echo("hi".into())));
        r.stop.send_replace(true);
        assert_eq!(r.task.await.unwrap(), CloseReason::GoingAway);
        assert_eq!(
            r.out.recv().await,
            Some(Out::Closing(CloseReason::GoingAway))
        );
    }

    #[tokio::test]
    async fn the_session_may_end_the_connection_itself() {
        let r = rig(8, 8);
        let mut frames = r.frames;
        frames.send(Ok("bye".into())).await.unwrap();
        assert_eq!(r.task.await.unwrap(), CloseReason::Normal);
    }

    #[tokio::test]
    async fn an_opening_must_finish_within_its_limit() {
        let (_stop, mut shutdown) = watch::channel(false);
        let never = std::future::pending::<Result<(), CloseReason>>();
        let limit = Duration::from_millis(50);
        let opened = opening(limit, &mut shutdown, never).await;
        assert_eq!(opened, Err(CloseReason::Policy));
        let quick = async { Ok::<_, CloseReason>(5) };
        assert_eq!(opening(HELLO_TIMEOUT, &mut shutdown, quick).await, Ok(5));
    }

    #[tokio::test]
    async fn a_shutdown_ends_an_opening_at_once() {
        let (stop, mut shutdown) = watch::channel(false);
        let waiting = tokio::spawn(async move {
            let never = std::future::pending::<Result<(), CloseReason>>();
            opening(Duration::from_secs(3600), &mut shutdown, never).await
        });
        tokio::task::yield_now().await;
        stop.send_replace(true);
        assert_eq!(waiting.await.unwrap(), Err(CloseReason::GoingAway));
    }
}
