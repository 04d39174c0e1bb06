//! The operator's side of conversations: which ones they may see, answering,
//! reading, closing. Admins see every channel; an operator sees the channels
//! they were added to. A conversation outside that set looks exactly like one
//! that does not exist.

use crate::events::{FeedEvent, RoomEvent};
use crate::store::{Appended, ConversationStore, NewMessage};
use crate::{now_unix, Error, Parlor, Result};
use parlor_domain::{
    Author, ChannelId, Conversation, ConversationId, ConversationPreview, ConversationSummary,
    MessageBody, MessageId, Seq, User,
};
use parlor_protocol::inbox::InboxChannel;
use std::collections::HashSet;

/// How many closed conversations a snapshot carries.
pub const CLOSED_IN_SNAPSHOT: u32 = 50;

/// The channels one signed-in user works in, fixed when their inbox connects.
#[derive(Clone, Debug)]
pub enum Access {
    All,
    Channels(HashSet<ChannelId>),
}

impl Access {
    pub fn allows(&self, channel: ChannelId) -> bool {
        match self {
            Access::All => true,
            Access::Channels(set) => set.contains(&channel),
        }
    }

    /// Conversation `id` if it is in one of these channels, or `NotFound`
    /// (services that hold only the conversation store check with this).
    pub async fn conversation(
        &self,
        store: &dyn ConversationStore,
        id: ConversationId,
    ) -> Result<Conversation> {
        match store.get_conversation(id).await? {
            Some(c) if self.allows(c.channel) => Ok(c),
            _ => Err(Error::NotFound("conversation")),
        }
    }
}

impl Parlor {
    pub async fn inbox_access(&self, user: &User) -> Result<Access> {
        if user.may(parlor_domain::Power::Supervise) {
            return Ok(Access::All);
        }
        let channels = self.store.channels().operator_channels(user.id).await?;
        Ok(Access::Channels(channels.into_iter().collect()))
    }

    /// Open conversations and the latest closed ones, newest activity first.
    pub async fn inbox(&self, access: &Access) -> Result<Vec<ConversationSummary>> {
        let channels: Option<Vec<ChannelId>> = match access {
            Access::All => None,
            Access::Channels(set) => Some(set.iter().copied().collect()),
        };
        Ok(self
            .store
            .conversations()
            .conversation_summaries(channels.as_deref(), CLOSED_IN_SNAPSHOT)
            .await?)
    }

    /// The channels `access` opens, with their operators and departments
    /// (what a transfer may choose), by name.
    pub async fn inbox_channels(&self, access: &Access) -> Result<Vec<InboxChannel>> {
        let members = self.store.channels().channel_members().await?;
        let mut list = Vec::new();
        for summary in self.store.channels().list_channels().await? {
            if !access.allows(summary.id) {
                continue;
            }
            let Some(channel) = self.store.channels().get_channel(summary.id).await? else {
                continue;
            };
            list.push(InboxChannel {
                id: channel.id,
                name: channel.settings.name.clone(),
                operators: members
                    .iter()
                    .filter(|(c, _)| *c == channel.id)
                    .map(|(_, u)| u.0)
                    .collect(),
                departments: channel.departments.wire(),
            });
        }
        Ok(list)
    }

    /// The other conversations of conversation `id`'s visitor in its
    /// channel, newest first (the `/history` command, the visitor panel).
    pub async fn past_conversations(
        &self,
        access: &Access,
        id: ConversationId,
    ) -> Result<Vec<ConversationPreview>> {
        let c = self.operator_conversation(access, id).await?;
        let mut list = self.visitor_conversations(c.visitor, c.channel).await?;
        list.retain(|p| p.conversation.id != id);
        Ok(list)
    }

    /// A conversation the user may work on, or `NotFound`.
    pub async fn operator_conversation(
        &self,
        access: &Access,
        id: ConversationId,
    ) -> Result<Conversation> {
        access.conversation(self.store.conversations(), id).await
    }

    /// Appends an operator's answer. Resending the same id returns the stored
    /// message. The first answer to an unassigned conversation assigns it to
    /// this operator, decided inside the insert transaction, so two operators
    /// answering at once leave exactly one owner.
    pub async fn operator_send(
        &self,
        user: &User,
        conversation: &Conversation,
        id: MessageId,
        body: &str,
    ) -> Result<Appended> {
        self.operator_send_with(user, conversation, id, body, None)
            .await
    }

    /// As `operator_send`, with a file the operator uploaded (the body may
    /// then be empty). The upload is claimed for this message before the
    /// append, so a resend claims it again harmlessly.
    pub async fn operator_send_with(
        &self,
        user: &User,
        conversation: &Conversation,
        id: MessageId,
        body: &str,
        attachment: Option<parlor_domain::AttachmentId>,
    ) -> Result<Appended> {
        let body = MessageBody::parse_with(body, attachment.is_some())?;
        let attachment = match attachment {
            Some(file) => Some(
                self.claim_attachment(
                    file,
                    parlor_domain::attachments::Uploader::User(user.id),
                    conversation.id,
                    id,
                )
                .await?,
            ),
            None => None,
        };
        let started = std::time::Instant::now();
        let appended = self
            .store
            .messages()
            .append_message(&NewMessage {
                id,
                conversation: conversation.id,
                author: Author::Operator { user: user.id },
                body: body.as_str(),
                now: now_unix(),
                attachment: attachment.as_ref(),
            })
            .await?;
        if let Appended::New(message) = &appended {
            self.metrics.message_written(started.elapsed());
            self.hub.message(conversation.channel, message);
            // The list shows who has it now and that it was read.
            self.announce(conversation.id).await;
            if conversation.assignee.is_none() {
                // The answer assigned it: its visitor is out of the line,
                // and those behind move up.
                self.hub.to_room(conversation.id, RoomEvent::Queue(None));
                self.announce_queue(conversation.channel).await;
            }
        }
        Ok(appended)
    }

    /// Ends a conversation: the visitor is told, and their next message
    /// starts a new one. Closing a closed conversation changes nothing.
    pub async fn close_conversation(&self, access: &Access, id: ConversationId) -> Result<()> {
        self.operator_conversation(access, id).await?;
        self.close(id).await
    }

    /// Closes a conversation whoever asked (checked by the caller): its
    /// visitor hears the end and inboxes see it closed. Closing one that is
    /// closed already changes nothing.
    pub(crate) async fn close(&self, id: ConversationId) -> Result<()> {
        if self
            .store
            .conversations()
            .close_conversation(id, now_unix())
            .await?
        {
            self.hub.to_room(id, RoomEvent::Ended);
            self.announce(id).await;
            // A slot freed up, or the queue moved.
            self.route_waiting().await;
            if let Some(c) = self.store.conversations().get_conversation(id).await? {
                self.announce_queue(c.channel).await;
            }
        }
        Ok(())
    }

    /// The team has seen the conversation up to `seq`: the unread count
    /// drops, and the visitor gets the read receipt.
    pub async fn mark_read(&self, conversation: &Conversation, seq: Seq) -> Result<()> {
        if let Some(read) = self
            .store
            .conversations()
            .mark_read(conversation.id, seq)
            .await?
        {
            self.hub.to_room(conversation.id, RoomEvent::Read(read));
            self.announce(conversation.id).await;
        }
        Ok(())
    }

    /// The visitor has seen their conversation up to `seq` (checked to be
    /// theirs by the caller): inboxes see the read receipt.
    pub(crate) async fn visitor_read(&self, conversation: ConversationId, seq: Seq) -> Result<()> {
        if self
            .store
            .conversations()
            .mark_visitor_read(conversation, seq)
            .await?
            .is_some()
        {
            self.announce(conversation).await;
        }
        Ok(())
    }

    pub fn operator_typing(&self, conversation: ConversationId, name: &str, typing: bool) {
        self.hub.to_room(
            conversation,
            RoomEvent::OperatorTyping {
                name: name.to_string(),
                typing,
            },
        );
    }

    /// Everything inboxes hear, from now on.
    pub fn follow_feed(&self) -> tokio::sync::broadcast::Receiver<FeedEvent> {
        self.hub.follow_feed()
    }
}
