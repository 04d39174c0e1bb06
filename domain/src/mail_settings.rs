//! The desk's mail settings as an admin sets them in the app: the SMTP
//! server that carries replies (and the address they come from), and the
//! IMAP mailbox the intake reads. Environment variables, when set, win
//! over these (README, "Mail"). Passwords are stored, never shown back:
//! the page says whether one is set, and an empty password field keeps it.

use crate::helpdesk::plausible_email;
use crate::validation::{Field, ValidationErrors};
use serde::{Deserialize, Serialize};

/// Which connection a setting belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MailSide {
    Outgoing,
    Incoming,
}

/// Which part of a connection's settings.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MailPart {
    Host,
    Port,
    User,
    Password,
    From,
    FromName,
    Mailbox,
    RefusedFolder,
    Poll,
}

/// How a connection is protected.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MailSecurity {
    /// Plain, upgraded with STARTTLS, which must succeed.
    #[default]
    Starttls,
    /// TLS from the first byte (465, 993).
    Tls,
    /// No TLS: a relay on the same machine, without a password.
    None,
}

impl MailSecurity {
    pub fn as_str(self) -> &'static str {
        match self {
            MailSecurity::Starttls => "starttls",
            MailSecurity::Tls => "tls",
            MailSecurity::None => "none",
        }
    }
}

/// A server and its sign-in. The password is kept apart (see
/// [`OutgoingMail`] and [`IncomingMail`]) so a view can drop it.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct MailServer {
    pub host: String,
    pub port: u16,
    pub security: MailSecurity,
    /// Empty: no sign-in (outgoing only).
    pub user: String,
}

// Stored as JSON: `default` lets a row written by an older release load.
#[derive(Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct OutgoingSettings {
    pub server: MailServer,
    pub password: String,
    /// The desk's address: replies come from it (teams' aliases are at its
    /// domain).
    pub from: String,
    pub from_name: String,
}

#[derive(Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct IncomingSettings {
    pub server: MailServer,
    pub password: String,
    pub mailbox: String,
    pub refused_folder: String,
    pub poll_secs: u32,
}

/// The stored settings; `None` is that way off.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct DeskMail {
    pub outgoing: Option<OutgoingSettings>,
    pub incoming: Option<IncomingSettings>,
}

/// A connection's settings as the page shows them: no password, only
/// whether one is set.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ServerView {
    pub on: bool,
    pub server: MailServer,
    pub password_set: bool,
}

/// What the admin page shows.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct MailSettingsView {
    pub outgoing: ServerView,
    pub from: String,
    pub from_name: String,
    pub incoming: ServerView,
    pub mailbox: String,
    pub refused_folder: String,
    pub poll_secs: u32,
    /// Set by environment variables, which win: the page shows them
    /// read-only (and never their passwords).
    pub outgoing_from_environment: bool,
    pub incoming_from_environment: bool,
}

/// A connection as the admin submits it: `password: None` keeps the
/// stored one (for the same server and user only).
#[derive(Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ServerInput {
    pub on: bool,
    pub server: MailServer,
    pub password: Option<String>,
}

/// What the admin page submits.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct MailSettingsInput {
    pub outgoing: ServerInput,
    pub from: String,
    pub from_name: String,
    pub incoming: ServerInput,
    pub mailbox: String,
    pub refused_folder: String,
    pub poll_secs: u32,
}

// Passwords never print, in logs or failed assertions.
impl std::fmt::Debug for OutgoingSettings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OutgoingSettings")
            .field("server", &self.server)
            .field("password_set", &!self.password.is_empty())
            .field("from", &self.from)
            .field("from_name", &self.from_name)
            .finish()
    }
}

impl std::fmt::Debug for IncomingSettings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("IncomingSettings")
            .field("server", &self.server)
            .field("password_set", &!self.password.is_empty())
            .field("mailbox", &self.mailbox)
            .field("refused_folder", &self.refused_folder)
            .field("poll_secs", &self.poll_secs)
            .finish()
    }
}

impl std::fmt::Debug for ServerInput {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ServerInput")
            .field("on", &self.on)
            .field("server", &self.server)
            .field(
                "password_typed",
                &self.password.as_ref().is_some_and(|p| !p.is_empty()),
            )
            .finish()
    }
}

const MAX_HOST: usize = 253;
const MAX_LINE: usize = 200;
/// Polling bounds for the mailbox, in seconds.
pub const POLL_SECS: std::ops::RangeInclusive<u32> = 1..=3600;

impl DeskMail {
    /// The page's view: no password leaves.
    pub fn view(&self) -> MailSettingsView {
        let out = self.outgoing.clone().unwrap_or_default();
        let inc = self.incoming.clone().unwrap_or_else(|| IncomingSettings {
            mailbox: "INBOX".into(),
            refused_folder: "Parlor refused".into(),
            poll_secs: 30,
            ..IncomingSettings::default()
        });
        MailSettingsView {
            outgoing: ServerView {
                on: self.outgoing.is_some(),
                server: out.server,
                password_set: !out.password.is_empty(),
            },
            from: out.from,
            from_name: out.from_name,
            incoming: ServerView {
                on: self.incoming.is_some(),
                server: inc.server,
                password_set: !inc.password.is_empty(),
            },
            mailbox: inc.mailbox,
            refused_folder: inc.refused_folder,
            poll_secs: inc.poll_secs,
            outgoing_from_environment: false,
            incoming_from_environment: false,
        }
    }
}

impl MailSettingsInput {
    /// The settings to store, `stored` giving the passwords left empty;
    /// or every problem, by field.
    pub fn parse(&self, stored: &DeskMail) -> Result<DeskMail, ValidationErrors> {
        let mut e = ValidationErrors::default();
        let outgoing = if self.outgoing.on {
            let kept = stored
                .outgoing
                .as_ref()
                .map(|o| (&o.server, o.password.as_str()));
            let (server, password) = server(&mut e, MailSide::Outgoing, &self.outgoing, kept);
            let f = |part| Field::MailSetting(MailSide::Outgoing, part);
            let from = self.from.trim().to_lowercase();
            if !plausible_email(&from) {
                e.push(
                    f(MailPart::From),
                    "must be an address like support@example.com",
                );
            }
            let from_name = self.from_name.trim().to_string();
            e.check_line(f(MailPart::FromName), &from_name, false, MAX_LINE);
            if !server.user.is_empty() && password.is_empty() {
                e.push(f(MailPart::Password), "is required with a user name");
            }
            if server.security == MailSecurity::None && !password.is_empty() {
                e.push(
                    f(MailPart::Password),
                    "is never sent without TLS: choose STARTTLS or TLS",
                );
            }
            Some(OutgoingSettings {
                server,
                password,
                from,
                from_name,
            })
        } else {
            None
        };
        let incoming = if self.incoming.on {
            let kept = stored
                .incoming
                .as_ref()
                .map(|i| (&i.server, i.password.as_str()));
            let (server, password) = server(&mut e, MailSide::Incoming, &self.incoming, kept);
            let f = |part| Field::MailSetting(MailSide::Incoming, part);
            if server.security == MailSecurity::None {
                e.push(
                    f(MailPart::Host),
                    "IMAP signs in with a password: choose STARTTLS or TLS",
                );
            }
            if server.user.is_empty() {
                e.push(f(MailPart::User), "is required to read the mailbox");
            }
            if password.is_empty() {
                e.push(f(MailPart::Password), "is required to read the mailbox");
            }
            let mailbox = self.mailbox.trim().to_string();
            e.check_line(f(MailPart::Mailbox), &mailbox, true, MAX_LINE);
            let refused_folder = self.refused_folder.trim().to_string();
            e.check_line(f(MailPart::RefusedFolder), &refused_folder, true, MAX_LINE);
            if !POLL_SECS.contains(&self.poll_secs) {
                e.push(f(MailPart::Poll), "must be from 1 to 3600 seconds");
            }
            Some(IncomingSettings {
                server,
                password,
                mailbox,
                refused_folder,
                poll_secs: self.poll_secs,
            })
        } else {
            None
        };
        e.into_result()?;
        Ok(DeskMail { outgoing, incoming })
    }
}

/// A connection's server, checked, and its password: the stored one when
/// none was typed, if the server and user are the same (a saved password
/// is never sent to a host or user it was not typed for).
fn server(
    e: &mut ValidationErrors,
    side: MailSide,
    input: &ServerInput,
    kept: Option<(&MailServer, &str)>,
) -> (MailServer, String) {
    let f = |part| Field::MailSetting(side, part);
    let host = input.server.host.trim().to_lowercase();
    let host_ok = !host.is_empty()
        && host.len() <= MAX_HOST
        && host
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | ':' | '[' | ']'));
    if !host_ok {
        e.push(
            f(MailPart::Host),
            "must be a host name like mail.example.com",
        );
    }
    if input.server.port == 0 {
        e.push(f(MailPart::Port), "must be a port from 1 to 65535");
    }
    let user = input.server.user.trim().to_string();
    e.check_line(f(MailPart::User), &user, false, MAX_LINE);
    let password = match (&input.password, kept) {
        (Some(p), _) if !p.is_empty() => p.clone(),
        (_, Some((was, p))) if was.host == host && was.user == user => p.to_string(),
        _ => String::new(),
    };
    if password.chars().count() > MAX_LINE || password.contains(['\r', '\n']) {
        e.push(f(MailPart::Password), "is too long or has line breaks");
    }
    (
        MailServer {
            host,
            port: input.server.port,
            security: input.server.security,
            user,
        },
        password,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input() -> MailSettingsInput {
        MailSettingsInput {
            outgoing: ServerInput {
                on: true,
                server: MailServer {
                    host: " SMTP.Example.com ".into(),
                    port: 587,
                    security: MailSecurity::Starttls,
                    user: "desk".into(),
                },
                password: Some("s3cret".into()),
            },
            from: "Support@Example.com".into(),
            from_name: "Support".into(),
            incoming: ServerInput::default(),
            mailbox: "INBOX".into(),
            refused_folder: "Parlor refused".into(),
            poll_secs: 30,
        }
    }

    #[test]
    fn passwords_are_kept_when_left_empty_and_never_viewed() {
        let stored = input().parse(&DeskMail::default()).unwrap();
        let out = stored.outgoing.clone().unwrap();
        assert_eq!(out.server.host, "smtp.example.com");
        assert_eq!(out.from, "support@example.com");
        let mut again = input();
        again.outgoing.password = None;
        let kept = again.parse(&stored).unwrap();
        assert_eq!(kept.outgoing.unwrap().password, "s3cret");
        // Another host, or another user: the saved password is not sent there.
        let mut elsewhere = input();
        elsewhere.outgoing.password = None;
        elsewhere.outgoing.server.host = "evil.example.net".into();
        let e = elsewhere.parse(&stored).unwrap_err();
        assert!(e
            .0
            .iter()
            .any(|f| f.field == Field::MailSetting(MailSide::Outgoing, MailPart::Password)));
        assert!(!format!("{stored:?}").contains("s3cret"));
        let view = stored.view();
        assert!(view.outgoing.password_set);
        assert!(!serde_json::to_string(&view).unwrap().contains("s3cret"));
    }

    #[test]
    fn bad_settings_say_which_field() {
        let mut bad = input();
        bad.outgoing.server.host = "smtp example com".into();
        bad.outgoing.server.port = 0;
        bad.outgoing.server.security = MailSecurity::None;
        bad.from = "nobody".into();
        bad.incoming.on = true;
        bad.incoming.server.host = "imap.example.com".into();
        bad.incoming.server.port = 993;
        bad.incoming.server.security = MailSecurity::Tls;
        bad.poll_secs = 0;
        let e = bad.parse(&DeskMail::default()).unwrap_err();
        let fields: Vec<Field> = e.0.iter().map(|f| f.field).collect();
        let out = |p| Field::MailSetting(MailSide::Outgoing, p);
        let inc = |p| Field::MailSetting(MailSide::Incoming, p);
        for f in [
            out(MailPart::Host),
            out(MailPart::Port),
            out(MailPart::From),
            out(MailPart::Password),
            inc(MailPart::User),
            inc(MailPart::Password),
            inc(MailPart::Poll),
        ] {
            assert!(fields.contains(&f), "{f:?} in {fields:?}");
        }
    }
}
