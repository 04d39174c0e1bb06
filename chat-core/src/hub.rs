//! Live fan-out inside one process, after the commit. Two kinds of listener:
//! - a visitor's connection watches its conversation's *room*;
//! - an operator's inbox follows the *feed*: every conversation's events,
//!   filtered by the channels that operator may see.
//!
//! The database stays the source of truth: a listener that falls behind is
//! told to resync from it by sequence number (visitors) or snapshot (inbox).

use parlor_domain::{ChannelId, ConversationId, ConversationSummary, Message};
use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard};
use tokio::sync::broadcast;

/// Events buffered per room subscriber before it counts as fallen behind.
pub const ROOM_CAPACITY: usize = 256;
/// Events buffered per inbox before it counts as fallen behind.
pub const FEED_CAPACITY: usize = 4096;

/// What a conversation's visitor hears about it.
#[derive(Clone, Debug)]
pub enum RoomEvent {
    Message(Message),
    OperatorTyping { name: String, typing: bool },
    Ended,
}

/// What operators' inboxes hear about.
#[derive(Clone, Debug)]
pub enum FeedEvent {
    Message {
        channel: ChannelId,
        message: Message,
    },
    VisitorTyping {
        channel: ChannelId,
        conversation: ConversationId,
        typing: bool,
    },
    /// A conversation started or changed (assignee, status, page).
    Changed(Arc<ConversationSummary>),
}

impl FeedEvent {
    pub fn channel(&self) -> ChannelId {
        match self {
            FeedEvent::Message { channel, .. } | FeedEvent::VisitorTyping { channel, .. } => {
                *channel
            }
            FeedEvent::Changed(s) => s.conversation.channel,
        }
    }
}

type Rooms = HashMap<ConversationId, broadcast::Sender<RoomEvent>>;

pub struct Hub {
    rooms: Mutex<Rooms>,
    feed: broadcast::Sender<FeedEvent>,
}

impl Default for Hub {
    fn default() -> Self {
        Self {
            rooms: Mutex::default(),
            feed: broadcast::channel(FEED_CAPACITY).0,
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

    pub fn to_room(&self, conversation: ConversationId, event: RoomEvent) {
        if let Some(room) = self.rooms().get(&conversation) {
            // No receivers is fine: nobody is watching right now.
            let _ = room.send(event);
        }
    }

    pub fn to_feed(&self, event: FeedEvent) {
        let _ = self.feed.send(event);
    }

    /// A committed message, to its room and the feed.
    pub fn message(&self, channel: ChannelId, message: &Message) {
        self.to_room(message.conversation, RoomEvent::Message(message.clone()));
        self.to_feed(FeedEvent::Message {
            channel,
            message: message.clone(),
        });
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
