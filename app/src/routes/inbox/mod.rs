//! The operator inbox: the conversation list (live, with filters) beside the
//! open conversation. The server renders an empty frame; everything live
//! starts once the page has hydrated (see `connection`).

mod alert_settings;
mod alerts;
mod attachments;
mod commands;
mod composer;
// Without the browser half, the live parts are only partly used.
#[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
mod connection;
mod edit_history;
mod find;
mod panels;
mod search;
#[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
mod shortcuts;
#[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
mod state;
mod suggest;
mod thread;
mod transfer;
mod visitor_panel;

use alerts::Alerts;
use connection::{Conn, Link};
use leptos::either::Either;
use leptos::prelude::*;
use leptos_meta::Title;
use parlor_protocol::inbox::{Availability, ConversationSummary, OperatorFrame};
use parlor_protocol::{ConversationId, MessageId};
use state::{Filter, Inbox};
use thread::{rating_label, Thread};

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
    crate::components::random::uuid().and_then(|id| id.parse().ok())
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

#[component]
pub fn InboxPage() -> impl IntoView {
    let inbox = RwSignal::new(Inbox::default());
    let conn = Conn::new();
    let alerts = Alerts::new();
    let filter = RwSignal::new(Filter::All);
    // Read by the first composer opened (the server's render has none).
    provide_context(suggest::CannedList::default());

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
    let help = RwSignal::new(false);
    #[cfg(feature = "hydrate")]
    {
        let handle = window_event_listener(leptos::ev::keydown, move |ev| {
            if ev.key() == "Escape" && help.get_untracked() {
                help.set(false);
                return;
            }
            let key = ev.key();
            let press = shortcuts::Press {
                key: &key,
                alt: ev.alt_key(),
                ctrl: ev.ctrl_key(),
                meta: ev.meta_key(),
                typing: typing_somewhere(),
            };
            let Some(action) = shortcuts::action(press) else {
                return;
            };
            ev.prevent_default();
            on_shortcut(action, inbox, conn, filter, help, open);
        });
        on_cleanup(move || handle.remove());
    }

    // The thread is drawn anew only for another conversation; within one,
    // only its header follows the row.
    let shown = Memo::new(move |_| inbox.with(|i| i.selected_summary().map(|c| c.id)));
    let drafts = StoredValue::new(Default::default());

    let title = move || match alerts.unseen.get() {
        0 => "Inbox".to_string(),
        n => format!("({n}) Inbox"),
    };

    view! {
        <Title text=title />
        <div class="inbox" data-chimes=move || alerts.chimes.get().to_string()>
            <aside class="inbox-list" aria-label="Conversations">
                <div class="inbox-status">
                    <LinkBadge link=conn.link />
                    <StatusPicker inbox conn />
                    <NotificationToggle alerts />
                    <alert_settings::AlertSettingsButton alerts />
                    <button
                        type="button"
                        class="button ghost small"
                        aria-keyshortcuts="?"
                        on:click=move |_| help.set(true)
                    >
                        "Shortcuts"
                    </button>
                </div>
                <search::SearchBox
                    on_open=open
                    channels=Signal::derive(move || {
                        inbox.with(|i| i.channels.iter().map(|c| (c.id, c.name.clone())).collect())
                    })
                />
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
                    // Keyed by everything the row shows (an edit changes
                    // only the last text).
                    <For
                        each=move || inbox.with(|i| i.rows(filter.get()))
                        key=|c| (c.id, c.last_seq, c.last_author_id, c.unread, c.closed, c.assignee.as_ref().map(|a| a.user_id), c.last_at, c.rating.clone(), c.offline, c.last_body.clone(), c.visitor_name.clone())
                        children=move |c| {
                            let id = c.id;
                            let selected = move || inbox.with(|i| i.selected == Some(id));
                            let mentioned = move || inbox.with(|i| i.mentions.contains(&id));
                            let author = inbox.with_untracked(|i| i.last_author(&c));
                            view! {
                                <li>
                                    <ConversationRow c author selected mentioned on_open=move || open(id) />
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
                    Some(id) => {
                        let on_open = Callback::new(open);
                        Either::Right(Suspend::new(async move {
                            thread_view(id, inbox, conn, drafts, on_open).await
                        }))
                    }
                }}
            </section>
        </div>
        <Show when=move || help.get()>
            {move || Suspend::new(dialog(Dialog::Shortcuts(help)))}
        </Show>
    }
}

/// The thread pane, split out of the main bundle: the inbox's first render
/// shows no conversation (the selection lives in the browser), so its code
/// arrives when the first one is opened, and never delays hydration.
#[leptos::lazy]
fn thread_view(
    id: ConversationId,
    inbox: RwSignal<Inbox>,
    conn: Conn,
    drafts: composer::Drafts,
    on_open: Callback<ConversationId>,
) -> AnyView {
    view! { <Thread id inbox conn drafts on_open=move |c| on_open.run(c) /> }.into_any()
}

/// The inbox's dialogs, split out of the main bundle: neither is open on
/// the first render, so their code comes when one is first opened.
#[derive(Clone, Copy)]
pub(crate) enum Dialog {
    Alerts(Alerts, Callback<()>),
    Shortcuts(RwSignal<bool>),
}

#[leptos::lazy]
pub(crate) fn dialog(which: Dialog) -> AnyView {
    match which {
        Dialog::Alerts(alerts, close) => {
            view! { <alert_settings::AlertSettingsDialog alerts close=move || close.run(()) /> }
                .into_any()
        }
        Dialog::Shortcuts(open) => view! { <shortcuts::ShortcutHelp open /> }.into_any(),
    }
}

/// Whether a text field has the focus (single-key shortcuts stay off).
#[cfg(feature = "hydrate")]
fn typing_somewhere() -> bool {
    document().active_element().is_some_and(|el| {
        matches!(el.tag_name().as_str(), "INPUT" | "TEXTAREA" | "SELECT")
            || el.get_attribute("contenteditable").is_some()
    })
}

/// Does what a shortcut asks.
#[cfg(feature = "hydrate")]
fn on_shortcut(
    action: shortcuts::Action,
    inbox: RwSignal<Inbox>,
    conn: Conn,
    filter: RwSignal<Filter>,
    help: RwSignal<bool>,
    open: impl Fn(ConversationId),
) {
    use shortcuts::Action;
    match action {
        Action::Next | Action::Previous => {
            let (ids, current) = inbox.with_untracked(|i| {
                let ids: Vec<_> = i
                    .rows(filter.get_untracked())
                    .iter()
                    .map(|c| c.id)
                    .collect();
                (ids, i.selected)
            });
            if let Some(id) = shortcuts::step(&ids, current, action == Action::Next) {
                open(id);
            }
        }
        Action::FocusComposer => {
            if let Some(el) = document()
                .query_selector(".reply textarea")
                .ok()
                .flatten()
                .and_then(|el| wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlElement>(el).ok())
            {
                let _ = el.focus();
            }
        }
        Action::Close => {
            let open_one =
                inbox.with_untracked(|i| i.selected_summary().filter(|c| !c.closed).map(|c| c.id));
            if let Some(conversation_id) = open_one {
                conn.send(OperatorFrame::Close { conversation_id });
            }
        }
        Action::Find => {
            if let Some(el) = document()
                .query_selector(".thread-find-toggle")
                .ok()
                .flatten()
                .and_then(|el| wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlElement>(el).ok())
            {
                el.click();
            }
        }
        Action::Help => help.update(|h| *h = !*h),
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

/// Who on the team is online, away or offline, live; for a supervisor,
/// also how many open conversations each one has (their list holds every
/// channel's).
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
                    children=move |m| {
                        let user = m.user_id;
                        let load = move || {
                            inbox.with(|i| {
                                i.supervisor.then(|| {
                                    let open = i
                                        .conversations
                                        .values()
                                        .filter(|c| {
                                            !c.closed
                                                && c.assignee.as_ref().is_some_and(|a| a.user_id == user)
                                        })
                                        .count();
                                    view! { <span class="load">{open}" open"</span> }
                                })
                            })
                        };
                        view! {
                            <li class="member" data-status=m.availability.as_str()>
                                <span class="dot" data-status=m.availability.as_str()></span>
                                <span class="name">{m.name}</span>
                                <span class="status">{m.availability.label()}</span>
                                {load}
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
    /// Who wrote the newest message, when staff did (`Inbox::last_author`).
    author: Option<String>,
    selected: impl Fn() -> bool + Send + Sync + Copy + 'static,
    mentioned: impl Fn() -> bool + Send + Sync + Copy + 'static,
    on_open: impl Fn() + 'static,
) -> impl IntoView {
    let preview = match (&c.last_body, author) {
        (Some(body), Some(author)) => format!("{author}: {body}"),
        (Some(body), None) => body.clone(),
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
            <span class="meta">
                <Show when=mentioned>
                    <span class="badge mention" title="A note mentions you">"@ you"</span>
                </Show>
                {offline}{c.channel_name.clone()}" · "{owner}
            </span>
            <Show when=move || unread != 0>
                <span class="unread-count" aria-label="unread messages">{unread}</span>
            </Show>
        </button>
    }
}
