//! Staff accounts and their roles: admins, managers and operators.

use crate::validation::{Field, ValidationErrors};
use serde::{Deserialize, Serialize};
use std::fmt;

pub const MIN_PASSWORD: usize = 8;
pub const MAX_PASSWORD: usize = 256;
pub const MAX_EMAIL: usize = 254;
pub const MAX_DISPLAY_NAME: usize = 80;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct UserId(pub i64);

impl fmt::Display for UserId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Everything, including who works here and the global settings.
    Admin,
    /// Runs a shift: channels, canned responses, helpdesk teams, and every
    /// conversation and ticket, but not users, roles or global settings.
    Manager,
    /// Answers chats in the channels they belong to, and their teams' tickets.
    Operator,
}

/// What a role may do beyond answering its own channels and teams. Every
/// check on the server names one, so the roles' powers are this one table
/// (`Role::may`), which the role-matrix test walks.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Power {
    /// Channels: create them, their options, rules, triggers, sites,
    /// operators and departments.
    ManageChannels,
    /// The team's canned responses.
    ManageCanned,
    /// Helpdesk teams and their web forms.
    ManageHelpdesk,
    /// Every conversation and ticket, whoever's channel or team: see them
    /// live, join, take over, set an operator's chat limit.
    Supervise,
    /// Staff accounts and their roles.
    ManageUsers,
    /// Global settings and secrets: mail servers, a channel's identity
    /// secret.
    ManageSettings,
    /// Edit any staff member's message, and read a message's earlier texts.
    EditAnyMessage,
}

impl Power {
    /// Every power, for tests and screens that walk them.
    pub const ALL: [Power; 7] = [
        Power::ManageChannels,
        Power::ManageCanned,
        Power::ManageHelpdesk,
        Power::Supervise,
        Power::ManageUsers,
        Power::ManageSettings,
        Power::EditAnyMessage,
    ];
}

impl Role {
    pub const ALL: [Role; 3] = [Role::Admin, Role::Manager, Role::Operator];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Manager => "manager",
            Role::Operator => "operator",
        }
    }

    /// How the app names the role.
    pub fn label(self) -> &'static str {
        match self {
            Role::Admin => "Admin",
            Role::Manager => "Manager",
            Role::Operator => "Operator",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "admin" => Some(Role::Admin),
            "manager" => Some(Role::Manager),
            "operator" => Some(Role::Operator),
            _ => None,
        }
    }

    pub fn may(self, power: Power) -> bool {
        match self {
            Role::Admin => true,
            // Rocket.Chat's livechat manager, Odoo's Live Chat
            // "Administrator": the work, not the people or the keys.
            Role::Manager => !matches!(
                power,
                Power::ManageUsers | Power::ManageSettings | Power::EditAnyMessage
            ),
            Role::Operator => false,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct User {
    pub id: UserId,
    pub email: String,
    pub display_name: String,
    pub role: Role,
}

impl User {
    pub fn may(&self, power: Power) -> bool {
        self.role.may(power)
    }
}

/// An account to create. The password is plain text only until it is hashed.
#[derive(Clone, Serialize, Deserialize)]
pub struct NewUser {
    pub email: String,
    pub display_name: String,
    pub password: String,
    pub role: Role,
}

impl fmt::Debug for NewUser {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("NewUser")
            .field("email", &self.email)
            .field("display_name", &self.display_name)
            .field("password", &"<redacted>")
            .field("role", &self.role)
            .finish()
    }
}

impl NewUser {
    /// Emails compare case-insensitively; we store them lower-cased.
    pub fn normalized(mut self) -> Self {
        self.email = normalize_email(&self.email);
        self.display_name = self.display_name.trim().to_string();
        self
    }

    pub fn validate(&self) -> Result<(), ValidationErrors> {
        let mut e = ValidationErrors::default();
        if !looks_like_email(&self.email) {
            e.push(
                Field::Email,
                "must be an email address like name@example.com",
            );
        } else if self.email.chars().count() > MAX_EMAIL {
            e.push(Field::Email, format!("is too long (at most {MAX_EMAIL})"));
        }
        e.check_line(
            Field::DisplayName,
            &self.display_name,
            true,
            MAX_DISPLAY_NAME,
        );
        let plen = self.password.chars().count();
        if plen < MIN_PASSWORD {
            e.push(
                Field::Password,
                format!("must be at least {MIN_PASSWORD} characters"),
            );
        } else if plen > MAX_PASSWORD {
            e.push(
                Field::Password,
                format!("is too long (at most {MAX_PASSWORD} characters)"),
            );
        }
        e.into_result()
    }
}

/// The most concurrent chats an admin may give one operator.
pub const MAX_CHATS_LIMIT: u32 = 50;

/// An operator's maximum of concurrent chats: routing gives them no more
/// (they may still take more themselves).
pub fn check_max_chats(n: u32) -> Result<u32, ValidationErrors> {
    if (1..=MAX_CHATS_LIMIT).contains(&n) {
        Ok(n)
    } else {
        Err(ValidationErrors::single(
            Field::MaxChats,
            format!("must be between 1 and {MAX_CHATS_LIMIT}"),
        ))
    }
}

pub fn normalize_email(email: &str) -> String {
    email.trim().to_lowercase()
}

/// A deliberately loose check: one `@`, something on both sides, a dot in the
/// domain, no spaces. Deliverability is not ours to judge.
pub(crate) fn looks_like_email(s: &str) -> bool {
    let Some((local, domain)) = s.split_once('@') else {
        return false;
    };
    !local.is_empty()
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !s.contains(char::is_whitespace)
        && !domain.contains('@')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn user(email: &str, name: &str, pw: &str) -> NewUser {
        NewUser {
            email: email.into(),
            display_name: name.into(),
            password: pw.into(),
            role: Role::Operator,
        }
        .normalized()
    }

    #[test]
    fn admins_may_all_managers_the_work_operators_none() {
        for power in Power::ALL {
            assert!(Role::Admin.may(power), "{power:?}");
            assert!(!Role::Operator.may(power), "{power:?}");
        }
        let manager: Vec<Power> = Power::ALL
            .into_iter()
            .filter(|p| Role::Manager.may(*p))
            .collect();
        assert_eq!(
            manager,
            [
                Power::ManageChannels,
                Power::ManageCanned,
                Power::ManageHelpdesk,
                Power::Supervise
            ]
        );
        for role in Role::ALL {
            assert_eq!(Role::parse(role.as_str()), Some(role));
        }
    }

    #[test]
    fn valid_user_passes_and_email_is_lowercased() {
        let u = user(" Ann@Example.COM ", " Ann ", "correct horse");
        u.validate().unwrap();
        assert_eq!(u.email, "ann@example.com");
        assert_eq!(u.display_name, "Ann");
    }

    #[test]
    fn reports_each_bad_field() {
        let e = user("nope", "", "short").validate().unwrap_err();
        assert!(e.for_field(Field::Email).is_some());
        assert_eq!(e.for_field(Field::DisplayName), Some("is required"));
        assert!(e.for_field(Field::Password).unwrap().contains("at least 8"));
    }

    #[test]
    fn debug_never_shows_password() {
        let u = user("a@b.co", "A", "hunter2hunter2");
        assert!(!format!("{u:?}").contains("hunter2"));
    }

    #[test]
    fn role_round_trips() {
        for r in [Role::Admin, Role::Operator] {
            assert_eq!(Role::parse(r.as_str()), Some(r));
        }
        assert_eq!(Role::parse("root"), None);
    }
}
