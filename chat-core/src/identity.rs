//! The JS API's `identify` and `setCustomField`. An identity is verified
//! only with a valid signature (HMAC-SHA256 of the external id with the
//! channel's secret, hex): then it joins the visitor's history across
//! devices. Whether staff may see a claim as the visitor's name is the
//! domain's rule (`ChannelIdentity::trusts`): a wrongly signed one never, an
//! unsigned one only where the channel does not require signatures. One it
//! does not trust is kept as the profile's `claim`, which only the visitor
//! panel shows, and the visitor stays "Visitor …". A service of its own
//! (`Identities`, over the channel, visitor and conversation stores and the
//! hub); `Parlor::identities` hands it out.

use crate::auth::{new_token, require, token_hash};
use crate::conversations::announce;
use crate::hub::Hub;
use crate::store::{ChannelPart, ChannelStore, ConversationStore, VisitorStore};
use crate::{now_unix, Error, Result};
use hmac::{Hmac, Mac};
use parlor_domain::{Channel, ChannelId, ConversationId, Identity, Signature, User, VisitorId};
use sha2::Sha256;
use std::sync::Arc;

/// What an `identify` changed.
#[derive(Debug, PartialEq, Eq)]
pub struct Identified {
    pub verified: bool,
    /// The visitor the connection now speaks for.
    pub visitor: VisitorId,
    /// A token for that visitor, when it is someone this device was not
    /// (the identity was first seen on another device).
    pub token: Option<String>,
}

/// The signature a site's server computes for `external_id`.
pub fn sign(secret: &str, external_id: &str) -> String {
    mac(secret, external_id)
        .map(|m| hex::encode(m.finalize().into_bytes()))
        .unwrap_or_default()
}

/// `None` never happens: HMAC takes keys of any length.
fn mac(secret: &str, external_id: &str) -> Option<Hmac<Sha256>> {
    let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(secret.as_bytes()).ok()?;
    mac.update(external_id.as_bytes());
    Some(mac)
}

/// How `signature` compares with `secret` for `external_id`. A blank one is
/// none, and so is any where the channel has no secret to check it against.
fn check(secret: &str, external_id: &str, signature: Option<&str>) -> Signature {
    match signature.map(str::trim) {
        None | Some("") => Signature::Missing,
        Some(_) if secret.is_empty() => Signature::Missing,
        Some(s) if signature_ok(secret, external_id, s) => Signature::Valid,
        Some(_) => Signature::Wrong,
    }
}

/// Compared in constant time.
fn signature_ok(secret: &str, external_id: &str, signature: &str) -> bool {
    let (Ok(bytes), Some(mac)) = (hex::decode(signature.trim()), mac(secret, external_id)) else {
        return false;
    };
    !secret.is_empty() && mac.verify_slice(&bytes).is_ok()
}

#[derive(Clone)]
pub struct Identities {
    channels: Arc<dyn ChannelStore>,
    visitors: Arc<dyn VisitorStore>,
    conversations: Arc<dyn ConversationStore>,
    hub: Arc<Hub>,
}

impl Identities {
    pub fn new(
        channels: Arc<dyn ChannelStore>,
        visitors: Arc<dyn VisitorStore>,
        conversations: Arc<dyn ConversationStore>,
        hub: Arc<Hub>,
    ) -> Self {
        Self {
            channels,
            visitors,
            conversations,
            hub,
        }
    }

    async fn channel(&self, id: ChannelId) -> Result<Channel> {
        self.channels
            .get_channel(id)
            .await?
            .ok_or(Error::NotFound("channel"))
    }

    /// The inboxes show the conversation's visitor as they are now.
    async fn announce(&self, id: ConversationId) {
        announce(self.conversations.as_ref(), &self.hub, id).await
    }

    /// Requires (or not) signed identities on a channel.
    pub async fn set_required(
        &self,
        actor: &User,
        id: ChannelId,
        required: bool,
    ) -> Result<Channel> {
        require(actor, parlor_domain::Power::ManageSettings)?;
        let channel = self.channel(id).await?;
        let mut identity = channel.identity;
        identity.required = required;
        let updated = self
            .channels
            .update_channel_part(id, ChannelPart::Identity(&identity), now_unix())
            .await?;
        if required {
            // Names taken unsigned under an earlier rule stop naming
            // visitors. After the rule is saved, so an `identify` judged by
            // the old rule is caught here; on every save with the rule on,
            // so one that failed halfway is finished by the next.
            for (visitor, mut profile) in self.visitors.unsigned_identities(id).await? {
                let Some(external_id) = profile.external_id.clone() else {
                    continue;
                };
                if profile.distrust_unsigned() {
                    self.visitors
                        .demote_unsigned_identity(visitor, &external_id, &profile)
                        .await?;
                }
            }
        }
        Ok(updated)
    }

    /// Applies an `identify` from `visitor`'s connection to `channel`.
    pub(crate) async fn identify(
        &self,
        visitor: VisitorId,
        channel: ChannelId,
        current: Option<ConversationId>,
        claim: Identity,
        signature: Option<&str>,
    ) -> Result<Identified> {
        let rule = self.channel(channel).await?.identity;
        let signature = check(&rule.secret, &claim.external_id, signature);
        let verified = signature == Signature::Valid;
        let (person, token) = if verified {
            let person = self
                .visitors
                .claim_identity(channel, &claim.external_id, visitor)
                .await?;
            if person == visitor {
                (visitor, None)
            } else {
                // This device's conversations here become theirs too.
                let moved = self
                    .conversations
                    .move_conversations(visitor, person, channel)
                    .await?;
                let token = new_token();
                self.visitors
                    .add_visitor_token(person, &token_hash(&token), now_unix())
                    .await?;
                for id in moved {
                    self.announce(id).await;
                }
                (person, Some(token))
            }
        } else {
            (visitor, None)
        };
        let mut profile = self.visitors.visitor_profile(person).await?;
        profile.identify(claim, signature, &rule);
        self.visitors.save_visitor_profile(person, &profile).await?;
        if let Some(id) = current {
            self.announce(id).await;
        }
        Ok(Identified {
            verified,
            visitor: person,
            token,
        })
    }

    /// Sets a custom field operators see beside the conversation.
    pub(crate) async fn set_field(
        &self,
        visitor: VisitorId,
        current: Option<ConversationId>,
        key: &str,
        value: &str,
    ) -> Result<()> {
        let mut profile = self.visitors.visitor_profile(visitor).await?;
        profile.set_field(key, value)?;
        self.visitors
            .save_visitor_profile(visitor, &profile)
            .await?;
        if let Some(id) = current {
            self.announce(id).await;
        }
        Ok(())
    }

    /// The offline form's name and email, kept on the visitor's profile
    /// for operators. A verified identity (from the host page) wins over
    /// what was typed in a form.
    pub(crate) async fn leave_contact(
        &self,
        visitor: VisitorId,
        current: Option<ConversationId>,
        contact: parlor_domain::Contact,
    ) -> Result<()> {
        let mut profile = self.visitors.visitor_profile(visitor).await?;
        if profile.verified {
            return Ok(());
        }
        profile.name = Some(contact.name);
        profile.email = Some(contact.email);
        self.visitors
            .save_visitor_profile(visitor, &profile)
            .await?;
        if let Some(id) = current {
            self.announce(id).await;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signatures_are_hmac_sha256_hex() {
        // RFC 4231, test case 2.
        assert_eq!(
            sign("Jefe", "what do ya want for nothing?"),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
        let good = sign("secret", "42");
        assert!(signature_ok("secret", "42", &good));
        assert!(signature_ok("secret", "42", &good.to_uppercase()));
        assert!(!signature_ok("secret", "43", &good));
        assert!(!signature_ok("other", "42", &good));
        assert!(!signature_ok("secret", "42", "not hex"));
        assert!(!signature_ok("", "42", &sign("", "42")));
    }

    #[test]
    fn a_signature_is_valid_missing_or_wrong() {
        let good = sign("secret", "42");
        assert_eq!(check("secret", "42", Some(&good)), Signature::Valid);
        assert_eq!(check("secret", "42", Some(" ")), Signature::Missing);
        assert_eq!(check("secret", "42", None), Signature::Missing);
        assert_eq!(check("secret", "42", Some("f00d")), Signature::Wrong);
        assert_eq!(check("secret", "43", Some(&good)), Signature::Wrong);
        // No secret: nothing a page sends can be checked, or forged.
        assert_eq!(check("", "42", Some(&sign("", "42"))), Signature::Missing);
    }
}
