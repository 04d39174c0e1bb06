//! Who gets a conversation. A new conversation goes to an online operator
//! of its channel: the least busy below their maximum of chats, then the
//! one who got one longest ago (round robin among equals). When all are
//! full it waits in the channel's queue, and its visitor hears their place
//! in line; it is routed when an operator frees a slot, comes online, or
//! joins the channel. Operators may also take a waiting conversation
//! themselves. Every assignment is one conditional write, so two at once
//! leave exactly one owner.

use crate::events::RoomEvent;
use crate::inbox::Access;
use crate::{Error, Parlor, Result};
use parlor_domain::{ChannelId, ConversationId, User, UserId};
use parlor_protocol::live::MAX_QUEUE_PLACE;

/// The most waiting conversations one pass over the queue routes.
const ROUTE_BATCH: u32 = 200;

impl Parlor {
    /// Routes one conversation of `channel` (and `department`); `None` if
    /// it waits. Inboxes see the result.
    pub(crate) async fn route(
        &self,
        id: ConversationId,
        channel: ChannelId,
        department: Option<u32>,
    ) -> Result<Option<UserId>> {
        self.route_except(id, channel, department, None).await
    }

    /// [`route`](Self::route), never to `except` (who just handed it on).
    pub(crate) async fn route_except(
        &self,
        id: ConversationId,
        channel: ChannelId,
        department: Option<u32>,
        except: Option<UserId>,
    ) -> Result<Option<UserId>> {
        let mut candidates = self.available_operators(channel).await;
        candidates.retain(|u| Some(*u) != except);
        if department.is_some() && !candidates.is_empty() {
            if let Some(c) = self.store.channels().get_channel(channel).await? {
                candidates = c.departments.route_to(department, candidates);
            }
        }
        let assignee = self
            .store
            .routing()
            .route_conversation(id, &candidates)
            .await?;
        if assignee.is_some() {
            self.hub.to_room(id, RoomEvent::Queue(None));
            self.announce(id).await;
        }
        Ok(assignee)
    }

    /// Routes waiting conversations, oldest first, while operators have
    /// room, then tells the visitors still waiting their place. Best effort:
    /// what fails waits for the next pass.
    pub(crate) async fn route_waiting(&self) {
        let waiting = match self
            .store
            .routing()
            .waiting_conversations(ROUTE_BATCH)
            .await
        {
            Ok(list) => list,
            Err(e) => {
                tracing::warn!(error = %e, "could not read the waiting conversations");
                return;
            }
        };
        let mut channels: Vec<ChannelId> = Vec::new();
        // A channel (or department) whose operators are all full takes
        // nothing more now.
        let mut full: Vec<(ChannelId, Option<u32>)> = Vec::new();
        for (id, channel, department) in waiting {
            if !channels.contains(&channel) {
                channels.push(channel);
            }
            if full.contains(&(channel, department)) {
                continue;
            }
            match self.route(id, channel, department).await {
                Ok(Some(_)) => {}
                Ok(None) => full.push((channel, department)),
                Err(e) => tracing::warn!(error = %e, "routing failed"),
            }
        }
        for channel in channels {
            self.announce_queue(channel).await;
        }
    }

    /// Tells the visitors at the head of `channel`'s queue their place
    /// (further back, the place reads "that many or more" and stays).
    /// Without anyone online there is no line to stand in: the widget
    /// shows the offline state instead.
    pub(crate) async fn announce_queue(&self, channel: ChannelId) {
        if !self.operator_online(channel).await {
            return;
        }
        match self
            .store
            .routing()
            .channel_queue(channel, MAX_QUEUE_PLACE)
            .await
        {
            Ok(queue) => {
                for (place, id) in queue.into_iter().enumerate() {
                    let place = u32::try_from(place + 1).unwrap_or(u32::MAX);
                    self.hub.to_room(id, RoomEvent::Queue(Some(place)));
                }
            }
            Err(e) => tracing::warn!(error = %e, "could not read a queue"),
        }
    }

    /// The place of a conversation in its channel's queue, if it waits
    /// for one of the operators online.
    pub(crate) async fn queue_place(
        &self,
        id: ConversationId,
        channel: ChannelId,
    ) -> Result<Option<u32>> {
        if !self.operator_online(channel).await {
            return Ok(None);
        }
        let place = self
            .store
            .routing()
            .queue_place(id, MAX_QUEUE_PLACE)
            .await?;
        Ok((place > 0).then_some(place))
    }

    /// An operator takes a conversation nobody has. Taking one already
    /// theirs changes nothing; someone else's is `Taken`.
    pub async fn take_conversation(
        &self,
        user: &User,
        access: &Access,
        id: ConversationId,
    ) -> Result<()> {
        let conversation = self.operator_conversation(access, id).await?;
        match self.store.routing().take_conversation(id, user.id).await? {
            Some(owner) if owner == user.id => {
                if conversation.assignee != Some(user.id) {
                    self.hub.to_room(id, RoomEvent::Queue(None));
                    self.announce(id).await;
                    self.announce_queue(conversation.channel).await;
                }
                Ok(())
            }
            Some(_) => Err(Error::Taken),
            None => Err(Error::Store(crate::StoreError::Closed)),
        }
    }

    /// An admin or a manager sets how many chats routing gives an operator
    /// at once.
    pub async fn set_max_chats(&self, actor: &User, user: UserId, max_chats: u32) -> Result<()> {
        crate::auth::require(actor, parlor_domain::Power::Supervise)?;
        let max_chats = parlor_domain::user::check_max_chats(max_chats)?;
        self.store.routing().set_max_chats(user, max_chats).await?;
        self.route_waiting().await;
        Ok(())
    }

    /// Each staff member's maximum of chats and open conversations now.
    pub async fn staff_load(&self) -> Result<Vec<(UserId, u32, u32)>> {
        Ok(self.store.routing().staff_load().await?)
    }
}

impl Parlor {
    /// Routes the line whenever presence announces that someone came
    /// online, for as long as this `Parlor` lives (started by `Parlor::new`).
    pub(crate) async fn route_on_arrivals(self) {
        let mut arrivals = self.presence_arrivals();
        while arrivals.changed().await.is_ok() {
            self.route_waiting().await;
        }
    }
}
