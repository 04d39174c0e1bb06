//! The visitor's conversation as the window shows it, and how each server
//! frame changes it. Lines with a `seq` are committed and kept in `seq`
//! order; the visitor's unacknowledged lines follow them.

use crate::api::PageApi;
use crate::saved::{self, Saved};
use leptos::prelude::*;
use parlor_protocol::live::{
    trigger_message_id, LiveErrorCode, ServerFrame, VisitorConversation, WireAuthor,
};
use parlor_protocol::{ChannelId, ConversationId, MessageId, Seq, WireAttachment};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Link {
    /// No conversation yet: no socket until the first message.
    Idle,
    Connecting,
    Online,
    Offline,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Delivery {
    Sending,
    Sent,
    /// Not stored; sending it again may work (offered as Retry).
    Failed(String),
    /// Refused as it is (empty, too long): sending it again cannot work.
    Refused(String),
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Line {
    pub id: MessageId,
    pub seq: Option<Seq>,
    /// The operator's name; `None` for the visitor's own lines.
    pub operator: Option<String>,
    pub body: String,
    pub delivery: Delivery,
    /// An operator edited the text after sending it.
    pub edited: bool,
    /// The file sent with it.
    pub attachment: Option<WireAttachment>,
}

/// Everything the window renders, shared by the view and the socket.
#[derive(Clone, Copy)]
pub struct Chat {
    pub channel: ChannelId,
    pub open: RwSignal<bool>,
    pub link: RwSignal<Link>,
    pub lines: RwSignal<Vec<Line>>,
    pub unread: RwSignal<u32>,
    /// The name of the operator typing right now, and since when (ms).
    pub typing: RwSignal<Option<(String, f64)>>,
    pub ended: RwSignal<bool>,
    /// The conversation that ended, for its rating.
    pub ended_id: StoredValue<Option<ConversationId>>,
    /// Its rating was stored.
    pub rated: RwSignal<bool>,
    /// The list of the visitor's conversations is on screen ("multiple"
    /// mode); `list` is `None` until the server sends it.
    pub listing: RwSignal<bool>,
    pub list: RwSignal<Option<Vec<VisitorConversation>>>,
    pub saved: StoredValue<Saved>,
    pub last_seq: StoredValue<Option<Seq>>,
    pub api: PageApi,
    /// A trigger shown on this page and not answered yet: its id and the
    /// id of its line.
    pub fired: StoredValue<Option<(u32, MessageId)>>,
    /// Whether an operator of the channel is online (else the offline form).
    pub online: RwSignal<bool>,
    /// The email the offline form was left with, for the thanks note.
    pub left: RwSignal<Option<String>>,
    /// The offline form's message the server refused (its text, and why):
    /// the form comes back with it.
    pub form_refused: RwSignal<Option<(String, String)>>,
    /// The visitor's place in line while every operator is busy.
    pub queue: RwSignal<Option<u32>>,
    /// How far the team has read the conversation (their read receipt).
    pub team_read: RwSignal<Seq>,
    /// The newest message the visitor has had on screen, for the read
    /// receipt the socket sends.
    pub seen_upto: RwSignal<Option<Seq>>,
}

impl Chat {
    pub fn new(channel: ChannelId, open: RwSignal<bool>, api: PageApi, online: bool) -> Self {
        let saved = saved::load(channel);
        let lines = saved
            .outbox
            .iter()
            .map(|(id, body)| Line {
                id: *id,
                seq: None,
                operator: None,
                body: body.clone(),
                delivery: Delivery::Sending,
                edited: false,
                attachment: saved.file(*id),
            })
            .collect();
        Self {
            channel,
            open,
            link: RwSignal::new(Link::Idle),
            lines: RwSignal::new(lines),
            unread: RwSignal::new(0),
            typing: RwSignal::new(None),
            ended: RwSignal::new(false),
            ended_id: StoredValue::new(None),
            rated: RwSignal::new(false),
            listing: RwSignal::new(false),
            list: RwSignal::new(None),
            saved: StoredValue::new(saved),
            last_seq: StoredValue::new(None),
            api,
            fired: StoredValue::new(None),
            online: RwSignal::new(online),
            left: RwSignal::new(None),
            form_refused: RwSignal::new(None),
            queue: RwSignal::new(None),
            team_read: RwSignal::new(Seq(0)),
            seen_upto: RwSignal::new(None),
        }
    }

    fn persist(&self, change: impl FnOnce(&mut Saved)) {
        self.saved.update_value(change);
        self.saved.with_value(|s| saved::store(self.channel, s));
    }

    /// Whether a socket is worth keeping: a conversation, queued messages,
    /// or the window is open (it shows whether anyone is online).
    pub fn wants_socket(&self) -> bool {
        self.open.get_untracked()
            || self
                .saved
                .with_value(|s| s.conversation_id.is_some() || !s.outbox.is_empty())
    }

    /// Queues a message; it stays in storage until acknowledged.
    pub fn queue(&self, id: MessageId, body: String, attachment: Option<WireAttachment>) {
        self.persist(|s| {
            s.outbox.push((id, body.clone()));
            s.files.extend(attachment.clone().map(|a| (id, a)));
        });
        self.lines.update(|l| {
            l.push(Line {
                id,
                seq: None,
                operator: None,
                body,
                delivery: Delivery::Sending,
                edited: false,
                attachment,
            })
        });
    }

    /// Queues the offline form's message; its contact travels with it
    /// until acknowledged.
    pub fn leave(&self, id: MessageId, name: String, email: String, body: String) {
        self.persist(|s| s.contact = Some((id, name, email.clone())));
        self.left.set(Some(email));
        self.queue(id, body, None);
    }

    /// Whether the offline form replaces the composer: nobody is online and
    /// the visitor has no conversation going.
    pub fn offline_form(&self) -> bool {
        !self.online.get()
            && self.lines.with(Vec::is_empty)
            && !self.listing.get()
            && self.saved.with_value(|s| s.conversation_id.is_none())
    }

    /// Shows a trigger's message in the channel's name (`title`), unless
    /// the visitor is in a conversation or has written already.
    pub fn fire_trigger(&self, trigger: u32, message: String, title: String) -> bool {
        // Nobody online to answer: the offline form stays.
        let busy = !self.online.get_untracked()
            || self.saved.with_value(|s| s.conversation_id.is_some())
            || self.lines.with_untracked(|l| !l.is_empty())
            || self.fired.get_value().is_some();
        let Some(line_id) = new_id().filter(|_| !busy) else {
            return false;
        };
        self.fired.set_value(Some((trigger, line_id)));
        self.lines.update(|l| {
            l.push(Line {
                id: line_id,
                seq: None,
                operator: Some(title),
                body: message,
                delivery: Delivery::Sent,
                edited: false,
                attachment: None,
            })
        });
        true
    }

    /// The visitor answers with message `before`: a trigger on screen is
    /// sent first, under the id the server will store it with.
    pub fn answer_trigger(&self, before: MessageId) -> Option<(u32, MessageId)> {
        let (trigger, line) = self.fired.get_value()?;
        self.fired.set_value(None);
        let stored = trigger_message_id(before);
        self.lines.update(|l| {
            if let Some(x) = l.iter_mut().find(|x| x.id == line) {
                x.id = stored;
            }
        });
        self.persist(|s| s.trigger = Some((trigger, before)));
        Some((trigger, before))
    }

    /// Whether the conversation has started (a committed line).
    pub fn started(&self) -> bool {
        self.lines.with(|l| l.iter().any(|x| x.seq.is_some()))
    }

    /// A failed line, tried again with the same id.
    pub fn requeue(&self, line: &Line) {
        self.persist(|s| {
            if !s.outbox.iter().any(|(id, _)| *id == line.id) {
                s.outbox.push((line.id, line.body.clone()));
                s.files
                    .extend(line.attachment.clone().map(|a| (line.id, a)));
            }
        });
        self.set_delivery(line.id, Delivery::Sending);
    }

    pub fn set_delivery(&self, id: MessageId, delivery: Delivery) {
        self.lines.update(|l| {
            if let Some(line) = l.iter_mut().find(|x| x.id == id) {
                line.delivery = delivery;
            }
        });
    }

    /// The visitor has the conversation on screen up to the newest message.
    pub fn mark_seen(&self) {
        self.unread.set(0);
        let last = self.last_seq.get_value();
        // A hidden page's open window is not read: the receipt waits.
        if crate::page_visible() && self.seen_upto.get_untracked() != last {
            self.seen_upto.set(last);
        }
        if self.saved.with_value(|s| s.seen != last) {
            self.persist(|s| s.seen = last);
        }
    }

    /// Forgets the ended conversation; the next message starts a new one.
    pub fn start_over(&self) {
        self.forget_reads();
        self.ended.set(false);
        self.ended_id.set_value(None);
        self.rated.set(false);
        self.last_seq.set_value(None);
        self.lines.update(|l| l.retain(|x| x.seq.is_none()));
    }

    /// The connection now shows `id` (or no conversation): its messages
    /// follow from the server.
    pub fn switched(&self, id: Option<ConversationId>) {
        self.persist(|s| {
            s.conversation_id = id;
            s.seen = None;
        });
        self.last_seq.set_value(None);
        self.forget_reads();
        self.lines.update(|l| l.retain(|x| x.seq.is_none()));
        self.typing.set(None);
        self.ended.set(false);
        self.ended_id.set_value(None);
        self.rated.set(false);
        self.listing.set(false);
    }

    fn forget_reads(&self) {
        self.team_read.set(Seq(0));
        self.seen_upto.set(None);
    }

    /// Applies a frame; returns whether the socket should reconnect afresh.
    pub fn apply(&self, frame: ServerFrame) -> bool {
        match frame {
            ServerFrame::Availability { online } => {
                self.online.set(online);
                if !online {
                    // Nobody to wait for: the line is gone until they return.
                    self.queue.set(None);
                }
            }
            ServerFrame::Queue { position } => self.queue.set(position),
            ServerFrame::Read {
                conversation_id,
                seq,
            } => {
                if self
                    .saved
                    .with_value(|s| s.conversation_id == Some(conversation_id))
                {
                    self.team_read.update(|r| *r = (*r).max(seq));
                }
            }
            ServerFrame::Welcome {
                token,
                conversation_id,
                online,
            } => {
                self.online.set(online);
                self.persist(|s| {
                    s.token = Some(token);
                    s.conversation_id = conversation_id;
                });
                if conversation_id.is_none() {
                    self.last_seq.set_value(None);
                    self.persist(|s| s.seen = None);
                    self.forget_reads();
                }
            }
            ServerFrame::Message { message } => {
                let seq = message.seq;
                if self.last_seq.get_value().is_some_and(|s| s >= seq) {
                    return false;
                }
                self.last_seq.set_value(Some(seq));
                let operator = match message.author {
                    WireAuthor::Visitor => None,
                    WireAuthor::Operator { name } => Some(name),
                };
                if let Some(name) = &operator {
                    // An operator who answers has read what came before.
                    self.team_read.update(|r| *r = (*r).max(seq));
                    self.typing.set(None);
                    if self.saved.with_value(|s| s.seen < Some(seq)) {
                        self.api.message("operator", Some(name), &message.body);
                    }
                }
                if self.open.get_untracked() {
                    self.mark_seen();
                } else if operator.is_some() && self.saved.with_value(|s| s.seen < Some(seq)) {
                    self.unread.update(|n| *n += 1);
                }
                let line = Line {
                    id: message.id,
                    seq: Some(seq),
                    operator,
                    body: message.body,
                    delivery: Delivery::Sent,
                    edited: message.edited_at.is_some(),
                    attachment: message.attachment,
                };
                self.lines.update(|l| {
                    l.retain(|x| x.id != line.id);
                    let at = l.iter().position(|x| x.seq.is_none_or(|s| s > seq));
                    l.insert(at.unwrap_or(l.len()), line);
                });
            }
            ServerFrame::Edited { message } => self.lines.update(|l| {
                if let Some(x) = l.iter_mut().find(|x| x.id == message.id) {
                    x.body = message.body;
                    x.edited = true;
                }
            }),
            ServerFrame::Ack {
                message_id,
                conversation_id,
                ..
            } => {
                self.persist(|s| {
                    s.outbox.retain(|(id, _)| *id != message_id);
                    s.files.retain(|(id, _)| *id != message_id);
                    s.conversation_id = Some(conversation_id);
                    if s.trigger.is_some_and(|(_, before)| before == message_id) {
                        s.trigger = None;
                    }
                    if s.contact.as_ref().is_some_and(|c| c.0 == message_id) {
                        s.contact = None;
                    }
                });
                self.ended.set(false);
                let sent = self.lines.with_untracked(|l| {
                    l.iter()
                        .find(|x| x.id == message_id && x.delivery != Delivery::Sent)
                        .map(|x| x.body.clone())
                });
                if let Some(body) = sent {
                    self.api.message("visitor", None, &body);
                }
                self.set_delivery(message_id, Delivery::Sent);
            }
            ServerFrame::Typing { name, typing, .. } => {
                self.typing.set(typing.then(|| (name, js_sys::Date::now())));
            }
            ServerFrame::Ended { conversation_id } => {
                self.queue.set(None);
                self.ended_id.set_value(Some(conversation_id));
                self.rated.set(false);
                self.persist(|s| {
                    s.conversation_id = None;
                    s.seen = None;
                });
                self.typing.set(None);
                self.ended.set(true);
            }
            ServerFrame::Identified { token, .. } => {
                // The identity is someone first seen on another device:
                // this browser speaks for them from now on.
                if let Some(token) = token {
                    self.persist(|s| s.token = Some(token));
                }
            }
            ServerFrame::Conversations { conversations } => self.list.set(Some(conversations)),
            ServerFrame::Switched { conversation_id } => self.switched(conversation_id),
            ServerFrame::Rated { conversation_id } => {
                if self.ended_id.get_value() == Some(conversation_id) {
                    self.rated.set(true);
                }
            }
            ServerFrame::Resync { .. } => return true,
            ServerFrame::Error {
                code,
                message,
                message_id,
            } => match (code, message_id) {
                (LiveErrorCode::BadToken, _) => {
                    self.persist(|s| {
                        s.token = None;
                        s.conversation_id = None;
                    });
                    return true;
                }
                (LiveErrorCode::InvalidMessage, Some(id))
                    if self
                        .saved
                        .with_value(|s| s.contact.as_ref().is_some_and(|c| c.0 == id)) =>
                {
                    // The form's contact or text was refused: the form
                    // comes back with the text, to be corrected.
                    let body = self
                        .lines
                        .with_untracked(|l| l.iter().find(|x| x.id == id).map(|x| x.body.clone()));
                    self.persist(|s| {
                        s.outbox.retain(|(x, _)| *x != id);
                        s.contact = None;
                    });
                    self.lines.update(|l| l.retain(|x| x.id != id));
                    self.left.set(None);
                    self.form_refused
                        .set(Some((body.unwrap_or_default(), message)));
                }
                (_, Some(id)) => {
                    if code == LiveErrorCode::InvalidMessage {
                        // Never acceptable as it is: stop resending it.
                        self.persist(|s| {
                            s.outbox.retain(|(x, _)| *x != id);
                            s.files.retain(|(x, _)| *x != id);
                        });
                        self.set_delivery(id, Delivery::Refused(message));
                    } else {
                        self.set_delivery(id, Delivery::Failed(message));
                    }
                }
                (_, None) => {}
            },
        }
        false
    }
}

pub fn new_id() -> Option<MessageId> {
    web_sys::window()?.crypto().ok()?.random_uuid().parse().ok()
}
