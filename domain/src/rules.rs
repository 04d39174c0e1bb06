//! Channel rules, as in Odoo Live Chat: an ordered list, and the first rule
//! that matches the visitor's page and country decides how the launcher
//! shows there. No rule matching (or no rules) shows the launcher.

use crate::validation::{Field, ValidationErrors};
use parlor_protocol::ButtonDisplay;
use regex_lite::{Regex, RegexBuilder};
use serde::{Deserialize, Serialize};
use std::fmt;

pub const MAX_RULES: usize = 20;
/// Characters of a URL pattern.
pub const MAX_URL_REGEX: usize = 300;
/// Bytes of a compiled pattern: `(a{50}){50}` and the like are refused when
/// saved. Matching itself is linear in the path (regex-lite is O(m × n)).
pub const REGEX_SIZE_LIMIT: usize = 64 * 1024;
const REGEX_NEST_LIMIT: u32 = 20;
/// The longest "open automatically" timer, in seconds.
pub const MAX_OPEN_AFTER: u32 = 3600;
pub const MAX_COUNTRIES: usize = 60;
/// Paths longer than this are cut before matching; no real page path is.
pub const MAX_PATH: usize = 2048;

/// An ISO 3166-1 alpha-2 country code, upper case ("FR").
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct CountryCode([u8; 2]);

impl CountryCode {
    /// Two ASCII letters, in either case. "XX" (unknown, as Cloudflare sends
    /// it) is not a country.
    pub fn parse(text: &str) -> Option<Self> {
        match text.trim().as_bytes() {
            [a, b] if a.is_ascii_alphabetic() && b.is_ascii_alphabetic() => {
                let code = [a.to_ascii_uppercase(), b.to_ascii_uppercase()];
                (code != *b"XX").then_some(Self(code))
            }
            _ => None,
        }
    }

    pub fn as_str(&self) -> &str {
        // Only ASCII letters are ever stored.
        std::str::from_utf8(&self.0).unwrap_or("??")
    }
}

impl fmt::Display for CountryCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for CountryCode {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for CountryCode {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        Self::parse(&text).ok_or_else(|| serde::de::Error::custom("not a country code"))
    }
}

/// One rule: where it applies, and what the launcher does there.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChannelRule {
    pub display: ButtonDisplay,
    /// Searched for in the page's path (`/` matches every page).
    pub url_regex: String,
    /// Empty: every country. Otherwise the visitor's country must be known
    /// and listed.
    pub countries: Vec<CountryCode>,
}

/// A channel's rules, in order.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChannelRules(pub Vec<ChannelRule>);

pub(crate) fn compile(pattern: &str) -> Result<Regex, regex_lite::Error> {
    RegexBuilder::new(pattern)
        .size_limit(REGEX_SIZE_LIMIT)
        .nest_limit(REGEX_NEST_LIMIT)
        .build()
}

impl ChannelRules {
    pub fn validate(&self) -> Result<(), ValidationErrors> {
        self.compile().map(drop)
    }

    /// Checks every rule and compiles its pattern, once: the display
    /// request does this for every page a visitor opens.
    pub fn compile(&self) -> Result<CompiledRules, ValidationErrors> {
        let mut e = ValidationErrors::default();
        let mut compiled = Vec::with_capacity(self.0.len());
        if self.0.len() > MAX_RULES {
            e.push(Field::Rules, format!("at most {MAX_RULES} rules"));
        }
        for (i, rule) in self.0.iter().enumerate() {
            let i = i as u16;
            if let ButtonDisplay::Open { after_secs } = rule.display {
                if after_secs > MAX_OPEN_AFTER {
                    e.push(
                        Field::RuleOpenAfter(i),
                        format!("at most {MAX_OPEN_AFTER} seconds"),
                    );
                }
            }
            if let Some(re) = check_pattern(&mut e, Field::RuleUrlRegex(i), &rule.url_regex) {
                compiled.push((re, rule.countries.clone(), rule.display));
            }
            if rule.countries.len() > MAX_COUNTRIES {
                e.push(
                    Field::RuleCountries(i),
                    format!("at most {MAX_COUNTRIES} countries"),
                );
            }
        }
        e.into_result().map(|()| CompiledRules(compiled))
    }
}

/// A URL pattern is required, bounded, and compiles within the limits:
/// the compiled pattern, or `None` with the reason pushed to `e`.
pub(crate) fn check_pattern(
    e: &mut ValidationErrors,
    field: Field,
    pattern: &str,
) -> Option<Regex> {
    let len = pattern.chars().count();
    if pattern.trim().is_empty() {
        e.push(field, "is required (/ matches every page)");
    } else if len > MAX_URL_REGEX {
        e.push(
            field,
            format!("is too long ({len} characters, at most {MAX_URL_REGEX})"),
        );
    } else {
        match compile(pattern) {
            Ok(re) => return Some(re),
            Err(err) => e.push(field, pattern_error(&err)),
        }
    }
    None
}

fn pattern_error(err: &regex_lite::Error) -> String {
    let text = err.to_string();
    if text.contains("size limit") || text.contains("nest") {
        "is too complex: simplify the pattern".into()
    } else {
        format!("is not a valid pattern: {text}")
    }
}

/// Rules ready to match.
#[derive(Debug)]
pub struct CompiledRules(Vec<(Regex, Vec<CountryCode>, ButtonDisplay)>);

impl CompiledRules {
    /// What the first matching rule says, or `Show` when none matches.
    pub fn decide(&self, path: &str, country: Option<CountryCode>) -> ButtonDisplay {
        let path = cut(path, MAX_PATH);
        self.0
            .iter()
            .find(|(re, countries, _)| {
                re.is_match(path)
                    && (countries.is_empty() || country.is_some_and(|c| countries.contains(&c)))
            })
            .map_or(ButtonDisplay::Show, |(_, _, display)| *display)
    }
}

pub(crate) fn cut(text: &str, max: usize) -> &str {
    if text.len() <= max {
        return text;
    }
    let mut end = max;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    &text[..end]
}

/// What the admin chose in a rule's "Livechat button" field.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DisplayChoice {
    Show,
    Notify,
    Open,
    Hide,
}

impl DisplayChoice {
    pub const ALL: [DisplayChoice; 4] = [Self::Show, Self::Notify, Self::Open, Self::Hide];

    pub fn label(self) -> &'static str {
        match self {
            Self::Show => "Show",
            Self::Notify => "Show with notification",
            Self::Open => "Open automatically",
            Self::Hide => "Hide",
        }
    }

    pub fn id(self) -> &'static str {
        match self {
            Self::Show => "show",
            Self::Notify => "notify",
            Self::Open => "open",
            Self::Hide => "hide",
        }
    }

    pub fn from_id(id: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|c| c.id() == id)
    }
}

/// A rule as typed in the Rules tab: the timer and countries are still text.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RuleInput {
    pub display: DisplayChoice,
    pub open_after: String,
    pub url_regex: String,
    /// Comma- or space-separated codes ("FR, BE").
    pub countries: String,
}

impl RuleInput {
    pub fn new() -> Self {
        Self {
            display: DisplayChoice::Show,
            open_after: "5".into(),
            url_regex: "/".into(),
            countries: String::new(),
        }
    }
}

impl Default for RuleInput {
    fn default() -> Self {
        Self::new()
    }
}

impl From<&ChannelRule> for RuleInput {
    fn from(r: &ChannelRule) -> Self {
        let (display, open_after) = match r.display {
            ButtonDisplay::Show => (DisplayChoice::Show, 5),
            ButtonDisplay::Notify => (DisplayChoice::Notify, 5),
            ButtonDisplay::Open { after_secs } => (DisplayChoice::Open, after_secs),
            ButtonDisplay::Hide => (DisplayChoice::Hide, 5),
        };
        let countries: Vec<&str> = r.countries.iter().map(CountryCode::as_str).collect();
        Self {
            display,
            open_after: open_after.to_string(),
            url_regex: r.url_regex.clone(),
            countries: countries.join(", "),
        }
    }
}

/// Parses the Rules tab as typed, reporting every bad field of every rule.
pub fn parse_rules(input: &[RuleInput]) -> Result<ChannelRules, ValidationErrors> {
    let mut errors = ValidationErrors::default();
    let mut rules = Vec::with_capacity(input.len());
    for (i, r) in input.iter().enumerate() {
        let i = i as u16;
        let display = match r.display {
            DisplayChoice::Show => ButtonDisplay::Show,
            DisplayChoice::Notify => ButtonDisplay::Notify,
            DisplayChoice::Hide => ButtonDisplay::Hide,
            DisplayChoice::Open => match r.open_after.trim().parse::<u32>() {
                Ok(after_secs) => ButtonDisplay::Open { after_secs },
                Err(_) => {
                    errors.push(Field::RuleOpenAfter(i), "must be a whole number of seconds");
                    ButtonDisplay::Open { after_secs: 0 }
                }
            },
        };
        let mut countries = Vec::new();
        for word in r
            .countries
            .split(|c: char| c == ',' || c.is_whitespace())
            .filter(|w| !w.is_empty())
        {
            match CountryCode::parse(word) {
                Some(c) if !countries.contains(&c) => countries.push(c),
                Some(_) => {}
                None => {
                    errors.push(
                        Field::RuleCountries(i),
                        format!("{word:?} is not a two-letter country code (such as FR)"),
                    );
                    break;
                }
            }
        }
        rules.push(ChannelRule {
            display,
            url_regex: r.url_regex.trim().to_string(),
            countries,
        });
    }
    let rules = ChannelRules(rules);
    if let Err(e) = rules.validate() {
        for fe in e.0 {
            if errors.for_field(fe.field).is_none() {
                errors.0.push(fe);
            }
        }
    }
    errors.into_result().map(|()| rules)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rule(display: ButtonDisplay, url: &str, countries: &[&str]) -> ChannelRule {
        ChannelRule {
            display,
            url_regex: url.into(),
            countries: countries
                .iter()
                .map(|c| CountryCode::parse(c).unwrap())
                .collect(),
        }
    }

    fn fr() -> Option<CountryCode> {
        CountryCode::parse("fr")
    }

    #[test]
    fn the_first_matching_rule_decides() {
        let rules = ChannelRules(vec![
            rule(ButtonDisplay::Hide, "^/checkout", &[]),
            rule(
                ButtonDisplay::Open { after_secs: 3 },
                "/pricing",
                &["FR", "BE"],
            ),
            rule(ButtonDisplay::Notify, "/", &[]),
        ])
        .compile()
        .unwrap();
        assert_eq!(rules.decide("/checkout/pay", fr()), ButtonDisplay::Hide);
        assert_eq!(
            rules.decide("/en/pricing", fr()),
            ButtonDisplay::Open { after_secs: 3 }
        );
        // An unknown country never matches a rule that names countries.
        assert_eq!(rules.decide("/en/pricing", None), ButtonDisplay::Notify);
        assert_eq!(
            rules.decide("/en/pricing", CountryCode::parse("DE")),
            ButtonDisplay::Notify
        );
    }

    #[test]
    fn no_rule_or_no_match_shows_the_button() {
        let none = ChannelRules::default().compile().unwrap();
        assert_eq!(none.decide("/", None), ButtonDisplay::Show);
        let only_blog = ChannelRules(vec![rule(ButtonDisplay::Hide, "^/blog", &[])])
            .compile()
            .unwrap();
        assert_eq!(only_blog.decide("/shop", None), ButtonDisplay::Show);
    }

    #[test]
    fn pathological_patterns_are_refused_or_linear() {
        let too_big = ChannelRules(vec![rule(ButtonDisplay::Show, "((a{100}){100}){100}", &[])]);
        let e = too_big.validate().unwrap_err();
        assert_eq!(
            e.for_field(Field::RuleUrlRegex(0)),
            Some("is too complex: simplify the pattern")
        );
        // The classic catastrophic-backtracking pattern compiles, and
        // matching it against a long path still returns at once.
        let evil = ChannelRules(vec![rule(ButtonDisplay::Hide, "^(a+)+$", &[])])
            .compile()
            .unwrap();
        let path = format!("/{}!", "a".repeat(MAX_PATH * 4));
        assert_eq!(evil.decide(&path, None), ButtonDisplay::Show);
    }

    #[test]
    fn typed_rules_report_each_bad_field() {
        let input = vec![
            RuleInput {
                display: DisplayChoice::Open,
                open_after: "soon".into(),
                url_regex: "(".into(),
                countries: "FR, France".into(),
            },
            RuleInput::new(),
            RuleInput {
                display: DisplayChoice::Open,
                open_after: "99999".into(),
                url_regex: "  ".into(),
                countries: String::new(),
            },
        ];
        let e = parse_rules(&input).unwrap_err();
        assert!(e.for_field(Field::RuleOpenAfter(0)).is_some());
        assert!(e
            .for_field(Field::RuleUrlRegex(0))
            .unwrap()
            .starts_with("is not a valid pattern"));
        assert!(e
            .for_field(Field::RuleCountries(0))
            .unwrap()
            .contains("\"France\""));
        assert_eq!(
            e.for_field(Field::RuleOpenAfter(2)),
            Some("at most 3600 seconds")
        );
        assert!(e.for_field(Field::RuleUrlRegex(2)).is_some());
        assert_eq!(e.0.len(), 5, "{e:?}");
    }

    #[test]
    fn typed_rules_round_trip() {
        let input = RuleInput {
            display: DisplayChoice::Open,
            open_after: " 7 ".into(),
            url_regex: " /help ".into(),
            countries: "fr be,FR".into(),
        };
        let rules = parse_rules(std::slice::from_ref(&input)).unwrap();
        assert_eq!(
            rules.0[0],
            rule(
                ButtonDisplay::Open { after_secs: 7 },
                "/help",
                &["FR", "BE"]
            )
        );
        assert_eq!(RuleInput::from(&rules.0[0]).countries, "FR, BE");
        let json = serde_json::to_string(&rules).unwrap();
        assert_eq!(serde_json::from_str::<ChannelRules>(&json).unwrap(), rules);
    }

    #[test]
    fn country_codes() {
        assert_eq!(CountryCode::parse(" be ").unwrap().as_str(), "BE");
        assert!(CountryCode::parse("XX").is_none());
        assert!(CountryCode::parse("T1").is_none());
        assert!(CountryCode::parse("FRA").is_none());
    }
}
