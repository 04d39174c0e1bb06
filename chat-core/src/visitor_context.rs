//! The visitor panel's context: what the live connection's upgrade request
//! tells the server (browser and OS from its `User-Agent`, the country), put
//! together with what the widget's `hello` told, and kept per conversation.

use crate::{Parlor, Result};
use parlor_domain::visitor_context::{ToldContext, VisitorContext};
use parlor_domain::{ConversationId, CountryCode};

/// What the server learnt from a visitor's WebSocket upgrade request.
#[derive(Clone, Debug, Default)]
pub struct Upgrade {
    pub user_agent: Option<String>,
    /// From `PARLOR_COUNTRY_HEADER` or the GeoIP database, as channel rules.
    pub country: Option<CountryCode>,
}

/// Browser (name and major version, "Chrome 120") and OS ("Windows 10") of
/// a `User-Agent`; each `None` when woothee does not know it.
pub fn browser_and_os(user_agent: &str) -> (Option<String>, Option<String>) {
    let Some(found) = woothee::parser::Parser::new().parse(user_agent) else {
        return (None, None);
    };
    let known =
        |s: &str| (!s.is_empty() && s != woothee::woothee::VALUE_UNKNOWN).then(|| s.to_string());
    let browser = known(found.name).map(|name| match found.version.split('.').next() {
        Some(major) if !major.is_empty() && major != woothee::woothee::VALUE_UNKNOWN => {
            format!("{name} {major}")
        }
        _ => name,
    });
    (browser, known(found.os))
}

/// The context of a `hello`: the client's words, checked, and the server's.
pub fn context_of(told: ToldContext<'_>, upgrade: &Upgrade) -> VisitorContext {
    let (browser, os) = upgrade
        .user_agent
        .as_deref()
        .map(browser_and_os)
        .unwrap_or_default();
    VisitorContext::new(told, browser.as_deref(), os.as_deref(), upgrade.country)
}

impl Parlor {
    /// Keeps the visitor's context on their conversation; its inboxes get a
    /// new row only when it changed (a returning visitor's other browser).
    pub async fn visitor_context(
        &self,
        id: ConversationId,
        context: &VisitorContext,
    ) -> Result<()> {
        let kept = match self.store.conversations().conversation_summary(id).await? {
            Some(s) => s.context,
            None => return Err(crate::Error::NotFound("conversation")),
        };
        let context = context.clone().over(&kept);
        let json = serde_json::to_string(&context)
            .map_err(|e| crate::store::StoreError::Corrupt(e.to_string()))?;
        if self
            .store
            .conversations()
            .set_visitor_context(id, &json)
            .await?
        {
            self.announce(id).await;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn user_agents() {
        let chrome_windows = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36";
        assert_eq!(
            browser_and_os(chrome_windows),
            (Some("Chrome 120".into()), Some("Windows 10".into()))
        );
        let headless_linux = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/131.0.6778.85 Safari/537.36";
        assert_eq!(
            browser_and_os(headless_linux),
            (Some("Chrome 131".into()), Some("Linux".into()))
        );
        let firefox_mac =
            "Mozilla/5.0 (Macintosh; Intel Mac OS X 10.15; rv:121.0) Gecko/20100101 Firefox/121.0";
        assert_eq!(
            browser_and_os(firefox_mac).0.as_deref(),
            Some("Firefox 121")
        );
        assert_eq!(browser_and_os("no such agent/1.0"), (None, None));
        assert_eq!(browser_and_os(""), (None, None));
    }
}
