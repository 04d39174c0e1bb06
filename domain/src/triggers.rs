//! Triggers, as in Rocket.Chat: when the visitor's page matches a URL
//! pattern and they have been on it for some seconds, the widget opens with
//! a message in the channel's name. It is stored in the conversation only
//! if the visitor answers.

use crate::rules::{check_pattern, compile};
use crate::validation::{Field, ValidationErrors};
use serde::{Deserialize, Serialize};

pub const MAX_TRIGGERS: usize = 10;
pub const MAX_TRIGGER_MESSAGE: usize = 1000;
/// The longest wait on a page, in seconds.
pub const MAX_TRIGGER_AFTER: u32 = 3600;

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Trigger {
    /// Stable across edits, so an answer refers to the trigger it saw.
    pub id: u32,
    /// Searched for in the page's path (`/` matches every page).
    pub url_regex: String,
    /// Seconds on the page before it fires.
    pub after_secs: u32,
    pub message: String,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChannelTriggers(pub Vec<Trigger>);

impl ChannelTriggers {
    pub fn validate(&self) -> Result<(), ValidationErrors> {
        let mut e = ValidationErrors::default();
        if self.0.len() > MAX_TRIGGERS {
            e.push(Field::Triggers, format!("at most {MAX_TRIGGERS} triggers"));
        }
        for (i, t) in self.0.iter().enumerate() {
            let i = i as u16;
            if t.after_secs > MAX_TRIGGER_AFTER {
                e.push(
                    Field::TriggerAfter(i),
                    format!("at most {MAX_TRIGGER_AFTER} seconds"),
                );
            }
            let _ = check_pattern(&mut e, Field::TriggerUrl(i), &t.url_regex);
            e.check_text(
                Field::TriggerMessage(i),
                &t.message,
                true,
                MAX_TRIGGER_MESSAGE,
            );
        }
        e.into_result()
    }

    /// The triggers for a page at `path`, in order.
    pub fn for_path(&self, path: &str) -> Vec<&Trigger> {
        let path = crate::rules::cut(path, crate::rules::MAX_PATH);
        self.0
            .iter()
            .filter(|t| compile(&t.url_regex).is_ok_and(|re| re.is_match(path)))
            .collect()
    }

    pub fn get(&self, id: u32) -> Option<&Trigger> {
        self.0.iter().find(|t| t.id == id)
    }
}

/// A trigger as typed in the Triggers tab; `id` is `None` for a new one.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TriggerInput {
    pub id: Option<u32>,
    pub url_regex: String,
    pub after_secs: String,
    pub message: String,
}

impl TriggerInput {
    pub fn new() -> Self {
        Self {
            id: None,
            url_regex: "/".into(),
            after_secs: "10".into(),
            message: String::new(),
        }
    }
}

impl Default for TriggerInput {
    fn default() -> Self {
        Self::new()
    }
}

impl From<&Trigger> for TriggerInput {
    fn from(t: &Trigger) -> Self {
        Self {
            id: Some(t.id),
            url_regex: t.url_regex.clone(),
            after_secs: t.after_secs.to_string(),
            message: t.message.clone(),
        }
    }
}

/// Parses the Triggers tab, reporting every bad field; new triggers get
/// ids after the highest in use.
pub fn parse_triggers(input: &[TriggerInput]) -> Result<ChannelTriggers, ValidationErrors> {
    let mut errors = ValidationErrors::default();
    let mut next = input.iter().filter_map(|t| t.id).max().unwrap_or(0) + 1;
    let mut triggers = Vec::with_capacity(input.len());
    for (i, t) in input.iter().enumerate() {
        let after_secs = t.after_secs.trim().parse::<u32>().unwrap_or_else(|_| {
            errors.push(
                Field::TriggerAfter(i as u16),
                "must be a whole number of seconds",
            );
            0
        });
        let id = t.id.unwrap_or_else(|| {
            next += 1;
            next - 1
        });
        triggers.push(Trigger {
            id,
            url_regex: t.url_regex.trim().to_string(),
            after_secs,
            message: t.message.trim().to_string(),
        });
    }
    let triggers = ChannelTriggers(triggers);
    if let Err(e) = triggers.validate() {
        for fe in e.0 {
            if errors.for_field(fe.field).is_none() {
                errors.0.push(fe);
            }
        }
    }
    errors.into_result().map(|()| triggers)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input(url: &str, after: &str, message: &str) -> TriggerInput {
        TriggerInput {
            id: None,
            url_regex: url.into(),
            after_secs: after.into(),
            message: message.into(),
        }
    }

    #[test]
    fn typed_triggers_get_stable_ids_and_match_by_path() {
        let mut kept = input("^/pricing", "5", " Questions about plans? ");
        kept.id = Some(4);
        let t = parse_triggers(&[input("/", "30", "Hello!"), kept]).unwrap();
        assert_eq!(t.0[0].id, 5);
        assert_eq!(t.0[1].id, 4);
        assert_eq!(t.0[1].message, "Questions about plans?");
        let on_pricing: Vec<u32> = t.for_path("/pricing/team").iter().map(|t| t.id).collect();
        assert_eq!(on_pricing, vec![5, 4]);
        assert_eq!(t.for_path("/blog").len(), 1);
        assert_eq!(t.get(4).unwrap().after_secs, 5);
    }

    #[test]
    fn bad_triggers_report_each_field() {
        let e = parse_triggers(&[input("(", "soon", "  "), input("/", "99999", "ok")]).unwrap_err();
        assert!(e.for_field(Field::TriggerUrl(0)).is_some());
        assert!(e.for_field(Field::TriggerAfter(0)).is_some());
        assert_eq!(e.for_field(Field::TriggerMessage(0)), Some("is required"));
        assert_eq!(
            e.for_field(Field::TriggerAfter(1)),
            Some("at most 3600 seconds")
        );
    }
}
