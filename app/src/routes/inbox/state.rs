//! What the inbox knows, and how each server frame changes it. Plain data
//! and functions, so the rules are unit-tested without a browser; the page
//! keeps one `Inbox` in a signal.

use parlor_protocol::inbox::{
    Assignee, Availability, ConversationSummary, InboxChannel, InboxFrame, TeamMember, TicketLink,
    WireNote,
};
use parlor_protocol::live::{LiveErrorCode, WireAuthor, WireMessage};
use parlor_protocol::{ConversationId, MessageId, Seq};
use std::collections::{BTreeMap, HashMap};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Filter {
    Unassigned,
    Mine,
    All,
    Closed,
    /// Left with the offline form, open or closed.
    Offline,
}

impl Filter {
    pub const ALL: [Filter; 5] = [
        Filter::Unassigned,
        Filter::Mine,
        Filter::All,
        Filter::Closed,
        Filter::Offline,
    ];

    pub fn label(self) -> &'static str {
        match self {
            Filter::Unassigned => "Unassigned",
            Filter::Mine => "Mine",
            Filter::All => "All",
            Filter::Closed => "Closed",
            Filter::Offline => "Offline",
        }
    }

    pub fn matches(self, c: &ConversationSummary, me: Option<i64>) -> bool {
        match self {
            Filter::Unassigned => !c.closed && c.assignee.is_none(),
            Filter::Mine => {
                !c.closed
                    && c.assignee
                        .as_ref()
                        .map(|a| a.user_id)
                        .is_some_and(|a| Some(a) == me)
            }
            Filter::All => !c.closed,
            Filter::Closed => c.closed,
            Filter::Offline => c.offline,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Delivery {
    /// Waiting for the server's ack (queued while offline).
    Sending,
    /// Refused; `retry` says whether sending it again can help.
    Failed { reason: String, retry: bool },
}

/// A reply the operator wrote that the server has not acknowledged yet.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Outgoing {
    pub id: MessageId,
    pub conversation: ConversationId,
    pub body: String,
    pub delivery: Delivery,
    /// The file sent with it (uploaded already; resends name it again).
    pub attachment: Option<parlor_protocol::WireAttachment>,
}

/// Something the page should tell the operator about while they look away.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Alert {
    NewConversation(String),
    /// A conversation of this operator's channels started waiting in the
    /// queue (nobody online had room); once per conversation.
    Queued(String),
    /// A conversation became this operator's (routed from the line, or
    /// transferred) while they were not looking at it.
    Assigned(String),
    /// A colleague mentioned this operator in a note.
    Mentioned {
        by: String,
        body: String,
    },
    Message {
        from: String,
        body: String,
    },
}

#[derive(Clone, Debug, Default)]
pub struct Inbox {
    pub me: Option<Assignee>,
    pub conversations: HashMap<ConversationId, ConversationSummary>,
    pub selected: Option<ConversationId>,
    /// The selected conversation's messages, by sequence number: replays and
    /// live copies of the same message collapse into one.
    pub thread: BTreeMap<Seq, WireMessage>,
    pub outgoing: Vec<Outgoing>,
    /// The selected conversation's internal notes, oldest first.
    pub notes: Vec<WireNote>,
    pub visitor_typing: bool,
    /// The last error the server reported that belongs to no message.
    pub notice: Option<String>,
    /// Everyone on the staff, with their status, by name.
    pub team: Vec<TeamMember>,
    /// The status this operator chose.
    pub chosen: Availability,
    /// The channels this operator works in, with their operators and
    /// departments.
    pub channels: Vec<InboxChannel>,
    /// This operator is an admin.
    pub admin: bool,
    /// This operator supervises (admin or manager): the list holds every
    /// channel's conversations, and the team panel shows each one's load.
    pub supervisor: bool,
    /// Conversations with a note mentioning this operator, not opened
    /// since.
    pub mentions: std::collections::HashSet<ConversationId>,
    /// Conversations seen waiting in the queue: each alerts once.
    pub queued_seen: std::collections::HashSet<ConversationId>,
    /// The last `/search_tickets` answer: the conversation it was typed in,
    /// the words, and the tickets.
    pub found_tickets: Option<(ConversationId, String, Vec<TicketLink>)>,
}

impl Inbox {
    /// Whether this operator may edit message `m`: their own (by name, as
    /// messages carry it; the server decides by id), or any operator's for
    /// an admin.
    pub fn may_edit(&self, m: &WireMessage) -> bool {
        match &m.author {
            WireAuthor::Operator { name } => {
                self.admin || self.me.as_ref().is_some_and(|me| &me.name == name)
            }
            WireAuthor::Visitor => false,
        }
    }

    /// Whom the list names before the newest message: "You" for your own,
    /// a colleague by name, nobody for the visitor's or the channel's.
    pub fn last_author(&self, c: &ConversationSummary) -> Option<String> {
        let id = c.last_author_id.filter(|_| !c.last_from_visitor)?;
        if self.me_id() == Some(id) {
            return Some("You".into());
        }
        let name = self
            .team
            .iter()
            .find(|m| m.user_id == id)
            .map(|m| m.name.clone());
        Some(name.unwrap_or_else(|| "Operator".into()))
    }

    pub fn me_id(&self) -> Option<i64> {
        self.me.as_ref().map(|m| m.user_id)
    }

    /// Rows for one filter, newest activity first.
    pub fn rows(&self, filter: Filter) -> Vec<ConversationSummary> {
        let me = self.me_id();
        let mut rows: Vec<_> = self
            .conversations
            .values()
            .filter(|c| filter.matches(c, me))
            .cloned()
            .collect();
        rows.sort_by(|a, b| {
            b.last_at
                .cmp(&a.last_at)
                .then(b.created_at.cmp(&a.created_at))
        });
        rows
    }

    pub fn count(&self, filter: Filter) -> usize {
        let me = self.me_id();
        self.conversations
            .values()
            .filter(|c| filter.matches(c, me))
            .count()
    }

    pub fn selected_summary(&self) -> Option<&ConversationSummary> {
        self.selected.and_then(|id| self.conversations.get(&id))
    }

    pub fn last_seq(&self) -> Option<Seq> {
        self.thread.keys().next_back().copied()
    }

    /// Shows another conversation; its messages come with the replay.
    pub fn select(&mut self, id: ConversationId) {
        self.mentions.remove(&id);
        if self.selected != Some(id) {
            self.selected = Some(id);
            self.thread.clear();
            self.notes.clear();
            self.visitor_typing = false;
        }
        if let Some(c) = self.conversations.get_mut(&id) {
            c.unread = 0;
        }
    }

    pub fn queue(&mut self, conversation: ConversationId, id: MessageId, body: String) {
        self.outgoing.push(Outgoing {
            id,
            conversation,
            body,
            delivery: Delivery::Sending,
            attachment: None,
        });
    }

    /// A new message in a conversation's row: preview, time, unread count,
    /// and an alert for a visitor's message the operator is not looking at.
    #[allow(clippy::too_many_arguments)]
    fn touch(
        &mut self,
        id: ConversationId,
        seq: Seq,
        text: String,
        from_visitor: bool,
        at: i64,
        seen: bool,
        alerts: &mut Vec<Alert>,
    ) {
        let me = self.me_id();
        let Some(c) = self.conversations.get_mut(&id) else {
            return;
        };
        if seq <= c.last_seq {
            return;
        }
        c.last_seq = seq;
        c.last_from_visitor = from_visitor;
        c.last_at = at;
        // Alerts for my conversations and those nobody has; a colleague's
        // only count as unread.
        let mine_or_nobodys = c
            .assignee
            .as_ref()
            .is_none_or(|a| me.is_some_and(|me| me == a.user_id));
        if from_visitor && !seen {
            c.unread += 1;
        }
        if from_visitor && !seen && mine_or_nobodys {
            alerts.push(Alert::Message {
                from: c.visitor_name.clone(),
                body: text.clone(),
            });
        }
        c.last_body = Some(text);
    }

    /// Applies one server frame. `watching` says whether the operator can
    /// see the selected conversation right now (the tab is visible): if not,
    /// its visitor messages count as unread and alert.
    pub fn apply(&mut self, frame: InboxFrame, watching: bool) -> Vec<Alert> {
        let mut alerts = Vec::new();
        match frame {
            InboxFrame::Snapshot {
                me,
                chosen,
                team,
                channels,
                admin,
                supervisor,
                conversations,
            } => {
                self.me = Some(me);
                self.admin = admin;
                self.supervisor = supervisor;
                self.chosen = chosen;
                self.team = team;
                self.channels = channels;
                // Waiting before this connection: no alert now, nor later.
                self.queued_seen
                    .extend(conversations.iter().filter(|c| c.queued).map(|c| c.id));
                self.conversations = conversations.into_iter().map(|c| (c.id, c)).collect();
                self.notice = None;
            }
            InboxFrame::Summary { conversation } => {
                let is_new = !self.conversations.contains_key(&conversation.id);
                if is_new && !conversation.closed {
                    alerts.push(Alert::NewConversation(conversation.visitor_name.clone()));
                }
                if conversation.queued
                    && !conversation.closed
                    && self.queued_seen.insert(conversation.id)
                {
                    alerts.push(Alert::Queued(conversation.visitor_name.clone()));
                }
                let mut conversation = conversation;
                let looking = watching && self.selected == Some(conversation.id);
                if looking {
                    conversation.unread = 0;
                }
                let me = self.me_id();
                let mine = |c: &ConversationSummary| {
                    me.is_some() && c.assignee.as_ref().map(|a| a.user_id) == me
                };
                let was_mine = self.conversations.get(&conversation.id).is_some_and(mine);
                if !is_new && !was_mine && mine(&conversation) && !conversation.closed && !looking {
                    alerts.push(Alert::Assigned(conversation.visitor_name.clone()));
                }
                self.conversations.insert(conversation.id, *conversation);
            }
            InboxFrame::Activity {
                conversation_id,
                seq,
                preview,
                from_visitor,
                author_id,
                at,
            } => {
                // Set apart from `touch`: the opened conversation's own
                // message frame may have moved `last_seq` first, and it
                // names its author only by name.
                if let Some(c) = self.conversations.get_mut(&conversation_id) {
                    if seq >= c.last_seq {
                        c.last_author_id = author_id;
                    }
                }
                let shown = self.selected == Some(conversation_id);
                self.touch(
                    conversation_id,
                    seq,
                    preview,
                    from_visitor,
                    at,
                    shown && watching,
                    &mut alerts,
                );
            }
            InboxFrame::Message { message } => {
                let shown = self.selected == Some(message.conversation_id);
                let from_visitor = message.author == WireAuthor::Visitor;
                // Messages name their author only: found in the team by
                // name, as `may_edit` does. Only for a newer message: an
                // `activity` for the same one carried the id.
                let author_id = match &message.author {
                    WireAuthor::Operator { name } => self
                        .team
                        .iter()
                        .find(|m| &m.name == name)
                        .map(|m| m.user_id),
                    WireAuthor::Visitor => None,
                };
                if let Some(c) = self.conversations.get_mut(&message.conversation_id) {
                    if message.seq > c.last_seq {
                        c.last_author_id = author_id;
                    }
                }
                self.touch(
                    message.conversation_id,
                    message.seq,
                    super::attachments::preview(&message),
                    from_visitor,
                    message.sent_at,
                    shown && watching,
                    &mut alerts,
                );
                if shown {
                    if from_visitor {
                        self.visitor_typing = false;
                    }
                    self.outgoing.retain(|o| o.id != message.id);
                    self.thread.insert(message.seq, message);
                }
            }
            InboxFrame::Edited { message } => {
                if let Some(c) = self.conversations.get_mut(&message.conversation_id) {
                    if c.last_seq == message.seq {
                        c.last_body = Some(super::attachments::preview(&message));
                    }
                }
                if self.selected == Some(message.conversation_id) {
                    self.thread.insert(message.seq, message);
                }
            }
            InboxFrame::Mentioned { note } => {
                let looking = watching && self.selected == Some(note.conversation_id);
                if !looking {
                    self.mentions.insert(note.conversation_id);
                    alerts.push(Alert::Mentioned {
                        by: note.author.clone(),
                        body: note.body.clone(),
                    });
                }
            }
            InboxFrame::Note { note } => {
                if self.selected == Some(note.conversation_id)
                    && !self.notes.iter().any(|n| n.id == note.id)
                {
                    self.notes.push(note);
                }
            }
            InboxFrame::Ack { message_id, .. } => {
                // The message itself arrives (or arrived) as a `message` frame.
                self.outgoing.retain(|o| o.id != message_id);
            }
            InboxFrame::Typing {
                conversation_id,
                typing,
            } => {
                if self.selected == Some(conversation_id) {
                    self.visitor_typing = typing;
                }
            }
            InboxFrame::Presence {
                user_id,
                name,
                availability,
                chosen,
            } => {
                match self.team.iter_mut().find(|m| m.user_id == user_id) {
                    Some(m) => {
                        m.availability = availability;
                        m.name = name;
                    }
                    // Someone who joined the team since the snapshot.
                    None => self.team.push(TeamMember {
                        user_id,
                        name,
                        availability,
                    }),
                }
                if let Some(chosen) = chosen {
                    self.chosen = chosen;
                }
            }
            InboxFrame::TicketsFound {
                conversation_id,
                query,
                tickets,
            } => self.found_tickets = Some((conversation_id, query, tickets)),
            InboxFrame::Resync => {}
            InboxFrame::Error {
                code,
                message,
                message_id,
            } => match message_id.and_then(|id| self.outgoing.iter_mut().find(|o| o.id == id)) {
                Some(o) => {
                    let retry =
                        matches!(code, LiveErrorCode::RateLimited | LiveErrorCode::Internal);
                    o.delivery = Delivery::Failed {
                        reason: message,
                        retry,
                    };
                }
                None => self.notice = Some(message),
            },
        }
        alerts
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use parlor_protocol::ChannelId;
    use uuid::Uuid;

    fn summary(id: ConversationId, assignee: Option<i64>, closed: bool) -> ConversationSummary {
        ConversationSummary {
            id,
            channel_id: ChannelId(Uuid::new_v4()),
            channel_name: "Website".into(),
            visitor_name: "Visitor 1a2b".into(),
            closed,
            assignee: assignee.map(|user_id| Assignee {
                user_id,
                name: "Ann".into(),
            }),
            last_seq: Seq(0),
            last_body: None,
            last_from_visitor: false,
            last_author_id: None,
            last_at: 0,
            unread: 0,
            page_url: None,
            created_at: 0,
            rating: None,
            visitor: Default::default(),
            department: None,
            offline: false,
            queued: false,
            visitor_read_seq: Seq(0),
            context: Default::default(),
        }
    }

    fn message(conversation_id: ConversationId, seq: u64, author: WireAuthor) -> WireMessage {
        WireMessage {
            id: MessageId(Uuid::new_v4()),
            conversation_id,
            seq: Seq(seq),
            author,
            body: format!("m{seq}"),
            sent_at: seq as i64,
            edited_at: None,
            attachment: None,
        }
    }

    fn inbox(list: Vec<ConversationSummary>) -> Inbox {
        let mut inbox = Inbox::default();
        inbox.apply(
            InboxFrame::Snapshot {
                me: Assignee {
                    user_id: 7,
                    name: "Me".into(),
                },
                chosen: Availability::Online,
                team: vec![TeamMember {
                    user_id: 7,
                    name: "Me".into(),
                    availability: Availability::Online,
                }],
                channels: Vec::new(),
                admin: false,
                supervisor: false,
                conversations: list,
            },
            true,
        );
        inbox
    }

    #[test]
    fn the_list_says_you_only_for_your_own_messages() {
        let id = ConversationId(Uuid::new_v4());
        let mut inbox = inbox(vec![summary(id, None, false)]);
        inbox.team.push(TeamMember {
            user_id: 8,
            name: "Omar".into(),
            availability: Availability::Online,
        });
        let by = |author_id, from_visitor, seq| InboxFrame::Activity {
            conversation_id: id,
            seq: Seq(seq),
            preview: "hi".into(),
            from_visitor,
            author_id,
            at: 1,
        };
        let author = |inbox: &Inbox| inbox.last_author(&inbox.conversations[&id]);
        inbox.apply(by(Some(8), false, 1), true);
        assert_eq!(author(&inbox).as_deref(), Some("Omar"));
        inbox.apply(by(Some(7), false, 2), true);
        assert_eq!(author(&inbox).as_deref(), Some("You"));
        inbox.apply(by(None, true, 3), true);
        assert_eq!(author(&inbox), None);
        // A trigger's message: the channel's, nobody's name.
        inbox.apply(by(None, false, 4), true);
        assert_eq!(author(&inbox), None);
    }

    #[test]
    fn filters_sort_conversations_by_owner_and_state() {
        let ids: Vec<_> = (0..4).map(|_| ConversationId(Uuid::new_v4())).collect();
        let inbox = inbox(vec![
            summary(ids[0], None, false),
            summary(ids[1], Some(7), false),
            summary(ids[2], Some(8), false),
            summary(ids[3], Some(7), true),
        ]);
        assert_eq!(inbox.count(Filter::Unassigned), 1);
        assert_eq!(inbox.count(Filter::Mine), 1);
        assert_eq!(inbox.count(Filter::All), 3);
        assert_eq!(inbox.count(Filter::Closed), 1);
    }

    #[test]
    fn replay_and_live_copies_collapse_in_seq_order() {
        let c = ConversationId(Uuid::new_v4());
        let mut inbox = inbox(vec![summary(c, None, false)]);
        inbox.select(c);
        let (m1, m2) = (
            message(c, 1, WireAuthor::Visitor),
            message(c, 2, WireAuthor::Visitor),
        );
        // Live message 2 overtakes the replay of 1 and 2.
        for m in [m2.clone(), m1, m2] {
            inbox.apply(InboxFrame::Message { message: m }, true);
        }
        let seqs: Vec<u64> = inbox.thread.keys().map(|s| s.0).collect();
        assert_eq!(seqs, [1, 2]);
        assert_eq!(inbox.conversations[&c].unread, 0, "watched: read");
        assert_eq!(inbox.conversations[&c].last_body.as_deref(), Some("m2"));
    }

    #[test]
    fn messages_elsewhere_count_as_unread_and_alert() {
        let (a, b) = (
            ConversationId(Uuid::new_v4()),
            ConversationId(Uuid::new_v4()),
        );
        let mut inbox = inbox(vec![summary(a, None, false), summary(b, None, false)]);
        inbox.select(a);
        let alerts = inbox.apply(
            InboxFrame::Activity {
                conversation_id: b,
                seq: Seq(1),
                preview: "help".into(),
                from_visitor: true,
                author_id: None,
                at: 5,
            },
            true,
        );
        assert_eq!(alerts.len(), 1);
        assert_eq!(inbox.conversations[&b].unread, 1);
        assert_eq!(inbox.conversations[&b].last_body.as_deref(), Some("help"));
        assert!(inbox.thread.is_empty(), "not the shown conversation");
        // An operator's message is no alert and not unread.
        let alerts = inbox.apply(
            InboxFrame::Message {
                message: message(b, 2, WireAuthor::Operator { name: "Ann".into() }),
            },
            false,
        );
        assert!(alerts.is_empty());
        assert_eq!(inbox.conversations[&b].unread, 1);
    }

    #[test]
    fn a_new_conversation_alerts_once() {
        let mut inbox = inbox(vec![]);
        let c = ConversationId(Uuid::new_v4());
        let alerts = inbox.apply(
            InboxFrame::Summary {
                conversation: Box::new(summary(c, None, false)),
            },
            false,
        );
        assert_eq!(alerts, [Alert::NewConversation("Visitor 1a2b".into())]);
        let again = inbox.apply(
            InboxFrame::Summary {
                conversation: Box::new(summary(c, Some(7), false)),
            },
            false,
        );
        assert_eq!(
            again,
            [Alert::Assigned("Visitor 1a2b".into())],
            "given to me while I look elsewhere"
        );
        assert_eq!(inbox.count(Filter::Mine), 1);
        let same = inbox.apply(
            InboxFrame::Summary {
                conversation: Box::new(summary(c, Some(7), false)),
            },
            false,
        );
        assert!(same.is_empty(), "mine already");
        // Taken while looking at it: no alert.
        let d = ConversationId(Uuid::new_v4());
        inbox.apply(
            InboxFrame::Summary {
                conversation: Box::new(summary(d, None, false)),
            },
            true,
        );
        inbox.select(d);
        let taken = inbox.apply(
            InboxFrame::Summary {
                conversation: Box::new(summary(d, Some(7), false)),
            },
            true,
        );
        assert!(taken.is_empty());
    }

    fn queued(id: ConversationId) -> ConversationSummary {
        ConversationSummary {
            queued: true,
            ..summary(id, None, false)
        }
    }

    #[test]
    fn a_conversation_that_starts_waiting_alerts_once() {
        let mut inbox = inbox(vec![]);
        let c = ConversationId(Uuid::new_v4());
        let alerts = inbox.apply(
            InboxFrame::Summary {
                conversation: Box::new(queued(c)),
            },
            false,
        );
        assert_eq!(
            alerts,
            [
                Alert::NewConversation("Visitor 1a2b".into()),
                Alert::Queued("Visitor 1a2b".into())
            ]
        );
        assert_eq!(alerts[1].kind(), parlor_domain::AlertKind::Queued);
        // Still waiting (its page moved), then given to a colleague, then
        // back in line after a transfer: never again.
        let again = inbox.apply(
            InboxFrame::Summary {
                conversation: Box::new(queued(c)),
            },
            false,
        );
        assert!(again.is_empty(), "{again:?}");
        inbox.apply(
            InboxFrame::Summary {
                conversation: Box::new(summary(c, Some(8), false)),
            },
            false,
        );
        let back = inbox.apply(
            InboxFrame::Summary {
                conversation: Box::new(queued(c)),
            },
            false,
        );
        assert!(back.is_empty(), "{back:?}");
    }

    #[test]
    fn a_known_unassigned_conversation_alerts_when_it_starts_waiting() {
        // Unassigned but not waiting (say, left with the offline form), then
        // waiting.
        let c = ConversationId(Uuid::new_v4());
        let mut inbox = inbox(vec![summary(c, None, false)]);
        let alerts = inbox.apply(
            InboxFrame::Summary {
                conversation: Box::new(queued(c)),
            },
            true,
        );
        assert_eq!(alerts, [Alert::Queued("Visitor 1a2b".into())]);
    }

    #[test]
    fn waiting_before_connecting_or_closed_does_not_alert() {
        let (old, closed) = (
            ConversationId(Uuid::new_v4()),
            ConversationId(Uuid::new_v4()),
        );
        let mut inbox = inbox(vec![queued(old)]);
        let alerts = inbox.apply(
            InboxFrame::Summary {
                conversation: Box::new(queued(old)),
            },
            false,
        );
        assert!(alerts.is_empty(), "waiting already in the snapshot");
        let mut ended = queued(closed);
        ended.closed = true;
        let alerts = inbox.apply(
            InboxFrame::Summary {
                conversation: Box::new(ended),
            },
            false,
        );
        assert!(alerts.is_empty(), "{alerts:?}");
    }

    #[test]
    fn a_colleagues_conversation_counts_unread_without_alerting() {
        let (theirs, mine) = (
            ConversationId(Uuid::new_v4()),
            ConversationId(Uuid::new_v4()),
        );
        let mut inbox = inbox(vec![
            summary(theirs, Some(8), false),
            summary(mine, Some(7), false),
        ]);
        let activity = |conversation_id| InboxFrame::Activity {
            conversation_id,
            seq: Seq(1),
            preview: "hello".into(),
            from_visitor: true,
            author_id: None,
            at: 1,
        };
        assert!(inbox.apply(activity(theirs), false).is_empty());
        assert_eq!(inbox.conversations[&theirs].unread, 1);
        let alerts = inbox.apply(activity(mine), false);
        assert_eq!(alerts.len(), 1);
        assert_eq!(alerts[0].kind(), parlor_domain::AlertKind::Message);
    }

    #[test]
    fn acks_clear_and_errors_mark_outgoing_messages() {
        let c = ConversationId(Uuid::new_v4());
        let mut inbox = inbox(vec![summary(c, None, false)]);
        let (ok, bad) = (MessageId(Uuid::new_v4()), MessageId(Uuid::new_v4()));
        inbox.queue(c, ok, "hi".into());
        inbox.queue(c, bad, "x".into());
        inbox.apply(
            InboxFrame::Ack {
                message_id: ok,
                conversation_id: c,
                seq: Seq(1),
            },
            true,
        );
        inbox.apply(
            InboxFrame::Error {
                code: LiveErrorCode::Ended,
                message: "the conversation is closed".into(),
                message_id: Some(bad),
            },
            true,
        );
        assert_eq!(inbox.outgoing.len(), 1);
        assert_eq!(
            inbox.outgoing[0].delivery,
            Delivery::Failed {
                reason: "the conversation is closed".into(),
                retry: false
            }
        );
    }

    #[test]
    fn presence_updates_the_team_and_my_own_choice() {
        let mut i = inbox(vec![]);
        let frame = |user_id, name: &str, availability, chosen| InboxFrame::Presence {
            user_id,
            name: name.into(),
            availability,
            chosen,
        };
        i.apply(
            frame(7, "Me", Availability::Away, Some(Availability::Away)),
            true,
        );
        assert_eq!(i.chosen, Availability::Away);
        assert_eq!(i.team[0].availability, Availability::Away);
        i.apply(frame(8, "Bo", Availability::Online, None), true);
        assert_eq!(i.team.len(), 2, "a newcomer joins the list");
        assert_eq!(
            i.chosen,
            Availability::Away,
            "someone else's change is not mine"
        );
    }

    #[test]
    fn notes_of_the_shown_conversation_are_kept_once() {
        let shown = ConversationId(Uuid::new_v4());
        let other = ConversationId(Uuid::new_v4());
        let mut i = inbox(vec![
            summary(shown, None, false),
            summary(other, None, false),
        ]);
        i.select(shown);
        let note = |conversation_id, id| InboxFrame::Note {
            note: WireNote {
                id,
                conversation_id,
                author: "Ann".into(),
                after_seq: Seq(1),
                body: "VIP".into(),
                created_at: 1,
                transfer_to: None,
            },
        };
        let id = MessageId(Uuid::new_v4());
        i.apply(note(shown, id), true);
        i.apply(note(shown, id), true);
        i.apply(note(other, MessageId(Uuid::new_v4())), true);
        assert_eq!(i.notes.len(), 1);
        i.select(other);
        assert!(i.notes.is_empty());
    }

    #[test]
    fn a_mention_marks_the_conversation_until_opened() {
        let c = ConversationId(Uuid::new_v4());
        let mut i = inbox(vec![summary(c, None, false)]);
        let alerts = i.apply(
            InboxFrame::Mentioned {
                note: WireNote {
                    id: MessageId(Uuid::new_v4()),
                    conversation_id: c,
                    author: "Ann".into(),
                    after_seq: Seq(0),
                    body: "@Me look".into(),
                    created_at: 1,
                    transfer_to: None,
                },
            },
            true,
        );
        assert_eq!(alerts.len(), 1);
        assert!(i.mentions.contains(&c));
        i.select(c);
        assert!(i.mentions.is_empty());
    }

    #[test]
    fn offline_messages_have_a_filter_of_their_own() {
        let mut left = summary(ConversationId(Uuid::new_v4()), None, true);
        left.offline = true;
        let i = inbox(vec![
            left,
            summary(ConversationId(Uuid::new_v4()), None, false),
        ]);
        assert_eq!(i.count(Filter::Offline), 1);
        assert_eq!(i.count(Filter::Closed), 1);
    }
}
