//! The composer under a conversation: a reply to the visitor or an internal
//! note, or a command (`/help`…, see `commands`). What is typed is kept per
//! conversation, so switching away and back, or the conversation's row
//! changing meanwhile, loses nothing.

use super::attachments::{AttachButton, UploadStatus, Uploads};
use super::commands::{self, ThreadUi};
use super::connection::Conn;
use super::state::Inbox;
use super::suggest::{self, CannedList};
use super::{new_message_id, now_ms};
use leptos::prelude::*;
use parlor_protocol::inbox::OperatorFrame;
use parlor_protocol::{ChannelId, ConversationId, WireAttachment};
use std::collections::HashMap;

/// How often "typing" is repeated while the operator keeps typing, and how
/// long a pause ends it (the widget drops it after 6 s without news).
const TYPING_REPEAT_MS: f64 = 2_000.0;
#[cfg(feature = "hydrate")]
const TYPING_PAUSE_MS: f64 = 3_000.0;

/// Unsent text per conversation, for as long as the page lives.
pub type Drafts = StoredValue<HashMap<ConversationId, String>>;

#[component]
pub fn Composer(
    id: ConversationId,
    channel: ChannelId,
    inbox: RwSignal<Inbox>,
    conn: Conn,
    drafts: Drafts,
    ui: ThreadUi,
) -> impl IntoView {
    let draft = RwSignal::new(drafts.with_value(|d| d.get(&id).cloned().unwrap_or_default()));
    // Files dropped or picked: the thread shares them (a drop target too).
    let uploads = use_context::<Uploads>().unwrap_or_else(|| Uploads::new(id));
    // Writing an internal note rather than a reply (notes take no files).
    let noting = uploads.noting;
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
    on_cleanup(move || {
        let text = draft.get_untracked();
        drafts.update_value(|d| {
            if text.is_empty() {
                d.remove(&id);
            } else {
                d.insert(id, text);
            }
        });
    });

    let on_input = move |ev| {
        draft.set(event_target_value(&ev));
        let now = now_ms();
        last_input.set_value(now);
        let due = typing_sent_at
            .get_value()
            .is_none_or(|at| now - at > TYPING_REPEAT_MS);
        // A note or a command is not for the visitor: they do not see us
        // typing it.
        let command = draft.with_untracked(|d| d.trim_start().starts_with('/'));
        if command {
            stop_typing();
        }
        if due
            && !noting.get_untracked()
            && !command
            && !draft.with_untracked(|d| d.trim().is_empty())
        {
            typing_sent_at.set_value(Some(now));
            conn.send(OperatorFrame::Typing {
                conversation_id: id,
                typing: true,
            });
        }
    };
    // Why the last command could not run.
    let refused = RwSignal::new(None::<String>);
    let suggestions = move || draft.with(|d| commands::matching(d));
    let canned_list = use_context::<CannedList>().map(CannedList::get);
    let offered = move || {
        canned_list
            .map(|list| list.with(|l| draft.with(|d| suggest::offered(l, d))))
            .unwrap_or_default()
    };
    let pick = move |body: &str| draft.update(|d| *d = suggest::insert(d, ':', body));
    // Colleagues to mention, in a note only (a reply goes to the visitor).
    let people = move || {
        if !noting.get() {
            return Vec::new();
        }
        inbox.with(|i| {
            let operators = i
                .channels
                .iter()
                .find(|c| c.id == channel)
                .map(|c| c.operators.as_slice())
                .unwrap_or_default();
            draft.with(|d| suggest::people(&i.team, operators, i.me_id(), d))
        })
    };
    let mention =
        move |name: &str| draft.update(|d| *d = suggest::insert(d, '@', &format!("@{name} ")));
    // An uploaded file goes to the visitor with whatever reply is typed;
    // a note or a command being typed meanwhile stays in the composer.
    uploads.on_ready(move |file: WireAttachment| {
        let Some(message_id) = new_message_id() else {
            return;
        };
        let typed = draft.get_untracked().trim().to_string();
        let keep = noting.get_untracked() || commands::parse(&typed).is_some();
        let body = if keep { String::new() } else { typed };
        stop_typing();
        inbox.update(|i| {
            i.queue(id, message_id, body.clone());
            if let Some(o) = i.outgoing.last_mut() {
                o.attachment = Some(file.clone());
            }
        });
        conn.send(OperatorFrame::Send {
            conversation_id: id,
            message_id,
            body,
            attachment: Some(file.id),
        });
        if !keep {
            draft.set(String::new());
        }
    });
    let send = move || {
        let body = draft.get_untracked().trim().to_string();
        if body.is_empty() {
            return;
        }
        if let Some(parsed) = commands::parse(&body) {
            let (command, args) = match parsed {
                Ok(found) => found,
                Err(why) => {
                    refused.set(Some(why));
                    return;
                }
            };
            let cx = commands::Context {
                conversation: id,
                channel,
                conn,
                inbox,
                ui,
                new_id: new_message_id,
            };
            match (command.run)(&cx, args) {
                Ok(()) => {
                    refused.set(None);
                    draft.set(String::new());
                }
                Err(why) => refused.set(Some(why)),
            }
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
            attachment: None,
        });
        draft.set(String::new());
    };
    let on_keydown = move |ev: leptos::ev::KeyboardEvent| {
        let key = ev.key();
        if (key == "Enter" || key == "Tab") && !ev.shift_key() {
            // A canned response or a colleague being asked for: the
            // first one offered.
            if let Some(first) = offered().first() {
                ev.prevent_default();
                pick(&first.body);
                return;
            }
            if let Some(first) = people().first() {
                ev.prevent_default();
                mention(first);
                return;
            }
        }
        if key == "Enter" && !ev.shift_key() {
            ev.prevent_default();
            send();
        } else if ev.key() == "Tab" {
            // Completes the one command that starts so.
            if let [only] = suggestions()[..] {
                ev.prevent_default();
                draft.set(format!("/{} ", only.name));
            }
        }
    };

    view! {
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
        <Show when=move || !suggestions().is_empty()>
            <ul class="suggestions" role="listbox" aria-label="Commands">
                {move || {
                    suggestions()
                        .into_iter()
                        .map(|c| {
                            view! {
                                <li role="option" aria-selected="false">
                                    <button
                                        type="button"
                                        class="suggestion"
                                        on:click=move |_| draft.set(format!("/{} ", c.name))
                                    >
                                        <code>"/"{c.name}</code>
                                        " "<span class="args">{c.args}</span>
                                        " "<span class="help">{c.help}</span>
                                    </button>
                                </li>
                            }
                        })
                        .collect_view()
                }}
            </ul>
        </Show>
        <Show when=move || !offered().is_empty()>
            <ul class="suggestions canned" role="listbox" aria-label="Canned responses">
                {move || {
                    offered()
                        .into_iter()
                        .map(|c| {
                            let body = c.body.clone();
                            view! {
                                <li role="option" aria-selected="false">
                                    <button type="button" class="suggestion" on:click=move |_| pick(&body)>
                                        <code>":"{c.shortcut}</code>
                                        " "<span class="help">{c.body}</span>
                                    </button>
                                </li>
                            }
                        })
                        .collect_view()
                }}
            </ul>
        </Show>
        <Show when=move || !people().is_empty()>
            <ul class="suggestions people" role="listbox" aria-label="Mention a colleague">
                {move || {
                    people()
                        .into_iter()
                        .map(|name| {
                            let shown = name.clone();
                            view! {
                                <li role="option" aria-selected="false">
                                    <button type="button" class="suggestion" on:click=move |_| mention(&name)>
                                        "@"{shown}
                                    </button>
                                </li>
                            }
                        })
                        .collect_view()
                }}
            </ul>
        </Show>
        <Show when=move || refused.get().is_some()>
            <p class="form-error" role="alert">{move || refused.get()}</p>
        </Show>
        <UploadStatus uploads />
        <form
            class="reply"
            class:noting=move || noting.get()
            class:dropping=move || uploads.dragging.get()
            on:dragover=move |ev| uploads.drag_over(ev)
            on:dragleave=move |ev| uploads.drag_leave(ev)
            on:drop=move |ev| uploads.drop(ev)
            on:submit=move |ev| {
            ev.prevent_default();
            send();
        }>
            <textarea
                aria-label=move || if noting.get() { "Internal note" } else { "Reply" }
                placeholder=move || {
                    if noting.get() {
                        "An internal note: only your team sees it; @name alerts a colleague"
                    } else {
                        "Type a reply; Enter sends, Shift+Enter adds a line, / for commands, : for canned responses"
                    }
                }
                rows=2
                prop:value=move || draft.get()
                on:input=on_input
                on:keydown=on_keydown
            ></textarea>
            <AttachButton uploads />
            <button type="submit" class="button primary">
                {move || if noting.get() { "Add note" } else { "Send" }}
            </button>
        </form>
    }
}
