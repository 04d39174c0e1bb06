//! Typed configuration from `PARLOR_*` environment variables. Every variable
//! has a default that runs Parlor on a laptop; see README.md for the list.

use axum::http::HeaderName;
use std::net::SocketAddr;
use std::path::PathBuf;

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error(transparent)]
    Mail(#[from] parlor_mail::SettingsError),
    #[error("{name} is not a valid {what}: {value:?}")]
    Invalid {
        name: &'static str,
        what: &'static str,
        value: String,
    },
}

#[derive(Clone)]
pub struct Config {
    /// Where the admin app, API and widget endpoints listen.
    pub addr: SocketAddr,
    /// The origin browsers use to reach `addr` (goes into embed snippets).
    pub public_url: String,
    pub database_url: String,
    pub admin_email: String,
    pub admin_password: Option<String>,
    /// If set, a demo host page that embeds the default channel is served here.
    pub demo_addr: Option<SocketAddr>,
    /// Built admin app assets (`pkg/BUILD_ID` and `pkg/<id>/`: server/src/site.rs).
    pub site_root: PathBuf,
    /// Trunk's output for the visitor widget.
    pub widget_dir: PathBuf,
    pub secure_cookies: bool,
    /// A MaxMind-format country database, for channel rules by country.
    pub geoip_db: Option<PathBuf>,
    /// A header a trusted proxy sets to the visitor's country code.
    pub country_header: Option<HeaderName>,
    /// A header a trusted proxy sets to the client's address.
    pub client_ip_header: Option<HeaderName>,
    /// How long an operator whose inboxes all closed keeps their status.
    pub presence_grace_secs: i64,
    /// Outgoing mail (`PARLOR_SMTP_*`, `PARLOR_MAIL_*`); off without a host.
    pub mail: parlor_mail::MailSettings,
    /// Timeouts and caps of connections (docs/protocol.md, "Limits").
    pub limits: Limits,
}

/// Timeouts and caps that keep slow or greedy clients from holding the
/// server's resources. Each has a `PARLOR_…` variable.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limits {
    /// A request's headers must arrive within this (`PARLOR_HEADER_TIMEOUT_SECS`).
    pub header_timeout: std::time::Duration,
    /// A quiet WebSocket is pinged this often, and closed when the next
    /// ping finds the last unanswered (`PARLOR_PING_SECS`).
    pub ping_every: std::time::Duration,
    /// Open WebSockets per client address (`PARLOR_SOCKETS_PER_ADDRESS`).
    pub sockets_per_address: u32,
    /// Requests in progress per client address (`PARLOR_REQUESTS_PER_ADDRESS`).
    pub requests_per_address: u32,
    /// Upload bytes being received at once, over all clients
    /// (`PARLOR_UPLOAD_BYTES_IN_FLIGHT`).
    pub upload_bytes_in_flight: u64,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            header_timeout: std::time::Duration::from_secs(5),
            ping_every: std::time::Duration::from_secs(30),
            sockets_per_address: 200,
            requests_per_address: 64,
            // Eight uploads of the largest size at once.
            upload_bytes_in_flight: 8 * parlor_protocol::MAX_ATTACHMENT_BYTES,
        }
    }
}

impl std::fmt::Debug for Config {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Config")
            .field("addr", &self.addr)
            .field("public_url", &self.public_url)
            .field("database_url", &redact_url(&self.database_url))
            .field("admin_email", &self.admin_email)
            .field(
                "admin_password",
                &self.admin_password.as_ref().map(|_| "<redacted>"),
            )
            .field("demo_addr", &self.demo_addr)
            .field("site_root", &self.site_root)
            .field("widget_dir", &self.widget_dir)
            .field("secure_cookies", &self.secure_cookies)
            .field("geoip_db", &self.geoip_db)
            .field("country_header", &self.country_header)
            .field("client_ip_header", &self.client_ip_header)
            .field("presence_grace_secs", &self.presence_grace_secs)
            .field("mail", &self.mail)
            .field("limits", &self.limits)
            .finish()
    }
}

impl Config {
    pub fn from_env() -> Result<Self, ConfigError> {
        Self::from_lookup(|k| std::env::var(k).ok())
    }

    /// Reads settings through `get`, so tests need not touch the process environment.
    pub fn from_lookup(get: impl Fn(&str) -> Option<String>) -> Result<Self, ConfigError> {
        let var = |k: &str| get(k).filter(|v| !v.trim().is_empty());
        let addr = parse_addr(
            "PARLOR_ADDR",
            var("PARLOR_ADDR").as_deref().unwrap_or("127.0.0.1:3000"),
        )?;
        let public_url = var("PARLOR_PUBLIC_URL")
            .unwrap_or_else(|| format!("http://{addr}"))
            .trim_end_matches('/')
            .to_string();
        if !(public_url.starts_with("http://") || public_url.starts_with("https://")) {
            return Err(ConfigError::Invalid {
                name: "PARLOR_PUBLIC_URL",
                what: "http(s) URL",
                value: public_url,
            });
        }
        let demo_addr = var("PARLOR_DEMO_ADDR")
            .map(|v| parse_addr("PARLOR_DEMO_ADDR", &v))
            .transpose()?;
        let secure_cookies = match var("PARLOR_SECURE_COOKIES").as_deref() {
            None => public_url.starts_with("https://"),
            Some("1" | "true" | "yes") => true,
            Some("0" | "false" | "no") => false,
            Some(other) => {
                return Err(ConfigError::Invalid {
                    name: "PARLOR_SECURE_COOKIES",
                    what: "boolean",
                    value: other.to_string(),
                })
            }
        };
        let header = |name: &'static str| {
            var(name)
                .map(|v| {
                    HeaderName::from_bytes(v.trim().as_bytes()).map_err(|_| ConfigError::Invalid {
                        name,
                        what: "HTTP header name",
                        value: v,
                    })
                })
                .transpose()
        };
        let presence_grace_secs = match var("PARLOR_PRESENCE_GRACE_SECS") {
            None => parlor_domain::presence::DEFAULT_GRACE_SECS,
            Some(v) => match v.trim().parse::<u32>() {
                Ok(secs) => i64::from(secs),
                Err(_) => {
                    return Err(ConfigError::Invalid {
                        name: "PARLOR_PRESENCE_GRACE_SECS",
                        what: "number of seconds",
                        value: v,
                    })
                }
            },
        };
        let number = |name: &'static str, default: u64| match var(name) {
            None => Ok(default),
            Some(v) => {
                v.trim()
                    .parse::<u64>()
                    .ok()
                    .filter(|n| *n > 0)
                    .ok_or(ConfigError::Invalid {
                        name,
                        what: "positive whole number",
                        value: v,
                    })
            }
        };
        let d = Limits::default();
        let small = |n: u64| u32::try_from(n).unwrap_or(u32::MAX);
        let limits = Limits {
            header_timeout: std::time::Duration::from_secs(number(
                "PARLOR_HEADER_TIMEOUT_SECS",
                d.header_timeout.as_secs(),
            )?),
            ping_every: std::time::Duration::from_secs(number(
                "PARLOR_PING_SECS",
                d.ping_every.as_secs(),
            )?),
            sockets_per_address: small(number(
                "PARLOR_SOCKETS_PER_ADDRESS",
                d.sockets_per_address.into(),
            )?),
            requests_per_address: small(number(
                "PARLOR_REQUESTS_PER_ADDRESS",
                d.requests_per_address.into(),
            )?),
            upload_bytes_in_flight: number(
                "PARLOR_UPLOAD_BYTES_IN_FLIGHT",
                d.upload_bytes_in_flight,
            )?,
        };
        Ok(Self {
            mail: parlor_mail::MailSettings::from_lookup(&get)?,
            limits,
            presence_grace_secs,
            geoip_db: var("PARLOR_GEOIP_DB").map(PathBuf::from),
            country_header: header("PARLOR_COUNTRY_HEADER")?,
            client_ip_header: header("PARLOR_CLIENT_IP_HEADER")?,
            addr,
            public_url,
            database_url: var("PARLOR_DATABASE_URL")
                .unwrap_or_else(|| "sqlite://data/parlor.db".into()),
            admin_email: var("PARLOR_ADMIN_EMAIL").unwrap_or_else(|| "admin@example.com".into()),
            admin_password: var("PARLOR_ADMIN_PASSWORD"),
            demo_addr,
            site_root: var("PARLOR_SITE_ROOT")
                .unwrap_or_else(|| "target/site".into())
                .into(),
            widget_dir: var("PARLOR_WIDGET_DIR")
                .unwrap_or_else(|| "target/widget-dist".into())
                .into(),
            secure_cookies,
        })
    }
}

/// `scheme://user:secret@host/db` → `scheme://<redacted>@host/db`.
fn redact_url(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(start), Some(at)) if at > start => {
            format!("{}<redacted>{}", &url[..start + 3], &url[at..])
        }
        _ => url.to_string(),
    }
}

fn parse_addr(name: &'static str, value: &str) -> Result<SocketAddr, ConfigError> {
    value.parse().map_err(|_| ConfigError::Invalid {
        name,
        what: "socket address like 127.0.0.1:3000",
        value: value.to_string(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn cfg(pairs: &[(&str, &str)]) -> Result<Config, ConfigError> {
        let map: HashMap<String, String> = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        Config::from_lookup(|k| map.get(k).cloned())
    }

    #[test]
    fn defaults_run_on_a_laptop() {
        let c = cfg(&[]).unwrap();
        assert_eq!(c.addr.to_string(), "127.0.0.1:3000");
        assert_eq!(c.public_url, "http://127.0.0.1:3000");
        assert_eq!(c.database_url, "sqlite://data/parlor.db");
        assert!(c.demo_addr.is_none());
        assert!(!c.secure_cookies);
    }

    #[test]
    fn bad_values_are_named() {
        let e = cfg(&[("PARLOR_ADDR", "localhost")])
            .unwrap_err()
            .to_string();
        assert!(e.contains("PARLOR_ADDR"), "{e}");
        assert!(cfg(&[("PARLOR_PUBLIC_URL", "ftp://x")]).is_err());
        assert!(cfg(&[("PARLOR_SECURE_COOKIES", "maybe")]).is_err());
        let e = cfg(&[("PARLOR_COUNTRY_HEADER", "CF IPCountry")])
            .unwrap_err()
            .to_string();
        assert!(e.contains("PARLOR_COUNTRY_HEADER"), "{e}");
    }

    #[test]
    fn https_public_url_means_secure_cookies_and_password_is_redacted() {
        let c = cfg(&[
            ("PARLOR_PUBLIC_URL", "https://chat.example.com/"),
            ("PARLOR_ADMIN_PASSWORD", "s3cret-pass"),
        ])
        .unwrap();
        assert_eq!(c.public_url, "https://chat.example.com");
        assert!(c.secure_cookies);
        assert!(!format!("{c:?}").contains("s3cret"));
    }

    #[test]
    fn database_passwords_are_redacted() {
        assert_eq!(
            redact_url("postgres://parlor:hunter2@db:5432/parlor"),
            "postgres://<redacted>@db:5432/parlor"
        );
        assert_eq!(
            redact_url("sqlite://data/parlor.db"),
            "sqlite://data/parlor.db"
        );
    }
}
