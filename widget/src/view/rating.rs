//! Rating the conversation that just ended: happy / neutral / unhappy, then
//! an optional comment; thanks once the server has stored it.

use crate::chat::Chat;
use crate::i18n::Texts;
use leptos::prelude::*;
use parlor_protocol::live::{Rating, MAX_RATING_COMMENT_CHARS};
use widget::state::Event;

#[component]
pub fn RateEnded(chat: Chat, t: &'static Texts) -> impl IntoView {
    let choice = RwSignal::new(None::<Rating>);
    let comment = RwSignal::new(String::new());
    let send = move |_| {
        if let Some(rating) = choice.get_untracked() {
            chat.dispatch(Event::Rate {
                rating,
                comment: comment.get_untracked(),
            });
        }
    };
    view! {
        <Show
            when=move || !chat.state.with(|s| s.rated)
            fallback=move || view! { <p class="thanks">{t.thanks}</p> }
        >
            <div class="rate" role="group" aria-label=t.rate>
                <p>{t.rate}</p>
                <div class="faces">
                    {Rating::ALL
                        .into_iter()
                        .zip(t.ratings)
                        .map(|(r, label)| {
                            let face = match r {
                                Rating::Happy => "😊",
                                Rating::Neutral => "😐",
                                Rating::Unhappy => "😞",
                            };
                            view! {
                                <button
                                    type="button"
                                    class="face"
                                    data-rating=r.as_str()
                                    aria-label=label
                                    title=label
                                    aria-pressed=move || (choice.get() == Some(r)).to_string()
                                    on:click=move |_| choice.set(Some(r))
                                >
                                    {face}
                                </button>
                            }
                        })
                        .collect_view()}
                </div>
                <Show when=move || choice.with(Option::is_some)>
                    <textarea
                        class="rate-comment"
                        rows=2
                        maxlength=MAX_RATING_COMMENT_CHARS
                        aria-label=t.comment
                        placeholder=t.comment
                        prop:value=move || comment.get()
                        on:input=move |ev| comment.set(event_target_value(&ev))
                    ></textarea>
                    <button type="button" class="rate-send" on:click=send>{t.send_rating}</button>
                </Show>
            </div>
        </Show>
    }
}
