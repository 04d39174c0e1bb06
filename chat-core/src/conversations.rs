//! Visitors, their conversations and messages. A visitor reaches only their
//! own conversations; anyone else's looks exactly like one that does not
//! exist.

use crate::auth::{new_token, token_hash};
use crate::events::FeedEvent;
use crate::hub::Hub;
use crate::store::{Appended, ConversationStore, NewMessage};
use crate::{now_unix, Error, Parlor, Result};
use parlor_domain::{
    Author, ChannelId, Conversation, ConversationId, ConversationPreview, ConversationRating,
    Field, Message, MessageBody, MessageId, Seq, ValidationErrors, VisitorId,
};
use parlor_protocol::live::{Rating, MAX_LISTED, MAX_URL_CHARS};
use parlor_protocol::ConversationMode;
use std::sync::Arc;

/// A page URL as it is kept: at most [`MAX_URL_CHARS`] characters.
pub(crate) fn clip_url(url: &str) -> String {
    url.chars().take(MAX_URL_CHARS).collect()
}

/// Tells the inboxes a conversation started or changed, for services that
/// hold only the conversation store and the hub (`Parlor::announce`).
pub(crate) async fn announce(store: &dyn ConversationStore, hub: &Hub, id: ConversationId) {
    match store.conversation_summary(id).await {
        Ok(Some(summary)) => hub.to_feed(FeedEvent::Changed(Arc::new(summary))),
        Ok(None) => {}
        Err(e) => tracing::warn!(error = %e, "could not announce a conversation change"),
    }
}

/// The most messages one history request returns; clients page with `after`.
pub const HISTORY_PAGE: u32 = 500;

/// A new visitor and the secret that proves it later (kept by the widget in
/// the host page's storage).
#[derive(Clone)]
pub struct VisitorSession {
    pub visitor: VisitorId,
    pub token: String,
}

impl std::fmt::Debug for VisitorSession {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("VisitorSession")
            .field("visitor", &self.visitor)
            .field("token", &"<redacted>")
            .finish()
    }
}

impl Parlor {
    pub async fn new_visitor(&self, channel: ChannelId) -> Result<VisitorSession> {
        let token = new_token();
        let visitor = VisitorId(uuid::Uuid::new_v4());
        self.store
            .visitors()
            .insert_visitor(visitor, channel, &token_hash(&token), now_unix())
            .await?;
        Ok(VisitorSession { visitor, token })
    }

    /// The visitor a token belongs to, or `Unauthenticated`.
    pub async fn visitor(&self, token: &str) -> Result<VisitorId> {
        self.store
            .visitors()
            .visitor_by_token(&token_hash(token))
            .await?
            .map(|(visitor, _)| visitor)
            .ok_or(Error::Unauthenticated)
    }

    /// The visitor a token belongs to, if it was made for `channel`; a
    /// token from another channel's widget is `Unauthenticated` here, as
    /// if unknown.
    pub async fn visitor_in(&self, token: &str, channel: ChannelId) -> Result<VisitorId> {
        match self
            .store
            .visitors()
            .visitor_by_token(&token_hash(token))
            .await?
        {
            Some((visitor, None)) => Ok(visitor),
            Some((visitor, Some(home))) if home == channel => Ok(visitor),
            _ => Err(Error::Unauthenticated),
        }
    }

    /// The conversation the visitor's next message goes to when their
    /// connection has none: in a "one active" channel their open one, if
    /// any; otherwise a new one. First messages from several tabs at the
    /// same instant all get one conversation there.
    ///
    /// With several departments, `department` must name one of them.
    pub async fn start_conversation(
        &self,
        visitor: VisitorId,
        channel: ChannelId,
        department: Option<u32>,
    ) -> Result<Conversation> {
        self.start(visitor, channel, department, false).await
    }

    /// `start_conversation`, for the offline form when `offline`: a new
    /// conversation is marked as left while nobody was online.
    pub(crate) async fn start(
        &self,
        visitor: VisitorId,
        channel: ChannelId,
        department: Option<u32>,
        offline: bool,
    ) -> Result<Conversation> {
        let found = self
            .store
            .channels()
            .get_channel(channel)
            .await?
            .ok_or(Error::NotFound("channel"))?;
        let department = department.filter(|d| found.departments.name(*d).is_some());
        if found.departments.required() && department.is_none() {
            return Err(
                ValidationErrors::single(Field::Department, "choose a department first").into(),
            );
        }
        // Time-ordered: a visitor's list sorts conversations started within
        // the same second by their id.
        let id = ConversationId(uuid::Uuid::now_v7());
        let mut conversation = if found.settings.conversation_mode == ConversationMode::OneActive {
            let store = self.store.conversations();
            // The open one, read first since it is there most of the time;
            // else the writer decides, so tabs starting at once share one.
            if let Some(open) = store.open_conversation(visitor, channel).await? {
                return Ok(open);
            }
            match store
                .open_or_insert_conversation(id, channel, visitor, now_unix())
                .await?
            {
                Appended::New(c) => c,
                Appended::Existing(open) => return Ok(open),
            }
        } else {
            self.store
                .conversations()
                .insert_conversation(id, channel, visitor, now_unix())
                .await?
        };
        if department.is_some() || offline {
            self.store
                .conversations()
                .set_conversation_start(conversation.id, department, offline)
                .await?;
            conversation.offline = offline;
        }
        // To an operator with room, else into the queue (the visitor's
        // connection tells its place once it follows the conversation).
        // Inboxes hear of it once routing tried (routing announces an
        // assignment), so a conversation they see unassigned and open
        // does wait: that is what raises their "queued" alert.
        match self.route(conversation.id, channel, department).await {
            Ok(Some(user)) => conversation.assignee = Some(user),
            Ok(None) => self.announce(conversation.id).await,
            Err(e) => {
                tracing::warn!(error = %e, "routing a new conversation failed");
                self.announce(conversation.id).await;
            }
        }
        Ok(conversation)
    }

    /// Tells the inboxes a conversation started or changed. Best effort: the
    /// change is committed, and an inbox that misses it gets it with its
    /// next snapshot.
    pub(crate) async fn announce(&self, id: ConversationId) {
        announce(self.store.conversations(), &self.hub, id).await
    }

    /// The visitor started or stopped typing; operators hear it.
    pub fn visitor_typing(&self, channel: ChannelId, conversation: ConversationId, typing: bool) {
        self.hub.to_feed(FeedEvent::VisitorTyping {
            channel,
            conversation,
            typing,
        });
    }

    /// Records the page the visitor is on; with a conversation, its
    /// operators see the change live.
    pub async fn visitor_page(
        &self,
        visitor: VisitorId,
        conversation: Option<ConversationId>,
        url: &str,
    ) -> Result<()> {
        self.store
            .visitors()
            .set_visitor_page(visitor, &clip_url(url))
            .await?;
        if let Some(id) = conversation {
            self.announce(id).await;
        }
        Ok(())
    }

    /// The visitor's own conversation; someone else's is `NotFound`, exactly
    /// like one that does not exist.
    pub async fn visitor_conversation(
        &self,
        visitor: VisitorId,
        id: ConversationId,
    ) -> Result<Conversation> {
        match self.store.conversations().get_conversation(id).await? {
            Some(c) if c.visitor == visitor => Ok(c),
            _ => Err(Error::NotFound("conversation")),
        }
    }

    /// The visitor ends their own conversation, as an operator would close it.
    pub async fn visitor_end(&self, visitor: VisitorId, id: ConversationId) -> Result<()> {
        self.visitor_conversation(visitor, id).await?;
        self.close(id).await
    }

    /// The visitor's conversations in a channel, newest first.
    pub async fn visitor_conversations(
        &self,
        visitor: VisitorId,
        channel: ChannelId,
    ) -> Result<Vec<ConversationPreview>> {
        Ok(self
            .store
            .conversations()
            .visitor_conversations(visitor, channel, MAX_LISTED)
            .await?)
    }

    /// Stores the visitor's rating of their ended conversation (again:
    /// replaces it); inboxes see it on the conversation's row.
    pub async fn visitor_rate(
        &self,
        visitor: VisitorId,
        id: ConversationId,
        rating: Rating,
        comment: &str,
    ) -> Result<()> {
        let rating = ConversationRating::new(rating, comment, now_unix())?;
        self.visitor_conversation(visitor, id).await?;
        if !self
            .store
            .conversations()
            .rate_conversation(id, &rating)
            .await?
        {
            return Err(ValidationErrors::single(
                Field::Rating,
                "a conversation can be rated once it has ended",
            )
            .into());
        }
        self.announce(id).await;
        Ok(())
    }

    /// Appends a visitor's message. Resending the same `id` returns the stored
    /// message and stores nothing new.
    pub async fn visitor_send(
        &self,
        visitor: VisitorId,
        conversation: ConversationId,
        id: MessageId,
        body: &str,
    ) -> Result<Appended> {
        let body = MessageBody::parse(body)?;
        let conversation = self.visitor_conversation(visitor, conversation).await?;
        self.append_visitor_message(conversation.channel, conversation.id, id, body, None)
            .await
    }

    /// Appends to a conversation the caller has already checked belongs to
    /// the visitor. A live session checks once (at `hello`, or when it starts
    /// the conversation) instead of reading the conversation on every send.
    pub(crate) async fn append_visitor_message(
        &self,
        channel: ChannelId,
        conversation: ConversationId,
        id: MessageId,
        body: MessageBody,
        attachment: Option<&parlor_domain::Attachment>,
    ) -> Result<Appended> {
        self.append_as(
            channel,
            conversation,
            id,
            Author::Visitor,
            body.as_str(),
            attachment,
        )
        .await
    }

    /// Stores the message of the channel's trigger `trigger` in a
    /// conversation of its visitor (checked by the caller). A trigger that
    /// no longer exists stores nothing (`None`).
    pub(crate) async fn append_trigger_message(
        &self,
        channel: ChannelId,
        conversation: ConversationId,
        trigger: u32,
        id: MessageId,
    ) -> Result<Option<Appended>> {
        let found = self
            .store
            .channels()
            .get_channel(channel)
            .await?
            .and_then(|c| c.triggers.get(trigger).map(|t| t.message.clone()));
        let Some(body) = found else {
            return Ok(None);
        };
        self.append_as(channel, conversation, id, Author::Channel, &body, None)
            .await
            .map(Some)
    }

    async fn append_as(
        &self,
        channel: ChannelId,
        conversation: ConversationId,
        id: MessageId,
        author: Author,
        body: &str,
        attachment: Option<&parlor_domain::Attachment>,
    ) -> Result<Appended> {
        let started = std::time::Instant::now();
        let appended = self
            .store
            .messages()
            .append_message(&NewMessage {
                id,
                conversation,
                author,
                body,
                now: now_unix(),
                attachment,
            })
            .await?;
        // Published only once it is committed, and only the first time.
        if let Appended::New(message) = &appended {
            self.metrics.message_written(started.elapsed());
            self.hub.message(channel, message);
        }
        Ok(appended)
    }

    /// Live messages of a conversation, from now on.
    pub fn watch(&self, conversation: ConversationId) -> crate::hub::Subscription {
        self.hub.subscribe(conversation)
    }

    /// The name visitors see for an operator.
    pub async fn operator_name(&self, user: parlor_domain::UserId) -> Result<String> {
        Ok(self
            .store
            .users()
            .get_user(user)
            .await?
            .map(|u| u.display_name)
            .unwrap_or_else(|| "Operator".into()))
    }

    /// The visitor's messages after `after`, in order, one page at most.
    pub async fn visitor_history(
        &self,
        visitor: VisitorId,
        conversation: ConversationId,
        after: Seq,
    ) -> Result<Vec<Message>> {
        self.visitor_conversation(visitor, conversation).await?;
        Ok(self
            .store
            .messages()
            .messages_after(conversation, after, HISTORY_PAGE)
            .await?)
    }
}
