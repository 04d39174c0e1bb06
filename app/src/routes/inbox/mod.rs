//! The operator inbox: the conversation list (live, with filters) beside the
//! open conversation. The server renders an empty frame; everything live
//! starts once the page has hydrated (see `connection`).

mod alerts;
// Without the browser half, the live parts are only partly used.
#[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
mod connection;
#[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
mod state;

use alerts::Alerts;
use connection::{Conn, Link};
use leptos::either::Either;
use leptos::prelude::*;
use leptos_meta::Title;
use parlor_protocol::inbox::{
    Availability, ConversationSummary, OperatorFrame, WireNote, WireVisitor,
};
use parlor_protocol::live::{Rating, WireAuthor, WireMessage};
use parlor_protocol::{ConversationId, MessageId};
use state::{Delivery, Filter, Inbox, Outgoing};

/// How often "typing" is repeated while the operator keeps typing, and how
/// long a pause ends it (the widget drops it after 6 s without news).
const TYPING_REPEAT_MS: f64 = 2_000.0;
#[cfg(feature = "hydrate")]
const TYPING_PAUSE_MS: f64 = 3_000.0;

fn watching() -> bool {
    #[cfg(feature = "hydrate")]
    return alerts::visible();
    #[cfg(not(feature = "hydrate"))]
    false
}

fn now_ms() -> f64 {
    #[cfg(feature = "hydrate")]
    return js_sys::Date::now();
    #[cfg(not(feature = "hydrate"))]
    0.0
}

/// A fresh id for a reply, from the browser's CSPRNG.
fn new_message_id() -> Option<MessageId> {
    #[cfg(feature = "hydrate")]
    return web_sys::window()
        .and_then(|w| w.crypto().ok())
        .and_then(|c| c.random_uuid().parse().ok());
    #[cfg(not(feature = "hydrate"))]
    None
}

/// "14:05" for today, else the date, in the operator's own time zone.
fn time_label(unix: i64) -> String {
    #[cfg(feature = "hydrate")]
    {
        let d = js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(unix as f64 * 1000.0));
        if js_sys::Date::new_0().to_date_string() == d.to_date_string() {
            format!("{:02}:{:02}", d.get_hours(), d.get_minutes())
        } else {
            format!("{}/{}", d.get_date(), d.get_month() + 1)
        }
    }
    #[cfg(not(feature = "hydrate"))]
    unix.to_string()
}

/// Only web pages become links: a visitor could report any URL at all.
fn safe_link(url: &str) -> Option<String> {
    let lower = url.to_ascii_lowercase();
    (lower.starts_with("https://") || lower.starts_with("http://")).then(|| url.to_string())
}

#[component]
pub fn InboxPage() -> impl IntoView {
    let inbox = RwSignal::new(Inbox::default());
    let conn = Conn::new();
    let alerts = Alerts::new();
    let filter = RwSignal::new(Filter::All);

    #[cfg(feature = "hydrate")]
    {
        alerts.install();
        connection::start(inbox, conn, watching, move |list| alerts.raise(list));
        // Coming back to the tab reads what arrived meanwhile.
        let handle = window_event_listener_untyped("visibilitychange", move |_| {
            if watching() {
                mark_read(inbox, conn);
            }
        });
        on_cleanup(move || handle.remove());
    }

    let open = move |id: ConversationId| {
        inbox.update(|i| i.select(id));
        let last_seq = inbox.with_untracked(|i| i.last_seq());
        conn.send(OperatorFrame::Open {
            conversation_id: id,
            last_seq,
        });
        mark_read(inbox, conn);
    };

    // The thread is drawn again only when its conversation's row really
    // changes, not on every frame (an echo of the same summary would
    // otherwise drop the reply being typed).
    let shown = Memo::new(move |_| inbox.with(|i| i.selected_summary().cloned()));

    let title = move || match alerts.unseen.get() {
        0 => "Inbox".to_string(),
        n => format!("({n}) Inbox"),
    };

    view! {
        <Title text=title />
        <div class="inbox">
            <aside class="inbox-list" aria-label="Conversations">
                <div class="inbox-status">
                    <LinkBadge link=conn.link />
                    <StatusPicker inbox conn />
                    <NotificationToggle alerts />
                </div>
                <div class="filters" role="tablist" aria-label="Filter conversations">
                    {Filter::ALL
                        .into_iter()
                        .map(|f| {
                            view! {
                                <button
                                    type="button"
                                    role="tab"
                                    class="filter"
                                    class:active=move || filter.get() == f
                                    aria-selected=move || (filter.get() == f).to_string()
                                    on:click=move |_| filter.set(f)
                                >
                                    {f.label()}
                                    <span class="count">{move || inbox.with(|i| i.count(f))}</span>
                                </button>
                            }
                        })
                        .collect_view()}
                </div>
                <ul class="conversations">
                    <For
                        each=move || inbox.with(|i| i.rows(filter.get()))
                        key=|c| (c.id, c.last_seq, c.unread, c.closed, c.assignee.as_ref().map(|a| a.user_id), c.last_at, c.rating.clone(), c.offline)
                        children=move |c| {
                            let id = c.id;
                            let selected = move || inbox.with(|i| i.selected == Some(id));
                            view! {
                                <li>
                                    <ConversationRow c selected on_open=move || open(id) />
                                </li>
                            }
                        }
                    />
                </ul>
                <Show when=move || inbox.with(|i| i.rows(filter.get()).is_empty())>
                    <p class="empty">"No conversations here."</p>
                </Show>
                <Team inbox />
            </aside>
            <section class="thread-pane">
                {move || match shown.get() {
                    None => Either::Left(view! {
                        <p class="empty pick">"Pick a conversation on the left."</p>
                    }),
                    Some(c) => Either::Right(view! { <Thread c inbox conn /> }),
                }}
            </section>
        </div>
    }
}

/// Tells the server the shown conversation is read up to its newest message.
fn mark_read(inbox: RwSignal<Inbox>, conn: Conn) {
    let target = inbox.with_untracked(|i| {
        i.selected
            .and_then(|id| i.conversations.get(&id))
            .filter(|c| c.unread > 0 || c.last_from_visitor)
            .map(|c| (c.id, c.last_seq))
    });
    if let Some((conversation_id, seq)) = target {
        if watching() {
            inbox.update(|i| {
                if let Some(c) = i.conversations.get_mut(&conversation_id) {
                    c.unread = 0;
                }
            });
            conn.send(OperatorFrame::Read {
                conversation_id,
                seq,
            });
        }
    }
}

#[component]
fn LinkBadge(link: RwSignal<Link>) -> impl IntoView {
    let text = move || match link.get() {
        Link::Connecting => "Connecting…",
        Link::Live => "Live",
        Link::Offline => "Offline, reconnecting…",
    };
    view! {
        <span class="link-state" class:live=move || link.get() == Link::Live role="status">
            {text}
        </span>
    }
}

/// The operator's own status: online takes chats, away and offline do not.
#[component]
fn StatusPicker(inbox: RwSignal<Inbox>, conn: Conn) -> impl IntoView {
    let on_change = move |ev| {
        if let Some(availability) = Availability::parse(&event_target_value(&ev)) {
            inbox.update(|i| i.chosen = availability);
            conn.send(OperatorFrame::SetAvailability { availability });
        }
    };
    view! {
        <label class="status-picker">
            <span class="dot" data-status=move || inbox.with(|i| i.chosen.as_str())></span>
            <select
                aria-label="Your status"
                prop:value=move || inbox.with(|i| i.chosen.as_str())
                on:change=on_change
            >
                {Availability::ALL
                    .into_iter()
                    .map(|a| view! { <option value=a.as_str()>{a.label()}</option> })
                    .collect_view()}
            </select>
        </label>
    }
}

/// Who on the team is online, away or offline, live.
#[component]
fn Team(inbox: RwSignal<Inbox>) -> impl IntoView {
    let online = move || {
        inbox.with(|i| {
            i.team
                .iter()
                .filter(|m| m.availability == Availability::Online)
                .count()
        })
    };
    view! {
        <section class="team" aria-label="Team">
            <h2>"Team "<span class="count">{online}" online"</span></h2>
            <ul>
                <For
                    each=move || inbox.with(|i| i.team.clone())
                    key=|m| (m.user_id, m.availability, m.name.clone())
                    children=|m| {
                        view! {
                            <li class="member" data-status=m.availability.as_str()>
                                <span class="dot" data-status=m.availability.as_str()></span>
                                <span class="name">{m.name}</span>
                                <span class="status">{m.availability.label()}</span>
                            </li>
                        }
                    }
                />
            </ul>
        </section>
    }
}

#[component]
fn NotificationToggle(alerts: Alerts) -> impl IntoView {
    let ask = move |_| {
        #[cfg(feature = "hydrate")]
        alerts.ask_permission();
    };
    view! {
        <Show when=move || alerts.permission.get() == "default">
            <button type="button" class="button ghost small" on:click=ask>
                "Enable notifications"
            </button>
        </Show>
    }
}

#[component]
fn ConversationRow(
    c: ConversationSummary,
    selected: impl Fn() -> bool + Send + Sync + Copy + 'static,
    on_open: impl Fn() + 'static,
) -> impl IntoView {
    let preview = match (&c.last_body, c.last_from_visitor) {
        (Some(body), true) => body.clone(),
        (Some(body), false) => format!("You: {body}"),
        (None, _) => "No messages yet".to_string(),
    };
    let owner = match (&c.assignee, c.closed) {
        (_, true) => match &c.rating {
            Some(r) => format!("Closed · {}", rating_label(r.rating)),
            None => "Closed".to_string(),
        },
        (Some(a), false) => a.name.clone(),
        (None, false) => "Unassigned".to_string(),
    };
    let unread = c.unread;
    let has_unread = unread > 0;
    let offline = c
        .offline
        .then(|| view! { <span class="badge offline">"Offline message"</span> });
    view! {
        <button
            type="button"
            class="conversation"
            class:selected=selected
            class:unread=has_unread
            aria-current=move || selected().then_some("true")
            on:click=move |_| on_open()
        >
            <span class="who">{c.visitor_name.clone()}</span>
            <span class="when">{time_label(c.last_at)}</span>
            <span class="preview">{preview}</span>
            <span class="meta">{offline}{c.channel_name.clone()}" · "{owner}</span>
            <Show when=move || unread != 0>
                <span class="unread-count" aria-label="unread messages">{unread}</span>
            </Show>
        </button>
    }
}

#[component]
fn Thread(c: ConversationSummary, inbox: RwSignal<Inbox>, conn: Conn) -> impl IntoView {
    let id = c.id;
    let closed = c.closed;
    let visitor_name = c.visitor_name.clone();
    let draft = RwSignal::new(String::new());
    // Writing an internal note rather than a reply.
    let noting = RwSignal::new(false);
    let typing_sent_at = StoredValue::new(None::<f64>);
    let last_input = StoredValue::new(0.0_f64);

    let stop_typing = move || {
        if typing_sent_at.get_value().is_some() {
            typing_sent_at.set_value(None);
            conn.send(OperatorFrame::Typing {
                conversation_id: id,
                typing: false,
            });
        }
    };
    #[cfg(feature = "hydrate")]
    {
        // A pause in typing ends the indicator.
        let timer = set_interval_with_handle(
            move || {
                if typing_sent_at.get_value().is_some()
                    && now_ms() - last_input.get_value() > TYPING_PAUSE_MS
                {
                    stop_typing();
                }
            },
            std::time::Duration::from_millis(1000),
        );
        on_cleanup(move || {
            if let Ok(t) = timer {
                t.clear();
            }
        });
    }
    on_cleanup(stop_typing);

    let on_input = move |ev| {
        draft.set(event_target_value(&ev));
        let now = now_ms();
        last_input.set_value(now);
        let due = typing_sent_at
            .get_value()
            .is_none_or(|at| now - at > TYPING_REPEAT_MS);
        // A note is not for the visitor: they do not see us typing it.
        if due && !noting.get_untracked() && !draft.with_untracked(|d| d.trim().is_empty()) {
            typing_sent_at.set_value(Some(now));
            conn.send(OperatorFrame::Typing {
                conversation_id: id,
                typing: true,
            });
        }
    };
    let send = move || {
        let body = draft.get_untracked().trim().to_string();
        if body.is_empty() {
            return;
        }
        let Some(message_id) = new_message_id() else {
            return;
        };
        if noting.get_untracked() {
            conn.send(OperatorFrame::Note {
                conversation_id: id,
                note_id: message_id,
                body,
            });
            draft.set(String::new());
            return;
        }
        stop_typing();
        inbox.update(|i| i.queue(id, message_id, body.clone()));
        conn.send(OperatorFrame::Send {
            conversation_id: id,
            message_id,
            body,
        });
        draft.set(String::new());
    };
    let on_keydown = move |ev: leptos::ev::KeyboardEvent| {
        if ev.key() == "Enter" && !ev.shift_key() {
            ev.prevent_default();
            send();
        }
    };
    let close = move |_| {
        conn.send(OperatorFrame::Close {
            conversation_id: id,
        })
    };
    let take = move |_| {
        conn.send(OperatorFrame::Take {
            conversation_id: id,
        })
    };
    let takeable = c.assignee.is_none() && !closed;
    let page = c.page_url.clone().map(|url| match safe_link(&url) {
        Some(href) => Either::Left(view! {
            <a href=href target="_blank" rel="noopener noreferrer">{url}</a>
        }),
        None => Either::Right(view! { <span>{url}</span> }),
    });
    // Keep the newest message in view as messages and typing arrive.
    let list = NodeRef::<leptos::html::Ol>::new();
    Effect::new(move || {
        inbox.with(|i| (i.thread.len(), i.outgoing.len(), i.visitor_typing));
        // After this update's DOM changes (other effects) have run.
        request_animation_frame(move || {
            if let Some(el) = list.get_untracked() {
                el.set_scroll_top(el.scroll_height());
            }
        });
    });
    let owner = match &c.assignee {
        Some(a) => format!("Assigned to {}", a.name),
        None => "Unassigned: answering takes it".to_string(),
    };

    view! {
        <header class="thread-head">
            <div>
                <h1 class="thread-title">{c.visitor_name.clone()}</h1>
                <p class="thread-meta">
                    {c.channel_name.clone()}
                    {c.department.clone().map(|d| format!(" · {d}"))}
                    " · "{owner}
                </p>
                <p class="visitor-page">
                    "Page: "
                    {page.unwrap_or_else(|| Either::Right(view! { <span>{"unknown".to_string()}</span> }))}
                </p>
                {c.offline.then(|| view! {
                    <p class="offline-note">
                        "Left with the offline form while nobody was online: the visitor sees an answer here when they come back, or write to them."
                    </p>
                })}
                <VisitorProfile v=c.visitor.clone() />
                {c.rating.clone().map(|r| {
                    let comment = (!r.comment.is_empty()).then(|| view! { <q class="rating-comment">{r.comment}</q> });
                    view! {
                        <p class="rating" data-rating=r.rating.as_str()>
                            "Visitor's rating: "<strong>{rating_label(r.rating)}</strong>" "{comment}
                        </p>
                    }
                })}
            </div>
            <div class="thread-actions">
                <Show when=move || takeable>
                    <button type="button" class="button primary" on:click=take>"Take"</button>
                </Show>
                <Show
                    when=move || !closed
                    fallback=|| view! { <span class="ended-tag">"Closed"</span> }
                >
                    <button type="button" class="button" on:click=close>"Close conversation"</button>
                </Show>
            </div>
        </header>
        <ol class="thread" role="log" aria-live="polite" aria-label="Messages" node_ref=list>
            <For
                each=move || inbox.with(|i| lines(&i.thread, &i.notes))
                key=|l| l.key()
                children=move |l| match l {
                    Line::Message(m) => Either::Left(view! { <MessageRow m visitor=visitor_name.clone() /> }),
                    Line::Note(n) => Either::Right(view! { <NoteRow n /> }),
                }
            />
            <For
                each=move || {
                    inbox.with(|i| {
                        i.outgoing.iter().filter(|o| o.conversation == id).cloned().collect::<Vec<_>>()
                    })
                }
                key=|o| (o.id, o.delivery.clone())
                children=move |o| view! { <PendingRow o inbox conn /> }
            />
        </ol>
        <p class="typing" aria-live="polite">
            <Show when=move || inbox.with(|i| i.visitor_typing)>"Visitor is typing…"</Show>
        </p>
        <Show when=move || inbox.with(|i| i.notice.is_some())>
            <p class="form-error">{move || inbox.with(|i| i.notice.clone().unwrap_or_default())}</p>
        </Show>
        <Show
            when=move || !closed
            fallback=|| view! { <p class="hint ended">"This conversation is closed."</p> }
        >
            <div class="compose-mode" role="group" aria-label="Write">
                <button
                    type="button"
                    class="mode"
                    aria-pressed=move || (!noting.get()).to_string()
                    on:click=move |_| noting.set(false)
                >
                    "Reply"
                </button>
                <button
                    type="button"
                    class="mode note"
                    aria-pressed=move || noting.get().to_string()
                    on:click=move |_| {
                        stop_typing();
                        noting.set(true);
                    }
                >
                    "Internal note"
                </button>
            </div>
            <form class="reply" class:noting=move || noting.get() on:submit=move |ev| {
                ev.prevent_default();
                send();
            }>
                <textarea
                    aria-label=move || if noting.get() { "Internal note" } else { "Reply" }
                    placeholder=move || {
                        if noting.get() {
                            "An internal note: only your team sees it"
                        } else {
                            "Type a reply; Enter sends, Shift+Enter adds a line"
                        }
                    }
                    rows=2
                    prop:value=move || draft.get()
                    on:input=on_input
                    on:keydown=on_keydown
                ></textarea>
                <button type="submit" class="button primary">
                    {move || if noting.get() { "Add note" } else { "Send" }}
                </button>
            </form>
        </Show>
    }
}

/// A line of the thread: a message or an internal note.
#[derive(Clone, Debug, PartialEq)]
enum Line {
    Message(WireMessage),
    Note(WireNote),
}

impl Line {
    fn key(&self) -> (bool, u64, MessageId) {
        match self {
            Line::Message(m) => (false, m.seq.0, m.id),
            Line::Note(n) => (true, 0, n.id),
        }
    }
}

/// Messages in `seq` order, each note right after the message that was the
/// last one when it was written (notes in the order they came).
fn lines(
    thread: &std::collections::BTreeMap<parlor_protocol::Seq, WireMessage>,
    notes: &[WireNote],
) -> Vec<Line> {
    let mut lines: Vec<Line> = thread.values().cloned().map(Line::Message).collect();
    for note in notes {
        let at = lines
            .iter()
            .position(|l| matches!(l, Line::Message(m) if m.seq > note.after_seq))
            .unwrap_or(lines.len());
        lines.insert(at, Line::Note(note.clone()));
    }
    lines
}

#[component]
fn NoteRow(n: WireNote) -> impl IntoView {
    view! {
        <li class="msg note">
            <span class="author">"Note · "{n.author}</span>
            <span class="body">{n.body}</span>
            <span class="when">{time_label(n.created_at)}</span>
        </li>
    }
}

/// One line of the thread; `visitor` is what the visitor is called (their
/// name when the host page or the offline form gave one).
#[component]
fn MessageRow(m: WireMessage, visitor: String) -> impl IntoView {
    let (who, class) = match &m.author {
        WireAuthor::Visitor => (visitor, "msg visitor"),
        WireAuthor::Operator { name } => (name.clone(), "msg operator"),
    };
    view! {
        <li class=class data-seq=m.seq.0>
            <span class="author">{who}</span>
            <span class="body">{m.body}</span>
            <span class="when">{time_label(m.sent_at)}</span>
        </li>
    }
}

#[component]
fn PendingRow(o: Outgoing, inbox: RwSignal<Inbox>, conn: Conn) -> impl IntoView {
    let retry = {
        let o = o.clone();
        move |_| {
            inbox.update(|i| {
                if let Some(p) = i.outgoing.iter_mut().find(|p| p.id == o.id) {
                    p.delivery = Delivery::Sending;
                }
            });
            conn.send(OperatorFrame::Send {
                conversation_id: o.conversation,
                message_id: o.id,
                body: o.body.clone(),
            });
        }
    };
    let status = match &o.delivery {
        Delivery::Sending => Either::Left(view! { <span class="state">"Sending…"</span> }),
        Delivery::Failed { reason, retry: can } => {
            let can = *can;
            Either::Right(view! {
                <span class="state failed">"Not sent: "{reason.clone()}</span>
                <Show when=move || can>
                    <button type="button" class="button small" on:click=retry.clone()>"Retry"</button>
                </Show>
            })
        }
    };
    view! {
        <li class="msg operator pending">
            <span class="author">"You"</span>
            <span class="body">{o.body.clone()}</span>
            {status}
        </li>
    }
}

/// A rating as operators read it.
fn rating_label(r: Rating) -> &'static str {
    match r {
        Rating::Happy => "😊 Happy",
        Rating::Neutral => "😐 Neutral",
        Rating::Unhappy => "😞 Unhappy",
    }
}

/// What the host page told about the visitor (JS API): identity, with
/// whether its signature held, and custom fields. Nothing for anonymous
/// visitors.
#[component]
fn VisitorProfile(v: WireVisitor) -> impl IntoView {
    let known = v.email.is_some() || v.external_id.is_some() || !v.fields.is_empty();
    known.then(|| {
        let id = v.external_id.map(|id| {
            let (class, badge) = if v.verified {
                ("badge verified", "verified")
            } else {
                ("badge unverified", "not verified")
            };
            view! {
                <dt>"External id"</dt>
                <dd>{id}" "<span class=class>{badge}</span></dd>
            }
        });
        let email = v.email.map(|e| {
            // A link only for a plain address: `?` or `&` in it could fill
            // in the operator's mail (subject, body, other recipients).
            let plain = e
                .chars()
                .all(|c| c.is_alphanumeric() || "@.-_+".contains(c));
            let link = plain.then(|| format!("mailto:{e}"));
            view! {
                <dt>"Email"</dt>
                <dd>
                    {match link {
                        Some(href) => Either::Left(view! { <a href=href>{e}</a> }),
                        None => Either::Right(view! { <span>{e}</span> }),
                    }}
                </dd>
            }
        });
        let fields = v
            .fields
            .into_iter()
            .map(|(k, val)| view! { <dt>{k}</dt><dd>{val}</dd> })
            .collect_view();
        view! { <dl class="visitor-profile">{email}{id}{fields}</dl> }
    })
}
