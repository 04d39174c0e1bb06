//! Live fan-out inside one process: every connection watching a conversation
//! subscribes to it, and a message is published after its commit. The
//! database stays the source of truth: a subscriber that falls behind is told
//! to resync from it by sequence number.

use parlor_domain::{ConversationId, Message};
use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard};
use tokio::sync::broadcast;

/// Messages buffered per subscriber before it counts as fallen behind.
pub const ROOM_CAPACITY: usize = 256;

type Rooms = HashMap<ConversationId, broadcast::Sender<Message>>;

#[derive(Default)]
pub struct Hub {
    rooms: Mutex<Rooms>,
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

    pub fn publish(&self, message: &Message) {
        if let Some(room) = self.rooms().get(&message.conversation) {
            // No receivers is fine: nobody is watching right now.
            let _ = room.send(message.clone());
        }
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
    rx: Option<broadcast::Receiver<Message>>,
}

impl Subscription {
    pub async fn recv(&mut self) -> Result<Message, broadcast::error::RecvError> {
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

    #[tokio::test]
    async fn subscribers_get_published_messages_and_rooms_are_freed() {
        let hub = Arc::new(Hub::default());
        let c = ConversationId(uuid::Uuid::new_v4());
        let mut a = hub.subscribe(c);
        let mut b = hub.subscribe(c);
        hub.publish(&message(c, 1));
        assert_eq!(a.recv().await.unwrap().seq, Seq(1));
        assert_eq!(b.recv().await.unwrap().seq, Seq(1));
        drop(a);
        assert_eq!(hub.rooms_open(), 1);
        drop(b);
        assert_eq!(hub.rooms_open(), 0, "the last subscriber frees the room");
        hub.publish(&message(c, 2)); // nobody watching: a no-op
        assert_eq!(hub.rooms_open(), 0);
    }
}
