//! Live fan-out inside one process, after the commit. Two kinds of listener:
//! - a visitor's connection watches its conversation's *room*;
//! - an operator's inbox follows the *feed*: every conversation's events,
//!   filtered by the channels that operator may see;
//! - the helpdesk's screens follow the *desk*: which tickets changed.
//!
//! The database stays the source of truth: a listener that falls behind is
//! told to resync from it by sequence number (visitors) or snapshot (inbox).
//!
//! With several nodes, every event published here is also relayed to the
//! other nodes (`bus.rs`), which deliver it to their own listeners. When
//! relayed events may have been lost, every listener gets `Resync`.

pub use crate::events::{DeskEvent, FeedEvent, RoomEvent};
use parlor_domain::{ChannelId, ConversationId, Message};
use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard, OnceLock};
use tokio::sync::{broadcast, watch};

/// Where the hub hands what it publishes for the other nodes. The bus
/// implements it (`bus.rs`); without one, events stay on this node.
/// Implementations queue and return at once: publishers never wait.
pub trait Relay: Send + Sync {
    fn room(&self, conversation: ConversationId, event: &RoomEvent);
    fn feed(&self, event: &FeedEvent);
    fn message(&self, channel: ChannelId, message: &Message);
    fn edited(&self, channel: ChannelId, message: &Message);
    fn desk(&self, event: &DeskEvent);
    /// Presence changed on this node: the others derive it again.
    fn presence(&self);
}

/// Events buffered per room subscriber before it counts as fallen behind.
pub const ROOM_CAPACITY: usize = 256;
/// Events buffered per inbox before it counts as fallen behind.
pub const FEED_CAPACITY: usize = 4096;
/// Ticket events buffered per helpdesk screen before it counts as behind.
pub const DESK_CAPACITY: usize = 1024;

type Rooms = HashMap<ConversationId, broadcast::Sender<RoomEvent>>;

pub struct Hub {
    rooms: Mutex<Rooms>,
    feed: broadcast::Sender<FeedEvent>,
    desk: broadcast::Sender<DeskEvent>,
    /// Where events go for the other nodes, once a bus is attached.
    relay: OnceLock<Box<dyn Relay>>,
    /// Bumped when another node says presence changed there; presence
    /// follows it and derives the statuses again.
    presence_elsewhere: watch::Sender<u64>,
}

impl Default for Hub {
    fn default() -> Self {
        Self {
            rooms: Mutex::default(),
            feed: broadcast::channel(FEED_CAPACITY).0,
            desk: broadcast::channel(DESK_CAPACITY).0,
            relay: OnceLock::new(),
            presence_elsewhere: watch::channel(0).0,
        }
    }
}

impl Hub {
    fn rooms(&self) -> MutexGuard<'_, Rooms> {
        // A panic elsewhere while holding the lock leaves the map usable.
        self.rooms.lock().unwrap_or_else(|p| p.into_inner())
    }

    pub fn subscribe(self: &Arc<Self>, conversation: ConversationId) -> Subscription {
        let rx = self
            .rooms()
            .entry(conversation)
            .or_insert_with(|| broadcast::channel(ROOM_CAPACITY).0)
            .subscribe();
        Subscription {
            hub: Arc::clone(self),
            conversation,
            rx: Some(rx),
        }
    }

    pub fn follow_feed(&self) -> broadcast::Receiver<FeedEvent> {
        self.feed.subscribe()
    }

    pub fn follow_desk(&self) -> broadcast::Receiver<DeskEvent> {
        self.desk.subscribe()
    }

    /// Sends this node's events on to `relay` from now on.
    pub(crate) fn attach(&self, relay: Box<dyn Relay>) {
        let _ = self.relay.set(relay);
    }

    fn relay(&self) -> Option<&dyn Relay> {
        self.relay.get().map(|r| r.as_ref())
    }

    /// Presence changed on this node: the others derive it again.
    pub(crate) fn relay_presence(&self) {
        if let Some(relay) = self.relay() {
            relay.presence();
        }
    }

    /// Another node's presence changed (the bus says so).
    pub(crate) fn presence_changed_elsewhere(&self) {
        self.presence_elsewhere
            .send_modify(|n| *n = n.wrapping_add(1));
    }

    /// Follows `presence_changed_elsewhere`.
    pub(crate) fn presence_elsewhere(&self) -> watch::Receiver<u64> {
        self.presence_elsewhere.subscribe()
    }

    /// Typing or the end, to a conversation's visitor, on every node.
    pub fn to_room(&self, conversation: ConversationId, event: RoomEvent) {
        if let Some(relay) = self.relay() {
            relay.room(conversation, &event);
        }
        self.deliver_to_room(conversation, event);
    }

    /// A change or typing, to every node's inboxes.
    pub fn to_feed(&self, event: FeedEvent) {
        if let Some(relay) = self.relay() {
            relay.feed(&event);
        }
        self.deliver_to_feed(event);
    }

    /// A committed message, to its room and the feed, on every node.
    pub fn message(&self, channel: ChannelId, message: &Message) {
        if let Some(relay) = self.relay() {
            relay.message(channel, message);
        }
        self.deliver_message(channel, message);
    }

    /// An edited message, to its room and the feed, on every node.
    pub fn edited(&self, channel: ChannelId, message: &Message) {
        if let Some(relay) = self.relay() {
            relay.edited(channel, message);
        }
        self.deliver_edited(channel, message);
    }

    /// A committed ticket change, to every node's helpdesk screens.
    pub fn to_desk(&self, event: DeskEvent) {
        if let Some(relay) = self.relay() {
            relay.desk(&event);
        }
        self.deliver_to_desk(event);
    }

    /// To this node's helpdesk screens only.
    pub(crate) fn deliver_to_desk(&self, event: DeskEvent) {
        let _ = self.desk.send(event);
    }

    /// To this node's watchers of the conversation only.
    pub(crate) fn deliver_to_room(&self, conversation: ConversationId, event: RoomEvent) {
        if let Some(room) = self.rooms().get(&conversation) {
            // No receivers is fine: nobody is watching right now.
            let _ = room.send(event);
        }
    }

    /// To this node's inboxes only.
    pub(crate) fn deliver_to_feed(&self, event: FeedEvent) {
        let _ = self.feed.send(event);
    }

    /// A message to this node's listeners only.
    pub(crate) fn deliver_message(&self, channel: ChannelId, message: &Message) {
        self.deliver_to_room(message.conversation, RoomEvent::Message(message.clone()));
        self.deliver_to_feed(FeedEvent::Message {
            channel,
            message: message.clone(),
        });
    }

    /// An edited message to this node's listeners only.
    pub(crate) fn deliver_edited(&self, channel: ChannelId, message: &Message) {
        self.deliver_to_room(message.conversation, RoomEvent::Edited(message.clone()));
        self.deliver_to_feed(FeedEvent::Edited {
            channel,
            message: message.clone(),
        });
    }

    /// Events may have been missed on this node: every listener reads the
    /// database again, presence too.
    pub(crate) fn resync_all(&self) {
        for room in self.rooms().values() {
            let _ = room.send(RoomEvent::Resync);
        }
        self.deliver_to_feed(FeedEvent::Resync);
        self.deliver_to_desk(DeskEvent::Resync);
        self.presence_changed_elsewhere();
    }

    /// Conversations somebody is watching (rooms are dropped with their last subscriber).
    pub fn rooms_open(&self) -> usize {
        self.rooms().len()
    }
}

/// One watcher of one conversation. Dropping the last one frees the room.
pub struct Subscription {
    hub: Arc<Hub>,
    conversation: ConversationId,
    rx: Option<broadcast::Receiver<RoomEvent>>,
}

impl Subscription {
    pub async fn recv(&mut self) -> Result<RoomEvent, broadcast::error::RecvError> {
        match &mut self.rx {
            Some(rx) => rx.recv().await,
            None => Err(broadcast::error::RecvError::Closed),
        }
    }
}

impl Drop for Subscription {
    fn drop(&mut self) {
        drop(self.rx.take());
        let mut rooms = self.hub.rooms();
        if rooms
            .get(&self.conversation)
            .is_some_and(|room| room.receiver_count() == 0)
        {
            rooms.remove(&self.conversation);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use parlor_domain::{Author, MessageId, Seq};

    fn message(conversation: ConversationId, seq: u64) -> Message {
        Message {
            id: MessageId(uuid::Uuid::new_v4()),
            conversation,
            seq: Seq(seq),
            author: Author::Visitor,
            body: "hi".into(),
            created_at: 0,
            edited_at: None,
            attachment: None,
        }
    }

    fn seq_of(e: RoomEvent) -> Seq {
        match e {
            RoomEvent::Message(m) => m.seq,
            other => panic!("expected a message, got {other:?}"),
        }
    }

    #[tokio::test]
    async fn subscribers_get_published_messages_and_rooms_are_freed() {
        let hub = Arc::new(Hub::default());
        let channel = ChannelId(uuid::Uuid::new_v4());
        let c = ConversationId(uuid::Uuid::new_v4());
        let mut feed = hub.follow_feed();
        let mut a = hub.subscribe(c);
        let mut b = hub.subscribe(c);
        hub.message(channel, &message(c, 1));
        assert_eq!(seq_of(a.recv().await.unwrap()), Seq(1));
        assert_eq!(seq_of(b.recv().await.unwrap()), Seq(1));
        assert!(matches!(
            feed.recv().await.unwrap(),
            FeedEvent::Message { channel: ch, .. } if ch == channel
        ));
        drop(a);
        assert_eq!(hub.rooms_open(), 1);
        drop(b);
        assert_eq!(hub.rooms_open(), 0, "the last subscriber frees the room");
        hub.message(channel, &message(c, 2)); // no room: only the feed hears it
        assert_eq!(hub.rooms_open(), 0);
    }
}
