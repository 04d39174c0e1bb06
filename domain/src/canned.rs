//! Canned responses, as in Odoo Live Chat: a short name (`refund`) for a
//! text operators send often. Admins manage them; every operator may read
//! them, and the composer offers them after `:` + shortcut.

use crate::validation::{Field, ValidationErrors};
use serde::{Deserialize, Serialize};

/// The longest shortcut, in characters.
pub const MAX_SHORTCUT: usize = 32;
/// The longest text, in characters.
pub const MAX_CANNED_BODY: usize = 2000;

/// A stored canned response.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CannedResponse {
    pub id: i64,
    /// Lowercase ASCII letters, digits, `-` and `_`; unique.
    pub shortcut: String,
    pub body: String,
}

impl CannedResponse {
    /// The responses whose shortcut starts with `typed` (what follows the
    /// `:`, compared case-insensitively), in the list's order.
    pub fn matching<'a>(
        list: &'a [CannedResponse],
        typed: &str,
    ) -> impl Iterator<Item = &'a CannedResponse> {
        let typed = typed.trim().to_lowercase();
        list.iter()
            .filter(move |c| c.shortcut.starts_with(typed.as_str()))
    }
}

/// A canned response as an admin typed it (to create one, or to replace
/// one's shortcut and text). [`CannedInput::parse`] checks and normalizes it.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CannedInput {
    pub shortcut: String,
    pub body: String,
}

impl CannedInput {
    /// The input with the shortcut trimmed and lower-cased and the text
    /// trimmed, or every problem with it (field `Shortcut`, `CannedBody`).
    pub fn parse(&self) -> Result<CannedInput, ValidationErrors> {
        let shortcut = normalize_shortcut(&self.shortcut);
        let body = self.body.trim().to_string();
        let mut e = ValidationErrors::default();
        check_shortcut(&mut e, &shortcut);
        e.check_text(Field::CannedBody, &body, true, MAX_CANNED_BODY);
        e.into_result().map(|()| CannedInput { shortcut, body })
    }
}

/// Shortcuts compare case-insensitively; they are stored lower-cased.
pub fn normalize_shortcut(shortcut: &str) -> String {
    shortcut.trim().to_lowercase()
}

fn check_shortcut(e: &mut ValidationErrors, shortcut: &str) {
    let len = shortcut.chars().count();
    if shortcut.is_empty() {
        e.push(Field::Shortcut, "is required");
    } else if !shortcut
        .chars()
        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_')
    {
        e.push(
            Field::Shortcut,
            "may contain only letters a-z, digits, - and _ (no spaces)",
        );
    } else if len > MAX_SHORTCUT {
        e.push(
            Field::Shortcut,
            format!("is too long ({len} characters, at most {MAX_SHORTCUT})"),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input(shortcut: &str, body: &str) -> CannedInput {
        CannedInput {
            shortcut: shortcut.into(),
            body: body.into(),
        }
    }

    #[test]
    fn shortcut_is_trimmed_and_lowercased_and_text_trimmed() {
        let c = input("  Refund_2-Days ", "\n We refund within 2 days. \n")
            .parse()
            .unwrap();
        assert_eq!(c.shortcut, "refund_2-days");
        assert_eq!(c.body, "We refund within 2 days.");
    }

    #[test]
    fn blank_fields_are_required() {
        let e = input("   ", " \n\t ").parse().unwrap_err();
        assert_eq!(e.for_field(Field::Shortcut), Some("is required"));
        assert_eq!(e.for_field(Field::CannedBody), Some("is required"));
    }

    #[test]
    fn shortcut_takes_only_letters_digits_dash_and_underscore() {
        for bad in ["two words", "café", "a.b", ":refund", "x/y", "tab\there"] {
            let e = input(bad, "text").parse().unwrap_err();
            assert!(
                e.for_field(Field::Shortcut)
                    .unwrap()
                    .contains("only letters"),
                "{bad:?}"
            );
            assert_eq!(e.for_field(Field::CannedBody), None);
        }
        for good in ["a", "0", "-", "_", "hello-world_42", "HELLO"] {
            assert!(input(good, "text").parse().is_ok(), "{good:?}");
        }
    }

    #[test]
    fn lengths_are_bounded() {
        assert!(input(&"a".repeat(MAX_SHORTCUT), "text").parse().is_ok());
        let e = input(&"a".repeat(MAX_SHORTCUT + 1), "text")
            .parse()
            .unwrap_err();
        assert!(e.for_field(Field::Shortcut).unwrap().contains("at most 32"));

        assert!(input("ok", &"é".repeat(MAX_CANNED_BODY)).parse().is_ok());
        let e = input("ok", &"x".repeat(MAX_CANNED_BODY + 1))
            .parse()
            .unwrap_err();
        assert!(e
            .for_field(Field::CannedBody)
            .unwrap()
            .contains("at most 2000"));
    }

    #[test]
    fn fields_have_stable_wire_names() {
        let e = input("", "").parse().unwrap_err();
        let json = serde_json::to_string(&e).unwrap();
        assert!(json.contains("\"shortcut\""), "{json}");
        assert!(json.contains("\"canned_body\""), "{json}");
    }

    #[test]
    fn matching_finds_shortcuts_by_prefix() {
        let list = [("refund", 1), ("reopen", 2), ("hello", 3)].map(|(s, id)| CannedResponse {
            id,
            shortcut: s.into(),
            body: format!("{s} text"),
        });
        let ids = |typed: &str| {
            CannedResponse::matching(&list, typed)
                .map(|c| c.id)
                .collect::<Vec<_>>()
        };
        assert_eq!(ids("re"), vec![1, 2]);
        assert_eq!(ids("REF"), vec![1]);
        assert_eq!(ids(""), vec![1, 2, 3]);
        assert!(ids("x").is_empty());
    }
}
