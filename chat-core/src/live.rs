//! One visitor connection, independent of the transport: frames come in as a
//! stream and go out through a bounded queue. The WebSocket adapter (the
//! app's `/widget/v1/live` server function) only encodes and decodes.
//!
//! Rules: `hello` first, within `session::HELLO_TIMEOUT`; replay from the
//! database before anything live; a message is acknowledged only after its
//! commit; a connection whose queue is full is told to resync and closed, so
//! it never slows anyone else. The loop itself is `session::drive`.

use crate::conversations::clip_url;
use crate::events::RoomEvent;
use crate::hub::Subscription;
use crate::names::Names;
use crate::session::{self, Lagged, Refusal, Step};
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
use parlor_protocol::{ChannelId, CloseReason};
use std::pin::Pin;
use std::time::Instant;
use tokio::sync::{broadcast, mpsc, watch};

pub use crate::session::BadFrame;

/// Frames queued for one connection before it counts as too slow.
pub const OUTBOX: usize = 256;

/// A connection's outgoing queue. Frames are boxed: the queue allocates its
/// slots in blocks up front, and an idle visitor should not pay for 32
/// frame-sized slots.
pub type Outbox = mpsc::Sender<Box<ServerFrame>>;

fn error(code: LiveErrorCode, message: impl Into<String>) -> ServerFrame {
    ServerFrame::Error {
        code,
        message: message.into(),
        message_id: None,
    }
}

struct Session {
    parlor: Parlor,
    out: session::Outbox<Box<ServerFrame>>,
    visitor: VisitorId,
    channel: ChannelId,
    conversation: Option<ConversationId>,
    live: Option<Subscription>,
    last_sent: Seq,
    names: Names,
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

/// What a visitor's session hears besides their frames.
enum Live {
    /// Whether an operator of the channel is online changed.
    Online(bool),
    Room(RoomEvent),
}

impl Session {
    async fn wire(&mut self, m: Message) -> WireMessage {
        self.names.wire(&self.parlor, m).await
    }

    async fn send(&self, frame: ServerFrame) -> Step {
        self.out.send(Box::new(frame)).await
    }

    /// Subscribes first, then replays from the database: a message committed
    /// in between arrives by both ways and is sent once (by seq). A
    /// conversation waiting for an operator also tells its place in line.
    async fn follow(&mut self, conversation: ConversationId, after: Seq) -> Step {
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

    /// A resume point beyond the conversation's newest message cannot be
    /// served (the database was restored to an earlier point): the client
    /// is told where the conversation really ends, and reconnects from it.
    fn beyond_newest(&self, c: &parlor_domain::Conversation, after: Seq) -> Step {
        if after <= c.last_seq {
            return Ok(());
        }
        self.out.last_word(Box::new(ServerFrame::Resync {
            conversation_id: c.id,
            last_seq: Some(c.last_seq),
        }));
        Err(CloseReason::Resync)
    }

    /// How far the team has read, after a replay: a reload still shows it.
    async fn tell_read(&mut self, conversation: ConversationId) -> Step {
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
    async fn on_read(&mut self, seq: Seq) -> Step {
        let Some(conversation) = self.conversation else {
            return Ok(());
        };
        match self.parlor.visitor_read(conversation, seq).await {
            Ok(()) => Ok(()),
            Err(e) => self.send(self.core_error(e, None)).await,
        }
    }

    /// Tells the visitor their place in line when it changed.
    fn queue_place(&mut self, position: Option<u32>) -> Step {
        if self.queued == position {
            return Ok(());
        }
        self.queued = position;
        self.forward(ServerFrame::Queue { position })
    }

    /// Sends what the database has after `last_sent`. Events can arrive out
    /// of order (two writers answered at once, or another node's event came
    /// late), so a gap is filled from here, never skipped.
    async fn catch_up(&mut self, conversation: ConversationId) -> Step {
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
                    return Err(CloseReason::Internal);
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
    async fn resync(&mut self, conversation: ConversationId) -> Step {
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
                Err(CloseReason::Internal)
            }
        }
    }

    /// The conversation ended: tell the client, stop watching; the next
    /// `send` starts a new conversation.
    async fn ended(&mut self, conversation_id: ConversationId) -> Step {
        self.conversation = None;
        self.live = None;
        self.send(ServerFrame::Ended { conversation_id }).await
    }

    /// The conversation a message goes to: the current one, or one
    /// `start_conversation` gives (followed from its start).
    async fn ensure_conversation(
        &mut self,
        offline: bool,
    ) -> Result<Result<ConversationId, Error>, CloseReason> {
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
    async fn on_triggered(&mut self, trigger: u32, before: parlor_domain::MessageId) -> Step {
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
    ) -> Step {
        let contact = match contact {
            Ok(c) => c,
            Err(invalid) => return self.send(self.core_error(invalid.into(), Some(id))).await,
        };
        if let Err(e) = MessageBody::parse(&body) {
            return self.send(self.core_error(e.into(), Some(id))).await;
        }
        let left = self
            .parlor
            .identities()
            .leave_contact(self.visitor, self.conversation, contact)
            .await;
        if let Err(e) = left {
            return self.send(self.core_error(e, Some(id))).await;
        }
        self.store_message(id, body, None, true).await
    }

    async fn on_send(
        &mut self,
        id: parlor_domain::MessageId,
        body: String,
        attachment: Option<parlor_domain::AttachmentId>,
    ) -> Step {
        self.store_message(id, body, attachment, false).await
    }

    /// Stores a visitor's message (within the rate limit, checked by the
    /// caller), starting a conversation if needed, and acknowledges it.
    async fn store_message(
        &mut self,
        id: parlor_domain::MessageId,
        body: String,
        attachment: Option<parlor_domain::AttachmentId>,
        offline: bool,
    ) -> Step {
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

    async fn on_page(&mut self, url: String) -> Step {
        // Compared as stored, so a long URL sent again is not rewritten.
        let url = clip_url(&url);
        if self.page_url.as_deref() != Some(url.as_str()) {
            self.page_url = Some(url.clone());
            self.record_page(self.conversation, &url).await;
        }
        Ok(())
    }

    async fn on_list(&mut self) -> Step {
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
    async fn on_switch(&mut self, target: Option<ConversationId>, after: Option<Seq>) -> Step {
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
        let after = after.unwrap_or(Seq(0));
        self.beyond_newest(&c, after)?;
        self.follow(c.id, after).await?;
        if c.status == ConversationStatus::Closed {
            self.ended(c.id).await?;
        }
        Ok(())
    }

    async fn on_identify(
        &mut self,
        claim: Result<Identity, parlor_domain::ValidationErrors>,
        signature: Option<String>,
    ) -> Step {
        let done = match claim {
            Ok(claim) => {
                self.parlor
                    .identities()
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
    ) -> Step {
        let rated = self
            .parlor
            .visitor_rate(self.visitor, conversation_id, rating, &comment)
            .await;
        match rated {
            Ok(()) => self.send(ServerFrame::Rated { conversation_id }).await,
            Err(e) => self.send(self.core_error(e, None)).await,
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
    fn forward(&mut self, frame: ServerFrame) -> Step {
        self.out.forward(Box::new(frame)).inspect_err(|_| {
            tracing::debug!("a visitor's outbox is full: resync");
        })
    }

    async fn on_visitor_frame(&mut self, frame: VisitorFrame) -> Step {
        match frame {
            VisitorFrame::Send {
                message_id,
                body,
                attachment,
            } => self.on_send(message_id, body, attachment).await,
            VisitorFrame::LeaveMessage {
                message_id,
                name,
                email,
                body,
            } => {
                let contact = Contact::parse(&name, &email);
                self.on_leave_message(message_id, contact, body).await
            }
            VisitorFrame::Typing { typing } => {
                self.on_typing(typing);
                Ok(())
            }
            VisitorFrame::Page { url } => self.on_page(url).await,
            VisitorFrame::End => match self.conversation {
                Some(c) => match self.parlor.visitor_end(self.visitor, c).await {
                    Ok(()) => self.ended(c).await,
                    Err(e) => self.send(self.core_error(e, None)).await,
                },
                // Nothing to end: a new conversation starts with a message.
                None => Ok(()),
            },
            VisitorFrame::List => self.on_list().await,
            VisitorFrame::Department { id } => {
                // Checked when the conversation starts.
                self.department = Some(id);
                Ok(())
            }
            VisitorFrame::Triggered { trigger_id, before } => {
                self.on_triggered(trigger_id, before).await
            }
            VisitorFrame::Identify {
                external_id,
                name,
                email,
                signature,
            } => {
                let claim = Identity::parse(&external_id, name.as_deref(), email.as_deref());
                self.on_identify(claim, signature).await
            }
            VisitorFrame::Field { key, value } => {
                match self
                    .parlor
                    .identities()
                    .set_field(self.visitor, self.conversation, &key, &value)
                    .await
                {
                    Ok(()) => Ok(()),
                    Err(e) => self.send(self.core_error(e, None)).await,
                }
            }
            VisitorFrame::Switch {
                conversation_id,
                last_seq,
            } => self.on_switch(conversation_id, last_seq).await,
            VisitorFrame::Rate {
                conversation_id,
                rating,
                comment,
            } => self.on_rate(conversation_id, rating, comment).await,
            VisitorFrame::Read { seq } => self.on_read(seq).await,
            VisitorFrame::Hello { .. } => {
                self.send(error(LiveErrorCode::HelloFirst, "hello was already sent"))
                    .await
            }
        }
    }

    async fn on_live(&mut self, live: Live) -> Step {
        match live {
            Live::Online(online) => {
                if !online {
                    // No line without operators; their return re-tells it.
                    self.queued = None;
                }
                self.forward(ServerFrame::Availability { online })
            }
            Live::Room(event) => self.on_room(event).await,
        }
    }

    async fn on_room(&mut self, event: RoomEvent) -> Step {
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

impl session::Session for Session {
    type Frame = VisitorFrame;
    type Event = Live;

    /// Typing, ending, picking a department and a repeated `hello` are free:
    /// they store nothing, and typing is throttled on its own.
    fn costs(frame: &VisitorFrame) -> bool {
        !matches!(
            frame,
            VisitorFrame::Typing { .. }
                | VisitorFrame::End
                | VisitorFrame::Department { .. }
                | VisitorFrame::Hello { .. }
        )
    }

    async fn on_frame(&mut self, frame: VisitorFrame) -> Step {
        self.on_visitor_frame(frame).await
    }

    async fn on_refused(&mut self, refusal: Refusal, frame: Option<VisitorFrame>) -> Step {
        let refused = match refusal {
            Refusal::BadFrame(why) => error(LiveErrorCode::BadFrame, why),
            // A message names its id, so the client knows which to resend.
            Refusal::RateLimited { per_second } => match frame {
                Some(
                    VisitorFrame::Send { message_id, .. }
                    | VisitorFrame::LeaveMessage { message_id, .. },
                ) => ServerFrame::Error {
                    code: LiveErrorCode::RateLimited,
                    message: format!("at most {per_second} messages a second"),
                    message_id: Some(message_id),
                },
                _ => error(
                    LiveErrorCode::RateLimited,
                    format!("at most {per_second} frames a second"),
                ),
            },
        };
        self.send(refused).await
    }

    async fn next_event(&mut self) -> Result<Live, Lagged> {
        loop {
            tokio::select! {
                online = next_online(&mut self.online) => return Ok(Live::Online(online)),
                live = next_live(&mut self.live) => match live {
                    Ok(event) => return Ok(Live::Room(event)),
                    Err(broadcast::error::RecvError::Lagged(_)) => {
                        tracing::debug!("a visitor's live events fell behind: resync");
                        return Err(Lagged);
                    }
                    Err(broadcast::error::RecvError::Closed) => self.live = None,
                },
            }
        }
    }

    async fn on_event(&mut self, event: Live) -> Step {
        self.on_live(event).await
    }

    fn on_close(&mut self, reason: CloseReason) {
        // Going away, or behind: the client reconnects (to another node
        // behind the load balancer, or to this one once it is back) and
        // resumes from its last `seq`.
        if reason != CloseReason::Normal {
            if let Some(conversation_id) = self.conversation {
                self.out.last_word(Box::new(ServerFrame::Resync {
                    conversation_id,
                    last_seq: None,
                }));
            }
        }
        // A visitor who leaves mid-sentence is not typing any more.
        if matches!(self.typing, Some((true, _))) {
            self.on_typing(false);
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

/// Runs one visitor connection until the client goes away or the
/// connection must close; the reason is what the transport's close frame
/// says.
///
/// Memory matters here (one task per idle visitor): the opening and each
/// frame's handling run as boxed futures, so the long-lived task holds only
/// the session and the select between input and live events. `origin` is
/// the page's `Origin` header, checked against the channel's allowed sites;
/// `upgrade` what the request told about the visitor's browser and country.
pub fn run_visitor<S>(
    parlor: Parlor,
    origin: Option<String>,
    upgrade: Upgrade,
    input: S,
    out: Outbox,
) -> impl std::future::Future<Output = CloseReason> + Send
where
    S: Stream<Item = Result<VisitorFrame, BadFrame>> + Unpin + Send,
{
    let counted = parlor.metrics().connected(crate::metrics::Peer::Visitor);
    // Everything the opening needs is moved into its box: an `async fn`
    // would keep its arguments for the connection's whole life.
    let opening = Box::pin(async move {
        let mut input = input;
        let mut shutdown = parlor.shutdown_signal();
        let out = session::Outbox::new(out);
        let session = open(parlor, origin, upgrade, &mut input, out, &mut shutdown).await?;
        Ok((session, input, shutdown))
    });
    run_opened(counted, opening)
}

/// The rest of a visitor's connection once `opening` has said `hello`.
async fn run_opened<S, F>(_counted: crate::metrics::Connected, opening: Pin<Box<F>>) -> CloseReason
where
    S: Stream<Item = Result<VisitorFrame, BadFrame>> + Unpin + Send,
    F: std::future::Future<Output = Result<(Session, S, watch::Receiver<bool>), CloseReason>>,
{
    // The session is held once, not also as the `Result` it came in.
    let (mut session, mut input, mut shutdown) = match opening.await {
        Ok(opened) => opened,
        Err(reason) => return reason,
    };
    session::drive(&mut session, &mut input, &mut shutdown).await
}

async fn say(out: &session::Outbox<Box<ServerFrame>>, frame: ServerFrame) -> Step {
    out.send(Box::new(frame)).await
}

/// The `hello` frame's fields.
struct Hello {
    channel: ChannelId,
    token: Option<String>,
    conversation: Option<ConversationId>,
    last_seq: Option<Seq>,
    page_url: Option<String>,
    context: Box<VisitorContext>,
}

/// Waits for `hello`, answering anything else with `hello_first`.
async fn hello<S>(
    input: &mut S,
    out: &session::Outbox<Box<ServerFrame>>,
    upgrade: &Upgrade,
) -> Result<Hello, CloseReason>
where
    S: Stream<Item = Result<VisitorFrame, BadFrame>> + Unpin,
{
    loop {
        match input.next().await {
            None => return Err(CloseReason::Normal),
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
                return Ok(Hello {
                    channel: channel_id,
                    token,
                    conversation: conversation_id,
                    last_seq,
                    context: Box::new(context_of(told, upgrade)),
                    page_url,
                });
            }
            Some(Ok(_)) => say(out, error(LiveErrorCode::HelloFirst, "send hello first")).await?,
            Some(Err(BadFrame(e))) => say(out, error(LiveErrorCode::BadFrame, e)).await?,
        }
    }
}

/// `hello` (within `HELLO_TIMEOUT`), the visitor, the conversation and its
/// replay; the close reason if the connection cannot be used.
async fn open<S>(
    parlor: Parlor,
    origin: Option<String>,
    upgrade: Upgrade,
    input: &mut S,
    out: session::Outbox<Box<ServerFrame>>,
    shutdown: &mut watch::Receiver<bool>,
) -> Result<Session, CloseReason>
where
    S: Stream<Item = Result<VisitorFrame, BadFrame>> + Unpin,
{
    let waited = session::opening(
        session::HELLO_TIMEOUT,
        shutdown,
        hello(input, &out, &upgrade),
    )
    .await;
    let hello = match waited {
        Ok(hello) => hello,
        Err(CloseReason::Policy) => {
            let late = format!(
                "no hello within {} s of connecting",
                session::HELLO_TIMEOUT.as_secs()
            );
            out.last_word(Box::new(error(LiveErrorCode::HelloFirst, late)));
            return Err(CloseReason::Policy);
        }
        Err(reason) => return Err(reason),
    };
    let channel = hello.channel;
    if let Err(e) = parlor.public_channel(channel, origin.as_deref()).await {
        let (code, text) = e.live();
        say(&out, error(code, text)).await?;
        return Err(match code {
            LiveErrorCode::Internal => CloseReason::Internal,
            _ => CloseReason::Refused,
        });
    }
    let (visitor, token) = match hello.token {
        Some(t) => match parlor.visitor_in(&t, channel).await {
            Ok(v) => (v, t),
            Err(_) => {
                let unknown = "unknown visitor token for this channel; reconnect without one";
                say(&out, error(LiveErrorCode::BadToken, unknown)).await?;
                return Err(CloseReason::BadToken);
            }
        },
        None => match parlor.new_visitor(channel).await {
            Ok(s) => (s.visitor, s.token),
            Err(e) => {
                tracing::error!(error = %e, "creating a visitor failed");
                say(&out, error(LiveErrorCode::Internal, "try again later")).await?;
                return Err(CloseReason::Internal);
            }
        },
    };
    let page_url = hello.page_url.as_deref().map(clip_url);
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
        page_url,
        typing: None,
        department: None,
        queued: None,
        online,
        context: hello.context,
    };
    // A conversation in another channel is refused like someone else's: the
    // session's sends go to the hello's channel.
    let known = match hello.conversation {
        Some(id) => match parlor.visitor_conversation(visitor, id).await {
            Ok(c) if c.channel == channel => Some(c),
            _ => {
                let not_found = error(LiveErrorCode::NotFound, "no such conversation");
                session.send(not_found).await?;
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
    session.send(welcome).await?;
    if let Some(c) = known {
        let after = hello.last_seq.unwrap_or(Seq(0));
        session.beyond_newest(&c, after)?;
        session.follow(c.id, after).await?;
        if c.status == ConversationStatus::Closed {
            session.ended(c.id).await?;
        } else {
            // A returning visitor may come with another browser or country.
            session.record_context(c.id).await;
            if let Some(url) = session.page_url.clone() {
                session.record_page(Some(c.id), &url).await;
            }
        }
    }
    Ok(session)
}
