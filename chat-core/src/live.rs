//! One visitor connection, independent of the transport: frames come in as a
//! stream and go out through a bounded queue. The WebSocket adapter (the
//! app's `/widget/v1/live` server function) only encodes and decodes.
//!
//! Rules: `hello` first; replay from the database before anything live; a
//! message is acknowledged only after its commit; a connection whose queue is
//! full is told to resync and closed, so it never slows anyone else.

use crate::conversations::clip_url;
use crate::hub::RoomEvent;
use crate::hub::Subscription;
use crate::names::Names;
use crate::visitor_context::{context_of, Upgrade};
use crate::{Error, Parlor};
use futures::{Stream, StreamExt};
use parlor_domain::visitor_context::{outside_referrer, ToldContext, VisitorContext};
use parlor_domain::{
    Contact, ConversationId, ConversationStatus, Identity, Message, MessageBody, Seq, VisitorId,
};
use parlor_protocol::live::{
    trigger_message_id, LiveErrorCode, Rating, ServerFrame, VisitorConversation, VisitorFrame,
    WireMessage, PREVIEW_CHARS,
};
use parlor_protocol::ChannelId;
use std::time::Instant;
use tokio::sync::{broadcast, mpsc, watch};

/// Frames queued for one connection before it counts as too slow.
pub const OUTBOX: usize = 256;

/// A connection's outgoing queue. Frames are boxed: the queue allocates its
/// slots in blocks up front, and an idle visitor should not pay for 32
/// frame-sized slots.
pub type Outbox = mpsc::Sender<Box<ServerFrame>>;
/// Sends allowed in a burst, and refilled per second, per connection.
pub const RATE_BURST: f64 = 20.0;
pub const RATE_PER_SEC: f64 = 5.0;

/// A frame that could not be decoded (bad JSON, unknown type, bad tag).
#[derive(Debug, Clone)]
pub struct BadFrame(pub String);

fn error(code: LiveErrorCode, message: impl Into<String>) -> ServerFrame {
    ServerFrame::Error {
        code,
        message: message.into(),
        message_id: None,
    }
}

struct Bucket {
    tokens: f64,
    at: Instant,
}

impl Bucket {
    fn take(&mut self) -> bool {
        let now = Instant::now();
        let refill = now.duration_since(self.at).as_secs_f64() * RATE_PER_SEC;
        self.tokens = (self.tokens + refill).min(RATE_BURST);
        self.at = now;
        if self.tokens >= 1.0 {
            self.tokens -= 1.0;
            true
        } else {
            false
        }
    }
}

struct Session {
    parlor: Parlor,
    out: Outbox,
    visitor: VisitorId,
    channel: ChannelId,
    conversation: Option<ConversationId>,
    live: Option<Subscription>,
    last_sent: Seq,
    names: Names,
    bucket: Bucket,
    page_url: Option<String>,
    typing: Option<(bool, Instant)>,
    /// For the conversation the next `send` starts.
    department: Option<u32>,
    /// The place in line last told to the visitor.
    queued: Option<u32>,
    /// Whether an operator of the channel is online.
    online: watch::Receiver<bool>,
    /// Where the visitor comes from, kept on each conversation they are in
    /// (boxed: most sessions never start one).
    context: Box<VisitorContext>,
}

/// Why a session ended early (the transport just closes).
enum End {
    Closed,
}

impl Session {
    async fn wire(&mut self, m: Message) -> WireMessage {
        self.names.wire(&self.parlor, m).await
    }

    async fn send(&self, frame: ServerFrame) -> Result<(), End> {
        self.out
            .send(Box::new(frame))
            .await
            .map_err(|_| End::Closed)
    }

    /// Subscribes first, then replays from the database: a message committed
    /// in between arrives by both ways and is sent once (by seq). A
    /// conversation waiting for an operator also tells its place in line.
    async fn follow(&mut self, conversation: ConversationId, after: Seq) -> Result<(), End> {
        self.conversation = Some(conversation);
        self.live = Some(self.parlor.watch(conversation));
        self.last_sent = after;
        self.queued = None;
        self.catch_up(conversation).await?;
        self.tell_read(conversation).await?;
        match self.parlor.queue_place(conversation, self.channel).await {
            Ok(place) => self.queue_place(place),
            Err(e) => {
                tracing::warn!(error = %e, "could not read the queue");
                Ok(())
            }
        }
    }

    /// How far the team has read, after a replay: a reload still shows it.
    async fn tell_read(&mut self, conversation: ConversationId) -> Result<(), End> {
        match self
            .parlor
            .visitor_conversation(self.visitor, conversation)
            .await
        {
            Ok(c) if c.read_seq > Seq(0) => self.forward(ServerFrame::Read {
                conversation_id: conversation,
                seq: c.read_seq,
            }),
            Ok(_) => Ok(()),
            Err(e) => {
                tracing::warn!(error = %e, "could not read the read marker");
                Ok(())
            }
        }
    }

    /// The visitor's read receipt for the conversation they are in.
    async fn on_read(&mut self, seq: Seq) -> Result<(), End> {
        let Some(conversation) = self.conversation else {
            return Ok(());
        };
        if let Err(refused) = self.take_frame() {
            return self.send(refused).await;
        }
        match self.parlor.visitor_read(conversation, seq).await {
            Ok(()) => Ok(()),
            Err(e) => self.send(self.core_error(e, None)).await,
        }
    }

    /// Tells the visitor their place in line when it changed.
    fn queue_place(&mut self, position: Option<u32>) -> Result<(), End> {
        if self.queued == position {
            return Ok(());
        }
        self.queued = position;
        self.forward(ServerFrame::Queue { position })
    }

    /// Sends what the database has after `last_sent`. Events can arrive out
    /// of order (two writers answered at once, or another node's event came
    /// late), so a gap is filled from here, never skipped.
    async fn catch_up(&mut self, conversation: ConversationId) -> Result<(), End> {
        loop {
            let page = match self
                .parlor
                .visitor_history(self.visitor, conversation, self.last_sent)
                .await
            {
                Ok(page) => page,
                Err(e) => {
                    tracing::error!(error = %e, "replay failed");
                    self.send(error(LiveErrorCode::Internal, "history unavailable"))
                        .await?;
                    return Err(End::Closed);
                }
            };
            let full = page.len() as u32 == crate::HISTORY_PAGE;
            for m in page {
                self.last_sent = m.seq;
                let message = self.wire(m).await;
                self.send(ServerFrame::Message { message }).await?;
            }
            if !full {
                return Ok(());
            }
        }
    }

    /// Events may have been lost: what the database has is sent, and an end
    /// that was missed is noticed.
    async fn resync(&mut self, conversation: ConversationId) -> Result<(), End> {
        self.catch_up(conversation).await?;
        match self
            .parlor
            .visitor_conversation(self.visitor, conversation)
            .await
        {
            Ok(c) if c.status == ConversationStatus::Closed => self.ended(conversation).await,
            Ok(_) => Ok(()),
            Err(e) => {
                tracing::error!(error = %e, "resync failed");
                Err(End::Closed)
            }
        }
    }

    /// The conversation ended: tell the client, stop watching; the next
    /// `send` starts a new conversation.
    async fn ended(&mut self, conversation_id: ConversationId) -> Result<(), End> {
        self.conversation = None;
        self.live = None;
        self.send(ServerFrame::Ended { conversation_id }).await
    }

    /// The conversation a message goes to: the current one, or one
    /// `start_conversation` gives (followed from its start).
    async fn ensure_conversation(
        &mut self,
        offline: bool,
    ) -> Result<Result<ConversationId, Error>, End> {
        if let Some(c) = self.conversation {
            return Ok(Ok(c));
        }
        // Recorded first, so the new conversation's announcement already
        // shows the page.
        if let Some(url) = self.page_url.clone() {
            self.record_page(None, &url).await;
        }
        match self
            .parlor
            .start(self.visitor, self.channel, self.department, offline)
            .await
        {
            Ok(c) => {
                self.record_context(c.id).await;
                self.follow(c.id, Seq(0)).await?;
                Ok(Ok(c.id))
            }
            Err(e) => Ok(Err(e)),
        }
    }

    /// The visitor answers a trigger: its message goes in first.
    async fn on_triggered(
        &mut self,
        trigger: u32,
        before: parlor_domain::MessageId,
    ) -> Result<(), End> {
        if let Err(refused) = self.take_frame() {
            return self.send(refused).await;
        }
        let conversation = match self.ensure_conversation(false).await? {
            Ok(c) => c,
            Err(e) => return self.send(self.core_error(e, None)).await,
        };
        let id = trigger_message_id(before);
        match self
            .parlor
            .append_trigger_message(self.channel, conversation, trigger, id)
            .await
        {
            Ok(_) => Ok(()),
            Err(e) => self.send(self.core_error(e, None)).await,
        }
    }

    /// The offline form: the contact goes on the visitor's profile, then the
    /// message is sent as by `send`, starting a conversation marked offline.
    async fn on_leave_message(
        &mut self,
        id: parlor_domain::MessageId,
        contact: Result<Contact, parlor_domain::ValidationErrors>,
        body: String,
    ) -> Result<(), End> {
        if let Some(refused) = self.rate_limited(id) {
            return self.send(refused).await;
        }
        let contact = match contact {
            Ok(c) => c,
            Err(invalid) => return self.send(self.core_error(invalid.into(), Some(id))).await,
        };
        if let Err(e) = MessageBody::parse(&body) {
            return self.send(self.core_error(e.into(), Some(id))).await;
        }
        let left = self
            .parlor
            .leave_contact(self.visitor, self.conversation, contact)
            .await;
        if let Err(e) = left {
            return self.send(self.core_error(e, Some(id))).await;
        }
        self.store_message(id, body, None, true).await
    }

    /// A message over the connection's budget, refused (`None`: within it).
    fn rate_limited(&mut self, id: parlor_domain::MessageId) -> Option<ServerFrame> {
        (!self.bucket.take()).then(|| ServerFrame::Error {
            code: LiveErrorCode::RateLimited,
            message: format!("at most {RATE_PER_SEC} messages a second"),
            message_id: Some(id),
        })
    }

    async fn on_send(
        &mut self,
        id: parlor_domain::MessageId,
        body: String,
        attachment: Option<parlor_domain::AttachmentId>,
    ) -> Result<(), End> {
        match self.rate_limited(id) {
            Some(refused) => self.send(refused).await,
            None => self.store_message(id, body, attachment, false).await,
        }
    }

    /// Stores a visitor's message (within the rate limit, checked by the
    /// caller), starting a conversation if needed, and acknowledges it.
    async fn store_message(
        &mut self,
        id: parlor_domain::MessageId,
        body: String,
        attachment: Option<parlor_domain::AttachmentId>,
        offline: bool,
    ) -> Result<(), End> {
        let fail = |code, message: String| ServerFrame::Error {
            code,
            message,
            message_id: Some(id),
        };
        let body = match MessageBody::parse_with(&body, attachment.is_some()) {
            Ok(body) => body,
            Err(invalid) => return self.send(self.core_error(invalid.into(), Some(id))).await,
        };
        let conversation = match self.ensure_conversation(offline).await? {
            Ok(c) => c,
            Err(e) => return self.send(self.core_error(e, Some(id))).await,
        };
        // Claimed before the append, so the message never names a file it
        // may not carry; claiming again on a resend changes nothing.
        let attachment = match attachment {
            Some(file) => match self
                .parlor
                .claim_attachment(
                    file,
                    parlor_domain::attachments::Uploader::Visitor(self.visitor),
                    conversation,
                    id,
                )
                .await
            {
                Ok(a) => Some(a),
                Err(e) => return self.send(self.core_error(e, Some(id))).await,
            },
            None => None,
        };
        // `conversation` is this visitor's: `follow` checked it, or this
        // session just started it.
        let sent = self
            .parlor
            .append_visitor_message(self.channel, conversation, id, body, attachment.as_ref())
            .await;
        match sent {
            Ok(appended) => {
                let m = appended.message();
                let ack = ServerFrame::Ack {
                    message_id: m.id,
                    conversation_id: m.conversation,
                    seq: m.seq,
                };
                self.send(ack).await
            }
            Err(Error::Store(crate::StoreError::Closed)) => {
                let ended = fail(
                    LiveErrorCode::Ended,
                    "the conversation ended; resend to start a new one".into(),
                );
                self.send(ended).await?;
                self.ended(conversation).await
            }
            Err(e) => self.send(self.core_error(e, Some(id))).await,
        }
    }

    /// Typing is forwarded when it changes, or at most once a second while
    /// it stays on: a chatty client cannot flood the operators.
    fn on_typing(&mut self, typing: bool) {
        let Some(conversation) = self.conversation else {
            return;
        };
        let now = Instant::now();
        if let Some((was, at)) = self.typing {
            if was == typing && now.duration_since(at).as_secs_f64() < 1.0 {
                return;
            }
        }
        self.typing = Some((typing, now));
        self.parlor
            .visitor_typing(self.channel, conversation, typing);
    }

    async fn record_page(&mut self, conversation: Option<ConversationId>, url: &str) {
        if let Err(e) = self
            .parlor
            .visitor_page(self.visitor, conversation, url)
            .await
        {
            tracing::warn!(error = %e, "could not record the visitor's page");
        }
    }

    async fn record_context(&self, conversation: ConversationId) {
        if let Err(e) = self
            .parlor
            .visitor_context(conversation, &self.context)
            .await
        {
            tracing::warn!(error = %e, "could not record the visitor's context");
        }
    }

    async fn on_page(&mut self, url: String) -> Result<(), End> {
        if let Err(refused) = self.take_frame() {
            return self.send(refused).await;
        }
        // Compared as stored, so a long URL sent again is not rewritten.
        let url = clip_url(&url);
        if self.page_url.as_deref() != Some(url.as_str()) {
            self.page_url = Some(url.clone());
            self.record_page(self.conversation, &url).await;
        }
        Ok(())
    }

    async fn on_list(&mut self) -> Result<(), End> {
        if let Err(refused) = self.take_frame() {
            return self.send(refused).await;
        }
        match self
            .parlor
            .visitor_conversations(self.visitor, self.channel)
            .await
        {
            Ok(list) => {
                let conversations = list
                    .into_iter()
                    .map(|p| VisitorConversation {
                        id: p.conversation.id,
                        closed: p.conversation.status == ConversationStatus::Closed,
                        last_body: p.last_body.map(|b| b.chars().take(PREVIEW_CHARS).collect()),
                        last_at: p.last_at,
                    })
                    .collect();
                self.send(ServerFrame::Conversations { conversations })
                    .await
            }
            Err(e) => self.send(self.core_error(e, None)).await,
        }
    }

    /// Shows another of the visitor's conversations in this channel (or
    /// none: the next message starts one).
    async fn on_switch(
        &mut self,
        target: Option<ConversationId>,
        after: Option<Seq>,
    ) -> Result<(), End> {
        if let Err(refused) = self.take_frame() {
            return self.send(refused).await;
        }
        let found = match target {
            None => None,
            Some(id) => match self.parlor.visitor_conversation(self.visitor, id).await {
                Ok(c) if c.channel == self.channel => Some(c),
                Ok(_) => {
                    return self
                        .send(error(LiveErrorCode::NotFound, "no such conversation"))
                        .await
                }
                Err(e) => return self.send(self.core_error(e, None)).await,
            },
        };
        if matches!(self.typing, Some((true, _))) {
            self.on_typing(false);
        }
        self.typing = None;
        self.conversation = None;
        self.live = None;
        self.send(ServerFrame::Switched {
            conversation_id: target,
        })
        .await?;
        let Some(c) = found else {
            return Ok(());
        };
        self.follow(c.id, after.unwrap_or(Seq(0))).await?;
        if c.status == ConversationStatus::Closed {
            self.ended(c.id).await?;
        }
        Ok(())
    }

    async fn on_identify(
        &mut self,
        claim: Result<Identity, parlor_domain::ValidationErrors>,
        signature: Option<String>,
    ) -> Result<(), End> {
        if let Err(refused) = self.take_frame() {
            return self.send(refused).await;
        }
        let done = match claim {
            Ok(claim) => {
                self.parlor
                    .identify(
                        self.visitor,
                        self.channel,
                        self.conversation,
                        claim,
                        signature.as_deref(),
                    )
                    .await
            }
            Err(invalid) => Err(invalid.into()),
        };
        match done {
            Ok(identified) => {
                self.visitor = identified.visitor;
                self.send(ServerFrame::Identified {
                    verified: identified.verified,
                    token: identified.token,
                })
                .await
            }
            Err(e) => self.send(self.core_error(e, None)).await,
        }
    }

    async fn on_rate(
        &mut self,
        conversation_id: ConversationId,
        rating: Rating,
        comment: String,
    ) -> Result<(), End> {
        if let Err(refused) = self.take_frame() {
            return self.send(refused).await;
        }
        let rated = self
            .parlor
            .visitor_rate(self.visitor, conversation_id, rating, &comment)
            .await;
        match rated {
            Ok(()) => self.send(ServerFrame::Rated { conversation_id }).await,
            Err(e) => self.send(self.core_error(e, None)).await,
        }
    }

    /// Frames other than `send` share its budget; `Err` is the refusal.
    // A refusal is rare and sent at once: not worth a box. (Messages grew
    // past the lint's size with their attachment.)
    #[allow(clippy::result_large_err)]
    fn take_frame(&mut self) -> Result<(), ServerFrame> {
        if self.bucket.take() {
            Ok(())
        } else {
            let msg = format!("at most {RATE_PER_SEC} frames a second");
            Err(error(LiveErrorCode::RateLimited, msg))
        }
    }

    fn core_error(&self, e: Error, message_id: Option<parlor_domain::MessageId>) -> ServerFrame {
        let (code, message) = e.live();
        ServerFrame::Error {
            code,
            message,
            message_id,
        }
    }

    /// Forwards a live event without waiting: a full queue ends the
    /// connection with a `resync` instead of holding anyone up.
    fn forward(&mut self, frame: ServerFrame) -> Result<(), End> {
        match self.out.try_send(Box::new(frame)) {
            Ok(()) => Ok(()),
            Err(_) => {
                tracing::debug!("a visitor's outbox is full: resync");
                Err(End::Closed)
            }
        }
    }

    async fn on_frame(&mut self, frame: Result<VisitorFrame, BadFrame>) -> Result<(), End> {
        match frame {
            Ok(VisitorFrame::Send {
                message_id,
                body,
                attachment,
            }) => self.on_send(message_id, body, attachment).await,
            Ok(VisitorFrame::LeaveMessage {
                message_id,
                name,
                email,
                body,
            }) => {
                let contact = Contact::parse(&name, &email);
                self.on_leave_message(message_id, contact, body).await
            }
            Ok(VisitorFrame::Typing { typing }) => {
                self.on_typing(typing);
                Ok(())
            }
            Ok(VisitorFrame::Page { url }) => self.on_page(url).await,
            Ok(VisitorFrame::End) => match self.conversation {
                Some(c) => match self.parlor.visitor_end(self.visitor, c).await {
                    Ok(()) => self.ended(c).await,
                    Err(e) => self.send(self.core_error(e, None)).await,
                },
                // Nothing to end: a new conversation starts with a message.
                None => Ok(()),
            },
            Ok(VisitorFrame::List) => self.on_list().await,
            Ok(VisitorFrame::Department { id }) => {
                // Checked when the conversation starts.
                self.department = Some(id);
                Ok(())
            }
            Ok(VisitorFrame::Triggered { trigger_id, before }) => {
                self.on_triggered(trigger_id, before).await
            }
            Ok(VisitorFrame::Identify {
                external_id,
                name,
                email,
                signature,
            }) => {
                let claim = Identity::parse(&external_id, name.as_deref(), email.as_deref());
                self.on_identify(claim, signature).await
            }
            Ok(VisitorFrame::Field { key, value }) => {
                if let Err(refused) = self.take_frame() {
                    return self.send(refused).await;
                }
                match self
                    .parlor
                    .set_visitor_field(self.visitor, self.conversation, &key, &value)
                    .await
                {
                    Ok(()) => Ok(()),
                    Err(e) => self.send(self.core_error(e, None)).await,
                }
            }
            Ok(VisitorFrame::Switch {
                conversation_id,
                last_seq,
            }) => self.on_switch(conversation_id, last_seq).await,
            Ok(VisitorFrame::Rate {
                conversation_id,
                rating,
                comment,
            }) => self.on_rate(conversation_id, rating, comment).await,
            Ok(VisitorFrame::Read { seq }) => self.on_read(seq).await,
            Ok(VisitorFrame::Hello { .. }) => {
                self.send(error(LiveErrorCode::HelloFirst, "hello was already sent"))
                    .await
            }
            Err(BadFrame(e)) => self.send(error(LiveErrorCode::BadFrame, e)).await,
        }
    }

    async fn on_room(&mut self, event: RoomEvent) -> Result<(), End> {
        match event {
            RoomEvent::Message(m) if m.seq.0 == self.last_sent.0 + 1 => {
                self.last_sent = m.seq;
                let message = self.wire(m).await;
                self.forward(ServerFrame::Message { message })
            }
            RoomEvent::Message(m) if m.seq > self.last_sent => self.catch_up(m.conversation).await,
            RoomEvent::Message(_) => Ok(()),
            // A message the visitor has: its new text. One they have not
            // got yet comes from the database, edited already.
            RoomEvent::Edited(m) if m.seq <= self.last_sent => {
                let message = self.wire(m).await;
                self.forward(ServerFrame::Edited { message })
            }
            RoomEvent::Edited(m) => self.catch_up(m.conversation).await,
            RoomEvent::OperatorTyping { name, typing } => match self.conversation {
                Some(conversation_id) => self.forward(ServerFrame::Typing {
                    conversation_id,
                    name,
                    typing,
                }),
                None => Ok(()),
            },
            RoomEvent::Ended => match self.conversation {
                Some(c) => self.ended(c).await,
                None => Ok(()),
            },
            RoomEvent::Queue(position) => self.queue_place(position),
            RoomEvent::Read(seq) => match self.conversation {
                Some(conversation_id) => self.forward(ServerFrame::Read {
                    conversation_id,
                    seq,
                }),
                None => Ok(()),
            },
            RoomEvent::Resync => match self.conversation {
                Some(c) => self.resync(c).await,
                None => Ok(()),
            },
        }
    }
}

/// The next change of the channel's availability; never, once nobody
/// publishes it any more.
async fn next_online(online: &mut watch::Receiver<bool>) -> bool {
    match online.changed().await {
        Ok(()) => *online.borrow_and_update(),
        Err(_) => std::future::pending().await,
    }
}

async fn next_live(
    live: &mut Option<Subscription>,
) -> Result<RoomEvent, broadcast::error::RecvError> {
    match live {
        Some(rx) => rx.recv().await,
        None => std::future::pending().await,
    }
}

/// Runs one visitor connection until the client goes away or must resync.
///
/// Memory matters here (one task per idle visitor): the opening and each
/// frame's handling run as boxed futures, so the long-lived task holds only
/// the session and the select between input and live events. `origin` is
/// the page's `Origin` header, checked against the channel's allowed sites;
/// `upgrade` what the request told about the visitor's browser and country.
pub async fn run_visitor<S>(
    parlor: Parlor,
    origin: Option<String>,
    upgrade: Upgrade,
    mut input: S,
    out: Outbox,
) where
    S: Stream<Item = Result<VisitorFrame, BadFrame>> + Unpin,
{
    let _counted = parlor.metrics().connected(crate::metrics::Peer::Visitor);
    let mut shutdown = parlor.shutdown_signal();
    let Some(mut session) = Box::pin(open(parlor, origin, upgrade, &mut input, out)).await else {
        return;
    };
    loop {
        let step = tokio::select! {
            // Going away: `resync` sends the client to reconnect (to another
            // node behind the load balancer, or to this one once it is back).
            _ = crate::stopping(&mut shutdown) => Err(End::Closed),
            frame = input.next() => match frame {
                None => break,
                Some(frame) => Box::pin(session.on_frame(frame)).await,
            },
            online = next_online(&mut session.online) => {
                if !online {
                    // No line without operators; their return re-tells it.
                    session.queued = None;
                }
                session.forward(ServerFrame::Availability { online })
            }
            live = next_live(&mut session.live) => match live {
                Ok(event) => Box::pin(session.on_room(event)).await,
                Err(broadcast::error::RecvError::Lagged(_)) => {
                    tracing::debug!("a visitor's live events fell behind: resync");
                    Err(End::Closed)
                }
                Err(broadcast::error::RecvError::Closed) => {
                    session.live = None;
                    Ok(())
                }
            },
        };
        if let Err(End::Closed) = step {
            if let Some(conversation_id) = session.conversation {
                let _ = session
                    .out
                    .try_send(Box::new(ServerFrame::Resync { conversation_id }));
            }
            break;
        }
    }
    // A visitor who leaves mid-sentence is not typing any more.
    if matches!(session.typing, Some((true, _))) {
        session.on_typing(false);
    }
}

/// `hello`, the visitor, the conversation and its replay; `None` if the
/// connection ends before it is usable.
async fn open<S>(
    parlor: Parlor,
    origin: Option<String>,
    upgrade: Upgrade,
    input: &mut S,
    out: Outbox,
) -> Option<Session>
where
    S: Stream<Item = Result<VisitorFrame, BadFrame>> + Unpin,
{
    let say = |frame: ServerFrame| {
        let out = out.clone();
        async move { out.send(Box::new(frame)).await.is_ok() }
    };
    let (channel, token, conversation, last_seq, page_url, context) = loop {
        match input.next().await {
            None => return None,
            Some(Ok(VisitorFrame::Hello {
                channel_id,
                token,
                conversation_id,
                last_seq,
                page_url,
                referrer,
                language,
                time_zone,
            })) => {
                let told = ToldContext {
                    referrer: outside_referrer(referrer.as_deref(), page_url.as_deref()),
                    language: language.as_deref(),
                    time_zone: time_zone.as_deref(),
                };
                let context = Box::new(context_of(told, &upgrade));
                break (
                    channel_id,
                    token,
                    conversation_id,
                    last_seq,
                    page_url,
                    context,
                );
            }
            Some(Ok(_)) => {
                say(error(LiveErrorCode::HelloFirst, "send hello first")).await;
            }
            Some(Err(BadFrame(e))) => {
                say(error(LiveErrorCode::BadFrame, e)).await;
            }
        }
    };
    if let Err(e) = parlor.public_channel(channel, origin.as_deref()).await {
        let (code, text) = e.live();
        say(error(code, text)).await;
        return None;
    }
    let (visitor, token) = match token {
        Some(t) => match parlor.visitor(&t).await {
            Ok(v) => (v, t),
            Err(_) => {
                say(error(
                    LiveErrorCode::BadToken,
                    "unknown visitor token; reconnect without one",
                ))
                .await;
                return None;
            }
        },
        None => match parlor.new_visitor().await {
            Ok(s) => (s.visitor, s.token),
            Err(e) => {
                tracing::error!(error = %e, "creating a visitor failed");
                say(error(LiveErrorCode::Internal, "try again later")).await;
                return None;
            }
        },
    };
    let page_url = page_url.as_deref().map(clip_url);
    let mut online = parlor.channel_online(channel).await;
    let online_now = *online.borrow_and_update();
    let mut session = Session {
        parlor: parlor.clone(),
        out,
        visitor,
        channel,
        conversation: None,
        live: None,
        last_sent: Seq(0),
        names: Names::default(),
        bucket: Bucket {
            tokens: RATE_BURST,
            at: Instant::now(),
        },
        page_url,
        typing: None,
        department: None,
        queued: None,
        online,
        context,
    };
    // A conversation in another channel is refused like someone else's: the
    // session's sends go to the hello's channel.
    let known = match conversation {
        Some(id) => match parlor.visitor_conversation(visitor, id).await {
            Ok(c) if c.channel == channel => Some(c),
            _ => {
                let not_found = error(LiveErrorCode::NotFound, "no such conversation");
                if session.send(not_found).await.is_err() {
                    return None;
                }
                None
            }
        },
        None => None,
    };
    let welcome = ServerFrame::Welcome {
        token,
        conversation_id: known.as_ref().map(|c| c.id),
        online: online_now,
    };
    if session.send(welcome).await.is_err() {
        return None;
    }
    if let Some(c) = known {
        if session
            .follow(c.id, last_seq.unwrap_or(Seq(0)))
            .await
            .is_err()
        {
            return None;
        }
        if c.status == ConversationStatus::Closed {
            if session.ended(c.id).await.is_err() {
                return None;
            }
        } else {
            // A returning visitor may come with another browser or country.
            session.record_context(c.id).await;
            if let Some(url) = session.page_url.clone() {
                session.record_page(Some(c.id), &url).await;
            }
        }
    }

    Some(session)
}
