//! Allowed sites, as amoCRM's "placement address": the origins a channel's
//! widget may be embedded on. The loader's display request and the live
//! connection carry the browser's `Origin`, and other origins are refused.

use crate::validation::{Field, ValidationErrors};
use serde::{Deserialize, Serialize};
use std::fmt;

pub const MAX_SITES: usize = 50;
const MAX_SITE_LEN: usize = 253 + 20;

/// One allowed site, kept as an origin: `https://shop.example.com`,
/// `http://127.0.0.1:8180`, or `https://*.example.com` for every subdomain.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Site {
    scheme: String,
    /// Lower case; a leading `*.` stands for any subdomain.
    host: String,
    port: Option<u16>,
}

#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct SiteError(String);

impl Site {
    /// Reads what an admin types: a scheme is optional (https is assumed),
    /// and a path after the host is ignored, so a pasted page URL works.
    pub fn parse(text: &str) -> Result<Self, SiteError> {
        let text = text.trim().to_ascii_lowercase();
        if text.len() > MAX_SITE_LEN {
            return Err(SiteError(format!("{text:?} is too long")));
        }
        let (scheme, rest) = match text.split_once("://") {
            Some((s @ ("http" | "https"), rest)) => (s.to_string(), rest),
            Some((s, _)) => {
                return Err(SiteError(format!(
                    "{s}:// sites cannot embed the chat; use http:// or https://"
                )))
            }
            None => ("https".to_string(), text.as_str()),
        };
        let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
        if authority.contains('@') {
            return Err(SiteError(format!("{text:?} is not a site address")));
        }
        let (host, port) = split_port(authority)
            .ok_or_else(|| SiteError(format!("{text:?} has an invalid port")))?;
        let bare = host.strip_prefix("*.").unwrap_or(host);
        let valid_host = !bare.is_empty()
            && (bare.starts_with('[') && bare.ends_with(']')
                || bare.split('.').all(|l| {
                    !l.is_empty() && l.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
                }));
        if !valid_host {
            return Err(SiteError(format!(
                "{text:?} is not a site address (such as shop.example.com)"
            )));
        }
        let port = port.filter(|p| *p != default_port(&scheme));
        Ok(Self {
            scheme,
            host: host.to_string(),
            port,
        })
    }

    /// Whether a browser's `Origin` header value is this site.
    pub fn allows(&self, origin: &str) -> bool {
        let Some((scheme, authority)) = origin.trim().split_once("://") else {
            return false;
        };
        let scheme = scheme.to_ascii_lowercase();
        let Some((host, port)) = split_port(authority) else {
            return false;
        };
        let host = host.to_ascii_lowercase();
        let port = port.filter(|p| *p != default_port(&scheme));
        if scheme != self.scheme || port != self.port {
            return false;
        }
        match self.host.strip_prefix("*.") {
            Some(domain) => host
                .strip_suffix(domain)
                .is_some_and(|sub| sub.len() > 1 && sub.ends_with('.')),
            None => host == self.host,
        }
    }
}

fn default_port(scheme: &str) -> u16 {
    if scheme == "http" {
        80
    } else {
        443
    }
}

/// `host[:port]`, with IPv6 literals in brackets.
fn split_port(authority: &str) -> Option<(&str, Option<u16>)> {
    let colon = match authority.rfind(':') {
        Some(i) if !authority[i..].contains(']') => i,
        _ => return Some((authority, None)),
    };
    let port = authority[colon + 1..].parse().ok()?;
    Some((&authority[..colon], Some(port)))
}

impl fmt::Display for Site {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}://{}", self.scheme, self.host)?;
        if let Some(port) = self.port {
            write!(f, ":{port}")?;
        }
        Ok(())
    }
}

impl TryFrom<String> for Site {
    type Error = SiteError;
    fn try_from(text: String) -> Result<Self, SiteError> {
        Self::parse(&text)
    }
}

impl From<Site> for String {
    fn from(site: Site) -> String {
        site.to_string()
    }
}

/// Where a channel's widget may be embedded.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Embedding {
    pub sites: Vec<Site>,
    /// "Embedded in an app": web views and apps have no origin to check, so
    /// any origin is accepted.
    pub in_app: bool,
}

impl Embedding {
    /// Whether a page with this `Origin` may show the widget. A request
    /// without one did not come from a page on another site (non-browser
    /// clients can send any header anyway), so it is not refused here.
    pub fn allows(&self, origin: Option<&str>) -> bool {
        match origin {
            None => true,
            Some(_) if self.in_app => true,
            Some(origin) => self.sites.iter().any(|s| s.allows(origin)),
        }
    }

    /// Whether the snippet can be offered: somewhere to put it is known.
    pub fn is_configured(&self) -> bool {
        self.in_app || !self.sites.is_empty()
    }

    /// Reads the sites as typed, one per line (commas also separate).
    pub fn parse(text: &str, in_app: bool) -> Result<Self, ValidationErrors> {
        let mut sites = Vec::new();
        for line in text.split(['\n', ',']).filter(|l| !l.trim().is_empty()) {
            match Site::parse(line) {
                Ok(site) if !sites.contains(&site) => sites.push(site),
                Ok(_) => {}
                Err(e) => return Err(ValidationErrors::single(Field::Sites, e.to_string())),
            }
        }
        if sites.len() > MAX_SITES {
            return Err(ValidationErrors::single(
                Field::Sites,
                format!("at most {MAX_SITES} sites"),
            ));
        }
        Ok(Self { sites, in_app })
    }

    pub fn sites_text(&self) -> String {
        let lines: Vec<String> = self.sites.iter().map(Site::to_string).collect();
        lines.join("\n")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn site(text: &str) -> Site {
        Site::parse(text).unwrap()
    }

    #[test]
    fn reads_what_admins_type() {
        assert_eq!(
            site("Shop.Example.com").to_string(),
            "https://shop.example.com"
        );
        assert_eq!(
            site("https://shop.example.com/products?id=1").to_string(),
            "https://shop.example.com"
        );
        assert_eq!(
            site("http://127.0.0.1:8180/").to_string(),
            "http://127.0.0.1:8180"
        );
        assert_eq!(
            site("https://example.com:443").to_string(),
            "https://example.com"
        );
        assert_eq!(site("http://[::1]:8080").to_string(), "http://[::1]:8080");
        for bad in [
            "ftp://x.com",
            "https://",
            "exa mple.com",
            "x.com:99999",
            "user@x.com",
            "a..b",
        ] {
            assert!(Site::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn matches_origins_exactly() {
        let s = site("shop.example.com");
        assert!(s.allows("https://shop.example.com"));
        assert!(s.allows("https://SHOP.example.com:443"));
        assert!(!s.allows("http://shop.example.com"));
        assert!(!s.allows("https://shop.example.com:8443"));
        assert!(!s.allows("https://shop.example.com.evil.test"));
        assert!(!s.allows("https://evilshop.example.com"));
        assert!(!s.allows("null"));
        let local = site("http://127.0.0.1:8180");
        assert!(local.allows("http://127.0.0.1:8180"));
        assert!(!local.allows("http://127.0.0.1:8181"));
    }

    #[test]
    fn wildcards_cover_subdomains_only() {
        let s = site("https://*.example.com");
        assert!(s.allows("https://a.example.com"));
        assert!(s.allows("https://a.b.example.com"));
        assert!(!s.allows("https://example.com"));
        assert!(!s.allows("https://badexample.com"));
    }

    #[test]
    fn embedding_rules() {
        let none = Embedding::default();
        assert!(!none.is_configured());
        assert!(!none.allows(Some("https://a.test")));
        assert!(none.allows(None));
        let app = Embedding {
            sites: vec![],
            in_app: true,
        };
        assert!(app.allows(Some("https://anything.test")));
        let e = Embedding::parse("shop.test\n\n  http://127.0.0.1:8180, shop.test", false).unwrap();
        assert_eq!(e.sites.len(), 2);
        assert_eq!(e.sites_text(), "https://shop.test\nhttp://127.0.0.1:8180");
        let err = Embedding::parse("shop.test\nftp://x", false).unwrap_err();
        assert!(err.for_field(Field::Sites).unwrap().contains("ftp://"));
        let json = serde_json::to_string(&e).unwrap();
        assert_eq!(serde_json::from_str::<Embedding>(&json).unwrap(), e);
    }
}
