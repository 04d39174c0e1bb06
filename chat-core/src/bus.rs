//! Live events between Parlor nodes, over PostgreSQL's LISTEN/NOTIFY.
//!
//! Why this engine: a deployment of several nodes already runs PostgreSQL
//! (it is their shared store), so the bus adds no service to run, secure or
//! monitor; notifications are delivered in order per sending session; and a
//! lost listener connection is noticed (sqlx returns `None`), which is all
//! catch-up needs. The database stays the source of truth: a node that may
//! have missed events makes every local listener read it again by sequence
//! number (`Hub::resync_all`), so a missed event is never a missed message.
//!
//! Each node publishes what its hub publishes (the bus is the hub's
//! `Relay`), tagged with its node id, and delivers the other nodes' events
//! to its own hub. It reads the store for events that travel by reference,
//! and calls no service: presence hears another node's change from the hub.
//! NOTIFY payloads are limited to 8000 bytes: a larger message travels as a
//! reference that receivers read from the database; a summary always does.

use crate::events::{DeskEvent, FeedEvent, RoomEvent};
use crate::hub::{Hub, Relay};
use crate::metrics::Metrics;
use crate::store::{Store, StoreError};
use parlor_domain::{ChannelId, ConversationId, Message, MessageId, Seq, TeamId, TicketNumber};
use serde::{Deserialize, Serialize};
use sqlx::postgres::{PgListener, PgPool, PgPoolOptions};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::mpsc;
use uuid::Uuid;

/// The NOTIFY channel of the Parlor whose tables are in `schema`. NOTIFY is
/// per database, not per schema: two Parlors sharing a database in two
/// schemas must not hear each other.
pub fn channel_name(schema: &str) -> String {
    let name = format!("parlor:{schema}");
    if name.len() <= 63 {
        name
    } else {
        // Longer channel names are refused; a digest keeps them apart.
        use sha2::Digest;
        let digest = hex::encode(sha2::Sha256::digest(schema.as_bytes()));
        format!("parlor:{}", &digest[..32])
    }
}
/// Events waiting to be published before the bus counts them as lost.
const QUEUE: usize = 65_536;
/// Events published in one statement.
const BATCH: usize = 256;
/// PostgreSQL refuses payloads of 8000 bytes or more.
const MAX_PAYLOAD: usize = 7_900;

/// An event as other nodes receive it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "t", rename_all = "snake_case")]
pub(crate) enum BusEvent {
    Message {
        channel: ChannelId,
        message: Message,
    },
    /// A message too large for a notification: receivers read it.
    MessageRef {
        channel: ChannelId,
        conversation: ConversationId,
        seq: Seq,
    },
    /// A message already sent, with its new text.
    Edited {
        channel: ChannelId,
        message: Message,
    },
    /// An edited message too large for a notification: receivers read it.
    EditedRef {
        channel: ChannelId,
        conversation: ConversationId,
        id: MessageId,
    },
    OperatorTyping {
        conversation: ConversationId,
        name: String,
        typing: bool,
    },
    Ended {
        conversation: ConversationId,
    },
    Queue {
        conversation: ConversationId,
        position: Option<u32>,
    },
    Read {
        conversation: ConversationId,
        seq: Seq,
    },
    VisitorTyping {
        channel: ChannelId,
        conversation: ConversationId,
        typing: bool,
    },
    Note {
        channel: ChannelId,
        note: parlor_domain::Note,
    },
    /// A note too large for a notification: receivers read it.
    NoteRef {
        channel: ChannelId,
        conversation: ConversationId,
        id: MessageId,
    },
    /// A conversation changed: receivers read its summary.
    Changed {
        conversation: ConversationId,
    },
    /// An operator's presence changed: derive the statuses again.
    Presence,
    /// Channels' operators or departments changed.
    Staffing,
    /// A ticket was created or changed.
    Ticket {
        number: TicketNumber,
        team: TeamId,
        was: Option<TeamId>,
    },
    /// Helpdesk teams or their members changed.
    Teams,
    /// The sender lost events it meant to publish: read everything again.
    Resync,
}

impl BusEvent {
    pub(crate) fn message(channel: ChannelId, message: &Message) -> Self {
        BusEvent::Message {
            channel,
            message: message.clone(),
        }
    }

    pub(crate) fn edited(channel: ChannelId, message: &Message) -> Self {
        BusEvent::Edited {
            channel,
            message: message.clone(),
        }
    }

    /// What other nodes need of a room event; messages travel by `message`
    /// (edits by `edited`).
    pub(crate) fn from_room(conversation: ConversationId, event: &RoomEvent) -> Option<Self> {
        match event {
            RoomEvent::OperatorTyping { name, typing } => Some(BusEvent::OperatorTyping {
                conversation,
                name: name.clone(),
                typing: *typing,
            }),
            RoomEvent::Ended => Some(BusEvent::Ended { conversation }),
            RoomEvent::Queue(position) => Some(BusEvent::Queue {
                conversation,
                position: *position,
            }),
            RoomEvent::Read(seq) => Some(BusEvent::Read {
                conversation,
                seq: *seq,
            }),
            RoomEvent::Message(_) | RoomEvent::Edited(_) | RoomEvent::Resync => None,
        }
    }

    /// What other nodes need of a feed event; messages travel by `message`
    /// (edits by `edited`).
    pub(crate) fn from_feed(event: &FeedEvent) -> Option<Self> {
        match event {
            FeedEvent::VisitorTyping {
                channel,
                conversation,
                typing,
            } => Some(BusEvent::VisitorTyping {
                channel: *channel,
                conversation: *conversation,
                typing: *typing,
            }),
            FeedEvent::Note { channel, note } => Some(BusEvent::Note {
                channel: *channel,
                note: note.clone(),
            }),
            FeedEvent::Changed(s) => Some(BusEvent::Changed {
                conversation: s.conversation.id,
            }),
            FeedEvent::Staffing => Some(BusEvent::Staffing),
            FeedEvent::Message { .. }
            | FeedEvent::Edited { .. }
            | FeedEvent::Presence(_)
            | FeedEvent::Resync => None,
        }
    }
}

#[derive(Serialize, Deserialize)]
struct Envelope {
    /// The publishing node, which ignores its own events.
    node: Uuid,
    event: BusEvent,
}

/// The payload for `event`, small enough for NOTIFY.
fn encode(node: Uuid, event: BusEvent) -> Result<String, serde_json::Error> {
    // What travels instead when the payload is too long. Only messages and
    // notes carry text of any length.
    let instead = match &event {
        BusEvent::Message { channel, message } => BusEvent::MessageRef {
            channel: *channel,
            conversation: message.conversation,
            seq: message.seq,
        },
        BusEvent::Edited { channel, message } => BusEvent::EditedRef {
            channel: *channel,
            conversation: message.conversation,
            id: message.id,
        },
        BusEvent::Note { channel, note } => BusEvent::NoteRef {
            channel: *channel,
            conversation: note.conversation,
            id: note.id,
        },
        _ => BusEvent::Resync,
    };
    let text = serde_json::to_string(&Envelope { node, event })?;
    if text.len() < MAX_PAYLOAD {
        return Ok(text);
    }
    serde_json::to_string(&Envelope {
        node,
        event: instead,
    })
}

/// The hub's side of the bus: queues events for publishing, never waits.
struct Outgoing {
    tx: mpsc::Sender<BusEvent>,
    lost: Arc<AtomicBool>,
}

impl Outgoing {
    fn send(&self, event: BusEvent) {
        if self.tx.try_send(event).is_err() {
            // Other nodes will be told to resync from the database.
            self.lost.store(true, Ordering::Relaxed);
        }
    }
}

impl Relay for Outgoing {
    fn room(&self, conversation: ConversationId, event: &RoomEvent) {
        if let Some(e) = BusEvent::from_room(conversation, event) {
            self.send(e);
        }
    }

    fn feed(&self, event: &FeedEvent) {
        if let Some(e) = BusEvent::from_feed(event) {
            self.send(e);
        }
    }

    fn message(&self, channel: ChannelId, message: &Message) {
        self.send(BusEvent::message(channel, message));
    }

    fn edited(&self, channel: ChannelId, message: &Message) {
        self.send(BusEvent::edited(channel, message));
    }

    fn desk(&self, event: &DeskEvent) {
        match *event {
            DeskEvent::Ticket { number, team, was } => {
                self.send(BusEvent::Ticket { number, team, was })
            }
            DeskEvent::Teams => self.send(BusEvent::Teams),
            // Each node resyncs its own screens.
            DeskEvent::Resync => {}
        }
    }

    fn presence(&self) {
        self.send(BusEvent::Presence);
    }
}

/// What the receiving side delivers to and reads from.
#[derive(Clone)]
pub(crate) struct Node {
    pub hub: Arc<Hub>,
    pub store: Arc<dyn Store>,
    pub metrics: Arc<Metrics>,
}

impl Node {
    /// Every listener on this node reads the database again, and it counts.
    fn resync_all(&self) {
        self.metrics.bus_resynced();
        self.hub.resync_all();
    }
}

/// Joins this node (`node`'s hub) to the other nodes on the database at
/// `url`: listens first, so nothing published after this returns is
/// missed.
pub(crate) async fn start(parlor: Node, url: &str) -> Result<(), StoreError> {
    let node = Uuid::new_v4();
    let pool = PgPoolOptions::new().max_connections(1).connect(url).await?;
    let schema: String = sqlx::query_scalar("SELECT current_schema()")
        .fetch_one(&pool)
        .await?;
    let channel = channel_name(&schema);
    let mut listener = PgListener::connect(url).await?;
    listener.listen(&channel).await?;
    let (tx, rx) = mpsc::channel(QUEUE);
    let lost = Arc::new(AtomicBool::new(false));
    parlor.hub.attach(Box::new(Outgoing {
        tx,
        lost: Arc::clone(&lost),
    }));
    let metrics = Arc::clone(&parlor.metrics);
    tokio::spawn(publish(pool, channel.clone(), rx, lost, node, metrics));
    tracing::info!(%node, %channel, "joined the other nodes over PostgreSQL LISTEN/NOTIFY");
    tokio::spawn(receive(listener, channel, parlor.clone(), node));
    Ok(())
}

/// Publishes queued events, a batch per statement (and so per transaction,
/// whose notifications arrive together and in order).
async fn publish(
    pool: PgPool,
    channel: String,
    mut rx: mpsc::Receiver<BusEvent>,
    lost: Arc<AtomicBool>,
    node: Uuid,
    metrics: Arc<Metrics>,
) {
    let mut batch = Vec::with_capacity(BATCH);
    while rx.recv_many(&mut batch, BATCH).await > 0 {
        if lost.swap(false, Ordering::Relaxed) {
            batch.push(BusEvent::Resync);
        }
        let mut payloads = Vec::with_capacity(batch.len());
        for event in batch.drain(..) {
            match encode(node, event) {
                Ok(payload) => payloads.push(payload),
                Err(_) => lost.store(true, Ordering::Relaxed),
            }
        }
        let sent = sqlx::query("SELECT pg_notify($1, p) FROM unnest($2::text[]) AS p")
            .bind(&channel)
            .bind(&payloads)
            .execute(&pool)
            .await;
        if let Err(e) = sent {
            tracing::warn!(error = %e, events = payloads.len(), "publishing events failed");
            lost.store(true, Ordering::Relaxed);
            tokio::time::sleep(Duration::from_millis(200)).await;
        } else {
            metrics.bus_sent(payloads.len());
        }
    }
}

/// Delivers the other nodes' events to this node's listeners. After the
/// connection was lost, every listener resyncs from the database.
async fn receive(mut listener: PgListener, channel: String, parlor: Node, node: Uuid) {
    loop {
        match listener.try_recv().await {
            Ok(Some(n)) => match serde_json::from_str::<Envelope>(n.payload()) {
                Ok(envelope) if envelope.node != node => {
                    parlor.metrics.bus_received();
                    deliver(&parlor, envelope.event).await
                }
                Ok(_) => {}
                Err(e) => tracing::warn!(error = %e, "an event that does not parse"),
            },
            // Lost and already listening again (sqlx reconnects eagerly).
            Ok(None) => {
                tracing::warn!("the event connection was lost; resyncing");
                parlor.resync_all();
            }
            Err(e) => {
                tracing::warn!(error = %e, "the event connection is down");
                let mut wait = Duration::from_millis(100);
                while listener.listen(&channel).await.is_err() {
                    tokio::time::sleep(wait).await;
                    wait = (wait * 2).min(Duration::from_secs(5));
                }
                parlor.resync_all();
            }
        }
    }
}

async fn deliver(parlor: &Node, event: BusEvent) {
    let hub = &parlor.hub;
    match event {
        BusEvent::Message { channel, message } => hub.deliver_message(channel, &message),
        BusEvent::MessageRef {
            channel,
            conversation,
            seq,
        } => {
            let after = Seq(seq.0.saturating_sub(1));
            match parlor
                .store
                .messages()
                .messages_after(conversation, after, 1)
                .await
            {
                Ok(found) => found
                    .iter()
                    .for_each(|message| hub.deliver_message(channel, message)),
                Err(_) => parlor.resync_all(),
            }
        }
        BusEvent::Edited { channel, message } => hub.deliver_edited(channel, &message),
        BusEvent::EditedRef {
            channel,
            conversation,
            id,
        } => match parlor.store.messages().get_message(conversation, id).await {
            Ok(Some(message)) => hub.deliver_edited(channel, &message),
            Ok(None) => {}
            Err(_) => parlor.resync_all(),
        },
        BusEvent::OperatorTyping {
            conversation,
            name,
            typing,
        } => hub.deliver_to_room(conversation, RoomEvent::OperatorTyping { name, typing }),
        BusEvent::Ended { conversation } => hub.deliver_to_room(conversation, RoomEvent::Ended),
        BusEvent::Queue {
            conversation,
            position,
        } => hub.deliver_to_room(conversation, RoomEvent::Queue(position)),
        BusEvent::Read { conversation, seq } => {
            hub.deliver_to_room(conversation, RoomEvent::Read(seq))
        }
        BusEvent::VisitorTyping {
            channel,
            conversation,
            typing,
        } => hub.deliver_to_feed(FeedEvent::VisitorTyping {
            channel,
            conversation,
            typing,
        }),
        BusEvent::Note { channel, note } => hub.deliver_to_feed(FeedEvent::Note { channel, note }),
        BusEvent::NoteRef {
            channel,
            conversation,
            id,
        } => match parlor.store.internal_notes().notes(conversation).await {
            Ok(notes) => {
                if let Some(note) = notes.into_iter().find(|n| n.id == id) {
                    hub.deliver_to_feed(FeedEvent::Note { channel, note });
                }
            }
            Err(_) => parlor.resync_all(),
        },
        BusEvent::Changed { conversation } => {
            match parlor
                .store
                .conversations()
                .conversation_summary(conversation)
                .await
            {
                Ok(Some(s)) => hub.deliver_to_feed(FeedEvent::Changed(Arc::new(s))),
                Ok(None) => {}
                Err(_) => parlor.resync_all(),
            }
        }
        // Not in line with the messages behind it: it reads the database.
        BusEvent::Presence => parlor.hub.presence_changed_elsewhere(),
        BusEvent::Staffing => hub.deliver_to_feed(FeedEvent::Staffing),
        BusEvent::Ticket { number, team, was } => {
            hub.deliver_to_desk(DeskEvent::Ticket { number, team, was })
        }
        BusEvent::Teams => hub.deliver_to_desk(DeskEvent::Teams),
        BusEvent::Resync => parlor.resync_all(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use parlor_domain::{Author, MessageId};

    #[test]
    fn each_schema_has_a_channel_of_its_own() {
        assert_eq!(channel_name("public"), "parlor:public");
        let long = "s".repeat(63);
        let name = channel_name(&long);
        assert!(name.len() <= 63, "{name}");
        assert_ne!(name, channel_name(&"t".repeat(63)));
    }

    fn message(body: &str) -> Message {
        Message {
            id: MessageId(Uuid::new_v4()),
            conversation: ConversationId(Uuid::new_v4()),
            seq: Seq(7),
            author: Author::Visitor,
            body: body.into(),
            created_at: 1,
            edited_at: None,
            attachment: None,
        }
    }

    fn decode(text: &str) -> BusEvent {
        serde_json::from_str::<Envelope>(text).unwrap().event
    }

    #[test]
    fn a_message_that_fits_travels_whole_and_a_long_one_by_reference() {
        let node = Uuid::new_v4();
        let channel = ChannelId(Uuid::new_v4());
        let short = message("hello");
        let event = BusEvent::message(channel, &short);
        assert_eq!(decode(&encode(node, event.clone()).unwrap()), event);

        // 4,000 characters of 4 bytes each: the longest body there is.
        let long = message(&"😀".repeat(4000));
        let text = encode(node, BusEvent::message(channel, &long)).unwrap();
        assert!(text.len() < MAX_PAYLOAD);
        assert_eq!(
            decode(&text),
            BusEvent::MessageRef {
                channel,
                conversation: long.conversation,
                seq: Seq(7)
            }
        );
    }

    #[test]
    fn an_edit_that_fits_travels_whole_and_a_long_one_by_reference() {
        let node = Uuid::new_v4();
        let channel = ChannelId(Uuid::new_v4());
        let mut short = message("hello again");
        short.edited_at = Some(2);
        let event = BusEvent::edited(channel, &short);
        assert_eq!(decode(&encode(node, event.clone()).unwrap()), event);

        let long = message(&"😀".repeat(4000));
        let text = encode(node, BusEvent::edited(channel, &long)).unwrap();
        assert_eq!(
            decode(&text),
            BusEvent::EditedRef {
                channel,
                conversation: long.conversation,
                id: long.id,
            }
        );
    }

    #[test]
    fn a_long_note_travels_by_reference() {
        let node = Uuid::new_v4();
        let channel = ChannelId(Uuid::new_v4());
        let note = parlor_domain::Note {
            id: MessageId(Uuid::new_v4()),
            conversation: ConversationId(Uuid::new_v4()),
            author: None,
            after_seq: Seq(3),
            body: "@Ann ".to_string() + &"😀".repeat(4000),
            created_at: 1,
            transfer_to: None,
        };
        let text = encode(
            node,
            BusEvent::Note {
                channel,
                note: note.clone(),
            },
        )
        .unwrap();
        assert_eq!(
            decode(&text),
            BusEvent::NoteRef {
                channel,
                conversation: note.conversation,
                id: note.id,
            }
        );
    }
}
