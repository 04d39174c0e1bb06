//! What happened, as data: the events the hub fans out on this node and
//! the bus carries between nodes. Nothing here does anything; every layer
//! above may use these types, and this module uses none of them.

use parlor_domain::{
    Availability, ChannelId, ConversationId, ConversationSummary, Message, TeamId, TicketNumber,
    UserId,
};
use std::sync::Arc;

/// What a conversation's visitor hears about it.
#[derive(Clone, Debug)]
pub enum RoomEvent {
    Message(Message),
    /// A message already sent has a new text (an operator edited it).
    Edited(Message),
    OperatorTyping {
        name: String,
        typing: bool,
    },
    Ended,
    /// The conversation's place in its channel's queue (`None`: assigned).
    Queue(Option<u32>),
    /// The team has read the conversation up to this message.
    Read(parlor_domain::Seq),
    /// Events may have been missed: read the conversation again.
    Resync,
}

/// What operators' inboxes hear about.
#[derive(Clone, Debug)]
pub enum FeedEvent {
    Message {
        channel: ChannelId,
        message: Message,
    },
    /// A message already sent has a new text (an operator edited it).
    Edited {
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
    /// An internal note (inboxes only: notes never reach a room).
    Note {
        channel: ChannelId,
        note: parlor_domain::Note,
    },
    /// A staff member's status changed (each node derives these itself).
    Presence(Member),
    /// Who operates which channel, or a channel's departments, changed:
    /// inboxes read what they may see again.
    Staffing,
    /// Events may have been missed: start again from a snapshot.
    Resync,
}

impl FeedEvent {
    /// The channel the event belongs to; `None` concerns every channel.
    pub fn channel(&self) -> Option<ChannelId> {
        match self {
            FeedEvent::Message { channel, .. }
            | FeedEvent::Edited { channel, .. }
            | FeedEvent::VisitorTyping { channel, .. }
            | FeedEvent::Note { channel, .. } => Some(*channel),
            FeedEvent::Changed(s) => Some(s.conversation.channel),
            FeedEvent::Presence(_) | FeedEvent::Staffing | FeedEvent::Resync => None,
        }
    }
}

/// What the helpdesk's screens hear about: which ticket changed, never
/// what it now says. A screen reads the ticket again, with its viewer's
/// rights, so an event is never stale and shows nobody more than they may
/// see.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DeskEvent {
    /// A ticket was created or changed (its fields or its thread). `was`
    /// is the team it left, whose screens must drop it.
    Ticket {
        number: TicketNumber,
        team: TeamId,
        was: Option<TeamId>,
    },
    /// Teams or their members changed: who sees which tickets may have.
    Teams,
    /// Events may have been missed: read everything again.
    Resync,
}

impl DeskEvent {
    /// Whether a viewer of `teams` (`None`: every team) should hear it.
    pub fn concerns(&self, teams: Option<&[TeamId]>) -> bool {
        match (self, teams) {
            (DeskEvent::Ticket { team, was, .. }, Some(teams)) => {
                teams.contains(team) || was.is_some_and(|w| teams.contains(&w))
            }
            _ => true,
        }
    }
}

/// One staff member's status as this node last derived it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Member {
    pub user: UserId,
    pub name: String,
    pub availability: Availability,
    pub chosen: Availability,
}
