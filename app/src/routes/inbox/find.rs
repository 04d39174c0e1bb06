//! Finding text within the open conversation, its messages and notes: every
//! match is highlighted, the current one is scrolled into view, and Enter /
//! Shift+Enter (or the arrows beside the field) jump to the next and the
//! previous one. It searches what the thread holds, which is all of it.

use super::search::highlight;
use leptos::either::Either;
use leptos::prelude::*;
use parlor_protocol::MessageId;

/// A match: the line it is in (a message's or a note's id) and which
/// occurrence of the text within that line.
pub type Hit = (MessageId, usize);

#[derive(Clone, Copy)]
pub struct Find {
    pub query: RwSignal<String>,
    /// The index in `hits` of the current match.
    pub current: RwSignal<usize>,
    /// Every match, in the thread's order.
    pub hits: Memo<Vec<Hit>>,
}

impl Find {
    /// `texts` gives the thread's lines in order, as (id, text).
    pub fn new(texts: impl Fn() -> Vec<(MessageId, String)> + Send + Sync + 'static) -> Self {
        let query = RwSignal::new(String::new());
        let hits = Memo::new(move |_| {
            let needle = query.get();
            if needle.trim().is_empty() {
                return Vec::new();
            }
            hits_in(&texts(), &needle)
        });
        Self {
            query,
            current: RwSignal::new(0),
            hits,
        }
    }

    /// The current match, if any.
    pub fn at(&self) -> Option<Hit> {
        let i = self.current.get();
        self.hits.with(|h| h.get(i).copied())
    }

    /// Moves to the next (or previous) match, wrapping round.
    pub fn step(&self, forward: bool) {
        let n = self.hits.with_untracked(Vec::len);
        if n == 0 {
            return;
        }
        self.current.update(|i| {
            *i = if forward {
                (*i + 1) % n
            } else {
                (*i + n - 1) % n
            }
        });
    }

    /// "3 of 7", or why there is nothing to show.
    pub fn count(&self) -> String {
        let n = self.hits.with(Vec::len);
        if self.query.with(|q| q.trim().is_empty()) {
            String::new()
        } else if n == 0 {
            "No matches".into()
        } else {
            format!("{} of {n}", self.current.get().min(n - 1) + 1)
        }
    }
}

/// Every occurrence of `needle` in `texts`, in order.
fn hits_in(texts: &[(MessageId, String)], needle: &str) -> Vec<Hit> {
    texts
        .iter()
        .flat_map(|(id, text)| {
            let n = highlight(text, needle)
                .iter()
                .filter(|(_, hit)| *hit)
                .count();
            (0..n).map(move |k| (*id, k))
        })
        .collect()
}

/// A line's text with the matches of the find field marked (as text nodes:
/// a visitor's text is never HTML), the current one apart.
#[component]
pub fn Marked(id: MessageId, text: String) -> impl IntoView {
    let Some(find) = use_context::<Find>() else {
        return Either::Left(text);
    };
    Either::Right(move || {
        let needle = find.query.get();
        let current = find.at();
        let mut k = 0;
        highlight(&text, &needle)
            .into_iter()
            .map(|(piece, hit)| {
                if hit {
                    let is_current = current == Some((id, k));
                    k += 1;
                    Either::Left(view! { <mark class:current=is_current>{piece}</mark> })
                } else {
                    Either::Right(piece)
                }
            })
            .collect_view()
    })
}

/// The find field above the thread, while it is open.
#[component]
pub fn FindBar(find: Find, open: RwSignal<bool>) -> impl IntoView {
    let field = NodeRef::<leptos::html::Input>::new();
    // Opening puts the cursor in the field.
    Effect::new(move || {
        if open.get() {
            request_animation_frame(move || {
                if let Some(el) = field.try_get_untracked().flatten() {
                    let _ = el.focus();
                }
            });
        }
    });
    // The current match is kept in view.
    Effect::new(move || {
        if find.at().is_some() {
            request_animation_frame(scroll_to_current);
        }
    });
    let close = move || {
        find.query.set(String::new());
        open.set(false);
    };
    let on_key = move |ev: leptos::ev::KeyboardEvent| match ev.key().as_str() {
        "Enter" => {
            ev.prevent_default();
            find.step(!ev.shift_key());
        }
        "Escape" => {
            ev.prevent_default();
            ev.stop_propagation();
            close();
        }
        _ => {}
    };
    view! {
        <div class="find-bar" role="search">
            <input
                type="search"
                aria-label="Find in this conversation"
                placeholder="Find in this conversation"
                node_ref=field
                prop:value=move || find.query.get()
                on:input=move |ev| {
                    find.query.set(event_target_value(&ev));
                    find.current.set(0);
                }
                on:keydown=on_key
            />
            <span class="find-count" aria-live="polite">{move || find.count()}</span>
            <button type="button" class="button small" aria-label="Previous match"
                disabled=move || find.hits.with(Vec::is_empty)
                on:click=move |_| find.step(false)>"↑"</button>
            <button type="button" class="button small" aria-label="Next match"
                disabled=move || find.hits.with(Vec::is_empty)
                on:click=move |_| find.step(true)>"↓"</button>
            <button type="button" class="button small" aria-label="Close find" on:click=move |_| close()>"×"</button>
        </div>
    }
}

fn scroll_to_current() {
    #[cfg(feature = "hydrate")]
    if let Some(el) = document()
        .query_selector(".thread mark.current")
        .ok()
        .flatten()
    {
        el.scroll_into_view_with_bool(false);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn id(n: u128) -> MessageId {
        MessageId(uuid::Uuid::from_u128(n))
    }

    #[test]
    fn every_occurrence_is_a_hit_in_thread_order() {
        let texts = vec![
            (id(1), "Where is my order?".to_string()),
            (id(2), "Nothing here".to_string()),
            (id(3), "ORDER 42: your order shipped".to_string()),
        ];
        assert_eq!(
            hits_in(&texts, "order"),
            vec![(id(1), 0), (id(3), 0), (id(3), 1)]
        );
        assert_eq!(hits_in(&texts, "refund"), vec![]);
        assert_eq!(hits_in(&texts, "  "), vec![]);
    }
}
