//! Internal notes, as Odoo Chatter's log notes, a service of its own:
//! remarks on a conversation for operators and admins only. They live in a
//! table of their own and travel on the inboxes' feed only, never in a
//! conversation's room, so no visitor connection or history can carry one.
//! It holds the note store and the hub; `Parlor::notes` hands it out.

use crate::events::FeedEvent;
use crate::hub::Hub;
use crate::store::{Appended, NoteStore};
use crate::{now_unix, Result};
use parlor_domain::{Conversation, ConversationId, MessageBody, MessageId, Note, User};
use std::sync::Arc;

#[derive(Clone)]
pub struct Notes {
    store: Arc<dyn NoteStore>,
    hub: Arc<Hub>,
}

impl Notes {
    pub fn new(store: Arc<dyn NoteStore>, hub: Arc<Hub>) -> Self {
        Self { store, hub }
    }

    /// Adds `user`'s note to a conversation they may work on (checked by
    /// the caller). Resending the same id stores nothing new.
    pub async fn add(
        &self,
        user: &User,
        conversation: &Conversation,
        id: MessageId,
        body: &str,
    ) -> Result<Note> {
        let body = MessageBody::parse(body)?;
        let note = Note {
            id,
            conversation: conversation.id,
            author: Some(user.id),
            // Set by the store, at the moment it is stored.
            after_seq: conversation.last_seq,
            body: body.as_str().to_string(),
            created_at: now_unix(),
            transfer_to: None,
        };
        match self.store.add_note(&note).await? {
            Appended::New(note) => {
                self.hub.to_feed(FeedEvent::Note {
                    channel: conversation.channel,
                    note: note.clone(),
                });
                Ok(note)
            }
            Appended::Existing(note) => Ok(note),
        }
    }

    /// A conversation's notes, oldest first (the caller checked access).
    pub async fn of(&self, conversation: ConversationId) -> Result<Vec<Note>> {
        Ok(self.store.notes(conversation).await?)
    }
}
