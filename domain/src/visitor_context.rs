//! What the inbox's visitor panel shows about where a visitor comes from:
//! partly told by the widget (`hello`: referrer, language, time zone), partly
//! found by the server (browser and OS from the `User-Agent`, the country).
//! Everything here arrives from a browser, so each value is checked and cut
//! before it is stored; a value that cannot be made sensible is dropped.

use crate::CountryCode;
use parlor_protocol::live::MAX_URL_CHARS;
use serde::{Deserialize, Serialize};

/// A BCP 47 tag is at most 35 characters in practice (RFC 5646 §4.4.1).
pub const MAX_LANGUAGE_CHARS: usize = 35;
/// The longest IANA zone name is 32 characters; room to spare.
pub const MAX_TIME_ZONE_CHARS: usize = 64;
/// Browser and OS names as the server derives them ("Chrome 120").
pub const MAX_AGENT_CHARS: usize = 64;

/// Stored per conversation (`conversations.visitor_context`, JSON), as it was
/// at the visitor's latest `hello` while the conversation was open.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct VisitorContext {
    /// The host page's referrer.
    pub referrer: Option<String>,
    /// ISO 3166-1 alpha-2 code.
    pub country: Option<CountryCode>,
    pub browser: Option<String>,
    pub os: Option<String>,
    /// `navigator.language`, a BCP 47 tag such as `de-DE`.
    pub language: Option<String>,
    /// An IANA zone name such as `Asia/Tokyo`.
    pub time_zone: Option<String>,
}

/// What the widget's `hello` told, unchecked.
#[derive(Clone, Debug, Default)]
pub struct ToldContext<'a> {
    pub referrer: Option<&'a str>,
    pub language: Option<&'a str>,
    pub time_zone: Option<&'a str>,
}

impl VisitorContext {
    /// Checks and cuts what the client told; `browser`, `os` and `country`
    /// come from the server and are only trimmed to size.
    pub fn new(
        told: ToldContext<'_>,
        browser: Option<&str>,
        os: Option<&str>,
        country: Option<CountryCode>,
    ) -> Self {
        Self {
            referrer: told.referrer.and_then(referrer),
            country,
            browser: browser.and_then(|b| short(b, MAX_AGENT_CHARS)),
            os: os.and_then(|o| short(o, MAX_AGENT_CHARS)),
            language: told.language.and_then(language),
            time_zone: told.time_zone.and_then(time_zone),
        }
    }

    pub fn is_empty(&self) -> bool {
        *self == Self::default()
    }

    /// This `hello`'s context over the one kept: everything is as told now,
    /// except that a missing referrer keeps the earlier one (the visitor
    /// moved within the site, which says nothing about where they came from).
    pub fn over(mut self, kept: &VisitorContext) -> Self {
        if self.referrer.is_none() {
            self.referrer.clone_from(&kept.referrer);
        }
        self
    }
}

/// `scheme://host[:port]` of a URL, lower case, if it has one.
fn origin(url: &str) -> Option<String> {
    let (scheme, rest) = url.split_once("://")?;
    let host = rest.split(['/', '?', '#']).next()?;
    Some(format!("{scheme}://{host}").to_ascii_lowercase())
}

/// The referrer worth keeping: none when it is the visitor's own site's page
/// (a move within the site).
pub fn outside_referrer<'a>(referrer: Option<&'a str>, page_url: Option<&str>) -> Option<&'a str> {
    let referrer = referrer?;
    match (origin(referrer), page_url.and_then(origin)) {
        (Some(from), Some(here)) if from == here => None,
        _ => Some(referrer),
    }
}

fn short(text: &str, max: usize) -> Option<String> {
    let text = text.trim();
    (!text.is_empty()).then(|| text.chars().take(max).collect())
}

/// A referrer is kept like the page URL: cut to [`MAX_URL_CHARS`]. The panel
/// links it only when it is a web address.
pub fn referrer(text: &str) -> Option<String> {
    let text = text.trim();
    (!text.is_empty() && !text.chars().any(char::is_control))
        .then(|| text.chars().take(MAX_URL_CHARS).collect())
}

/// A language tag: subtags of 1–8 ASCII letters or digits joined by `-`,
/// the first of 2–8 letters; anything else (or longer than
/// [`MAX_LANGUAGE_CHARS`]) is dropped rather than cut, since half a tag
/// means nothing.
pub fn language(text: &str) -> Option<String> {
    let text = text.trim();
    if text.is_empty() || text.len() > MAX_LANGUAGE_CHARS {
        return None;
    }
    let mut parts = text.split('-');
    let first = parts.next()?;
    let primary = (2..=8).contains(&first.len()) && first.bytes().all(|b| b.is_ascii_alphabetic());
    let rest =
        parts.all(|p| (1..=8).contains(&p.len()) && p.bytes().all(|b| b.is_ascii_alphanumeric()));
    (primary && rest).then(|| text.to_string())
}

/// An IANA zone name: at most [`MAX_TIME_ZONE_CHARS`] of `A-Z a-z 0-9 / _ + -`.
pub fn time_zone(text: &str) -> Option<String> {
    let text = text.trim();
    let ok = !text.is_empty()
        && text.len() <= MAX_TIME_ZONE_CHARS
        && text
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"/_+-".contains(&b));
    ok.then(|| text.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn languages() {
        assert_eq!(language(" de-DE ").as_deref(), Some("de-DE"));
        assert_eq!(language("zh-Hant-TW").as_deref(), Some("zh-Hant-TW"));
        assert_eq!(language("en").as_deref(), Some("en"));
        assert_eq!(language(&"a".repeat(5000)), None);
        assert_eq!(language("de_DE"), None);
        assert_eq!(language("<b>"), None);
        assert_eq!(language("e"), None);
        assert_eq!(language(""), None);
        assert_eq!(language("de--DE"), None);
    }

    #[test]
    fn time_zones() {
        assert_eq!(time_zone("Asia/Tokyo").as_deref(), Some("Asia/Tokyo"));
        assert_eq!(time_zone("Etc/GMT+5").as_deref(), Some("Etc/GMT+5"));
        assert_eq!(
            time_zone("America/Argentina/Buenos_Aires").as_deref(),
            Some("America/Argentina/Buenos_Aires")
        );
        assert_eq!(time_zone("Europe/Paris; DROP"), None);
        assert_eq!(time_zone("Asia/ Tokyo"), None);
        assert_eq!(time_zone(&"A".repeat(65)), None);
    }

    #[test]
    fn referrers_are_cut_and_agents_trimmed() {
        let long = format!("https://example.com/{}", "x".repeat(5000));
        let c = VisitorContext::new(
            ToldContext {
                referrer: Some(&long),
                language: Some("fr"),
                time_zone: Some(""),
            },
            Some(&"B".repeat(100)),
            Some("  "),
            CountryCode::parse("fr"),
        );
        assert_eq!(
            c.referrer.as_ref().map(|r| r.chars().count()),
            Some(MAX_URL_CHARS)
        );
        assert_eq!(c.browser.as_ref().map(String::len), Some(MAX_AGENT_CHARS));
        assert_eq!(c.os, None);
        assert_eq!(c.time_zone, None);
        assert_eq!(c.language.as_deref(), Some("fr"));
        assert_eq!(c.country.map(|c| c.to_string()).as_deref(), Some("FR"));
        assert_eq!(referrer("https://a.example/\nx"), None);
    }

    #[test]
    fn moves_within_the_site_keep_the_first_referrer() {
        let page = Some("https://shop.example/cart");
        assert_eq!(
            outside_referrer(Some("https://Shop.example/shoes?a=1"), page),
            None
        );
        assert_eq!(
            outside_referrer(Some("https://search.example/?q=shoes"), page),
            Some("https://search.example/?q=shoes")
        );
        assert_eq!(
            outside_referrer(Some("https://shop.example:8443/"), page),
            Some("https://shop.example:8443/")
        );
        assert_eq!(outside_referrer(Some("x"), None), Some("x"));
        let kept = VisitorContext {
            referrer: Some("https://search.example/".into()),
            language: Some("de".into()),
            ..Default::default()
        };
        let now = VisitorContext {
            language: Some("fr".into()),
            ..Default::default()
        };
        let merged = now.over(&kept);
        assert_eq!(merged.referrer.as_deref(), Some("https://search.example/"));
        assert_eq!(merged.language.as_deref(), Some("fr"));
    }

    #[test]
    fn stored_form_reads_back() {
        let c = VisitorContext {
            country: CountryCode::parse("JP"),
            language: Some("ja".into()),
            ..Default::default()
        };
        let json = serde_json::to_string(&c).unwrap();
        assert_eq!(serde_json::from_str::<VisitorContext>(&json).unwrap(), c);
        // Older or partial rows read with defaults.
        assert_eq!(
            serde_json::from_str::<VisitorContext>("{}").unwrap(),
            VisitorContext::default()
        );
    }
}
