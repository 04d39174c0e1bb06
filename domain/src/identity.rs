//! Who a visitor says they are (the JS API's `identify` and
//! `setCustomField`), within the limits the server enforces, and whether
//! staff may believe it: `ChannelIdentity::trusts` is the channel's rule,
//! `VisitorProfile::identify` keeps a claim it does not trust apart from who
//! the visitor is shown as, and `VisitorProfile::label` is that name,
//! everywhere staff see a visitor. The signature itself is checked in
//! `chat_core::identity` (HMAC needs no place in the domain).

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
/// (HMAC-SHA256, hex); with `required`, an unsigned identity is not trusted
/// either (`trusts`).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChannelIdentity {
    pub secret: String,
    pub required: bool,
}

/// How an `identify`'s signature compared with the channel's secret.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Signature {
    /// The HMAC of the external id with the channel's secret.
    Valid,
    /// None was sent (or the channel has no secret to check one against).
    Missing,
    /// One was sent, and it does not match.
    Wrong,
}

impl ChannelIdentity {
    /// Whether a claim signed so may name the visitor to staff. A valid
    /// signature, always. A wrong one, never: the page signs, so a failure
    /// is a forgery (or a misconfiguration, which must show too). None: only
    /// when the channel does not require signatures, for sites that do not
    /// sign at all. Every channel has a secret (made with it), so `required`
    /// is what tells a site that signs everything from one that signs nothing.
    pub fn trusts(&self, signature: Signature) -> bool {
        match signature {
            Signature::Valid => true,
            Signature::Wrong => false,
            Signature::Missing => !self.required,
        }
    }
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
    /// The latest `identify` the channel did not trust (`ChannelIdentity::
    /// trusts`): shown only in the visitor panel, as an unverified claim,
    /// never as who the visitor is. `name`, `email` and `external_id` never
    /// come from it.
    #[serde(default)]
    pub claim: Option<Identity>,
}

/// An `identify` call, checked.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
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
    /// Takes an `identify` that came with `signature`. One the channel
    /// trusts says who the visitor is (name, email and external id, verified
    /// when signed) and replaces an earlier claim; one it does not trust is
    /// kept apart as `claim` and changes nothing else.
    pub fn identify(&mut self, claim: Identity, signature: Signature, rule: &ChannelIdentity) {
        if !rule.trusts(signature) {
            self.claim = Some(claim);
            return;
        }
        self.external_id = Some(claim.external_id);
        self.name = claim.name.or(self.name.take());
        self.email = claim.email.or(self.email.take());
        self.verified = signature == Signature::Valid;
        self.claim = None;
    }

    /// The channel now requires signatures: an identity taken unsigned
    /// under the old rule becomes an unverified claim, so it no longer names
    /// the visitor. Returns whether anything changed.
    pub fn distrust_unsigned(&mut self) -> bool {
        let Some(external_id) = self.external_id.take().filter(|_| !self.verified) else {
            return false;
        };
        self.claim = Some(Identity {
            external_id,
            name: self.name.take(),
            email: self.email.take(),
        });
        true
    }

    /// What staff call `visitor` everywhere (inbox list and header, alerts,
    /// search, tickets): their name, else "Visitor 4f2a". Never a claim the
    /// channel did not trust, which `identify` kept out of `name`.
    pub fn label(&self, visitor: parlor_protocol::VisitorId) -> String {
        crate::conversation::visitor_label(self.name.as_deref(), visitor)
    }

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
    fn requiring_signatures_turns_an_unsigned_identity_into_a_claim() {
        let lax = ChannelIdentity {
            secret: "s".into(),
            required: false,
        };
        let claim = |name: &str| Identity {
            external_id: "u-1".into(),
            name: Some(name.into()),
            email: Some("m@example.com".into()),
        };
        let mut unsigned = VisitorProfile::default();
        unsigned.identify(claim("Mallory"), Signature::Missing, &lax);
        assert_eq!(
            unsigned.name.as_deref(),
            Some("Mallory"),
            "trusted while not required"
        );
        assert!(unsigned.distrust_unsigned());
        assert_eq!(
            (unsigned.name.as_deref(), unsigned.email.as_deref()),
            (None, None)
        );
        assert_eq!(unsigned.external_id, None);
        assert_eq!(unsigned.claim, Some(claim("Mallory")));
        assert!(!unsigned.distrust_unsigned(), "nothing left to move");

        let mut signed = VisitorProfile::default();
        signed.identify(claim("Ann"), Signature::Valid, &lax);
        assert!(!signed.distrust_unsigned(), "a signed identity stays");
        assert_eq!(signed.name.as_deref(), Some("Ann"));

        let mut form = VisitorProfile {
            name: Some("Typed in the form".into()),
            ..Default::default()
        };
        assert!(
            !form.distrust_unsigned(),
            "no identify: the offline form's contact"
        );
        assert_eq!(form.name.as_deref(), Some("Typed in the form"));
    }

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

    fn claim(id: &str, name: &str) -> Identity {
        Identity::parse(id, Some(name), Some("m@forged.test")).unwrap()
    }

    fn a_visitor() -> parlor_protocol::VisitorId {
        "4f2a0000-0000-7000-8000-000000000000".parse().unwrap()
    }

    fn channel(required: bool) -> ChannelIdentity {
        ChannelIdentity {
            secret: "s".into(),
            required,
        }
    }

    #[test]
    fn a_wrong_signature_is_never_trusted_and_a_missing_one_only_where_not_required() {
        for required in [false, true] {
            let rule = channel(required);
            assert!(rule.trusts(Signature::Valid));
            assert!(!rule.trusts(Signature::Wrong));
            assert_eq!(rule.trusts(Signature::Missing), !required);
        }
    }

    #[test]
    fn an_untrusted_claim_is_kept_apart_and_never_names_the_visitor() {
        let visitor = a_visitor();
        for (signature, required) in [
            (Signature::Wrong, false),
            (Signature::Wrong, true),
            (Signature::Missing, true),
        ] {
            let mut p = VisitorProfile::default();
            p.identify(
                claim("ceo", "Mallory Forged"),
                signature,
                &channel(required),
            );
            assert_eq!(p.label(visitor), "Visitor 4f2a", "{signature:?} {required}");
            assert_eq!((&p.name, &p.email, &p.external_id), (&None, &None, &None));
            assert!(!p.verified);
            assert_eq!(p.claim, Some(claim("ceo", "Mallory Forged")));
        }
        // Nor does it replace who a verified visitor is.
        let mut ann = VisitorProfile::default();
        ann.identify(claim("7", "Ann"), Signature::Valid, &channel(true));
        ann.identify(
            claim("ceo", "Mallory Forged"),
            Signature::Wrong,
            &channel(true),
        );
        assert_eq!(ann.label(visitor), "Ann");
        assert_eq!(ann.external_id.as_deref(), Some("7"));
        assert!(ann.verified);
        assert_eq!(
            ann.claim.as_ref().map(|c| c.external_id.as_str()),
            Some("ceo")
        );
    }

    #[test]
    fn a_trusted_identity_names_the_visitor_and_clears_an_old_claim() {
        let visitor = a_visitor();
        let mut p = VisitorProfile::default();
        p.identify(
            claim("ceo", "Mallory Forged"),
            Signature::Wrong,
            &channel(false),
        );
        p.identify(claim("7", "Ann"), Signature::Valid, &channel(false));
        assert_eq!(p.label(visitor), "Ann");
        assert!(p.verified);
        assert_eq!(p.claim, None);
        // Unsigned where signatures are not required: the name, as before,
        // not verified; a name left out keeps the one known.
        let mut q = VisitorProfile::default();
        q.identify(claim("8", "Bob"), Signature::Missing, &channel(false));
        q.identify(
            Identity::parse("8", None, None).unwrap(),
            Signature::Missing,
            &channel(false),
        );
        assert_eq!(q.label(visitor), "Bob");
        assert_eq!(q.email.as_deref(), Some("m@forged.test"));
        assert!(!q.verified);
        assert_eq!(VisitorProfile::default().label(visitor), "Visitor 4f2a");
    }

    #[test]
    fn profiles_kept_before_claims_still_read() {
        let old = r#"{"name":"Ann","email":null,"external_id":"7","verified":true,"fields":{}}"#;
        let p: VisitorProfile = serde_json::from_str(old).unwrap();
        assert_eq!(p.claim, None);
        assert_eq!(p.name.as_deref(), Some("Ann"));
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
