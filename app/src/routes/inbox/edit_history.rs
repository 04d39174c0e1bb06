//! A message's audit trail, for admins: the texts it had before each edit,
//! who replaced them and when. Opened from the message's "edited" mark.

use super::state::Inbox;
use super::time_label;
use crate::api::inbox::{message_edits, PreviousText};
use leptos::prelude::*;
use parlor_protocol::{ConversationId, MessageId};

/// The "edited" mark of a message; for admins a button that shows the
/// earlier texts below the message.
#[component]
pub fn EditedMark(
    conversation: ConversationId,
    message: MessageId,
    at: i64,
    inbox: RwSignal<Inbox>,
) -> impl IntoView {
    let title = format!("Edited {}", time_label(at));
    if !inbox.with_untracked(|i| i.admin) {
        return view! { <span class="edited" title=title>"edited"</span> }.into_any();
    }
    let shown = RwSignal::new(false);
    let trail = RwSignal::new(None::<Result<Vec<PreviousText>, String>>);
    let toggle = move |_| {
        shown.update(|s| *s = !*s);
        if shown.get_untracked() {
            leptos::task::spawn_local(async move {
                let found = message_edits(conversation, message)
                    .await
                    .map_err(|e| e.to_string());
                trail.set(Some(found));
            });
        }
    };
    let name = move |id: Option<i64>| {
        inbox.with_untracked(|i| {
            id.and_then(|id| i.team.iter().find(|m| m.user_id == id))
                .map_or_else(|| "a former colleague".to_string(), |m| m.name.clone())
        })
    };
    view! {
        <button
            type="button"
            class="link-button edited"
            title=title
            aria-expanded=move || shown.get().to_string()
            on:click=toggle
        >
            "edited"
        </button>
        <Show when=move || shown.get()>
            <div class="edit-history" role="region" aria-label="Earlier texts">
                {move || match trail.get() {
                    None => view! { <p class="hint">"Loading…"</p> }.into_any(),
                    Some(Err(why)) => view! { <p class="form-error">{why}</p> }.into_any(),
                    Some(Ok(texts)) => view! {
                        <ol>
                            {texts
                                .into_iter()
                                .map(|t| view! {
                                    <li>
                                        <span class="hint">
                                            {format!("Until {}, replaced by {}", time_label(t.edited_at), name(t.edited_by))}
                                        </span>
                                        <span class="body">{t.body}</span>
                                    </li>
                                })
                                .collect_view()}
                        </ol>
                    }
                    .into_any(),
                }}
            </div>
        </Show>
    }
    .into_any()
}
