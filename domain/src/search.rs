//! Searching conversations: by text of their messages, or by the visitor's
//! name or email, optionally in one channel and between two dates.

use crate::validation::{Field, ValidationErrors};
use crate::{ChannelId, ConversationId, VisitorId};
use serde::{Deserialize, Serialize};

pub const MIN_SEARCH: usize = 2;
pub const MAX_SEARCH: usize = 100;
/// The most conversations one search returns.
pub const SEARCH_LIMIT: usize = 50;

/// A search as an operator asked for it.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SearchQuery {
    pub text: String,
    pub channel: Option<ChannelId>,
    /// Unix seconds, inclusive.
    pub from: Option<i64>,
    /// Unix seconds, exclusive.
    pub until: Option<i64>,
}

impl SearchQuery {
    /// The query with its text trimmed, or why it cannot run.
    pub fn parse(mut self) -> Result<Self, ValidationErrors> {
        self.text = self.text.trim().to_string();
        let n = self.text.chars().count();
        if n < MIN_SEARCH {
            return Err(ValidationErrors::single(
                Field::Search,
                format!("type at least {MIN_SEARCH} characters"),
            ));
        }
        if n > MAX_SEARCH {
            return Err(ValidationErrors::single(
                Field::Search,
                format!("at most {MAX_SEARCH} characters"),
            ));
        }
        if let (Some(from), Some(until)) = (self.from, self.until) {
            if until <= from {
                return Err(ValidationErrors::single(
                    Field::Search,
                    "the end date is before the start date",
                ));
            }
        }
        Ok(self)
    }

    /// A `LIKE` pattern (escape character `\`) matching the text anywhere,
    /// lowercased: `%` and `_` typed by the operator match themselves.
    pub fn like_pattern(&self) -> String {
        let mut p = String::from("%");
        for c in self.text.to_lowercase().chars() {
            if matches!(c, '%' | '_' | '\\') {
                p.push('\\');
            }
            p.push(c);
        }
        p.push('%');
        p
    }
}

/// One message (or visitor) that matched, newest first.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SearchHit {
    pub conversation: ConversationId,
    pub visitor: VisitorId,
    pub visitor_name: Option<String>,
    pub channel_name: String,
    /// The matching message's text (or the conversation's first message,
    /// when the visitor matched).
    pub body: String,
    pub seq: crate::Seq,
    pub at: i64,
}

impl SearchHit {
    /// As the inbox names the visitor (see `ConversationSummary`).
    pub fn visitor_label(&self) -> String {
        crate::conversation::visitor_label(self.visitor_name.as_deref(), self.visitor)
    }
}

/// How many characters of a message a search result shows.
pub const SNIPPET_CHARS: usize = 160;

/// Where `needle` first occurs in `hay`, ignoring case, as a byte range of
/// `hay` (on character boundaries). An empty needle is never found.
pub fn find_ignoring_case(hay: &str, needle: &str) -> Option<std::ops::Range<usize>> {
    let needle: Vec<char> = needle.chars().flat_map(char::to_lowercase).collect();
    if needle.is_empty() {
        return None;
    }
    for (start, _) in hay.char_indices() {
        let mut matched = 0;
        for (i, c) in hay[start..].char_indices() {
            for l in c.to_lowercase() {
                if needle.get(matched) != Some(&l) {
                    matched = usize::MAX;
                    break;
                }
                matched += 1;
            }
            if matched == usize::MAX {
                break;
            }
            if matched == needle.len() {
                return Some(start..start + i + c.len_utf8());
            }
        }
    }
    None
}

/// `body` cut to about [`SNIPPET_CHARS`] characters around the first
/// occurrence of `text` (ignoring case), with `…` where it was cut; its
/// beginning when `text` does not occur. Plain text, runs of white space
/// made one space.
pub fn snippet(body: &str, text: &str) -> String {
    let body = body.split_whitespace().collect::<Vec<_>>().join(" ");
    let chars = body.chars().count();
    if chars <= SNIPPET_CHARS {
        return body;
    }
    let at = find_ignoring_case(&body, text)
        .map(|r| body[..r.start].chars().count())
        .unwrap_or(0);
    // Some context before the match, and the rest after it.
    let start = at
        .saturating_sub(SNIPPET_CHARS / 4)
        .min(chars - SNIPPET_CHARS);
    let end = start + SNIPPET_CHARS;
    let mut out = String::new();
    if start > 0 {
        out.push('…');
    }
    out.extend(body.chars().skip(start).take(SNIPPET_CHARS));
    if end < chars {
        out.push('…');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn queries_are_checked_and_escaped() {
        let q = |text: &str| SearchQuery {
            text: text.into(),
            ..Default::default()
        };
        assert!(q(" a ").parse().is_err());
        assert!(q(&"x".repeat(101)).parse().is_err());
        assert_eq!(q("  Refund ").parse().unwrap().text, "Refund");
        assert_eq!(q("50%_off\\").like_pattern(), "%50\\%\\_off\\\\%");
        let backwards = SearchQuery {
            from: Some(10),
            until: Some(5),
            ..q("refund")
        };
        assert!(backwards.parse().is_err());
    }

    #[test]
    fn matches_are_found_ignoring_case() {
        assert_eq!(
            find_ignoring_case("Ask for a REFUND", "refund"),
            Some(10..16)
        );
        assert_eq!(find_ignoring_case("Straße ÜBER", "über"), Some(8..13));
        assert_eq!(find_ignoring_case("abc", "abcd"), None);
        assert_eq!(find_ignoring_case("abc", ""), None);
    }

    #[test]
    fn snippets_keep_the_match_in_view() {
        assert_eq!(snippet("short  text\nhere", "text"), "short text here");
        let long = format!("{} needle {}", "a ".repeat(200), "b ".repeat(200));
        let s = snippet(&long, "NEEDLE");
        assert!(s.starts_with('…') && s.ends_with('…'));
        assert!(s.contains("needle"));
        assert_eq!(s.chars().count(), SNIPPET_CHARS + 2);
        let start = snippet(&long, "absent");
        assert!(start.starts_with("a a") && start.ends_with('…'));
        let end = snippet(&format!("{}tail", "x".repeat(300)), "tail");
        assert!(end.starts_with('…') && end.ends_with("tail"));
    }
}
