//! The conversation: the welcome, each line with its delivery state, the
//! operator typing, the offline form's thanks, the place in line, and the
//! end with its rating. Kept scrolled to the newest line.

use super::rating::RateEnded;
use crate::chat::Chat;
use crate::files::{AttachmentView, Files};
use crate::i18n::Texts;
use leptos::prelude::*;
use parlor_protocol::live::MAX_QUEUE_PLACE;
use widget::state::{Delivery, Event, Line};

#[component]
pub fn Lines(chat: Chat, t: &'static Texts, welcome: String) -> impl IntoView {
    let lines = chat.memo(|s| s.lines.clone());
    let read = chat.memo(|s| s.team_read);
    let typing = chat.memo(|s| s.typing.clone());
    let ended = chat.memo(|s| s.ended);
    let open = chat.memo(|s| s.open);
    // Keep the newest line in view as lines, typing or the end arrive.
    let list = NodeRef::<leptos::html::Div>::new();
    Effect::new(move || {
        lines.track();
        typing.track();
        ended.track();
        open.track();
        // After this update's DOM changes (other effects) have run.
        request_animation_frame(move || {
            if let Some(el) = list.get_untracked() {
                el.set_scroll_top(el.scroll_height());
            }
        });
    });
    let has_welcome = !welcome.trim().is_empty();
    view! {
        <div class="messages" role="log" aria-live="polite" node_ref=list>
            {has_welcome
                .then(|| {
                    view! {
                        <div class="msg operator">
                            <div class="bubble welcome">{welcome}</div>
                        </div>
                    }
                })}
            // Re-rendered whole on change: a keyed list costs more bytes
            // than a conversation's worth of lines costs time.
            {move || {
                let read = read.get();
                lines
                    .get()
                    .into_iter()
                    .map(|line| {
                        let seen = line.seq.is_some_and(|s| s <= read);
                        view! { <LineView line seen chat t /> }
                    })
                    .collect_view()
            }}
            <Show when=move || typing.with(Option::is_some)>
                <div class="typing">
                    {move || typing.get().map(|n| format!("{n}{}", t.is_typing))}
                </div>
            </Show>
            {move || {
                chat.state.with(|s| s.left.clone()).map(|to| view! { <p class="left">{t.left}{to}</p> })
            }}
            {move || {
                chat.state
                    .with(|s| s.queue)
                    .map(|n| {
                        let place = if n >= MAX_QUEUE_PLACE { format!("{n}+") } else { n.to_string() };
                        view! { <p class="queue" role="status">{t.queue.replace("{n}", &place)}</p> }
                    })
            }}
            <Show when=move || ended.get()>
                <div class="ended">
                    <p>{t.ended}</p>
                    <RateEnded chat t />
                    <button type="button" class="restart" on:click=move |_| chat.dispatch(Event::StartOver)>
                        {t.start_over}
                    </button>
                </div>
            </Show>
        </div>
    }
}

#[component]
fn LineView(
    line: Line,
    /// An operator has read it (the visitor's own lines show "Seen").
    seen: bool,
    chat: Chat,
    t: &'static Texts,
) -> impl IntoView {
    let mine = line.operator.is_none();
    let state = match &line.delivery {
        Delivery::Sending => Some(("state", t.sending.to_string())),
        Delivery::Sent if seen => mine.then(|| ("state seen", t.seen.to_string())),
        Delivery::Sent => mine.then(|| ("state", t.sent.to_string())),
        Delivery::Failed(why) | Delivery::Refused(why) => {
            Some(("state failed", format!("{}{why}", t.not_sent)))
        }
    };
    let failed = matches!(line.delivery, Delivery::Failed(_));
    let id = line.id;
    view! {
        <div class="msg" class:mine=mine class:operator=!mine data-state=match line.delivery {
            Delivery::Sending => "sending",
            Delivery::Sent => "sent",
            Delivery::Failed(_) | Delivery::Refused(_) => "failed",
        }>
            {line.operator.map(|n| view! { <span class="who">{n}</span> })}
            <div class="bubble">
                {line.attachment.zip(use_context::<Files>()).map(|(a, files)| view! { <AttachmentView a files /> })}
                {line.body}
            </div>
            {line.edited.then(|| view! { <span class="edited">{t.edited}</span> })}
            {state.map(|(class, text)| view! { <span class=class>{text}</span> })}
            {failed
                .then(|| {
                    view! {
                        <button type="button" class="retry" on:click=move |_| chat.dispatch(Event::Retry(id))>
                            {t.retry}
                        </button>
                    }
                })}
        </div>
    }
}
