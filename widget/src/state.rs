//! The visitor's chat window as plain data, and how each server frame and
//! each thing the visitor does changes it. `State::apply` returns what the
//! browser should then do (frames to send, storage to write, page events);
//! it touches no browser API, so the rules are unit-tested on the host. The
//! shell (widget/src/chat.rs) keeps one `State` and carries out
//! the `Out`s.
//!
//! Lines with a `seq` are committed and kept in `seq` order; the visitor's
//! unacknowledged lines follow them.

use crate::saved::Saved;
use parlor_protocol::live::{
    trigger_message_id, LiveErrorCode, Rating, ServerFrame, VisitorConversation, VisitorFrame,
    WireAuthor, TYPING_TIMEOUT_SECS,
};
use parlor_protocol::{ChannelId, ConversationId, MessageId, Seq, WireAttachment};

/// "Typing" is repeated this often while the visitor types, and ends after
/// this long a pause (ms).
const TYPING_REPEAT_MS: f64 = 2_000.0;
const TYPING_PAUSE_MS: f64 = 3_000.0;

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

/// What the page tells on each connection, after `hello`'s own fields.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Hello {
    pub page_url: Option<String>,
    pub referrer: Option<String>,
    pub language: Option<String>,
    pub time_zone: Option<String>,
    /// `Parlor.identify` and custom fields, said again on every connection.
    pub page_frames: Vec<VisitorFrame>,
}

/// Something that happened: a frame from the server, the socket, the clock,
/// or the visitor.
#[derive(Clone, Debug, PartialEq)]
pub enum Event {
    Frame(ServerFrame),
    /// The socket is being opened, or it closed (or could not open).
    Link(Link),
    /// The socket is open: `hello`, then everything not yet acknowledged.
    Connected(Hello),
    /// The window opens or closes; `focus` says whether it takes the focus
    /// (not when a rule's timer or a trigger opens it).
    Open {
        open: bool,
        focus: bool,
    },
    /// Opens the window without the focus, unless it is open already.
    OpenQuietly,
    /// The host page was hidden or shown again.
    Visible(bool),
    /// Once a second (ms since the epoch).
    Tick(f64),
    /// The composer's text changed (a keystroke at `now`, ms).
    Typed {
        text: String,
        now: f64,
    },
    /// The offline form's fields changed: its message, name, email.
    Draft(String),
    Name(String),
    Email(String),
    /// The composer's text goes as message `id`.
    Send(MessageId),
    /// A failed message, sent again with its id.
    Retry(MessageId),
    /// The offline form's draft goes, with name and email, as message `id`.
    Leave(MessageId),
    /// A file started uploading.
    Upload(String),
    /// The upload ended: the file goes with the draft as message `id`, or
    /// why it could not be stored.
    Uploaded {
        id: Option<MessageId>,
        result: Result<WireAttachment, String>,
    },
    /// A department for the next conversation.
    Department(u32),
    /// A trigger's message, in the channel's name `title`, as line `line`.
    Trigger {
        trigger: u32,
        message: String,
        title: String,
        line: MessageId,
    },
    End,
    Rate {
        rating: Rating,
        comment: String,
    },
    /// After an end: the next message starts a new conversation.
    StartOver,
    /// The list of conversations is shown or hidden ("multiple" mode).
    ToggleList,
    /// Open one of the visitor's conversations.
    Switch(ConversationId),
    /// Start a new conversation from the list.
    NewConversation,
}

/// What the browser does after an event.
#[derive(Clone, Debug, PartialEq)]
pub enum Out {
    /// Send now if connected; otherwise it is not needed later.
    Send(VisitorFrame),
    /// A queued message: send now, or connect (`hello` resends the outbox).
    Deliver(VisitorFrame),
    /// Open a socket unless one is open.
    Connect,
    /// Drop the socket and connect afresh.
    Reconnect,
    /// Write `saved` to storage.
    Save,
    /// The page's `message` event: who wrote (`visitor`/`operator`), the
    /// operator's name, the text.
    Emit {
        from: &'static str,
        name: Option<String>,
        body: String,
    },
}

/// Everything the window renders.
#[derive(Clone, Debug, PartialEq)]
pub struct State {
    pub channel: ChannelId,
    pub open: bool,
    /// Opening moves the focus into the window.
    pub focus_on_open: bool,
    /// The host page is on screen: an open window in a hidden tab is not
    /// read yet.
    pub visible: bool,
    pub link: Link,
    pub lines: Vec<Line>,
    /// Operator messages that arrived while the window was closed.
    pub unread: u32,
    /// The name of the operator typing right now.
    pub typing: Option<String>,
    /// Ticks since their last `typing` frame.
    typing_age: u32,
    pub ended: bool,
    /// The conversation that ended, for its rating.
    pub ended_id: Option<ConversationId>,
    /// Its rating was stored.
    pub rated: bool,
    /// The list of the visitor's conversations is on screen ("multiple"
    /// mode); `list` is `None` until the server sends it.
    pub listing: bool,
    pub list: Option<Vec<VisitorConversation>>,
    pub saved: Saved,
    pub last_seq: Option<Seq>,
    /// A trigger shown on this page and not answered yet: its id and the
    /// id of its line.
    pub fired: Option<(u32, MessageId)>,
    /// Whether an operator of the channel is online (else the offline form).
    pub online: bool,
    /// The email the offline form was left with, for the thanks note.
    pub left: Option<String>,
    /// The offline form's message the server refused (its text, and why):
    /// the form comes back with it.
    pub form_refused: Option<(String, String)>,
    /// The offline form's name and email (kept while it is hidden: a
    /// refused message brings it back, to be corrected).
    pub name: String,
    pub email: String,
    /// The offline form's name or email does not look right.
    pub bad_contact: bool,
    /// The visitor's place in line while every operator is busy.
    pub queue: Option<u32>,
    /// How far the team has read the conversation (their read receipt).
    pub team_read: Seq,
    /// The newest message the visitor has had on screen, for the read
    /// receipt.
    pub seen_upto: Option<Seq>,
    /// The text being written, shared by the composer and the offline form
    /// (if an operator comes online meanwhile, it moves to the composer).
    pub draft: String,
    /// When "typing" was last sent, while the visitor types.
    typing_at: Option<f64>,
    last_key: f64,
    /// The channel has several departments: one is picked before writing.
    pub several_departments: bool,
    /// The file on its way up, or why the last one was refused.
    pub uploading: Option<String>,
    pub file_error: Option<String>,
}

impl State {
    /// The window as a page load finds it: the saved outbox shows as lines
    /// being sent.
    pub fn new(channel: ChannelId, saved: Saved, online: bool, open: bool) -> Self {
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
            focus_on_open: true,
            visible: true,
            link: Link::Idle,
            lines,
            unread: 0,
            typing: None,
            typing_age: 0,
            ended: false,
            ended_id: None,
            rated: false,
            listing: false,
            list: None,
            saved,
            last_seq: None,
            fired: None,
            online,
            left: None,
            form_refused: None,
            name: String::new(),
            email: String::new(),
            bad_contact: false,
            queue: None,
            team_read: Seq(0),
            seen_upto: None,
            draft: String::new(),
            typing_at: None,
            last_key: 0.0,
            several_departments: false,
            uploading: None,
            file_error: None,
        }
    }

    /// Whether a socket is worth keeping: a conversation, queued messages,
    /// or the window is open (it shows whether anyone is online).
    pub fn wants_socket(&self) -> bool {
        self.open || self.saved.conversation_id.is_some() || !self.saved.outbox.is_empty()
    }

    /// Whether the offline form replaces the composer: nobody is online and
    /// the visitor has no conversation going.
    pub fn offline_form(&self) -> bool {
        !self.online
            && self.lines.is_empty()
            && !self.listing
            && self.saved.conversation_id.is_none()
    }

    /// Whether the conversation has started (a committed line).
    pub fn started(&self) -> bool {
        self.lines.iter().any(|x| x.seq.is_some())
    }

    /// The department picker shows: several departments, and no
    /// conversation yet.
    pub fn picking(&self) -> bool {
        self.several_departments && !self.started()
    }

    /// Nothing can be sent until a department is picked.
    pub fn must_pick(&self) -> bool {
        self.picking() && self.saved.department.is_none()
    }

    /// The send buttons are off: nothing written, or no department yet.
    pub fn cannot_send(&self) -> bool {
        self.draft.trim().is_empty() || self.must_pick()
    }

    /// Whether the visitor may end the conversation: there is one (a
    /// trigger's message alone is not a conversation yet) and it is going.
    pub fn may_end(&self) -> bool {
        self.lines
            .iter()
            .any(|x| x.seq.is_some() || x.operator.is_none())
            && !self.ended
    }

    /// Whether a file may be uploaded now.
    pub fn may_attach(&self) -> bool {
        !self.offline_form() && self.uploading.is_none() && !self.must_pick()
    }

    /// Applies one event; returns what the browser should do, in order.
    pub fn apply(&mut self, event: Event) -> Vec<Out> {
        let before = self.saved.clone();
        let mut out = Vec::new();
        self.step(event, &mut out);
        if self.saved != before {
            out.push(Out::Save);
        }
        out
    }

    fn step(&mut self, event: Event, out: &mut Vec<Out>) {
        match event {
            Event::Frame(frame) => self.frame(frame, out),
            Event::Link(link) => self.link = link,
            Event::Connected(hello) => self.hello(hello, out),
            Event::Open { open, focus } => self.set_open(open, focus, out),
            Event::OpenQuietly => {
                if !self.open {
                    self.set_open(true, false, out);
                }
            }
            Event::Visible(visible) => {
                self.visible = visible;
                // Coming back to a tab whose window is open reads what
                // arrived.
                if self.open {
                    self.mark_seen(out);
                }
            }
            Event::Tick(now) => {
                if self.typing_at.is_some() && now - self.last_key > TYPING_PAUSE_MS {
                    self.stop_typing(out);
                }
                if self.typing.is_some() {
                    self.typing_age += 1;
                    // Ticks come once a second: this one is past the timeout.
                    if self.typing_age > TYPING_TIMEOUT_SECS {
                        self.typing = None;
                    }
                }
            }
            Event::Typed { text, now } => {
                self.draft = text;
                self.last_key = now;
                if self.typing_at.is_none_or(|at| now - at > TYPING_REPEAT_MS) {
                    self.typing_at = Some(now);
                    out.push(Out::Send(VisitorFrame::Typing { typing: true }));
                }
            }
            Event::Draft(text) => self.draft = text,
            Event::Name(text) => self.name = text,
            Event::Email(text) => self.email = text,
            Event::Send(id) => self.send(id, None, out),
            Event::Retry(id) => {
                let Some(line) = self.lines.iter().find(|x| x.id == id).cloned() else {
                    return;
                };
                if !self.saved.outbox.iter().any(|(x, _)| *x == id) {
                    self.saved.outbox.push((id, line.body.clone()));
                    self.saved.files.extend(line.attachment.map(|a| (id, a)));
                }
                self.set_delivery(id, Delivery::Sending);
                out.push(Out::Deliver(self.message_frame(id, line.body)));
            }
            Event::Leave(id) => {
                let body = self.draft.trim().to_string();
                let (name, email) = (self.name.trim().to_string(), self.email.trim().to_string());
                let looks_right = !name.is_empty() && looks_like_email(&email);
                self.bad_contact = !looks_right;
                self.form_refused = None;
                if !looks_right || body.is_empty() || self.must_pick() {
                    return;
                }
                self.saved.contact = Some((id, name, email.clone()));
                self.left = Some(email);
                self.queue(id, body.clone(), None);
                out.push(Out::Deliver(self.message_frame(id, body)));
                self.draft.clear();
            }
            Event::Upload(name) => {
                self.file_error = None;
                self.uploading = Some(name);
            }
            Event::Uploaded { id, result } => {
                self.uploading = None;
                match result {
                    Ok(file) => {
                        if let Some(id) = id {
                            self.send(id, Some(file), out);
                        }
                    }
                    Err(why) => self.file_error = Some(why),
                }
            }
            Event::Department(id) => {
                self.saved.department = Some(id);
                out.push(Out::Send(VisitorFrame::Department { id }));
            }
            Event::Trigger {
                trigger,
                message,
                title,
                line,
            } => {
                // Nobody online to answer: the offline form stays. Nor
                // during a conversation, or once the visitor has written.
                let busy = !self.online
                    || self.saved.conversation_id.is_some()
                    || !self.lines.is_empty()
                    || self.fired.is_some();
                if busy {
                    return;
                }
                self.fired = Some((trigger, line));
                self.lines.push(Line {
                    id: line,
                    seq: None,
                    operator: Some(title),
                    body: message,
                    delivery: Delivery::Sent,
                    edited: false,
                    attachment: None,
                });
                if !self.open {
                    self.set_open(true, false, out);
                }
            }
            Event::End => out.push(Out::Send(VisitorFrame::End)),
            Event::Rate { rating, comment } => {
                if let Some(conversation_id) = self.ended_id {
                    out.push(Out::Send(VisitorFrame::Rate {
                        conversation_id,
                        rating,
                        comment,
                    }));
                }
            }
            Event::StartOver => {
                self.forget_reads();
                self.ended = false;
                self.ended_id = None;
                self.rated = false;
                self.last_seq = None;
                self.lines.retain(|x| x.seq.is_none());
            }
            Event::ToggleList => {
                if self.listing {
                    self.listing = false;
                    return;
                }
                self.listing = true;
                // A new visitor has no conversations to list.
                self.list = self.saved.token.is_none().then(Vec::new);
                if self.saved.token.is_some() {
                    out.push(Out::Connect);
                }
                if self.link == Link::Online {
                    out.push(Out::Send(VisitorFrame::List));
                }
            }
            Event::Switch(id) => out.push(Out::Send(VisitorFrame::Switch {
                conversation_id: Some(id),
                last_seq: None,
            })),
            Event::NewConversation => {
                out.push(Out::Send(VisitorFrame::Switch {
                    conversation_id: None,
                    last_seq: None,
                }));
                self.switched(None);
            }
        }
    }

    fn set_open(&mut self, open: bool, focus: bool, out: &mut Vec<Out>) {
        self.focus_on_open = focus;
        self.open = open;
        if open {
            // An open window follows whether anyone is online (chat or
            // offline form), so it connects.
            out.push(Out::Connect);
            self.mark_seen(out);
        }
    }

    /// The socket opened: `hello` with what was saved, then what the page
    /// told, the department, a trigger answered, and every unacknowledged
    /// message with its original id.
    fn hello(&mut self, hello: Hello, out: &mut Vec<Out>) {
        self.link = Link::Online;
        let conversation_id = self.saved.conversation_id;
        out.push(Out::Send(VisitorFrame::Hello {
            channel_id: self.channel,
            token: self.saved.token.clone(),
            conversation_id,
            last_seq: conversation_id.and(self.last_seq),
            page_url: hello.page_url,
            referrer: hello.referrer,
            language: hello.language,
            time_zone: hello.time_zone,
        }));
        // Identity first: the outbox may then join the visitor's history.
        out.extend(hello.page_frames.into_iter().map(Out::Send));
        if let Some(id) = self.saved.department.filter(|_| conversation_id.is_none()) {
            out.push(Out::Send(VisitorFrame::Department { id }));
        }
        // A trigger's message goes before the answer it got.
        if let Some((trigger_id, before)) = self.saved.trigger {
            out.push(Out::Send(VisitorFrame::Triggered { trigger_id, before }));
        }
        for (id, body) in self.saved.outbox.clone() {
            self.set_delivery(id, Delivery::Sending);
            out.push(Out::Send(self.message_frame(id, body)));
        }
        // The list is asked for again, and the read receipt said again (the
        // server ignores what it has).
        if self.listing {
            out.push(Out::Send(VisitorFrame::List));
        }
        if let Some(seq) = self.seen_upto {
            out.push(Out::Send(VisitorFrame::Read { seq }));
        }
    }

    /// A queued message as it goes out: the offline form's travels with
    /// its contact until acknowledged.
    fn message_frame(&self, message_id: MessageId, body: String) -> VisitorFrame {
        match &self.saved.contact {
            Some((id, name, email)) if *id == message_id => VisitorFrame::LeaveMessage {
                message_id,
                name: name.clone(),
                email: email.clone(),
                body,
            },
            _ => VisitorFrame::Send {
                message_id,
                body,
                attachment: self.saved.file(message_id).map(|a| a.id),
            },
        }
    }

    /// The draft (and `file`) as message `id`.
    fn send(&mut self, id: MessageId, file: Option<WireAttachment>, out: &mut Vec<Out>) {
        let body = self.draft.trim().to_string();
        if (body.is_empty() && file.is_none()) || self.must_pick() {
            return;
        }
        self.stop_typing(out);
        // A trigger on screen is sent first, under the id the server will
        // store it with.
        if let Some((trigger_id, line)) = self.fired.take() {
            let stored = trigger_message_id(id);
            if let Some(x) = self.lines.iter_mut().find(|x| x.id == line) {
                x.id = stored;
            }
            self.saved.trigger = Some((trigger_id, id));
            out.push(Out::Send(VisitorFrame::Triggered {
                trigger_id,
                before: id,
            }));
        }
        self.queue(id, body.clone(), file);
        out.push(Out::Deliver(self.message_frame(id, body)));
        self.draft.clear();
    }

    /// Queues a message; it stays in storage until acknowledged.
    fn queue(&mut self, id: MessageId, body: String, attachment: Option<WireAttachment>) {
        self.saved.outbox.push((id, body.clone()));
        self.saved.files.extend(attachment.clone().map(|a| (id, a)));
        self.lines.push(Line {
            id,
            seq: None,
            operator: None,
            body,
            delivery: Delivery::Sending,
            edited: false,
            attachment,
        });
    }

    fn stop_typing(&mut self, out: &mut Vec<Out>) {
        if self.typing_at.take().is_some() {
            out.push(Out::Send(VisitorFrame::Typing { typing: false }));
        }
    }

    fn set_delivery(&mut self, id: MessageId, delivery: Delivery) {
        if let Some(line) = self.lines.iter_mut().find(|x| x.id == id) {
            line.delivery = delivery;
        }
    }

    /// The visitor has the conversation on screen up to the newest message.
    fn mark_seen(&mut self, out: &mut Vec<Out>) {
        self.unread = 0;
        let last = self.last_seq;
        // A hidden page's open window is not read: the receipt waits.
        if self.visible && self.seen_upto != last {
            self.seen_upto = last;
            if let (Some(seq), Link::Online) = (last, self.link) {
                out.push(Out::Send(VisitorFrame::Read { seq }));
            }
        }
        self.saved.seen = last;
    }

    /// The connection now shows `id` (or no conversation): its messages
    /// follow from the server.
    fn switched(&mut self, id: Option<ConversationId>) {
        self.saved.conversation_id = id;
        self.saved.seen = None;
        self.last_seq = None;
        self.forget_reads();
        self.lines.retain(|x| x.seq.is_none());
        self.typing = None;
        self.ended = false;
        self.ended_id = None;
        self.rated = false;
        self.listing = false;
    }

    fn forget_reads(&mut self) {
        self.team_read = Seq(0);
        self.seen_upto = None;
    }

    fn frame(&mut self, frame: ServerFrame, out: &mut Vec<Out>) {
        match frame {
            ServerFrame::Availability { online } => {
                self.online = online;
                if !online {
                    // Nobody to wait for: the line is gone until they return.
                    self.queue = None;
                }
            }
            ServerFrame::Queue { position } => self.queue = position,
            ServerFrame::Read {
                conversation_id,
                seq,
            } => {
                if self.saved.conversation_id == Some(conversation_id) {
                    self.team_read = self.team_read.max(seq);
                }
            }
            ServerFrame::Welcome {
                token,
                conversation_id,
                online,
            } => {
                self.online = online;
                self.saved.token = Some(token);
                self.saved.conversation_id = conversation_id;
                if conversation_id.is_none() {
                    self.last_seq = None;
                    self.saved.seen = None;
                    self.forget_reads();
                }
            }
            ServerFrame::Message { message } => {
                let seq = message.seq;
                // A replayed or repeated message: already shown.
                if self.last_seq.is_some_and(|s| s >= seq) {
                    return;
                }
                self.last_seq = Some(seq);
                let operator = match message.author {
                    WireAuthor::Visitor => None,
                    WireAuthor::Operator { name } => Some(name),
                };
                let new = self.saved.seen < Some(seq);
                if let Some(name) = &operator {
                    // An operator who answers has read what came before.
                    self.team_read = self.team_read.max(seq);
                    self.typing = None;
                    if new {
                        out.push(Out::Emit {
                            from: "operator",
                            name: Some(name.clone()),
                            body: message.body.clone(),
                        });
                    }
                }
                if self.open {
                    self.mark_seen(out);
                } else if operator.is_some() && new {
                    self.unread += 1;
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
                // The visitor's own line, acknowledged or not, moves to its
                // place.
                self.lines.retain(|x| x.id != line.id);
                let at = self
                    .lines
                    .iter()
                    .position(|x| x.seq.is_none_or(|s| s > seq));
                self.lines.insert(at.unwrap_or(self.lines.len()), line);
            }
            ServerFrame::Edited { message } => {
                if let Some(x) = self.lines.iter_mut().find(|x| x.id == message.id) {
                    x.body = message.body;
                    x.edited = true;
                }
            }
            ServerFrame::Ack {
                message_id,
                conversation_id,
                ..
            } => {
                let s = &mut self.saved;
                s.outbox.retain(|(id, _)| *id != message_id);
                s.files.retain(|(id, _)| *id != message_id);
                s.conversation_id = Some(conversation_id);
                if s.trigger.is_some_and(|(_, before)| before == message_id) {
                    s.trigger = None;
                }
                if s.contact.as_ref().is_some_and(|c| c.0 == message_id) {
                    s.contact = None;
                }
                self.ended = false;
                // A repeated ack (after a resend) tells the page once.
                let sent = self
                    .lines
                    .iter()
                    .find(|x| x.id == message_id && x.delivery != Delivery::Sent);
                if let Some(line) = sent {
                    out.push(Out::Emit {
                        from: "visitor",
                        name: None,
                        body: line.body.clone(),
                    });
                }
                self.set_delivery(message_id, Delivery::Sent);
            }
            ServerFrame::Typing { name, typing, .. } => {
                self.typing = typing.then_some(name);
                self.typing_age = 0;
            }
            ServerFrame::Ended { conversation_id } => {
                self.queue = None;
                self.ended_id = Some(conversation_id);
                self.rated = false;
                self.saved.conversation_id = None;
                self.saved.seen = None;
                self.typing = None;
                self.ended = true;
            }
            ServerFrame::Identified { token, .. } => {
                // The identity is someone first seen on another device:
                // this browser speaks for them from now on.
                if let Some(token) = token {
                    self.saved.token = Some(token);
                }
            }
            ServerFrame::Conversations { conversations } => self.list = Some(conversations),
            ServerFrame::Switched { conversation_id } => self.switched(conversation_id),
            ServerFrame::Rated { conversation_id } => {
                if self.ended_id == Some(conversation_id) {
                    self.rated = true;
                }
            }
            ServerFrame::Resync {
                conversation_id,
                last_seq: Some(newest),
            } if self.saved.conversation_id == Some(conversation_id) => {
                // The server's database went back to an earlier point: what
                // came after its newest message is gone there, and new
                // messages will take those numbers.
                self.lines.retain(|l| l.seq.is_none_or(|seq| seq <= newest));
                self.last_seq = self.last_seq.map(|s| s.min(newest));
                self.saved.seen = self.saved.seen.map(|s| s.min(newest));
                out.push(Out::Reconnect);
            }
            ServerFrame::Resync { .. } => out.push(Out::Reconnect),
            ServerFrame::Error {
                code,
                message,
                message_id,
            } => self.error(code, message, message_id, out),
        }
    }

    fn error(
        &mut self,
        code: LiveErrorCode,
        message: String,
        message_id: Option<MessageId>,
        out: &mut Vec<Out>,
    ) {
        match (code, message_id) {
            (LiveErrorCode::BadToken, _) => {
                self.saved.token = None;
                self.saved.conversation_id = None;
                out.push(Out::Reconnect);
            }
            (LiveErrorCode::InvalidMessage, Some(id))
                if self.saved.contact.as_ref().is_some_and(|c| c.0 == id) =>
            {
                // The form's contact or text was refused: the form comes
                // back with the text, to be corrected.
                let body = self
                    .lines
                    .iter()
                    .find(|x| x.id == id)
                    .map(|x| x.body.clone())
                    .unwrap_or_default();
                self.saved.outbox.retain(|(x, _)| *x != id);
                self.saved.contact = None;
                self.lines.retain(|x| x.id != id);
                self.left = None;
                self.draft = body.clone();
                self.form_refused = Some((body, message));
            }
            (LiveErrorCode::InvalidMessage, Some(id)) => {
                // Never acceptable as it is: stop resending it.
                self.saved.outbox.retain(|(x, _)| *x != id);
                self.saved.files.retain(|(x, _)| *x != id);
                self.set_delivery(id, Delivery::Refused(message));
            }
            (_, Some(id)) => self.set_delivery(id, Delivery::Failed(message)),
            (_, None) => {}
        }
    }
}

/// The server's rule (`parlor_domain`'s, which the widget does not link):
/// one `@`, something before it, a dot inside the domain, no spaces.
pub fn looks_like_email(s: &str) -> bool {
    let Some((local, domain)) = s.split_once('@') else {
        return false;
    };
    !local.is_empty()
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !domain.contains('@')
        && !s.contains(char::is_whitespace)
}

#[cfg(test)]
mod tests {
    use super::*;
    use parlor_protocol::live::WireMessage;
    use parlor_protocol::AttachmentId;
    use uuid::Uuid;

    const CHANNEL: ChannelId = ChannelId(Uuid::from_u128(1));
    const CONVERSATION: ConversationId = ConversationId(Uuid::from_u128(2));

    fn id(n: u128) -> MessageId {
        MessageId(Uuid::from_u128(0x100 + n))
    }

    /// A window open on a connected socket, nobody's conversation yet.
    fn window() -> State {
        let mut s = State::new(CHANNEL, Saved::default(), true, false);
        s.apply(Event::Open {
            open: true,
            focus: true,
        });
        s.apply(Event::Connected(Hello::default()));
        s.apply(frame_welcome(None));
        s
    }

    fn frame_welcome(conversation_id: Option<ConversationId>) -> Event {
        Event::Frame(ServerFrame::Welcome {
            token: "t".into(),
            conversation_id,
            online: true,
        })
    }

    fn message(n: u128, seq: u64, author: WireAuthor) -> Event {
        Event::Frame(ServerFrame::Message {
            message: WireMessage {
                id: id(n),
                conversation_id: CONVERSATION,
                seq: Seq(seq),
                author,
                body: format!("m{n}"),
                sent_at: 0,
                edited_at: None,
                attachment: None,
            },
        })
    }

    fn operator(n: u128, seq: u64) -> Event {
        message(n, seq, WireAuthor::Operator { name: "Ann".into() })
    }

    fn ack(n: u128, seq: u64) -> Event {
        Event::Frame(ServerFrame::Ack {
            message_id: id(n),
            conversation_id: CONVERSATION,
            seq: Seq(seq),
        })
    }

    fn write(s: &mut State, text: &str, n: u128) -> Vec<Out> {
        s.apply(Event::Draft(text.into()));
        s.apply(Event::Send(id(n)))
    }

    fn sent(out: &[Out]) -> Vec<VisitorFrame> {
        out.iter()
            .filter_map(|o| match o {
                Out::Send(f) | Out::Deliver(f) => Some(f.clone()),
                _ => None,
            })
            .collect()
    }

    fn bodies(s: &State) -> Vec<(&str, Option<u64>)> {
        s.lines
            .iter()
            .map(|l| (l.body.as_str(), l.seq.map(|q| q.0)))
            .collect()
    }

    fn send_frame(n: u128, body: &str) -> VisitorFrame {
        VisitorFrame::Send {
            message_id: id(n),
            body: body.into(),
            attachment: None,
        }
    }

    #[test]
    fn a_message_is_queued_saved_delivered_and_acknowledged() {
        let mut s = window();
        let out = write(&mut s, "  hello ", 1);
        assert_eq!(
            out,
            [Out::Deliver(send_frame(1, "hello")), Out::Save],
            "trimmed, kept in storage until acknowledged"
        );
        assert_eq!(s.saved.outbox, [(id(1), "hello".to_string())]);
        assert_eq!(s.lines[0].delivery, Delivery::Sending);
        assert!(s.draft.is_empty());
        let out = s.apply(ack(1, 1));
        assert!(s.saved.outbox.is_empty());
        assert_eq!(s.saved.conversation_id, Some(CONVERSATION));
        assert_eq!(s.lines[0].delivery, Delivery::Sent);
        assert_eq!(
            out,
            [
                Out::Emit {
                    from: "visitor",
                    name: None,
                    body: "hello".into()
                },
                Out::Save
            ]
        );
        // The ack of a resend tells the page nothing new.
        assert!(!s
            .apply(ack(1, 1))
            .iter()
            .any(|o| matches!(o, Out::Emit { .. })));
    }

    #[test]
    fn an_empty_draft_is_not_sent() {
        let mut s = window();
        assert!(write(&mut s, "   ", 1).is_empty());
        assert!(s.lines.is_empty());
    }

    #[test]
    fn the_echo_of_an_own_message_takes_its_place_in_seq_order() {
        let mut s = window();
        write(&mut s, "mine", 1);
        write(&mut s, "later", 2);
        // An operator's message is stored before the visitor's two.
        s.apply(operator(9, 1));
        s.apply(message(1, 2, WireAuthor::Visitor));
        assert_eq!(
            bodies(&s),
            [("m9", Some(1)), ("m1", Some(2)), ("later", None)],
            "committed lines in seq order, the unacknowledged one last"
        );
    }

    #[test]
    fn replayed_and_repeated_messages_show_once() {
        let mut s = window();
        for e in [
            operator(1, 1),
            operator(2, 2),
            operator(1, 1),
            operator(2, 2),
        ] {
            s.apply(e);
        }
        assert_eq!(bodies(&s), [("m1", Some(1)), ("m2", Some(2))]);
        // A message behind the newest is taken for one already shown.
        s.apply(operator(3, 2));
        assert_eq!(s.lines.len(), 2);
    }

    #[test]
    fn a_seq_gap_is_accepted_and_the_next_hello_resumes_after_it() {
        let mut s = window();
        s.apply(ack(0, 1));
        s.apply(operator(1, 1));
        s.apply(operator(5, 5));
        assert_eq!(bodies(&s), [("m1", Some(1)), ("m5", Some(5))]);
        s.apply(Event::Link(Link::Offline));
        let out = s.apply(Event::Connected(Hello::default()));
        assert!(
            matches!(
                &sent(&out)[0],
                VisitorFrame::Hello { conversation_id: Some(c), last_seq: Some(Seq(5)), .. }
                    if *c == CONVERSATION
            ),
            "{out:?}"
        );
    }

    #[test]
    fn hello_resends_in_order_identity_department_trigger_then_outbox() {
        let mut s = State::new(CHANNEL, Saved::default(), true, true);
        s.several_departments = true;
        s.apply(Event::Department(3));
        s.apply(Event::Trigger {
            trigger: 7,
            message: "Need help?".into(),
            title: "Acme".into(),
            line: id(50),
        });
        write(&mut s, "one", 1);
        write(&mut s, "two", 2);
        s.apply(Event::Typed {
            text: "x".into(),
            now: 0.0,
        });
        let identify = VisitorFrame::Field {
            key: "plan".into(),
            value: "pro".into(),
        };
        let out = s.apply(Event::Connected(Hello {
            page_url: Some("https://shop.test/".into()),
            page_frames: vec![identify.clone()],
            ..Hello::default()
        }));
        let frames = sent(&out);
        assert!(matches!(
            &frames[0],
            VisitorFrame::Hello {
                token: None,
                conversation_id: None,
                last_seq: None,
                page_url: Some(_),
                ..
            }
        ));
        assert_eq!(
            frames[1..],
            [
                identify,
                VisitorFrame::Department { id: 3 },
                VisitorFrame::Triggered {
                    trigger_id: 7,
                    before: id(1)
                },
                send_frame(1, "one"),
                send_frame(2, "two"),
            ]
        );
        assert_eq!(s.link, Link::Online);
        assert_eq!(
            s.lines[0].id,
            trigger_message_id(id(1)),
            "the trigger's line carries the id the server stores it with"
        );
    }

    #[test]
    fn a_page_load_shows_the_saved_outbox_and_a_failed_line_is_retried() {
        let saved = Saved {
            outbox: vec![(id(1), "queued".into())],
            ..Saved::default()
        };
        let mut s = State::new(CHANNEL, saved, true, false);
        assert!(s.wants_socket(), "queued messages want a socket");
        assert_eq!(bodies(&s), [("queued", None)]);
        s.apply(Event::Frame(ServerFrame::Error {
            code: LiveErrorCode::RateLimited,
            message: "slow down".into(),
            message_id: Some(id(1)),
        }));
        assert_eq!(s.lines[0].delivery, Delivery::Failed("slow down".into()));
        assert_eq!(
            s.saved.outbox.len(),
            1,
            "still queued: a reconnect resends it"
        );
        let out = s.apply(Event::Retry(id(1)));
        assert_eq!(out, [Out::Deliver(send_frame(1, "queued"))]);
        assert_eq!(s.lines[0].delivery, Delivery::Sending);
    }

    #[test]
    fn a_refused_message_leaves_the_outbox() {
        let mut s = window();
        write(&mut s, "x".repeat(5).as_str(), 1);
        s.apply(Event::Frame(ServerFrame::Error {
            code: LiveErrorCode::InvalidMessage,
            message: "too long".into(),
            message_id: Some(id(1)),
        }));
        assert!(s.saved.outbox.is_empty());
        assert_eq!(s.lines[0].delivery, Delivery::Refused("too long".into()));
    }

    #[test]
    fn a_resume_point_beyond_the_conversation_drops_what_the_server_lost() {
        let mut s = window();
        s.apply(frame_welcome(Some(CONVERSATION)));
        for seq in 1..=4 {
            s.apply(operator(seq as u128, seq));
        }
        let out = s.apply(Event::Frame(ServerFrame::Resync {
            conversation_id: CONVERSATION,
            last_seq: Some(Seq(2)),
        }));
        assert_eq!(out, [Out::Reconnect, Out::Save]);
        assert_eq!(s.last_seq, Some(Seq(2)));
        let seqs: Vec<_> = s.lines.iter().filter_map(|l| l.seq).collect();
        assert_eq!(seqs, [Seq(1), Seq(2)]);
        // The new third message is shown, not taken for the old one.
        s.apply(operator(9, 3));
        assert_eq!(s.lines.last().map(|l| l.id), Some(id(9)));
    }

    #[test]
    fn resync_and_a_bad_token_reconnect() {
        let mut s = window();
        let out = s.apply(Event::Frame(ServerFrame::Resync {
            conversation_id: CONVERSATION,
            last_seq: None,
        }));
        assert_eq!(out, [Out::Reconnect]);
        s.apply(ack(1, 1));
        let out = s.apply(Event::Frame(ServerFrame::Error {
            code: LiveErrorCode::BadToken,
            message: "bad token".into(),
            message_id: None,
        }));
        assert_eq!(out, [Out::Reconnect, Out::Save]);
        assert_eq!(
            (s.saved.token.as_deref(), s.saved.conversation_id),
            (None, None)
        );
    }

    #[test]
    fn typing_goes_out_while_writing_and_stops_after_a_pause_or_a_send() {
        let mut s = window();
        let typed = |s: &mut State, now| {
            s.apply(Event::Typed {
                text: "hi".into(),
                now,
            })
        };
        let yes = Out::Send(VisitorFrame::Typing { typing: true });
        let no = Out::Send(VisitorFrame::Typing { typing: false });
        assert_eq!(typed(&mut s, 1_000.0), std::slice::from_ref(&yes));
        assert!(typed(&mut s, 2_000.0).is_empty(), "not repeated at once");
        assert_eq!(typed(&mut s, 3_500.0), [yes]);
        assert!(s.apply(Event::Tick(5_000.0)).is_empty());
        assert_eq!(s.apply(Event::Tick(7_000.0)), std::slice::from_ref(&no));
        assert!(s.apply(Event::Tick(8_000.0)).is_empty(), "said once");
        typed(&mut s, 9_000.0);
        assert_eq!(s.apply(Event::Send(id(1)))[0], no);
    }

    #[test]
    fn an_operators_typing_shows_until_their_message_or_a_timeout() {
        let mut s = window();
        let typing = |on| {
            Event::Frame(ServerFrame::Typing {
                conversation_id: CONVERSATION,
                name: "Ann".into(),
                typing: on,
            })
        };
        s.apply(typing(true));
        assert_eq!(s.typing.as_deref(), Some("Ann"));
        s.apply(operator(1, 1));
        assert_eq!(s.typing, None, "their message ends it");
        s.apply(typing(true));
        for t in 0..TYPING_TIMEOUT_SECS {
            s.apply(Event::Tick(f64::from(t)));
            if t == 2 {
                // A fresh frame restarts the clock.
                s.apply(typing(true));
            }
        }
        assert!(
            s.typing.is_some(),
            "{} ticks since the fresh frame",
            TYPING_TIMEOUT_SECS - 3
        );
        for t in 0..4 {
            s.apply(Event::Tick(f64::from(t)));
        }
        assert_eq!(s.typing, None, "stale");
        s.apply(typing(true));
        s.apply(typing(false));
        assert_eq!(s.typing, None);
    }

    #[test]
    fn read_receipts_both_ways() {
        let mut s = window();
        write(&mut s, "hi", 1);
        s.apply(ack(1, 1));
        s.apply(message(1, 1, WireAuthor::Visitor));
        let read = |seq| {
            Event::Frame(ServerFrame::Read {
                conversation_id: CONVERSATION,
                seq: Seq(seq),
            })
        };
        s.apply(read(1));
        assert_eq!(s.team_read, Seq(1));
        s.apply(read(0));
        assert_eq!(s.team_read, Seq(1), "never backwards");
        // The open window reads an operator's message at once (and says so).
        let out = s.apply(operator(2, 2));
        assert!(out.contains(&Out::Send(VisitorFrame::Read { seq: Seq(2) })));
        assert_eq!(s.team_read, Seq(2), "an answer reads what came before");
        // A hidden page's window does not.
        s.apply(Event::Visible(false));
        let out = s.apply(operator(3, 3));
        assert!(!sent(&out).contains(&VisitorFrame::Read { seq: Seq(3) }));
        let out = s.apply(Event::Visible(true));
        assert_eq!(sent(&out), [VisitorFrame::Read { seq: Seq(3) }]);
        // Said again on the next connection.
        let out = s.apply(Event::Connected(Hello::default()));
        assert_eq!(sent(&out).last(), Some(&VisitorFrame::Read { seq: Seq(3) }));
    }

    #[test]
    fn a_closed_window_counts_unread_operator_messages_until_opened() {
        let mut s = window();
        s.apply(ack(0, 1));
        s.apply(Event::Open {
            open: false,
            focus: true,
        });
        let out = s.apply(operator(1, 1));
        assert_eq!(s.unread, 1);
        assert!(out.contains(&Out::Emit {
            from: "operator",
            name: Some("Ann".into()),
            body: "m1".into()
        }));
        s.apply(message(2, 2, WireAuthor::Visitor));
        assert_eq!(s.unread, 1, "the visitor's own lines are not unread");
        let out = s.apply(Event::Open {
            open: true,
            focus: true,
        });
        assert_eq!(s.unread, 0);
        assert_eq!(s.saved.seen, Some(Seq(2)));
        assert_eq!(out[0], Out::Connect);
    }

    #[test]
    fn the_queue_place_shows_until_someone_answers_or_nobody_is_online() {
        let mut s = window();
        s.apply(Event::Frame(ServerFrame::Queue { position: Some(3) }));
        assert_eq!(s.queue, Some(3));
        s.apply(Event::Frame(ServerFrame::Queue { position: None }));
        assert_eq!(s.queue, None);
        s.apply(Event::Frame(ServerFrame::Queue { position: Some(2) }));
        s.apply(Event::Frame(ServerFrame::Availability { online: false }));
        assert_eq!(s.queue, None);
    }

    fn offline() -> State {
        let mut s = window();
        s.apply(Event::Frame(ServerFrame::Availability { online: false }));
        s
    }

    #[test]
    fn the_offline_form_checks_the_contact_and_sends_leave_message() {
        let mut s = offline();
        assert!(s.offline_form());
        s.apply(Event::Draft("call me".into()));
        let leave = |s: &mut State, name: &str, email: &str| {
            s.apply(Event::Name(name.into()));
            s.apply(Event::Email(email.into()));
            s.apply(Event::Leave(id(1)))
        };
        assert!(leave(&mut s, "Ann", "ann@example").is_empty());
        assert!(s.bad_contact);
        assert!(s.lines.is_empty());
        let out = leave(&mut s, " Ann ", "ann@example.com");
        assert_eq!(
            sent(&out),
            [VisitorFrame::LeaveMessage {
                message_id: id(1),
                name: "Ann".into(),
                email: "ann@example.com".into(),
                body: "call me".into(),
            }]
        );
        assert!(!s.bad_contact);
        assert_eq!(s.left.as_deref(), Some("ann@example.com"));
        assert!(!s.offline_form(), "the thanks note replaces it");
        // Resent as leave_message until acknowledged.
        let out = s.apply(Event::Connected(Hello::default()));
        assert!(matches!(
            sent(&out).last(),
            Some(VisitorFrame::LeaveMessage { .. })
        ));
        s.apply(ack(1, 1));
        assert_eq!(s.saved.contact, None);
    }

    #[test]
    fn a_refused_offline_message_brings_the_form_back_with_its_text() {
        let mut s = offline();
        s.apply(Event::Draft("call me".into()));
        s.apply(Event::Name("Ann".into()));
        s.apply(Event::Email("ann@example.com".into()));
        s.apply(Event::Leave(id(1)));
        s.apply(Event::Frame(ServerFrame::Error {
            code: LiveErrorCode::InvalidMessage,
            message: "email refused".into(),
            message_id: Some(id(1)),
        }));
        assert!(s.offline_form());
        assert_eq!(
            (s.draft.as_str(), s.email.as_str()),
            ("call me", "ann@example.com")
        );
        assert_eq!(
            s.form_refused,
            Some(("call me".into(), "email refused".into()))
        );
        assert_eq!((s.left.as_ref(), s.saved.contact.as_ref()), (None, None));
        assert!(s.saved.outbox.is_empty());
    }

    #[test]
    fn ending_rating_and_starting_over() {
        let mut s = window();
        assert!(!s.may_end());
        write(&mut s, "hi", 1);
        assert!(s.may_end());
        s.apply(ack(1, 1));
        s.apply(message(1, 1, WireAuthor::Visitor));
        assert_eq!(s.apply(Event::End), [Out::Send(VisitorFrame::End)]);
        s.apply(Event::Frame(ServerFrame::Ended {
            conversation_id: CONVERSATION,
        }));
        assert!(s.ended && !s.may_end());
        assert_eq!(s.saved.conversation_id, None);
        let out = s.apply(Event::Rate {
            rating: Rating::Happy,
            comment: "thanks".into(),
        });
        assert_eq!(
            out,
            [Out::Send(VisitorFrame::Rate {
                conversation_id: CONVERSATION,
                rating: Rating::Happy,
                comment: "thanks".into()
            })]
        );
        s.apply(Event::Frame(ServerFrame::Rated {
            conversation_id: ConversationId(Uuid::from_u128(99)),
        }));
        assert!(!s.rated, "another conversation's rating");
        s.apply(Event::Frame(ServerFrame::Rated {
            conversation_id: CONVERSATION,
        }));
        assert!(s.rated);
        s.apply(Event::StartOver);
        assert!(!s.ended && !s.rated && s.lines.is_empty());
        assert_eq!(s.last_seq, None);
    }

    #[test]
    fn the_conversation_list_and_switching() {
        let mut s = window();
        let out = s.apply(Event::ToggleList);
        assert!(s.listing);
        assert_eq!(out, [Out::Connect, Out::Send(VisitorFrame::List)]);
        assert_eq!(s.list, None, "until the server answers");
        let other = ConversationId(Uuid::from_u128(77));
        let row = VisitorConversation {
            id: other,
            closed: true,
            last_body: Some("bye".into()),
            last_at: 5,
        };
        s.apply(Event::Frame(ServerFrame::Conversations {
            conversations: vec![row.clone()],
        }));
        assert_eq!(s.list, Some(vec![row]));
        write(&mut s, "hi", 1);
        s.apply(ack(1, 1));
        s.apply(message(1, 1, WireAuthor::Visitor));
        assert_eq!(
            s.apply(Event::Switch(other)),
            [Out::Send(VisitorFrame::Switch {
                conversation_id: Some(other),
                last_seq: None
            })]
        );
        s.apply(Event::Frame(ServerFrame::Switched {
            conversation_id: Some(other),
        }));
        assert!(!s.listing && s.lines.is_empty());
        assert_eq!(s.saved.conversation_id, Some(other));
        s.apply(operator(2, 4));
        // A new conversation from the list.
        s.apply(Event::ToggleList);
        let out = s.apply(Event::NewConversation);
        assert_eq!(
            sent(&out),
            [VisitorFrame::Switch {
                conversation_id: None,
                last_seq: None
            }]
        );
        assert_eq!((s.saved.conversation_id, s.last_seq), (None, None));
        assert!(!s.listing && s.lines.is_empty());
    }

    #[test]
    fn a_new_visitors_list_is_empty_at_once() {
        let mut s = State::new(CHANNEL, Saved::default(), true, true);
        let out = s.apply(Event::ToggleList);
        assert_eq!(s.list, Some(Vec::new()));
        assert!(out.is_empty(), "not connected, nothing to ask: {out:?}");
        s.apply(Event::ToggleList);
        assert!(!s.listing);
    }

    #[test]
    fn with_several_departments_one_is_picked_before_writing() {
        let mut s = window();
        s.several_departments = true;
        s.apply(Event::Draft("hi".into()));
        assert!(s.picking() && s.cannot_send() && !s.may_attach());
        assert!(s.apply(Event::Send(id(1))).is_empty());
        let out = s.apply(Event::Department(2));
        assert_eq!(
            out,
            [Out::Send(VisitorFrame::Department { id: 2 }), Out::Save]
        );
        assert!(!s.cannot_send());
        s.apply(Event::Send(id(1)));
        s.apply(ack(1, 1));
        s.apply(message(1, 1, WireAuthor::Visitor));
        assert!(!s.picking(), "the conversation has started");
        // Not said again once there is a conversation.
        let out = s.apply(Event::Connected(Hello::default()));
        assert!(!sent(&out).contains(&VisitorFrame::Department { id: 2 }));
    }

    #[test]
    fn a_trigger_shows_only_to_an_idle_visitor_and_opens_quietly() {
        let mut s = State::new(CHANNEL, Saved::default(), true, false);
        let trigger = |n| Event::Trigger {
            trigger: 1,
            message: "Hi there".into(),
            title: "Acme".into(),
            line: id(n),
        };
        let out = s.apply(trigger(50));
        assert!(s.open && !s.focus_on_open);
        assert_eq!(out, [Out::Connect]);
        assert_eq!(s.lines[0].operator.as_deref(), Some("Acme"));
        assert!(!s.may_end(), "a trigger's message is no conversation");
        s.apply(trigger(51));
        assert_eq!(s.lines.len(), 1, "one at a time");
        let mut away = State::new(CHANNEL, Saved::default(), false, false);
        away.apply(trigger(52));
        assert!(away.lines.is_empty() && !away.open, "nobody to answer");
    }

    #[test]
    fn an_uploaded_file_goes_with_the_draft() {
        let mut s = window();
        let file = WireAttachment {
            id: AttachmentId(Uuid::from_u128(9)),
            name: "a.png".into(),
            content_type: "image/png".into(),
            size: 3,
            image: true,
        };
        s.apply(Event::Upload("a.png".into()));
        assert!(!s.may_attach(), "one upload at a time");
        let out = s.apply(Event::Uploaded {
            id: Some(id(1)),
            result: Ok(file.clone()),
        });
        assert_eq!(
            sent(&out),
            [VisitorFrame::Send {
                message_id: id(1),
                body: String::new(),
                attachment: Some(file.id)
            }]
        );
        assert_eq!(s.saved.file(id(1)), Some(file.clone()));
        assert_eq!(s.lines[0].attachment, Some(file));
        s.apply(Event::Upload("b.exe".into()));
        s.apply(Event::Uploaded {
            id: Some(id(2)),
            result: Err("not allowed".into()),
        });
        assert_eq!(s.file_error.as_deref(), Some("not allowed"));
        assert!(s.may_attach());
    }

    #[test]
    fn edits_replace_the_text() {
        let mut s = window();
        s.apply(operator(1, 1));
        s.apply(Event::Frame(ServerFrame::Edited {
            message: WireMessage {
                id: id(1),
                conversation_id: CONVERSATION,
                seq: Seq(1),
                author: WireAuthor::Operator { name: "Ann".into() },
                body: "fixed".into(),
                sent_at: 0,
                edited_at: Some(1),
                attachment: None,
            },
        }));
        assert!(s.lines[0].edited);
        assert_eq!(s.lines[0].body, "fixed");
    }

    #[test]
    fn a_welcome_without_a_conversation_forgets_the_old_one() {
        let mut s = window();
        s.apply(ack(1, 1));
        s.apply(operator(2, 2));
        s.apply(frame_welcome(None));
        assert_eq!((s.last_seq, s.saved.seen, s.seen_upto), (None, None, None));
        assert_eq!(s.saved.token.as_deref(), Some("t"));
    }

    #[test]
    fn email_rule() {
        assert!(looks_like_email("a@b.co"));
        for bad in ["", "a@b", "@b.co", "a@.b", "a@b.", "a b@c.d", "a@b@c.d"] {
            assert!(!looks_like_email(bad), "{bad}");
        }
    }
}
