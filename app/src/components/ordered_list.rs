//! An ordered list being edited (a channel's rules, its triggers): rows are
//! added up to a maximum, removed and, where their order decides something,
//! moved up and down. Each row keeps a key of its own, so its inputs stay in
//! place while rows move, and element ids made from it stay the same.

use leptos::either::Either;
use leptos::prelude::*;

#[derive(Clone, Copy)]
struct Keyed<T> {
    key: u64,
    row: T,
}

/// The rows, in order. `T` is a row's editing state (a few signals).
pub struct EditList<T: Send + Sync + 'static> {
    rows: RwSignal<Vec<Keyed<T>>>,
    next_key: StoredValue<u64>,
}

impl<T: Send + Sync + 'static> Clone for EditList<T> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<T: Send + Sync + 'static> Copy for EditList<T> {}

impl<T: Copy + Send + Sync + 'static> EditList<T> {
    /// The rows, keyed 0, 1, 2… in order.
    pub fn new(rows: impl IntoIterator<Item = T>) -> Self {
        let list = Self {
            rows: RwSignal::new(Vec::new()),
            next_key: StoredValue::new(0),
        };
        list.rows.set(list.keyed(rows));
        list
    }

    fn keyed(&self, rows: impl IntoIterator<Item = T>) -> Vec<Keyed<T>> {
        rows.into_iter()
            .map(|row| Keyed {
                key: self.take_key(),
                row,
            })
            .collect()
    }

    fn take_key(&self) -> u64 {
        let key = self.next_key.get_value();
        self.next_key.set_value(key + 1);
        key
    }

    /// Starts again from `rows` (what the server stored). They get new
    /// keys: a row kept under its old key would keep its old signals.
    pub fn reset(&self, rows: impl IntoIterator<Item = T>) {
        let rows = self.keyed(rows);
        self.rows.set(rows);
    }

    pub fn push(&self, row: T) {
        let key = self.take_key();
        self.rows.update(|r| r.push(Keyed { key, row }));
    }

    /// The rows' values in order (tracked).
    pub fn map<U>(&self, f: impl Fn(&T) -> U) -> Vec<U> {
        self.rows.with(|r| r.iter().map(|k| f(&k.row)).collect())
    }

    /// As [`EditList::map`], untracked (for sending).
    pub fn map_untracked<U>(&self, f: impl Fn(&T) -> U) -> Vec<U> {
        self.rows
            .with_untracked(|r| r.iter().map(|k| f(&k.row)).collect())
    }

    pub fn len(&self) -> usize {
        self.rows.with(Vec::len)
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    fn index_of(&self, key: u64) -> Option<usize> {
        self.rows.with(|r| r.iter().position(|k| k.key == key))
    }

    fn remove(&self, key: u64) {
        self.rows.update(|r| r.retain(|k| k.key != key));
    }

    /// Moves a row one place up (`-1`) or down (`1`), if there is room.
    fn shift(&self, key: u64, by: isize) {
        self.rows.update(|r| {
            let Some(i) = r.iter().position(|k| k.key == key) else {
                return;
            };
            if let Some(j) = i.checked_add_signed(by).filter(|&j| j < r.len()) {
                r.swap(i, j);
            }
        })
    }
}

/// Where a row stands: its key (for element ids) and its place (from 0).
#[derive(Clone, Copy)]
pub struct RowPlace {
    pub key: u64,
    pub index: Memo<usize>,
}

impl RowPlace {
    /// An element id of this row: `{list}-{key}-{name}`.
    pub fn id(&self, list: &str, name: &str) -> String {
        format!("{list}-{}-{name}", self.key)
    }
}

fn capitalised(word: &str) -> String {
    let mut chars = word.chars();
    chars
        .next()
        .map(|c| c.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

/// The list: a note when it is empty, then one `<li>` per row, headed
/// "{Noun} n" with its buttons, then the row's own fields.
#[component]
pub fn OrderedList<T, F, V>(
    list: EditList<T>,
    /// What a row is called: "rule" gives "Rule 2", "Move rule 2 up" and
    /// "Remove rule 2".
    noun: &'static str,
    /// Shown while there are no rows.
    empty: &'static str,
    /// The classes of each row's `<li>`.
    item_class: &'static str,
    /// Whether rows move up and down (their order decides something).
    #[prop(optional)]
    reorder: bool,
    /// A row's fields.
    row: F,
) -> impl IntoView
where
    T: Copy + Send + Sync + 'static,
    F: Fn(T, RowPlace) -> V + Clone + Send + Sync + 'static,
    V: IntoView + 'static,
{
    let title = capitalised(noun);
    view! {
        <Show when=move || list.is_empty()>
            <p class="empty">{empty}</p>
        </Show>
        <ol class="rules">
            <For each=move || list.rows.get() key=|k| k.key let:keyed>
                {
                    let key = keyed.key;
                    let index = Memo::new(move |_| list.index_of(key).unwrap_or_default());
                    let n = move || index.get() + 1;
                    let remove = view! {
                        <button
                            type="button"
                            class="button ghost small danger"
                            aria-label=move || format!("Remove {noun} {}", n())
                            on:click=move |_| list.remove(key)
                        >
                            "Remove"
                        </button>
                    };
                    let buttons = if reorder {
                        Either::Left(view! {
                            <div class="rule-moves">
                                <button
                                    type="button"
                                    class="button ghost small"
                                    aria-label=move || format!("Move {noun} {} up", n())
                                    disabled=move || index.get() == 0
                                    on:click=move |_| list.shift(key, -1)
                                >
                                    "↑"
                                </button>
                                <button
                                    type="button"
                                    class="button ghost small"
                                    aria-label=move || format!("Move {noun} {} down", n())
                                    disabled=move || { n() >= list.len() }
                                    on:click=move |_| list.shift(key, 1)
                                >
                                    "↓"
                                </button>
                                {remove}
                            </div>
                        })
                    } else {
                        Either::Right(remove)
                    };
                    let title = title.clone();
                    view! {
                        <li class=item_class>
                            <div class="rule-head">
                                <h3>{move || format!("{title} {}", n())}</h3>
                                {buttons}
                            </div>
                            {row(keyed.row, RowPlace { key, index })}
                        </li>
                    }
                }
            </For>
        </ol>
    }
}

/// The button that adds a row made by `new`, up to `max` rows.
#[component]
pub fn AddRow<T>(
    list: EditList<T>,
    label: &'static str,
    max: usize,
    new: fn() -> T,
) -> impl IntoView
where
    T: Copy + Send + Sync + 'static,
{
    view! {
        <button
            type="button"
            class="button ghost"
            on:click=move |_| list.push(new())
            disabled=move || { list.len() >= max }
        >
            {label}
        </button>
    }
}
