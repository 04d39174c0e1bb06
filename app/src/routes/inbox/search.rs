//! Searching conversations from the inbox: the text of their messages, or
//! the visitor's name or email, optionally in one channel and between two
//! dates. The server finds only conversations of the operator's channels;
//! a result opens its conversation, even one the list does not hold.

use super::time_label;
use crate::api::inbox::{search_conversations, SearchResult};
use leptos::either::Either;
use leptos::prelude::*;
use parlor_domain::search::find_ignoring_case;
use parlor_domain::{Field, SearchQuery};
use parlor_protocol::{ChannelId, ConversationId};

#[component]
pub fn SearchBox(
    on_open: impl Fn(ConversationId) + Copy + Send + Sync + 'static,
    channels: Signal<Vec<(ChannelId, String)>>,
) -> impl IntoView {
    let text = RwSignal::new(String::new());
    // The chosen channel's id as text; empty: every channel.
    let channel = RwSignal::new(String::new());
    let from = RwSignal::new(String::new());
    let to = RwSignal::new(String::new());
    // The search shown, if any: each submit is a new one.
    let searched = RwSignal::new(None::<SearchQuery>);
    let on_open = Callback::new(on_open);

    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let chosen = channel.get_untracked();
        searched.set(Some(SearchQuery {
            text: text.get_untracked(),
            channel: channels.with_untracked(|list| {
                list.iter()
                    .find(|(id, _)| id.0.to_string() == chosen)
                    .map(|(id, _)| *id)
            }),
            from: day_start(&from.get_untracked(), false),
            until: day_start(&to.get_untracked(), true),
        }));
    };
    let clear = move |_| {
        searched.set(None);
        text.set(String::new());
    };
    let shown = move || searched.with(Option::is_some);
    let results = move || {
        searched
            .get()
            .map(|query| Suspend::new(search_results(query, on_open)))
    };

    view! {
        <form class="search" role="search" on:submit=on_submit>
            <div class="search-line">
                <input
                    type="search"
                    aria-label="Search conversations"
                    placeholder="Search conversations"
                    bind:value=text
                />
                <button type="submit" class="button small">
                    "Search"
                </button>
                <Show when=shown>
                    <button type="button" class="button ghost small" on:click=clear>
                        "Clear"
                    </button>
                </Show>
            </div>
            <div class="search-filters">
                <select aria-label="Channel" on:change=move |ev| channel.set(event_target_value(&ev))>
                    <option value="">"All channels"</option>
                    {move || {
                        channels
                            .get()
                            .into_iter()
                            .map(|(id, name)| {
                                let value = id.0.to_string();
                                let selected = channel.get_untracked() == value;
                                view! {
                                    <option value=value selected=selected>
                                        {name}
                                    </option>
                                }
                            })
                            .collect_view()
                    }}
                </select>
                <label>
                    "From" <input type="date" bind:value=from />
                </label>
                <label>
                    "To" <input type="date" bind:value=to />
                </label>
            </div>
        </form>
        {results}
    }
}

/// Runs a search and shows what it found. Split out of the main bundle: no
/// search is shown on the first render, so its code (and the results'
/// decoding) comes with the first search.
#[leptos::lazy]
fn search_results(query: SearchQuery, on_open: Callback<ConversationId>) -> AnyView {
    // What the results mark: the text searched for, not what is typed since.
    let needle = query.text.trim().to_string();
    let found = LocalResource::new(move || search_conversations(query.clone()));
    view! {
        <Suspense fallback=|| view! { <p class="hint">"Searching…"</p> }>
            {move || Suspend::new({
                let needle = needle.clone();
                async move {
                    match found.await {
                        Err(e) => {
                            let message = e
                                .validation()
                                .and_then(|v| v.for_field(Field::Search))
                                .map(str::to_string)
                                .unwrap_or_else(|| e.to_string());
                            view! { <p class="form-error" role="alert">{message}</p> }.into_any()
                        }
                        Ok(list) if list.is_empty() => {
                            view! { <p class="empty">"No conversations match."</p> }.into_any()
                        }
                        Ok(list) => {
                            view! {
                                <ul class="search-results" role="list" aria-label="Search results">
                                    {list
                                        .into_iter()
                                        .map(|r| {
                                            let on_open = move |id| on_open.run(id);
                                            view! { <ResultRow r needle=needle.clone() on_open /> }
                                        })
                                        .collect_view()}
                                </ul>
                            }
                            .into_any()
                        }
                    }
                }
            })}
        </Suspense>
    }
    .into_any()
}

#[component]
fn ResultRow(
    r: SearchResult,
    needle: String,
    on_open: impl Fn(ConversationId) + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let id = r.conversation_id;
    let pieces = highlight(&r.snippet, &needle)
        .into_iter()
        .map(|(piece, hit)| {
            if hit {
                Either::Left(view! { <mark>{piece}</mark> })
            } else {
                Either::Right(piece)
            }
        })
        .collect_view();
    view! {
        <li>
            <button type="button" class="search-result" on:click=move |_| on_open(id)>
                <span class="search-head">
                    <strong>{r.visitor_name}</strong>
                    <span class="hint">{r.channel_name}</span>
                    <span class="hint">{time_label(r.at)}</span>
                </span>
                <span class="search-snippet">{pieces}</span>
            </button>
        </li>
    }
}

/// `snippet` split around each occurrence of `needle` (ignoring case): the
/// pieces in order, true for a match. Shown as text nodes, matches in `<mark>`.
pub(super) fn highlight(snippet: &str, needle: &str) -> Vec<(String, bool)> {
    let needle = needle.trim();
    let mut pieces = Vec::new();
    let mut rest = snippet;
    while let Some(found) = find_ignoring_case(rest, needle) {
        if found.start > 0 {
            pieces.push((rest[..found.start].to_string(), false));
        }
        pieces.push((rest[found.clone()].to_string(), true));
        rest = &rest[found.end..];
    }
    if !rest.is_empty() {
        pieces.push((rest.to_string(), false));
    }
    pieces
}

/// "2024-03-05" (what a date input gives) as year, month, day.
fn parse_date(date: &str) -> Option<(u32, u32, u32)> {
    let mut parts = date.trim().splitn(3, '-').map(str::parse::<u32>);
    let (y, m, d) = (
        parts.next()?.ok()?,
        parts.next()?.ok()?,
        parts.next()?.ok()?,
    );
    ((1..=12).contains(&m) && (1..=31).contains(&d)).then_some((y, m, d))
}

/// The local midnight that starts `date` (or, with `after`, the next day),
/// in unix seconds; `None` for an empty or invalid date.
fn day_start(date: &str, after: bool) -> Option<i64> {
    let (y, m, d) = parse_date(date)?;
    #[cfg(feature = "hydrate")]
    {
        let day = d as i32 + i32::from(after);
        let t = js_sys::Date::new_with_year_month_day(y, m as i32 - 1, day).get_time();
        Some((t / 1000.0) as i64)
    }
    #[cfg(not(feature = "hydrate"))]
    {
        let _ = (y, m, d, after);
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_are_marked_ignoring_case() {
        let p = |s: &str, b| (s.to_string(), b);
        assert_eq!(
            highlight("Refund please, a REFUND!", "refund"),
            vec![
                p("Refund", true),
                p(" please, a ", false),
                p("REFUND", true),
                p("!", false)
            ]
        );
        assert_eq!(
            highlight("nothing here", "refund"),
            vec![p("nothing here", false)]
        );
        assert_eq!(
            highlight("50%_off", " %_ "),
            vec![p("50", false), p("%_", true), p("off", false)]
        );
        assert_eq!(highlight("Über", "über"), vec![p("Über", true)]);
        assert_eq!(highlight("abc", ""), vec![p("abc", false)]);
    }

    #[test]
    fn snippets_are_cut_around_the_match() {
        let body = format!(
            "{}the refund we talked about{}",
            "x ".repeat(150),
            " y".repeat(150)
        );
        let s = parlor_domain::search::snippet(&body, "REFUND");
        assert!(highlight(&s, "refund")
            .iter()
            .any(|(t, hit)| *hit && t == "refund"));
        assert!(s.starts_with('…') && s.ends_with('…'));
    }

    #[test]
    fn dates_are_read_as_the_input_gives_them() {
        assert_eq!(parse_date("2024-03-05"), Some((2024, 3, 5)));
        assert_eq!(parse_date(""), None);
        assert_eq!(parse_date("2024-13-01"), None);
        assert_eq!(day_start("", true), None);
    }
}
