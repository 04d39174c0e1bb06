//! One helpdesk screen's live connection, independent of the transport,
//! like `inbox_live.rs` for the inbox. It follows the desk *before* saying
//! `ready`, so nothing committed after the screen's next read is missed.
//! It forwards which tickets changed, for the teams its viewer sees; the
//! screen reads them again. A connection that falls behind gets `resync`
//! and is closed; the app reconnects and reads everything again.

use crate::events::DeskEvent;
use crate::session::{self, BadFrame, Lagged, Refusal, Step};
use crate::Parlor;
use futures::Stream;
use parlor_domain::{TeamId, User};
use parlor_protocol::desk::{DeskFrame, DeskRequest};
use parlor_protocol::CloseReason;
use tokio::sync::{broadcast, mpsc};

/// Frames queued for one screen before it counts as too slow.
pub const DESK_OUTBOX: usize = 256;

struct Session {
    parlor: Parlor,
    user: User,
    /// The teams whose tickets the viewer sees; `None`: all (admins).
    teams: Option<Vec<TeamId>>,
    out: session::Outbox<DeskFrame>,
    desk: broadcast::Receiver<DeskEvent>,
}

impl Session {
    async fn visible(&self) -> Result<Option<Vec<TeamId>>, CloseReason> {
        self.parlor
            .teams()
            .visible_to(&self.user)
            .await
            .map_err(|e| {
                tracing::warn!(error = %e, "a desk connection could not read its teams");
                CloseReason::Internal
            })
    }

    fn forward(&self, frame: DeskFrame) -> Step {
        self.out.forward(frame).inspect_err(|_| {
            tracing::debug!("a desk screen's outbox is full: resync");
        })
    }
}

impl session::Session for Session {
    type Frame = DeskRequest;
    type Event = DeskEvent;

    /// A screen has nothing to say but pings: any flood is refused.
    fn costs(_: &DeskRequest) -> bool {
        true
    }

    async fn on_frame(&mut self, frame: DeskRequest) -> Step {
        match frame {
            DeskRequest::Ping => Ok(()),
        }
    }

    async fn on_refused(&mut self, refusal: Refusal, _: Option<DeskRequest>) -> Step {
        // There is no error frame: a client that misbehaves is closed.
        tracing::debug!(?refusal, "a desk connection sent what it may not");
        Err(CloseReason::Policy)
    }

    async fn next_event(&mut self) -> Result<DeskEvent, Lagged> {
        self.desk.recv().await.map_err(|e| {
            tracing::debug!(error = %e, "a desk screen fell behind: resync");
            Lagged
        })
    }

    async fn on_event(&mut self, event: DeskEvent) -> Step {
        match event {
            DeskEvent::Ticket { number, .. } if event.concerns(self.teams.as_deref()) => {
                self.forward(DeskFrame::Ticket { number: number.0 })
            }
            DeskEvent::Ticket { .. } => Ok(()),
            DeskEvent::Teams => {
                self.teams = self.visible().await?;
                self.forward(DeskFrame::Resync)
            }
            DeskEvent::Resync => self.forward(DeskFrame::Resync),
        }
    }

    fn on_close(&mut self, reason: CloseReason) {
        if reason != CloseReason::Normal {
            self.out.last_word(DeskFrame::Resync);
        }
    }
}

/// Runs one helpdesk screen's connection until the client goes away or the
/// connection must close. `user` was authenticated by the transport.
pub async fn run_desk<S>(
    parlor: Parlor,
    user: User,
    mut input: S,
    out: mpsc::Sender<DeskFrame>,
) -> CloseReason
where
    S: Stream<Item = Result<DeskRequest, BadFrame>> + Unpin + Send,
{
    let _counted = parlor.metrics().connected(crate::metrics::Peer::Desk);
    let out = session::Outbox::new(out);
    let desk = parlor.tickets().follow();
    let mut session = Session {
        parlor,
        user,
        teams: None,
        out,
        desk,
    };
    session.teams = match session.visible().await {
        Ok(teams) => teams,
        Err(reason) => return reason,
    };
    if let Err(reason) = session.out.send(DeskFrame::Ready).await {
        return reason;
    }
    let mut shutdown = session.parlor.shutdown_signal();
    session::drive(&mut session, &mut input, &mut shutdown).await
}
