//! What the composer offers while typing: canned responses after `:` (as
//! in Odoo; admins manage them on /canned) and, in a note, colleagues to
//! mention after `@`. Picking one puts it in place of what was typed.

use leptos::prelude::*;
use parlor_domain::CannedResponse;
use parlor_protocol::inbox::TeamMember;

/// The most responses offered at once.
const OFFERED: usize = 8;

/// The team's canned responses, loaded once per inbox page (context): by
/// the first composer, so their loading is in the thread pane's module,
/// not in the main bundle.
#[derive(Clone, Copy, Default)]
pub struct CannedList(RwSignal<Option<Vec<CannedResponse>>>);

impl CannedList {
    /// The list, loading it the first time it is asked for.
    pub fn get(self) -> Signal<Vec<CannedResponse>> {
        if self.0.with_untracked(Option::is_none) {
            self.0.set(Some(Vec::new()));
            leptos::task::spawn_local(async move {
                if let Ok(list) = crate::api::canned::list_canned().await {
                    self.0.set(Some(list));
                }
            });
        }
        Signal::derive(move || self.0.get().unwrap_or_default())
    }
}

/// The word being typed at the end of `draft` after `sigil` (`:` or
/// `@`): where the sigil is, and what follows it. The sigil starts the
/// text or a word.
pub fn typed_after(draft: &str, sigil: char) -> Option<(usize, &str)> {
    let at = draft.rfind(sigil)?;
    let typed = &draft[at + sigil.len_utf8()..];
    let starts_word = draft[..at]
        .chars()
        .next_back()
        .is_none_or(char::is_whitespace);
    (starts_word && !typed.contains(char::is_whitespace)).then_some((at, typed))
}

/// The responses `draft` asks for now, at most [`OFFERED`].
pub fn offered(list: &[CannedResponse], draft: &str) -> Vec<CannedResponse> {
    match typed_after(draft, ':') {
        Some((_, typed)) => CannedResponse::matching(list, typed)
            .take(OFFERED)
            .cloned()
            .collect(),
        None => Vec::new(),
    }
}

/// Colleagues among `allowed` (the channel's operators; not `me`) whose
/// name starts with what follows an `@`.
pub fn people(team: &[TeamMember], allowed: &[i64], me: Option<i64>, draft: &str) -> Vec<String> {
    let Some((_, typed)) = typed_after(draft, '@') else {
        return Vec::new();
    };
    let typed = typed.to_lowercase();
    team.iter()
        .filter(|m| {
            Some(m.user_id) != me
                && allowed.contains(&m.user_id)
                && m.name.to_lowercase().starts_with(&typed)
        })
        .take(OFFERED)
        .map(|m| m.name.clone())
        .collect()
}

/// `draft` with the word being typed after `sigil` replaced by `text`.
pub fn insert(draft: &str, sigil: char, text: &str) -> String {
    match typed_after(draft, sigil) {
        Some((at, _)) => format!("{}{text}", &draft[..at]),
        None => format!("{draft}{text}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn canned(shortcut: &str, body: &str) -> CannedResponse {
        CannedResponse {
            id: 1,
            shortcut: shortcut.into(),
            body: body.into(),
        }
    }

    #[test]
    fn a_colon_starting_a_word_asks_for_responses() {
        let list = [
            canned("refund", "We refund you today."),
            canned("hello", "Hi!"),
        ];
        assert_eq!(typed_after(":re", ':'), Some((0, "re")));
        assert_eq!(typed_after("Sure :Re", ':'), Some((5, "Re")));
        assert_eq!(typed_after("at 10:30", ':'), None, "inside a word");
        assert_eq!(typed_after(":refund now", ':'), None, "finished");
        assert_eq!(offered(&list, "Sure :RE").len(), 1);
        assert_eq!(offered(&list, ":").len(), 2);
        assert!(offered(&list, "no colon").is_empty());
        assert_eq!(
            insert("Sure, :ref", ':', "We refund you today."),
            "Sure, We refund you today."
        );
    }

    #[test]
    fn an_at_offers_colleagues_by_name() {
        let member = |user_id, name: &str| TeamMember {
            user_id,
            name: name.into(),
            availability: parlor_protocol::inbox::Availability::Online,
        };
        let team = [member(1, "Ann"), member(2, "Bo Lee"), member(3, "Bob")];
        let all = [1, 2, 3];
        assert_eq!(people(&team, &all, Some(1), "ask @bo"), ["Bo Lee", "Bob"]);
        assert_eq!(
            people(&team, &[1, 3], Some(1), "ask @bo"),
            ["Bob"],
            "operators of the channel only"
        );
        assert!(
            people(&team, &all, Some(1), "ask @an").is_empty(),
            "not oneself"
        );
        assert!(people(&team, &all, Some(1), "mail bo@x").is_empty());
        assert_eq!(insert("ask @bo", '@', "@Bo Lee "), "ask @Bo Lee ");
    }
}
