//! What the thread shows on request above the composer: the commands
//! (`/help`), the visitor's past conversations (`/history`) and the tickets
//! `/search_tickets` found.

use super::commands::{Panel, ThreadUi, COMMANDS};
use super::time_label;
use crate::api::inbox::visitor_history;
use leptos::either::{Either, EitherOf3};
use leptos::prelude::*;
use parlor_protocol::ConversationId;

#[component]
pub fn ThreadPanel(
    id: ConversationId,
    ui: ThreadUi,
    inbox: RwSignal<super::state::Inbox>,
    on_open: impl Fn(ConversationId) + Copy + Send + Sync + 'static,
) -> impl IntoView {
    move || {
        ui.panel.get().map(|panel| {
            let (title, body) = match panel {
                Panel::Help => ("Commands", EitherOf3::A(view! { <HelpList /> })),
                Panel::History => (
                    "The visitor's other conversations",
                    EitherOf3::B(view! { <History id on_open /> }),
                ),
                Panel::Tickets => (
                    "Tickets found",
                    EitherOf3::C(view! { <FoundTickets id inbox /> }),
                ),
            };
            view! {
                <section class="thread-panel card" aria-label=title>
                    <header>
                        <h2>{title}</h2>
                        <button
                            type="button"
                            class="button ghost small"
                            aria-label="Close panel"
                            on:click=move |_| ui.panel.set(None)
                        >
                            "×"
                        </button>
                    </header>
                    {body}
                </section>
            }
        })
    }
}

/// The last `/search_tickets` answer for this conversation, only to the
/// operator who asked.
#[component]
fn FoundTickets(id: ConversationId, inbox: RwSignal<super::state::Inbox>) -> impl IntoView {
    move || {
        inbox.with(|i| match &i.found_tickets {
            Some((conversation, query, tickets)) if *conversation == id => {
                if tickets.is_empty() {
                    Either::Left(view! {
                        <p class="empty">{format!("No ticket matches “{query}”.")}</p>
                    })
                } else {
                    Either::Right(view! {
                        <ul class="found-tickets">
                            {tickets
                                .iter()
                                .map(|t| {
                                    let state = if t.closed { "Closed" } else { "Open" };
                                    view! {
                                        <li>
                                            <a href=format!("/tickets/{}", t.number)>
                                                <strong>{format!("#{}", t.number)}</strong>
                                                " "
                                                <span class="title">{t.title.clone()}</span>
                                            </a>
                                            " "
                                            <span class="badge">{state}</span>
                                        </li>
                                    }
                                })
                                .collect_view()}
                        </ul>
                    })
                }
            }
            _ => Either::Left(view! { <p class="loading">{"Searching…".to_string()}</p> }),
        })
    }
}

#[component]
fn HelpList() -> impl IntoView {
    view! {
        <dl class="commands">
            {COMMANDS
                .iter()
                .map(|c| {
                    view! {
                        <dt><code>"/"{c.name}</code>" "<span class="args">{c.args}</span></dt>
                        <dd>{c.help}</dd>
                    }
                })
                .collect_view()}
        </dl>
    }
}

#[component]
pub(super) fn History(
    id: ConversationId,
    on_open: impl Fn(ConversationId) + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let past = LocalResource::new(move || visitor_history(id));
    move || match past.get() {
        None => Either::Left(view! { <p class="loading">{"Loading…".to_string()}</p> }),
        Some(Err(e)) => Either::Left(view! { <p class="form-error">{e.to_string()}</p> }),
        Some(Ok(list)) if list.is_empty() => Either::Left(view! {
            <p class="empty">{"No other conversations.".to_string()}</p>
        }),
        Some(Ok(list)) => Either::Right(view! {
            <ul class="history">
                {list
                    .into_iter()
                    .map(|p| {
                        let state = if p.closed { "Closed" } else { "Open" };
                        view! {
                            <li>
                                <button type="button" class="past" on:click=move |_| on_open(p.id)>
                                    <span class="when">{time_label(p.created_at)}</span>
                                    <span class="state">{state}</span>
                                    <span class="preview">
                                        {p.last_body.unwrap_or_else(|| "No messages".into())}
                                    </span>
                                </button>
                            </li>
                        }
                    })
                    .collect_view()}
            </ul>
        }),
    }
}
