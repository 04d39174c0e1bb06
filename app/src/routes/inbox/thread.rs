//! The open conversation: its header (who, where, whose), its messages and
//! notes, and the composer. Only the header follows the conversation's row;
//! the messages and the composer stay mounted while it changes, so a reply
//! being typed survives the visitor changing page or a colleague taking it.

use super::attachments::{FileView, Uploads};
use super::commands::ThreadUi;
use super::composer::{Composer, Drafts};
use super::connection::Conn;
use super::edit_history::EditedMark;
use super::find::{Find, FindBar, Marked};
use super::panels::ThreadPanel;
use super::state::{Delivery, Inbox, Outgoing};
use super::time_label;
use super::transfer::TransferForm;
use super::visitor_panel::VisitorPanel;
use leptos::either::Either;
use leptos::prelude::*;
use parlor_protocol::inbox::{ConversationSummary, OperatorFrame, WireNote};
use parlor_protocol::live::{Rating, WireAuthor, WireMessage};
use parlor_protocol::{ConversationId, MessageId, Seq};

#[component]
pub fn Thread(
    id: ConversationId,
    inbox: RwSignal<Inbox>,
    conn: Conn,
    drafts: Drafts,
    on_open: impl Fn(ConversationId) + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let summary = Memo::new(move |_| inbox.with(|i| i.conversations.get(&id).cloned()));
    let channel = summary.with_untracked(|c| c.as_ref().map(|c| c.channel_id));
    let ui = ThreadUi::new();
    // Files dropped on the thread or the composer go with a reply.
    let uploads = Uploads::new(id);
    provide_context(uploads);
    let closed = Memo::new(move |_| summary.with(|c| c.as_ref().is_none_or(|c| c.closed)));
    let visitor_name = Memo::new(move |_| {
        summary.with(|c| {
            c.as_ref()
                .map(|c| c.visitor_name.clone())
                .unwrap_or_default()
        })
    });
    // The visitor's read receipt: the newest operator message they have
    // seen (their own later message shows they saw what came before).
    let seen_at = Memo::new(move |_| {
        let receipt = summary.with(|c| c.as_ref().map_or(Seq(0), |c| c.visitor_read_seq));
        inbox.with(|i| {
            let answered = i
                .thread
                .values()
                .filter(|m| m.author == WireAuthor::Visitor);
            let read = answered.map(|m| m.seq).fold(receipt, Seq::max);
            i.thread
                .values()
                .filter(|m| m.author != WireAuthor::Visitor && m.seq <= read)
                .map(|m| m.seq)
                .max()
        })
    });
    let find = Find::new(move || {
        inbox.with(|i| lines(&i.thread, &i.notes).iter().map(Line::text).collect())
    });
    provide_context(find);
    // Keep the newest message in view as messages and typing arrive.
    let list = NodeRef::<leptos::html::Ol>::new();
    Effect::new(move || {
        inbox.with(|i| (i.thread.len(), i.outgoing.len(), i.visitor_typing));
        // After this update's DOM changes (other effects) have run.
        request_animation_frame(move || {
            // The thread may be gone by then (another conversation opened).
            if let Some(el) = list.try_get_untracked().flatten() {
                el.set_scroll_top(el.scroll_height());
            }
        });
    });

    view! {
        {move || summary.get().map(|c| view! { <ThreadHead c conn ui /> })}
        <VisitorPanel id summary on_open />
        <Show when=move || ui.transfer.with(Option::is_some) && !closed.get()>
            {channel.map(|channel| view! { <TransferForm id channel inbox conn ui /> })}
        </Show>
        <Show when=move || ui.find.get()>
            <FindBar find open=ui.find />
        </Show>
        <ol
            class="thread"
            role="log"
            aria-live="polite"
            aria-label="Messages"
            node_ref=list
            class:dropping=move || uploads.dragging.get()
            on:dragover=move |ev| uploads.drag_over(ev)
            on:dragleave=move |ev| uploads.drag_leave(ev)
            on:drop=move |ev| uploads.drop(ev)
        >
            <For
                each=move || inbox.with(|i| lines(&i.thread, &i.notes))
                key=|l| l.key()
                children=move |l| match l {
                    Line::Message(m) => Either::Left(view! { <MessageRow m visitor=visitor_name seen_at inbox conn /> }),
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
            when=move || !closed.get()
            fallback=|| view! { <p class="hint ended">"This conversation is closed."</p> }
        >
            <ThreadPanel id ui inbox on_open />
            {channel.map(|channel| view! { <Composer id channel inbox conn drafts ui /> })}
        </Show>
    }
}

/// Who the visitor is, where they are, who has the conversation, and what
/// can be done with it. Drawn again whenever the row changes.
#[component]
fn ThreadHead(c: ConversationSummary, conn: Conn, ui: ThreadUi) -> impl IntoView {
    let id = c.id;
    let closed = c.closed;
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
                {c.offline.then(|| view! {
                    <p class="offline-note">
                        "Left with the offline form while nobody was online: the visitor sees an answer here when they come back, or write to them."
                    </p>
                })}
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
                <button
                    type="button"
                    class="button thread-find-toggle"
                    aria-expanded=move || ui.find.get().to_string()
                    aria-keyshortcuts="F"
                    on:click=move |_| ui.find.update(|f| *f = !*f)
                >
                    "Find"
                </button>
                {takeable.then(|| view! {
                    <button type="button" class="button primary" on:click=take>"Take"</button>
                })}
                {if closed {
                    Either::Left(view! { <span class="ended-tag">"Closed"</span> })
                } else {
                    Either::Right(view! {
                        <button
                            type="button"
                            class="button"
                            aria-expanded=move || ui.transfer.with(Option::is_some).to_string()
                            on:click=move |_| ui.transfer.update(|t| {
                                *t = if t.is_some() { None } else { Some(String::new()) }
                            })
                        >
                            "Transfer"
                        </button>
                        <button type="button" class="button" on:click=close>"Close conversation"</button>
                    })
                }}
            </div>
        </header>
    }
}

/// A line of the thread: a message or an internal note.
#[derive(Clone, Debug, PartialEq)]
enum Line {
    Message(WireMessage),
    Note(WireNote),
}

impl Line {
    /// The line's id and the text the find field searches.
    fn text(&self) -> (MessageId, String) {
        match self {
            Line::Message(m) => (m.id, m.body.clone()),
            Line::Note(n) => (n.id, n.body.clone()),
        }
    }

    /// An edit changes the key (its text, as two edits may share a
    /// second), so the row is drawn anew.
    fn key(&self) -> (bool, u64, MessageId, Option<i64>, String) {
        match self {
            Line::Message(m) => (false, m.seq.0, m.id, m.edited_at, m.body.clone()),
            Line::Note(n) => (true, 0, n.id, None, String::new()),
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

/// An internal note, or a transfer with the note that went with it.
#[component]
fn NoteRow(n: WireNote) -> impl IntoView {
    let (class, author) = match &n.transfer_to {
        // A supervisor's transfer to themselves.
        Some(to) if *to == n.author => ("msg note transfer", format!("{to} took it over")),
        Some(to) => (
            "msg note transfer",
            format!("{} transferred it to {to}", n.author),
        ),
        None => ("msg note", format!("Note · {}", n.author)),
    };
    let id = n.id;
    // Tickets the note names (`/ticket`'s "Ticket #12 created"), as links.
    let refs = parlor_domain::TicketNumber::mentioned_in(&n.body);
    let links = (!refs.is_empty()).then(|| {
        view! {
            <span class="note-links">
                {refs
                    .into_iter()
                    .map(|t| view! { <a href=format!("/tickets/{}", t.0)>{format!("Open {t}")}</a> })
                    .collect_view()}
            </span>
        }
    });
    let body =
        (!n.body.is_empty()).then(|| view! { <span class="body"><Marked id text=n.body /></span> });
    view! {
        <li class=class>
            <span class="author">{author}</span>
            {body}
            {links}
            <span class="when">{time_label(n.created_at)}</span>
        </li>
    }
}

/// One line of the thread; `visitor` is what the visitor is called (their
/// name when the host page or the offline form gave one).
#[component]
fn MessageRow(
    m: WireMessage,
    visitor: Memo<String>,
    /// The newest message the visitor has seen gets the read receipt.
    seen_at: Memo<Option<Seq>>,
    inbox: RwSignal<Inbox>,
    conn: Conn,
) -> impl IntoView {
    let (who, class) = match &m.author {
        WireAuthor::Visitor => (visitor.get_untracked(), "msg visitor"),
        WireAuthor::Operator { name } => (name.clone(), "msg operator"),
    };
    let editable = inbox.with_untracked(|i| i.may_edit(&m));
    let editing = RwSignal::new(false);
    let text = RwSignal::new(m.body.clone());
    let original = StoredValue::new(m.body.clone());
    let field = NodeRef::<leptos::html::Textarea>::new();
    let start = move || {
        editing.set(true);
        // Once drawn, the field takes the focus.
        request_animation_frame(move || {
            if let Some(el) = field.try_get_untracked().flatten() {
                let _ = el.focus();
            }
        });
    };
    let (conversation_id, message_id, seq) = (m.conversation_id, m.id, m.seq);
    let save = move || {
        let new = text.get_untracked();
        editing.set(false);
        if original.with_value(|o| new.trim() != o.trim()) {
            conn.send(OperatorFrame::Edit {
                conversation_id,
                message_id,
                body: new,
            });
        }
    };
    let cancel = move || {
        text.set(original.get_value());
        editing.set(false);
    };
    let on_key = move |ev: leptos::ev::KeyboardEvent| {
        if ev.key() == "Enter" && (ev.ctrl_key() || ev.meta_key()) {
            ev.prevent_default();
            save();
        } else if ev.key() == "Escape" {
            ev.prevent_default();
            ev.stop_propagation();
            cancel();
        }
    };
    let edited = m.edited_at.map(|at| {
        view! { <EditedMark conversation=conversation_id message=message_id at inbox /> }
    });
    view! {
        <li class=class data-seq=m.seq.0 class:file-only={m.attachment.is_some() && m.body.trim().is_empty()}>
            <span class="author">{who}</span>
            {m.attachment.clone().map(|a| view! { <FileView a /> })}
            <Show
                when=move || editing.get()
                fallback=move || view! { <span class="body"><Marked id=message_id text=original.get_value() /></span> }
            >
                <form class="edit" on:submit=move |ev| {
                    ev.prevent_default();
                    save();
                }>
                    <textarea
                        aria-label="Edit message"
                        rows=2
                        node_ref=field
                        prop:value=move || text.get()
                        on:input=move |ev| text.set(event_target_value(&ev))
                        on:keydown=on_key
                    ></textarea>
                    <span class="edit-actions">
                        <button type="submit" class="button small primary">"Save"</button>
                        <button type="button" class="button small" on:click=move |_| cancel()>"Cancel"</button>
                        <span class="hint">"Ctrl+Enter saves, Escape cancels"</span>
                    </span>
                </form>
            </Show>
            <span class="when">
                {time_label(m.sent_at)}
                {edited}
                <Show when=move || seen_at.get() == Some(seq)>
                    <span class="seen">"Seen by the visitor"</span>
                </Show>
                {editable.then(|| view! {
                    <button
                        type="button"
                        class="link-button"
                        aria-label="Edit message"
                        on:click=move |_| start()
                    >
                        "Edit"
                    </button>
                })}
            </span>
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
                attachment: o.attachment.as_ref().map(|a| a.id),
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
        <li class="msg operator pending" class:file-only=o.body.is_empty()>
            <span class="author">"You"</span>
            {o.attachment.clone().map(|a| view! { <FileView a /> })}
            <span class="body">{o.body.clone()}</span>
            {status}
        </li>
    }
}

/// A rating as operators read it.
pub(super) fn rating_label(r: Rating) -> &'static str {
    match r {
        Rating::Happy => "😊 Happy",
        Rating::Neutral => "😐 Neutral",
        Rating::Unhappy => "😞 Unhappy",
    }
}
