//! Canned responses in the composer, as in Odoo: typing `:` and the start
//! of a shortcut offers the matching responses; picking one puts its text
//! in place of what was typed. Admins manage the list on /canned.

use leptos::prelude::*;
use parlor_domain::CannedResponse;

/// The most responses offered at once.
const OFFERED: usize = 8;

/// The team's canned responses, loaded once per inbox page (context).
#[derive(Clone, Copy)]
pub struct CannedList(pub Signal<Vec<CannedResponse>>);

/// The `:shortcut` being typed at the end of `draft`: where its colon is,
/// and what follows it. The colon starts the text or a word.
pub fn typed_shortcut(draft: &str) -> Option<(usize, &str)> {
    let colon = draft.rfind(':')?;
    let typed = &draft[colon + 1..];
    let starts_word = draft[..colon]
        .chars()
        .next_back()
        .is_none_or(char::is_whitespace);
    (starts_word && !typed.contains(char::is_whitespace)).then_some((colon, typed))
}

/// The responses `draft` asks for now, at most [`OFFERED`].
pub fn offered(list: &[CannedResponse], draft: &str) -> Vec<CannedResponse> {
    match typed_shortcut(draft) {
        Some((_, typed)) => CannedResponse::matching(list, typed)
            .take(OFFERED)
            .cloned()
            .collect(),
        None => Vec::new(),
    }
}

/// `draft` with the `:shortcut` being typed replaced by `body`.
pub fn insert(draft: &str, body: &str) -> String {
    match typed_shortcut(draft) {
        Some((colon, _)) => format!("{}{body}", &draft[..colon]),
        None => format!("{draft}{body}"),
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
        assert_eq!(typed_shortcut(":re"), Some((0, "re")));
        assert_eq!(typed_shortcut("Sure :Re"), Some((5, "Re")));
        assert_eq!(typed_shortcut("at 10:30"), None, "inside a word");
        assert_eq!(typed_shortcut(":refund now"), None, "finished");
        assert_eq!(offered(&list, "Sure :RE").len(), 1);
        assert_eq!(offered(&list, ":").len(), 2);
        assert!(offered(&list, "no colon").is_empty());
        assert_eq!(
            insert("Sure, :ref", "We refund you today."),
            "Sure, We refund you today."
        );
    }
}
