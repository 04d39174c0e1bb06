//! Who a visitor says they are (the JS API's `identify` and
//! `setCustomField`), within the limits the server enforces. Whether a
//! claim is believed is decided by the channel's signature rule
//! (`chat_core::identity`).

use crate::validation::{Field, ValidationErrors};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

pub const MAX_EXTERNAL_ID: usize = 200;
pub const MAX_VISITOR_NAME: usize = 80;
pub const MAX_VISITOR_EMAIL: usize = 200;
pub const MAX_FIELDS: usize = 20;
pub const MAX_FIELD_KEY: usize = 40;
pub const MAX_FIELD_VALUE: usize = 500;

/// A channel's identity verification: `secret` signs external ids
/// (HMAC-SHA256, hex); with `required`, unsigned identities are ignored.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChannelIdentity {
    pub secret: String,
    pub required: bool,
}

/// What operators see about a visitor.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct VisitorProfile {
    pub name: Option<String>,
    pub email: Option<String>,
    pub external_id: Option<String>,
    /// The external id came with a valid signature.
    pub verified: bool,
    pub fields: BTreeMap<String, String>,
}

/// An `identify` call, checked.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Identity {
    pub external_id: String,
    pub name: Option<String>,
    pub email: Option<String>,
}

impl Identity {
    pub fn parse(
        external_id: &str,
        name: Option<&str>,
        email: Option<&str>,
    ) -> Result<Self, ValidationErrors> {
        let clean = |v: Option<&str>| v.map(str::trim).filter(|v| !v.is_empty()).map(String::from);
        let identity = Self {
            external_id: external_id.trim().to_string(),
            name: clean(name),
            email: clean(email),
        };
        let mut e = ValidationErrors::default();
        e.check_line(
            Field::ExternalId,
            &identity.external_id,
            true,
            MAX_EXTERNAL_ID,
        );
        e.check_line(
            Field::DisplayName,
            identity.name.as_deref().unwrap_or_default(),
            false,
            MAX_VISITOR_NAME,
        );
        e.check_line(
            Field::Email,
            identity.email.as_deref().unwrap_or_default(),
            false,
            MAX_VISITOR_EMAIL,
        );
        e.into_result().map(|()| identity)
    }
}

/// The offline form's name and email, checked: both are needed, since an
/// answer can only reach the visitor by email.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Contact {
    pub name: String,
    pub email: String,
}

impl Contact {
    pub fn parse(name: &str, email: &str) -> Result<Self, ValidationErrors> {
        let contact = Self {
            name: name.trim().to_string(),
            email: crate::user::normalize_email(email),
        };
        let mut e = ValidationErrors::default();
        e.check_line(Field::DisplayName, &contact.name, true, MAX_VISITOR_NAME);
        if !crate::user::looks_like_email(&contact.email) {
            e.push(
                Field::Email,
                "must be an email address like name@example.com",
            );
        } else {
            e.check_line(Field::Email, &contact.email, true, MAX_VISITOR_EMAIL);
        }
        e.into_result().map(|()| contact)
    }
}

impl VisitorProfile {
    /// Sets one custom field (an empty value removes it).
    pub fn set_field(&mut self, key: &str, value: &str) -> Result<(), ValidationErrors> {
        let (key, value) = (key.trim(), value.trim());
        let mut e = ValidationErrors::default();
        e.check_line(Field::FieldKey, key, true, MAX_FIELD_KEY);
        e.check_line(Field::FieldValue, value, false, MAX_FIELD_VALUE);
        if !self.fields.contains_key(key) && self.fields.len() >= MAX_FIELDS && !value.is_empty() {
            e.push(
                Field::FieldKey,
                format!("at most {MAX_FIELDS} custom fields"),
            );
        }
        e.into_result()?;
        if value.is_empty() {
            self.fields.remove(key);
        } else {
            self.fields.insert(key.to_string(), value.to_string());
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_offline_form_needs_a_name_and_a_real_looking_email() {
        let c = Contact::parse(" Ann ", " Ann@Example.COM ").unwrap();
        assert_eq!(
            (c.name.as_str(), c.email.as_str()),
            ("Ann", "ann@example.com")
        );
        let e = Contact::parse("", "nope").unwrap_err();
        assert!(e.for_field(Field::DisplayName).is_some());
        assert!(e.for_field(Field::Email).is_some());
        assert!(Contact::parse("Ann\nBob", "a@b.co").is_err());
    }

    #[test]
    fn identities_are_trimmed_and_bounded() {
        let i = Identity::parse(" 42 ", Some(" Ann "), Some("")).unwrap();
        assert_eq!(i.external_id, "42");
        assert_eq!(i.name.as_deref(), Some("Ann"));
        assert_eq!(i.email, None);
        assert!(Identity::parse("  ", None, None).is_err());
        assert!(Identity::parse(&"x".repeat(MAX_EXTERNAL_ID + 1), None, None).is_err());
        assert!(Identity::parse("1", Some("two\nlines"), None).is_err());
    }

    #[test]
    fn custom_fields_are_limited() {
        let mut p = VisitorProfile::default();
        p.set_field("plan", "Pro").unwrap();
        p.set_field("plan", "").unwrap();
        assert!(p.fields.is_empty());
        for i in 0..MAX_FIELDS {
            p.set_field(&format!("k{i}"), "v").unwrap();
        }
        assert!(p.set_field("one-more", "v").is_err());
        p.set_field("k0", "changed").unwrap();
        assert!(p.set_field("", "v").is_err());
        assert!(p.set_field("k1", &"v".repeat(MAX_FIELD_VALUE + 1)).is_err());
    }
}
