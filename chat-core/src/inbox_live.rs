//! One operator's live inbox connection, independent of the transport, like
//! `live.rs` for visitors. It follows the feed *before* reading the snapshot,
//! so nothing committed in between is missed (the client orders messages by
//! `seq` and drops repeats). A connection that falls behind gets `resync` and
//! is closed; the next connection starts from a fresh snapshot. The loop
//! itself is `session::drive`.

use crate::events::FeedEvent;
use crate::inbox::Access;
use crate::names::Names;
use crate::session::{self, BadFrame, Lagged, Refusal, Step};
use crate::{Error, Parlor};
use futures::Stream;
use parlor_domain::{Conversation, ConversationId, ConversationSummary, MessageId, Seq, User};
use parlor_protocol::inbox::{self, Assignee, InboxFrame, OperatorFrame, TicketLink};
use parlor_protocol::live::LiveErrorCode;
use parlor_protocol::CloseReason;
use tokio::sync::{broadcast, mpsc};

/// Frames queued for one inbox before it counts as too slow.
pub const INBOX_OUTBOX: usize = 4096;

/// The wire form of a list row.
pub fn summary_frame(s: &ConversationSummary) -> inbox::ConversationSummary {
    let c = &s.conversation;
    inbox::ConversationSummary {
        id: c.id,
        channel_id: c.channel,
        channel_name: s.channel_name.clone(),
        visitor_name: s.visitor_name(),
        closed: c.status == parlor_domain::ConversationStatus::Closed,
        assignee: c.assignee.map(|user| Assignee {
            user_id: user.0,
            name: s.assignee_name.clone().unwrap_or_else(|| "Operator".into()),
        }),
        last_seq: c.last_seq,
        last_body: s
            .last_message
            .as_ref()
            .map(|m| parlor_domain::attachments::preview(&m.body, m.attachment.as_ref())),
        last_from_visitor: s
            .last_message
            .as_ref()
            .is_some_and(|m| m.author == parlor_domain::Author::Visitor),
        last_author_id: s.last_message.as_ref().and_then(|m| staff_author(m.author)),
        last_at: s.last_at(),
        unread: s.unread,
        page_url: s.page_url.clone(),
        created_at: c.created_at,
        department: s.department.clone(),
        offline: c.offline,
        queued: c.status == parlor_domain::ConversationStatus::Open
            && c.assignee.is_none()
            && !c.offline,
        visitor_read_seq: c.visitor_read_seq,
        context: inbox::WireVisitorContext {
            referrer: s.context.referrer.clone(),
            country: s.context.country.map(|c| c.to_string()),
            browser: s.context.browser.clone(),
            os: s.context.os.clone(),
            language: s.context.language.clone(),
            time_zone: s.context.time_zone.clone(),
        },
        visitor: inbox::WireVisitor {
            name: s.visitor.name.clone(),
            email: s.visitor.email.clone(),
            external_id: s.visitor.external_id.clone(),
            verified: s.visitor.verified,
            fields: s.visitor.fields.clone(),
            claim: s.visitor.claim.as_ref().map(|c| inbox::WireClaim {
                external_id: c.external_id.clone(),
                name: c.name.clone(),
                email: c.email.clone(),
            }),
        },
        rating: c.rating.as_ref().map(|r| inbox::WireRating {
            rating: r.rating,
            comment: r.comment.clone(),
        }),
    }
}

/// The staff member who wrote a message, if staff did.
fn staff_author(author: parlor_domain::Author) -> Option<i64> {
    match author {
        parlor_domain::Author::Operator { user } => Some(user.0),
        _ => None,
    }
}

fn team_member(m: &crate::events::Member) -> inbox::TeamMember {
    inbox::TeamMember {
        user_id: m.user.0,
        name: m.name.clone(),
        availability: m.availability,
    }
}

struct Session {
    parlor: Parlor,
    user: User,
    access: Access,
    out: session::Outbox<InboxFrame>,
    /// Every conversation change and message of the node (filtered by
    /// `access` here).
    feed: broadcast::Receiver<FeedEvent>,
    names: Names,
    /// The conversation on screen: its typing is forwarded, and reads and
    /// typing are accepted for it without another lookup.
    opened: Option<Conversation>,
    /// The last message of the opened conversation sent to this operator.
    opened_seq: Seq,
}

fn error(code: LiveErrorCode, message: &str, message_id: Option<MessageId>) -> InboxFrame {
    InboxFrame::Error {
        code,
        message: message.to_string(),
        message_id,
    }
}

impl Session {
    /// Channels' operators or departments changed: what this operator may
    /// see is read again, and a new snapshot replaces the list. The app
    /// then opens its conversation again, as after a reconnection (one no
    /// longer theirs to see is refused).
    async fn refresh(&mut self) -> Step {
        match snapshot(&self.parlor, &self.user).await {
            Ok((access, frame)) => {
                self.access = access;
                self.opened = None;
                self.send(frame).await
            }
            Err(e) => {
                tracing::warn!(error = %e, "inbox refresh failed: resync");
                Err(CloseReason::Resync)
            }
        }
    }

    /// Whether a note's text mentions this operator (and not a colleague
    /// whose longer name starts with theirs). The team is read only when
    /// their own name matched, which is rare.
    async fn mentioned_in(&self, body: &str) -> bool {
        use parlor_domain::mentions::mentions;
        let name = &self.user.display_name;
        if !mentions(body, name, std::iter::empty()) {
            return false;
        }
        let team = self.parlor.team().await;
        mentions(body, name, team.iter().map(|m| m.name.as_str()))
    }

    async fn send(&self, frame: InboxFrame) -> Step {
        self.out.send(frame).await
    }

    fn forward(&self, frame: InboxFrame) -> Step {
        self.out.forward(frame).inspect_err(|_| {
            tracing::debug!("an inbox's outbox is full: resync");
        })
    }

    fn failure(&self, e: Error, message_id: Option<MessageId>) -> InboxFrame {
        let (code, message) = e.live();
        InboxFrame::Error {
            code,
            message,
            message_id,
        }
    }

    /// The conversation if this operator may work on it; the opened one
    /// needs no lookup.
    async fn conversation(&self, id: ConversationId) -> Result<Conversation, Error> {
        match &self.opened {
            Some(c) if c.id == id => Ok(c.clone()),
            _ => self.parlor.operator_conversation(&self.access, id).await,
        }
    }

    async fn on_open(&mut self, id: ConversationId, after: Option<Seq>) -> Step {
        let conversation = match self.parlor.operator_conversation(&self.access, id).await {
            Ok(c) => c,
            Err(e) => return self.send(self.failure(e, None)).await,
        };
        self.opened = Some(conversation);
        self.opened_seq = after.unwrap_or(Seq(0));
        // Its row first: it may be one the snapshot did not carry (an old
        // one, opened from the visitor's history).
        match self
            .parlor
            .store
            .conversations()
            .conversation_summary(id)
            .await
        {
            Ok(Some(summary)) => {
                self.send(InboxFrame::Summary {
                    conversation: Box::new(summary_frame(&summary)),
                })
                .await?
            }
            Ok(None) => {}
            Err(e) => return self.send(self.failure(e.into(), None)).await,
        }
        self.catch_up(id).await?;
        // Then its notes, all of them (a client keeps them by id).
        let notes = match self.parlor.notes().of(id).await {
            Ok(notes) => notes,
            Err(e) => return self.send(self.failure(e, None)).await,
        };
        for n in notes {
            let note = self.names.wire_note(&self.parlor, n).await;
            self.send(InboxFrame::Note { note }).await?;
        }
        Ok(())
    }

    /// Sends the opened conversation's messages after `opened_seq` from the
    /// database. Events can arrive out of order (two answers at once, or
    /// another node's event came late): a gap is filled from here.
    async fn catch_up(&mut self, id: ConversationId) -> Step {
        loop {
            let page = match self
                .parlor
                .store
                .messages()
                .messages_after(id, self.opened_seq, crate::HISTORY_PAGE)
                .await
            {
                Ok(page) => page,
                Err(e) => return self.send(self.failure(e.into(), None)).await,
            };
            let full = page.len() as u32 == crate::HISTORY_PAGE;
            for m in page {
                self.opened_seq = m.seq;
                let message = self.names.wire(&self.parlor, m).await;
                self.send(InboxFrame::Message { message }).await?;
            }
            if !full {
                return Ok(());
            }
        }
    }

    async fn on_operator_frame(&mut self, frame: OperatorFrame) -> Step {
        match frame {
            OperatorFrame::Open {
                conversation_id,
                last_seq,
            } => self.on_open(conversation_id, last_seq).await,
            OperatorFrame::Send {
                conversation_id,
                message_id,
                body,
                attachment,
            } => {
                // A command that reached here (mistyped, or from a client
                // that does not know it) is never the visitor's to read.
                if let Some((name, _)) = inbox::command_name(&body) {
                    let refused = format!(
                        "/{name} is not a command here, and commands are never sent to the visitor; type /help for the list"
                    );
                    return self
                        .send(error(
                            LiveErrorCode::InvalidMessage,
                            &refused,
                            Some(message_id),
                        ))
                        .await;
                }
                let sent = match self.conversation(conversation_id).await {
                    Ok(c) => {
                        self.parlor
                            .operator_send_with(&self.user, &c, message_id, &body, attachment)
                            .await
                    }
                    Err(e) => Err(e),
                };
                match sent {
                    Ok(appended) => {
                        let m = appended.message();
                        let ack = InboxFrame::Ack {
                            message_id: m.id,
                            conversation_id: m.conversation,
                            seq: m.seq,
                        };
                        self.send(ack).await
                    }
                    Err(e) => self.send(self.failure(e, Some(message_id))).await,
                }
            }
            OperatorFrame::Typing {
                conversation_id,
                typing,
            } => match self.conversation(conversation_id).await {
                Ok(c) => {
                    self.parlor
                        .operator_typing(c.id, &self.user.display_name, typing);
                    Ok(())
                }
                Err(e) => self.send(self.failure(e, None)).await,
            },
            OperatorFrame::Read {
                conversation_id,
                seq,
            } => {
                let read = match self.conversation(conversation_id).await {
                    Ok(c) => self.parlor.mark_read(&c, seq).await,
                    Err(e) => Err(e),
                };
                match read {
                    Ok(()) => Ok(()),
                    Err(e) => self.send(self.failure(e, None)).await,
                }
            }
            OperatorFrame::SetAvailability { availability } => {
                match self.parlor.set_availability(&self.user, availability).await {
                    Ok(()) => Ok(()),
                    Err(e) => self.send(self.failure(e, None)).await,
                }
            }
            OperatorFrame::Note {
                conversation_id,
                note_id,
                body,
            } => {
                let added = match self.conversation(conversation_id).await {
                    Ok(c) => {
                        self.parlor
                            .notes()
                            .add(&self.user, &c, note_id, &body)
                            .await
                    }
                    Err(e) => Err(e),
                };
                match added {
                    // The note comes back over the feed, as to every inbox.
                    Ok(_) => Ok(()),
                    Err(e) => self.send(self.failure(e, Some(note_id))).await,
                }
            }
            OperatorFrame::Take { conversation_id } => {
                match self
                    .parlor
                    .take_conversation(&self.user, &self.access, conversation_id)
                    .await
                {
                    Ok(()) => Ok(()),
                    Err(e) => self.send(self.failure(e, None)).await,
                }
            }
            OperatorFrame::Transfer {
                conversation_id,
                note_id,
                to,
                note,
            } => {
                match self
                    .parlor
                    .transfer(
                        &self.user,
                        &self.access,
                        conversation_id,
                        to,
                        note_id,
                        &note,
                    )
                    .await
                {
                    // Its line comes back over the feed, as to every inbox.
                    Ok(()) => Ok(()),
                    Err(e) => self.send(self.failure(e, Some(note_id))).await,
                }
            }
            OperatorFrame::Edit {
                conversation_id,
                message_id,
                body,
            } => {
                match self
                    .parlor
                    .edits()
                    .edit(&self.user, &self.access, conversation_id, message_id, &body)
                    .await
                {
                    // The new text comes back over the feed, as to every
                    // inbox with the conversation open.
                    Ok(_) => Ok(()),
                    Err(e) => self.send(self.failure(e, Some(message_id))).await,
                }
            }
            OperatorFrame::CreateTicket {
                conversation_id,
                request_id,
                title,
            } => {
                let created = match self.conversation(conversation_id).await {
                    Ok(c) => {
                        self.parlor
                            .chat_tickets()
                            .create(&self.user, &c, request_id, &title)
                            .await
                    }
                    Err(e) => Err(e),
                };
                match created {
                    // Its number comes back over the feed, as a note.
                    Ok(_) => Ok(()),
                    Err(e) => self.send(self.failure(e, Some(request_id))).await,
                }
            }
            OperatorFrame::SearchTickets {
                conversation_id,
                query,
            } => {
                let found = match self.conversation(conversation_id).await {
                    Ok(_) => self.parlor.chat_tickets().search(&self.user, &query).await,
                    Err(e) => Err(e),
                };
                match found {
                    Ok(tickets) => {
                        let tickets = tickets
                            .into_iter()
                            .map(|t| TicketLink {
                                number: t.number.0,
                                title: t.title,
                                closed: t.closed_at.is_some(),
                            })
                            .collect();
                        self.send(InboxFrame::TicketsFound {
                            conversation_id,
                            query,
                            tickets,
                        })
                        .await
                    }
                    Err(e) => self.send(self.failure(e, None)).await,
                }
            }
            OperatorFrame::Close { conversation_id } => {
                match self
                    .parlor
                    .close_conversation(&self.access, conversation_id)
                    .await
                {
                    Ok(()) => Ok(()),
                    Err(e) => self.send(self.failure(e, None)).await,
                }
            }
        }
    }

    async fn on_feed(&mut self, event: FeedEvent) -> Step {
        if event.channel().is_some_and(|c| !self.access.allows(c)) {
            return Ok(());
        }
        match event {
            FeedEvent::Message { message, .. } => {
                if self
                    .opened
                    .as_ref()
                    .is_some_and(|c| c.id == message.conversation)
                {
                    if message.seq.0 == self.opened_seq.0 + 1 {
                        self.opened_seq = message.seq;
                        let message = self.names.wire(&self.parlor, message).await;
                        self.forward(InboxFrame::Message { message })
                    } else if message.seq > self.opened_seq {
                        self.catch_up(message.conversation).await
                    } else {
                        Ok(())
                    }
                } else {
                    // The list needs a line, not the whole text.
                    self.forward(InboxFrame::Activity {
                        conversation_id: message.conversation,
                        seq: message.seq,
                        preview: parlor_domain::attachments::preview(
                            &message.body,
                            message.attachment.as_ref(),
                        )
                        .chars()
                        .take(inbox::PREVIEW_CHARS)
                        .collect(),
                        from_visitor: message.author == parlor_domain::Author::Visitor,
                        author_id: staff_author(message.author),
                        at: message.created_at,
                    })
                }
            }
            FeedEvent::Edited { message, .. } => {
                if self
                    .opened
                    .as_ref()
                    .is_none_or(|c| c.id != message.conversation)
                {
                    // Not on screen; a last message's row comes as a summary.
                    Ok(())
                } else if message.seq <= self.opened_seq {
                    let message = self.names.wire(&self.parlor, message).await;
                    self.forward(InboxFrame::Edited { message })
                } else {
                    // Not sent yet: the database has it, edited already.
                    self.catch_up(message.conversation).await
                }
            }
            FeedEvent::VisitorTyping {
                conversation,
                typing,
                ..
            } => {
                if self.opened.as_ref().is_some_and(|c| c.id == conversation) {
                    self.forward(InboxFrame::Typing {
                        conversation_id: conversation,
                        typing,
                    })
                } else {
                    Ok(())
                }
            }
            FeedEvent::Changed(summary) => {
                if let Some(c) = &mut self.opened {
                    if c.id == summary.conversation.id {
                        *c = summary.conversation.clone();
                    }
                }
                self.forward(InboxFrame::Summary {
                    conversation: Box::new(summary_frame(&summary)),
                })
            }
            FeedEvent::Note { note, .. } => {
                let opened = self
                    .opened
                    .as_ref()
                    .is_some_and(|c| c.id == note.conversation);
                let mentioned =
                    note.author != Some(self.user.id) && self.mentioned_in(&note.body).await;
                if !opened && !mentioned {
                    return Ok(());
                }
                let note = self.names.wire_note(&self.parlor, note).await;
                if mentioned {
                    self.forward(InboxFrame::Mentioned { note: note.clone() })?;
                }
                if opened {
                    self.forward(InboxFrame::Note { note })?;
                }
                Ok(())
            }
            FeedEvent::Staffing => self.refresh().await,
            FeedEvent::Presence(m) => self.forward(InboxFrame::Presence {
                user_id: m.user.0,
                name: m.name,
                availability: m.availability,
                chosen: (m.user == self.user.id).then_some(m.chosen),
            }),
            // The client reconnects and starts from a fresh snapshot.
            FeedEvent::Resync => Err(CloseReason::Resync),
        }
    }
}

/// What `user` may see now, and the snapshot frame that shows it.
async fn snapshot(parlor: &Parlor, user: &User) -> Result<(Access, InboxFrame), Error> {
    let team = parlor.team().await;
    let access = parlor.inbox_access(user).await?;
    let list = parlor.inbox(&access).await?;
    let channels = parlor.inbox_channels(&access).await?;
    let chosen = team
        .iter()
        .find(|m| m.user == user.id)
        .map(|m| m.chosen)
        .unwrap_or_default();
    let frame = InboxFrame::Snapshot {
        me: Assignee {
            user_id: user.id.0,
            name: user.display_name.clone(),
        },
        chosen,
        team: team.iter().map(team_member).collect(),
        channels,
        admin: user.may(parlor_domain::Power::EditAnyMessage),
        supervisor: user.may(parlor_domain::Power::Supervise),
        conversations: list.iter().map(summary_frame).collect(),
    };
    Ok((access, frame))
}

impl session::Session for Session {
    type Frame = OperatorFrame;
    type Event = FeedEvent;

    /// Operators are staff, signed in: their frames are not rate-limited.
    fn costs(_: &OperatorFrame) -> bool {
        false
    }

    async fn on_frame(&mut self, frame: OperatorFrame) -> Step {
        self.on_operator_frame(frame).await
    }

    async fn on_refused(&mut self, refusal: Refusal, _: Option<OperatorFrame>) -> Step {
        let refused = match refusal {
            Refusal::BadFrame(why) => error(LiveErrorCode::BadFrame, &why, None),
            Refusal::RateLimited { per_second } => error(
                LiveErrorCode::RateLimited,
                &format!("at most {per_second} frames a second"),
                None,
            ),
        };
        self.send(refused).await
    }

    async fn next_event(&mut self) -> Result<FeedEvent, Lagged> {
        self.feed.recv().await.map_err(|e| {
            tracing::debug!(error = %e, "an inbox's feed fell behind: resync");
            Lagged
        })
    }

    async fn on_event(&mut self, event: FeedEvent) -> Step {
        self.on_feed(event).await
    }

    fn on_close(&mut self, reason: CloseReason) {
        if reason != CloseReason::Normal {
            self.out.last_word(InboxFrame::Resync);
        }
        if let Some(c) = &self.opened {
            // An operator who leaves is not typing any more.
            self.parlor
                .operator_typing(c.id, &self.user.display_name, false);
        }
    }
}

/// Runs one operator's inbox connection until the client goes away or the
/// connection must close; the reason is what the close frame says. `user`
/// was authenticated by the transport (the session cookie).
pub async fn run_operator<S>(
    parlor: Parlor,
    user: User,
    mut input: S,
    out: mpsc::Sender<InboxFrame>,
) -> CloseReason
where
    S: Stream<Item = Result<OperatorFrame, BadFrame>> + Unpin + Send,
{
    let _counted = parlor.metrics().connected(crate::metrics::Peer::Operator);
    let out = session::Outbox::new(out);
    let feed = parlor.follow_feed();
    // Counted before the snapshot, which then shows this operator present.
    let _present = parlor.inbox_connected(&user).await;
    let (access, frame) = match snapshot(&parlor, &user).await {
        Ok(found) => found,
        Err(e) => {
            tracing::error!(error = %e, "inbox snapshot failed");
            let unavailable = error(LiveErrorCode::Internal, "the inbox is unavailable", None);
            out.last_word(unavailable);
            return CloseReason::Internal;
        }
    };
    let mut shutdown = parlor.shutdown_signal();
    let mut session = Session {
        parlor,
        user,
        access,
        out,
        feed,
        names: Names::default(),
        opened: None,
        opened_seq: Seq(0),
    };
    if let Err(reason) = session.send(frame).await {
        return reason;
    }
    session::drive(&mut session, &mut input, &mut shutdown).await
}
