//! The inbox's live connection: opens `/api/inbox/live`, applies frames to
//! the `Inbox`, and reconnects with backoff. After each (re)connection it
//! re-opens the shown conversation from the last `seq` it has and resends
//! every unacknowledged reply with its original id, so nothing is lost or
//! doubled across a dropped connection or a server restart.

#[cfg(feature = "hydrate")]
use super::state::Alert;
use super::state::{Delivery, Inbox};
use crate::error::AppError;
use futures::channel::mpsc::UnboundedSender;
use leptos::prelude::*;
use parlor_protocol::inbox::OperatorFrame;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Link {
    Connecting,
    Live,
    Offline,
}

type Outbox = UnboundedSender<Result<OperatorFrame, AppError>>;

/// The way to the server, shared by the page's handlers.
#[derive(Clone, Copy)]
pub struct Conn {
    pub link: RwSignal<Link>,
    tx: StoredValue<Option<Outbox>>,
}

impl Conn {
    pub fn new() -> Self {
        Self {
            link: RwSignal::new(Link::Connecting),
            tx: StoredValue::new(None),
        }
    }

    /// Sends now if connected. Frames that must not be lost (replies) are
    /// also kept in the `Inbox` and resent on reconnection.
    pub fn send(&self, frame: OperatorFrame) {
        self.tx.with_value(|tx| {
            if let Some(tx) = tx {
                let _ = tx.unbounded_send(Ok(frame));
            }
        });
    }

    /// After (re)connecting: the shown conversation from where it stopped,
    /// and every reply still waiting for its ack.
    pub fn resume(&self, inbox: RwSignal<Inbox>) {
        let (open, pending) = inbox.with_untracked(|i| {
            let open = i.selected.map(|id| (id, i.last_seq()));
            let pending: Vec<_> = i
                .outgoing
                .iter()
                .filter(|o| o.delivery == Delivery::Sending)
                .cloned()
                .collect();
            (open, pending)
        });
        if let Some((conversation_id, last_seq)) = open {
            self.send(OperatorFrame::Open {
                conversation_id,
                last_seq,
            });
        }
        for o in pending {
            self.send(OperatorFrame::Send {
                conversation_id: o.conversation,
                message_id: o.id,
                body: o.body,
                attachment: o.attachment.map(|a| a.id),
            });
        }
    }
}

#[cfg(feature = "hydrate")]
pub fn start(
    inbox: RwSignal<Inbox>,
    conn: Conn,
    watching: impl Fn() -> bool + 'static,
    on_alerts: impl Fn(Vec<Alert>) + 'static,
) {
    let (run, abort) = futures::future::abortable(run(inbox, conn, watching, on_alerts));
    leptos::task::spawn_local(async move {
        let _ = run.await;
    });
    on_cleanup(move || abort.abort());
}

#[cfg(feature = "hydrate")]
async fn run(
    inbox: RwSignal<Inbox>,
    conn: Conn,
    watching: impl Fn() -> bool,
    on_alerts: impl Fn(Vec<Alert>),
) {
    use crate::api::inbox::inbox_live;
    use futures::StreamExt;
    use parlor_protocol::framed::Framed;
    use parlor_protocol::inbox::InboxFrame;
    use parlor_protocol::live::WireAuthor;

    let mut backoff_ms = 500;
    loop {
        conn.link.set(Link::Connecting);
        let (tx, rx) = futures::channel::mpsc::unbounded();
        conn.tx.set_value(Some(tx));
        if let Ok(stream) = inbox_live(rx.into()).await {
            let mut stream: std::pin::Pin<Box<dyn futures::Stream<Item = _> + Send>> =
                stream.into();
            while let Some(Ok(Framed(frame))) = stream.next().await {
                let snapshot = matches!(frame, InboxFrame::Snapshot { .. });
                let resync = matches!(frame, InboxFrame::Resync);
                let watch = watching();
                // A visitor message on screen is read as it arrives.
                let read = match &frame {
                    InboxFrame::Message { message } if message.author == WireAuthor::Visitor => {
                        Some((message.conversation_id, message.seq))
                    }
                    _ => None,
                };
                let alerts = inbox
                    .try_update(|i| i.apply(frame, watch))
                    .unwrap_or_default();
                if let Some((conversation_id, seq)) = read {
                    let shown = inbox.with_untracked(|i| i.selected == Some(conversation_id));
                    if shown && watch {
                        conn.send(OperatorFrame::Read {
                            conversation_id,
                            seq,
                        });
                    }
                }
                if snapshot {
                    conn.link.set(Link::Live);
                    backoff_ms = 500;
                    conn.resume(inbox);
                }
                on_alerts(alerts);
                if resync {
                    break;
                }
            }
        }
        conn.tx.set_value(None);
        conn.link.set(Link::Offline);
        crate::components::timer::sleep(backoff_ms).await;
        backoff_ms = (backoff_ms * 2).min(8_000);
    }
}
