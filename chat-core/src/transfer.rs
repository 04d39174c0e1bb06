//! Transfers: an operator hands a conversation to a colleague of its
//! channel, or to one of the channel's departments (where routing picks
//! among the department's members, and it waits in line if all are full).
//! A note may go with it. The move and its line in the conversation's
//! history (a note naming where it went) are written in one transaction,
//! and only the team sees that line.
//!
//! `Transfers` (`Parlor::transfers`, over the conversation, user, channel
//! and routing stores and the hub) checks and writes the move.
//! `Parlor::transfer` is the entry point: after the move, routing (still an
//! `impl Parlor` block, as it reads presence) places the conversation and
//! moves the queue.

use crate::events::{FeedEvent, RoomEvent};
use crate::hub::Hub;
use crate::inbox::Access;
use crate::store::{Appended, ChannelStore, ConversationStore, RoutingStore, UserStore};
use crate::{now_unix, Error, Parlor, Result};
use parlor_domain::{
    Conversation, ConversationId, Field, MessageBody, MessageId, Note, User, UserId,
    ValidationErrors,
};
use parlor_protocol::inbox::TransferTarget;
use std::sync::Arc;

/// A move written and told to the inboxes, for routing to follow up.
pub(crate) struct Moved {
    /// The conversation as it was before the move.
    before: Conversation,
    assignee: Option<UserId>,
    department: Option<u32>,
}

#[derive(Clone)]
pub(crate) struct Transfers {
    conversations: Arc<dyn ConversationStore>,
    users: Arc<dyn UserStore>,
    channels: Arc<dyn ChannelStore>,
    routing: Arc<dyn RoutingStore>,
    hub: Arc<Hub>,
}

impl Transfers {
    pub(crate) fn new(
        conversations: Arc<dyn ConversationStore>,
        users: Arc<dyn UserStore>,
        channels: Arc<dyn ChannelStore>,
        routing: Arc<dyn RoutingStore>,
        hub: Arc<Hub>,
    ) -> Self {
        Self {
            conversations,
            users,
            channels,
            routing,
            hub,
        }
    }

    /// Checks and writes the move of conversation `id` (one of `access`'s)
    /// to `to`, with its history line, and tells the inboxes of the line.
    /// `None` for a resend of `note_id`: nothing moved again.
    pub(crate) async fn hand_over(
        &self,
        actor: &User,
        access: &Access,
        id: ConversationId,
        to: TransferTarget,
        note_id: MessageId,
        note: &str,
    ) -> Result<Option<Moved>> {
        let conversation = access.conversation(self.conversations.as_ref(), id).await?;
        let note = note.trim();
        let body = if note.is_empty() {
            String::new()
        } else {
            MessageBody::parse(note)?.as_str().to_string()
        };
        let refuse = |why: &str| Error::Validation(ValidationErrors::single(Field::Transfer, why));
        let (assignee, department, name) = match to {
            TransferTarget::Operator { user_id } => {
                let user = UserId(user_id);
                let target = self
                    .users
                    .get_user(user)
                    .await?
                    .ok_or_else(|| refuse("no such operator"))?;
                let operates = target.may(parlor_domain::Power::Supervise)
                    || self
                        .channels
                        .operator_channels(user)
                        .await?
                        .contains(&conversation.channel);
                if !operates {
                    return Err(refuse("they do not operate this channel"));
                }
                if conversation.assignee == Some(user) {
                    return Err(refuse("the conversation is theirs already"));
                }
                (Some(user), None, target.display_name)
            }
            TransferTarget::Department { department_id } => {
                let channel = self
                    .channels
                    .get_channel(conversation.channel)
                    .await?
                    .ok_or(Error::NotFound("channel"))?;
                let name = channel
                    .departments
                    .name(department_id)
                    .ok_or_else(|| refuse("no such department"))?
                    .to_string();
                (None, Some(department_id), name)
            }
        };
        let record = Note {
            id: note_id,
            conversation: id,
            author: Some(actor.id),
            // Set by the store, at the moment it is stored.
            after_seq: conversation.last_seq,
            body,
            created_at: now_unix(),
            transfer_to: Some(name),
        };
        let stored = match self
            .routing
            .transfer_conversation(assignee, department, &record)
            .await?
        {
            Appended::New(note) => note,
            Appended::Existing(_) => return Ok(None),
        };
        self.hub.to_feed(FeedEvent::Note {
            channel: conversation.channel,
            note: stored,
        });
        Ok(Some(Moved {
            before: conversation,
            assignee,
            department,
        }))
    }
}

impl Parlor {
    /// Moves conversation `id` (one `actor` may work on) to `to`, with
    /// `note` (may be empty). `note_id` is the client's: a resend changes
    /// nothing again.
    pub async fn transfer(
        &self,
        actor: &User,
        access: &Access,
        id: ConversationId,
        to: TransferTarget,
        note_id: MessageId,
        note: &str,
    ) -> Result<()> {
        let Some(Moved {
            before: conversation,
            assignee,
            department,
        }) = self
            .transfers()
            .hand_over(actor, access, id, to, note_id, note)
            .await?
        else {
            return Ok(());
        };
        match assignee {
            Some(_) => {
                // It may have been waiting in line: the line moved.
                self.hub.to_room(id, RoomEvent::Queue(None));
                self.announce(id).await;
                if conversation.assignee.is_none() {
                    self.announce_queue(conversation.channel).await;
                }
            }
            None => {
                // Not straight back to who handed it on. Routing announces
                // an assignment; otherwise inboxes hear of it after routing
                // tried, so an unassigned row they see does wait.
                let routed = self
                    .route_except(id, conversation.channel, department, Some(actor.id))
                    .await;
                if !matches!(routed, Ok(Some(_))) {
                    self.announce(id).await;
                }
                if routed?.is_none() {
                    self.announce_queue(conversation.channel).await;
                }
            }
        }
        // The previous assignee has a slot free now.
        if conversation.assignee.is_some() {
            self.route_waiting().await;
        }
        Ok(())
    }
}
