//! Live fan-out inside one process: every connection watching a conversation
//! subscribes to it, and a message is published after its commit. The
//! database stays the source of truth: a subscriber that falls behind is told
//! to resync from it by sequence number.

use parlor_domain::{ConversationId, Message};
use std::collections::HashMap;
use std::sync::Mutex;
use tokio::sync::broadcast;

/// Messages buffered per subscriber before it counts as fallen behind.
pub const ROOM_CAPACITY: usize = 256;

#[derive(Default)]
pub struct Hub {
    rooms: Mutex<HashMap<ConversationId, broadcast::Sender<Message>>>,
}

impl Hub {
    pub fn subscribe(&self, conversation: ConversationId) -> broadcast::Receiver<Message> {
        let mut rooms = self.rooms.lock().unwrap_or_else(|p| p.into_inner());
        rooms
            .entry(conversation)
            .or_insert_with(|| broadcast::channel(ROOM_CAPACITY).0)
            .subscribe()
    }

    pub fn publish(&self, message: &Message) {
        let mut rooms = self.rooms.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(room) = rooms.get(&message.conversation) {
            if room.send(message.clone()).is_err() {
                // Nobody listens any more.
                rooms.remove(&message.conversation);
            }
        }
    }
}
