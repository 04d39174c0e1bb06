//! Mail settings from `PARLOR_*` variables: the SMTP server that carries
//! outgoing mail, the desk's sender address, and an extra CA to trust.
//! Passwords are held as [`Secret`]s, which never print.

use chat_core::mail_outbox::RetryPolicy;
use chat_core::ticket_thread::MailIdentity;
use std::path::PathBuf;

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum SettingsError {
    #[error("{name}: {message}")]
    Invalid { name: &'static str, message: String },
    #[error("{name} is required when {because} is set")]
    Missing {
        name: &'static str,
        because: &'static str,
    },
}

/// How a connection is protected.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Security {
    /// Plain connection upgraded with STARTTLS, which must succeed.
    StartTls,
    /// TLS from the first byte (SMTPS 465, IMAPS 993).
    Tls,
    /// No TLS: only for a relay on the same machine, and never with a
    /// password.
    None,
}

impl Security {
    fn parse(name: &'static str, value: &str) -> Result<Self, SettingsError> {
        match value.to_ascii_lowercase().as_str() {
            "starttls" => Ok(Security::StartTls),
            "tls" => Ok(Security::Tls),
            "none" => Ok(Security::None),
            other => Err(SettingsError::Invalid {
                name,
                message: format!("{other:?} is not one of starttls, tls, none"),
            }),
        }
    }
}

/// A password: shown as `<redacted>` in logs and debug output.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    pub fn new(s: impl Into<String>) -> Self {
        Secret(s.into())
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("<redacted>")
    }
}

/// A server to connect to, and how.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Endpoint {
    pub host: String,
    pub port: u16,
    pub security: Security,
    pub user: Option<String>,
    pub password: Option<Secret>,
}

/// Everything mail needs; `smtp` is `None` when outgoing mail is off.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct MailSettings {
    pub smtp: Option<Endpoint>,
    /// Who the desk's mail comes from (set with `smtp`).
    pub identity: Option<MailIdentity>,
    /// A PEM file of CA certificates to trust besides the public ones (a
    /// company CA, or a test's).
    pub ca_file: Option<PathBuf>,
    /// When failed mail is tried again (`PARLOR_MAIL_RETRY_SECS` sets the
    /// first delay).
    pub retry: RetryPolicy,
    /// The mailbox the intake reads; `None` when email intake is off.
    pub imap: Option<ImapSettings>,
}

/// Where incoming mail is read (`PARLOR_IMAP_*`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ImapSettings {
    pub endpoint: Endpoint,
    /// The folder new mail arrives in (`INBOX`).
    pub mailbox: String,
    /// Where mail Parlor could not import whole is kept.
    pub refused_folder: String,
    /// How long between two looks at the mailbox.
    pub poll: std::time::Duration,
}

impl ImapSettings {
    fn from_lookup(var: &impl Fn(&str) -> Option<String>) -> Result<Option<Self>, SettingsError> {
        let Some(host) = var("PARLOR_IMAP_HOST") else {
            return Ok(None);
        };
        let security = match var("PARLOR_IMAP_SECURITY") {
            Some(v) => Security::parse("PARLOR_IMAP_SECURITY", &v)?,
            None => Security::Tls,
        };
        if security == Security::None {
            return Err(SettingsError::Invalid {
                name: "PARLOR_IMAP_SECURITY",
                message: "IMAP signs in with a password: use tls or starttls".into(),
            });
        }
        let port = match var("PARLOR_IMAP_PORT") {
            Some(v) => port("PARLOR_IMAP_PORT", &v)?,
            None if security == Security::Tls => 993,
            None => 143,
        };
        let user = var("PARLOR_IMAP_USER").ok_or(SettingsError::Missing {
            name: "PARLOR_IMAP_USER",
            because: "PARLOR_IMAP_HOST",
        })?;
        let password = var("PARLOR_IMAP_PASSWORD").ok_or(SettingsError::Missing {
            name: "PARLOR_IMAP_PASSWORD",
            because: "PARLOR_IMAP_HOST",
        })?;
        let poll = match var("PARLOR_IMAP_POLL_SECS") {
            Some(v) => v
                .parse()
                .ok()
                .filter(|s| (1..=3600).contains(s))
                .ok_or_else(|| SettingsError::Invalid {
                    name: "PARLOR_IMAP_POLL_SECS",
                    message: format!("{v:?} is not a number of seconds from 1 to 3600"),
                })?,
            None => 30,
        };
        Ok(Some(ImapSettings {
            endpoint: Endpoint {
                host,
                port,
                security,
                user: Some(user),
                password: Some(Secret(password)),
            },
            mailbox: var("PARLOR_IMAP_MAILBOX").unwrap_or_else(|| "INBOX".into()),
            refused_folder: var("PARLOR_IMAP_REFUSED_FOLDER")
                .unwrap_or_else(|| "Parlor refused".into()),
            poll: std::time::Duration::from_secs(poll),
        }))
    }
}

fn port(name: &'static str, v: &str) -> Result<u16, SettingsError> {
    v.parse().map_err(|_| SettingsError::Invalid {
        name,
        message: format!("{v:?} is not a port number"),
    })
}

impl MailSettings {
    /// What these settings look like on the app's Mail page: the ways set,
    /// with a marker instead of each password.
    pub fn shown(&self) -> parlor_domain::mail_settings::DeskMail {
        use parlor_domain::mail_settings::{
            DeskMail, IncomingSettings, MailSecurity, MailServer, OutgoingSettings,
        };
        let server = |e: &Endpoint| MailServer {
            host: e.host.clone(),
            port: e.port,
            security: match e.security {
                Security::StartTls => MailSecurity::Starttls,
                Security::Tls => MailSecurity::Tls,
                Security::None => MailSecurity::None,
            },
            user: e.user.clone().unwrap_or_default(),
        };
        let marker = |e: &Endpoint| {
            if e.password.is_some() {
                "(set in the environment)".to_string()
            } else {
                String::new()
            }
        };
        DeskMail {
            outgoing: self.smtp.as_ref().map(|e| OutgoingSettings {
                server: server(e),
                password: marker(e),
                from: self
                    .identity
                    .as_ref()
                    .map(|i| i.address.clone())
                    .unwrap_or_default(),
                from_name: self
                    .identity
                    .as_ref()
                    .map(|i| i.name.clone())
                    .unwrap_or_default(),
            }),
            incoming: self.imap.as_ref().map(|i| IncomingSettings {
                server: server(&i.endpoint),
                password: marker(&i.endpoint),
                mailbox: i.mailbox.clone(),
                refused_folder: i.refused_folder.clone(),
                poll_secs: u32::try_from(i.poll.as_secs()).unwrap_or(u32::MAX),
            }),
        }
    }

    /// Reads `PARLOR_SMTP_*`, `PARLOR_MAIL_FROM`, `PARLOR_MAIL_FROM_NAME`
    /// and `PARLOR_MAIL_CA_FILE` through `get` (empty counts as unset).
    pub fn from_lookup(get: impl Fn(&str) -> Option<String>) -> Result<Self, SettingsError> {
        let var = |k: &str| {
            get(k)
                .map(|v| v.trim().to_string())
                .filter(|v| !v.is_empty())
        };
        let ca_file = var("PARLOR_MAIL_CA_FILE").map(PathBuf::from);
        let mut retry = RetryPolicy::default();
        if let Some(v) = var("PARLOR_MAIL_RETRY_SECS") {
            retry.first_secs = v
                .parse()
                .ok()
                .filter(|s| (1..=retry.max_secs).contains(s))
                .ok_or_else(|| SettingsError::Invalid {
                    name: "PARLOR_MAIL_RETRY_SECS",
                    message: format!("{v:?} is not a number of seconds from 1 to 3600"),
                })?;
        }
        let imap = ImapSettings::from_lookup(&var)?;
        let Some(host) = var("PARLOR_SMTP_HOST") else {
            return Ok(MailSettings {
                ca_file,
                retry,
                imap,
                ..MailSettings::default()
            });
        };
        let security = match var("PARLOR_SMTP_SECURITY") {
            Some(v) => Security::parse("PARLOR_SMTP_SECURITY", &v)?,
            None => Security::StartTls,
        };
        let port = match var("PARLOR_SMTP_PORT") {
            Some(v) => port("PARLOR_SMTP_PORT", &v)?,
            None => match security {
                Security::StartTls => 587,
                Security::Tls => 465,
                Security::None => 25,
            },
        };
        let user = var("PARLOR_SMTP_USER");
        let password = get("PARLOR_SMTP_PASSWORD")
            .filter(|p| !p.is_empty())
            .map(Secret);
        if security == Security::None && (user.is_some() || password.is_some()) {
            return Err(SettingsError::Invalid {
                name: "PARLOR_SMTP_SECURITY",
                message: "a password is never sent without TLS: use starttls or tls".into(),
            });
        }
        if user.is_some() != password.is_some() {
            return Err(SettingsError::Missing {
                name: if user.is_some() {
                    "PARLOR_SMTP_PASSWORD"
                } else {
                    "PARLOR_SMTP_USER"
                },
                because: "the other of PARLOR_SMTP_USER and PARLOR_SMTP_PASSWORD",
            });
        }
        let address = var("PARLOR_MAIL_FROM").ok_or(SettingsError::Missing {
            name: "PARLOR_MAIL_FROM",
            because: "PARLOR_SMTP_HOST",
        })?;
        if !parlor_domain::helpdesk::plausible_email(&address) {
            return Err(SettingsError::Invalid {
                name: "PARLOR_MAIL_FROM",
                message: format!("{address:?} is not an email address"),
            });
        }
        let name = var("PARLOR_MAIL_FROM_NAME").unwrap_or_else(|| "Parlor Helpdesk".into());
        Ok(MailSettings {
            smtp: Some(Endpoint {
                host,
                port,
                security,
                user,
                password,
            }),
            identity: Some(MailIdentity { address, name }),
            ca_file,
            retry,
            imap,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(pairs: &[(&str, &str)]) -> Result<MailSettings, SettingsError> {
        MailSettings::from_lookup(|k| {
            pairs
                .iter()
                .find(|(name, _)| *name == k)
                .map(|(_, v)| v.to_string())
        })
    }

    #[test]
    fn mail_is_off_without_a_host() {
        assert_eq!(read(&[]).unwrap(), MailSettings::default());
    }

    #[test]
    fn defaults_follow_the_security() {
        let s = read(&[
            ("PARLOR_SMTP_HOST", "smtp.example.com"),
            ("PARLOR_MAIL_FROM", "help@example.com"),
        ])
        .unwrap();
        let smtp = s.smtp.unwrap();
        assert_eq!((smtp.port, smtp.security), (587, Security::StartTls));
        assert_eq!(s.identity.unwrap().name, "Parlor Helpdesk");
        let s = read(&[
            ("PARLOR_SMTP_HOST", "smtp.example.com"),
            ("PARLOR_SMTP_SECURITY", "TLS"),
            ("PARLOR_SMTP_USER", "u"),
            ("PARLOR_SMTP_PASSWORD", "p w"),
            ("PARLOR_MAIL_FROM", "help@example.com"),
        ])
        .unwrap();
        let smtp = s.smtp.unwrap();
        assert_eq!(smtp.port, 465);
        assert!(!format!("{smtp:?}").contains("p w"), "{smtp:?}");
        assert_eq!(smtp.password.unwrap().expose(), "p w");
    }

    #[test]
    fn unsafe_or_incomplete_settings_are_refused() {
        let host = ("PARLOR_SMTP_HOST", "localhost");
        let from = ("PARLOR_MAIL_FROM", "help@example.com");
        let e = read(&[host]).unwrap_err();
        assert!(e.to_string().contains("PARLOR_MAIL_FROM"), "{e}");
        let e = read(&[
            host,
            from,
            ("PARLOR_SMTP_SECURITY", "none"),
            ("PARLOR_SMTP_USER", "u"),
            ("PARLOR_SMTP_PASSWORD", "p"),
        ])
        .unwrap_err();
        assert!(e.to_string().contains("without TLS"), "{e}");
        assert!(read(&[host, from, ("PARLOR_SMTP_USER", "u")]).is_err());
        assert!(read(&[host, from, ("PARLOR_SMTP_PORT", "99999")]).is_err());
        assert!(read(&[host, from, ("PARLOR_SMTP_SECURITY", "ssl")]).is_err());
        assert!(read(&[host, ("PARLOR_MAIL_FROM", "nobody")]).is_err());
        assert!(read(&[("PARLOR_MAIL_RETRY_SECS", "0")]).is_err());
        let imap = ("PARLOR_IMAP_HOST", "imap.example.com");
        assert!(read(&[imap]).is_err(), "a user and password are needed");
        let login = [
            imap,
            ("PARLOR_IMAP_USER", "u"),
            ("PARLOR_IMAP_PASSWORD", "p"),
        ];
        let s = read(&login).unwrap().imap.unwrap();
        assert_eq!((s.endpoint.port, s.mailbox.as_str()), (993, "INBOX"));
        let mut plain = login.to_vec();
        plain.push(("PARLOR_IMAP_SECURITY", "none"));
        assert!(read(&plain).is_err(), "never a password in clear");
        assert_eq!(
            read(&[("PARLOR_MAIL_RETRY_SECS", "2")])
                .unwrap()
                .retry
                .first_secs,
            2
        );
    }
}
