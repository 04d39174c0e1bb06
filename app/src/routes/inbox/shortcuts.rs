//! Keyboard shortcuts of the inbox, and their help overlay (`?`). Single
//! keys work while no text field has the focus; the Alt versions work
//! everywhere, the composer included.

use leptos::prelude::*;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Action {
    Next,
    Previous,
    FocusComposer,
    Close,
    Find,
    Help,
}

/// Every shortcut, as the overlay lists it.
pub const SHORTCUTS: &[(&str, &str, Action)] = &[
    ("J", "Alt+↓", Action::Next),
    ("K", "Alt+↑", Action::Previous),
    ("R", "Alt+R", Action::FocusComposer),
    ("E", "Alt+E", Action::Close),
    ("F", "", Action::Find),
    ("?", "", Action::Help),
];

impl Action {
    pub fn label(self) -> &'static str {
        match self {
            Action::Next => "Next conversation",
            Action::Previous => "Previous conversation",
            Action::FocusComposer => "Write a reply",
            Action::Close => "Close the conversation",
            Action::Find => "Find in the conversation",
            Action::Help => "Show these shortcuts",
        }
    }
}

/// A key press as the shortcuts read it.
#[derive(Clone, Copy, Debug, Default)]
pub struct Press<'a> {
    pub key: &'a str,
    pub alt: bool,
    pub ctrl: bool,
    pub meta: bool,
    /// A text field (the composer, a search box) has the focus.
    pub typing: bool,
}

/// The action a key press asks for, if any.
pub fn action(p: Press) -> Option<Action> {
    if p.ctrl || p.meta {
        return None;
    }
    if p.alt {
        // Alt+letter may arrive as another character (macOS): `code`
        // would be better, but `key` with Alt is what Linux and Windows
        // browsers send, and arrows are the same everywhere.
        return match p.key {
            "ArrowDown" => Some(Action::Next),
            "ArrowUp" => Some(Action::Previous),
            "r" | "R" => Some(Action::FocusComposer),
            "e" | "E" => Some(Action::Close),
            _ => None,
        };
    }
    if p.typing {
        return None;
    }
    match p.key {
        "j" => Some(Action::Next),
        "k" => Some(Action::Previous),
        "r" => Some(Action::FocusComposer),
        "e" => Some(Action::Close),
        "f" => Some(Action::Find),
        "?" => Some(Action::Help),
        _ => None,
    }
}

/// The conversation after (or before) `current` in `ids`, wrapping round;
/// the first one when none is shown.
pub fn step<T: Copy + PartialEq>(ids: &[T], current: Option<T>, forward: bool) -> Option<T> {
    let n = ids.len();
    if n == 0 {
        return None;
    }
    let at = current.and_then(|c| ids.iter().position(|i| *i == c));
    let next = match (at, forward) {
        (None, _) => 0,
        (Some(i), true) => (i + 1) % n,
        (Some(i), false) => (i + n - 1) % n,
    };
    Some(ids[next])
}

#[component]
pub fn ShortcutHelp(open: RwSignal<bool>) -> impl IntoView {
    view! {
        <div class="overlay" on:click=move |_| open.set(false)>
            <div
                class="card shortcut-help"
                role="dialog"
                aria-modal="true"
                aria-label="Keyboard shortcuts"
                on:click=|ev| ev.stop_propagation()
            >
                <header>
                    <h2>"Keyboard shortcuts"</h2>
                    <button
                        type="button"
                        class="button ghost small"
                        aria-label="Close shortcuts"
                        autofocus=true
                        on:click=move |_| open.set(false)
                    >
                        "×"
                    </button>
                </header>
                <table>
                    <tbody>
                        {SHORTCUTS
                            .iter()
                            .map(|(key, alt, a)| {
                                view! {
                                    <tr>
                                        <td><kbd>{*key}</kbd></td>
                                        <td>{(!alt.is_empty()).then(|| view! { <kbd>{*alt}</kbd> })}</td>
                                        <td>{a.label()}</td>
                                    </tr>
                                }
                            })
                            .collect_view()}
                    </tbody>
                </table>
                <p class="hint">"Single keys work when you are not typing; Alt ones work everywhere. Escape closes this."</p>
            </div>
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(key: &str) -> Press<'_> {
        Press {
            key,
            ..Default::default()
        }
    }

    #[test]
    fn single_keys_only_outside_text_fields() {
        assert_eq!(action(key("j")), Some(Action::Next));
        assert_eq!(action(key("?")), Some(Action::Help));
        assert_eq!(
            action(Press {
                typing: true,
                ..key("j")
            }),
            None
        );
        assert_eq!(
            action(Press {
                typing: true,
                alt: true,
                ..key("ArrowDown")
            }),
            Some(Action::Next)
        );
        assert_eq!(
            action(Press {
                ctrl: true,
                ..key("r")
            }),
            None,
            "the browser's own"
        );
        assert_eq!(action(key("x")), None);
    }

    #[test]
    fn stepping_wraps_round_the_list() {
        let ids = [1, 2, 3];
        assert_eq!(step(&ids, None, true), Some(1));
        assert_eq!(step(&ids, Some(3), true), Some(1));
        assert_eq!(step(&ids, Some(1), false), Some(3));
        assert_eq!(step(&ids, Some(9), false), Some(1), "not in this filter");
        assert_eq!(step::<i32>(&[], None, true), None);
    }
}
