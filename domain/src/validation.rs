//! Field-level validation errors, shown inline next to the field they name.

use serde::{Deserialize, Serialize};
use std::fmt;

/// Every form field that can be invalid. Typed, so the UI can put each error
/// beside the right input.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Field {
    Name,
    WindowTitle,
    NotificationText,
    ButtonColor,
    HeaderColor,
    WelcomeMessage,
    InputPlaceholder,
    Email,
    DisplayName,
    Password,
    Body,
    /// The list of channel rules as a whole (too many).
    Rules,
    /// A field of the channel rule at this position (0-based).
    RuleOpenAfter(u16),
    RuleUrlRegex(u16),
    RuleCountries(u16),
    /// The channel's allowed sites.
    Sites,
    /// A rating's comment.
    Comment,
    /// A rating as a whole (the conversation has not ended).
    Rating,
    /// The JS API's identify and custom fields.
    ExternalId,
    FieldKey,
    FieldValue,
    /// The triggers list as a whole, and a field of the trigger at a position.
    Triggers,
    TriggerUrl(u16),
    TriggerAfter(u16),
    TriggerMessage(u16),
    Departments,
    /// The visitor's department choice.
    Department,
    /// An operator's maximum of concurrent chats.
    MaxChats,
    /// Where a transfer sends a conversation.
    Transfer,
    /// A search of conversations.
    Search,
    /// A canned response's shortcut and its text.
    Shortcut,
    CannedBody,
    /// A helpdesk team's email alias and its stages.
    EmailAlias,
    Stages,
    /// A ticket's title, description and tags.
    Title,
    Description,
    Tags,
    /// A website form's field, by its place in the form (its settings in
    /// the editor, its answer on the public page).
    FormField(u16),
    /// One of the desk's mail settings.
    MailSetting(
        crate::mail_settings::MailSide,
        crate::mail_settings::MailPart,
    ),
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldError {
    pub field: Field,
    pub message: String,
}

/// All problems with one submitted value. Collected, not short-circuited, so a
/// form shows every error at once.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub struct ValidationErrors(pub Vec<FieldError>);

impl ValidationErrors {
    pub fn push(&mut self, field: Field, message: impl Into<String>) {
        self.0.push(FieldError {
            field,
            message: message.into(),
        });
    }

    pub fn single(field: Field, message: impl Into<String>) -> Self {
        let mut e = Self::default();
        e.push(field, message);
        e
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The first message for `field`, if any.
    pub fn for_field(&self, field: Field) -> Option<&str> {
        self.0
            .iter()
            .find(|e| e.field == field)
            .map(|e| e.message.as_str())
    }

    pub fn into_result(self) -> Result<(), Self> {
        if self.is_empty() {
            Ok(())
        } else {
            Err(self)
        }
    }

    /// Like `check_text`, for fields shown on one line (names, titles): line
    /// breaks and other control characters are refused.
    pub fn check_line(&mut self, field: Field, value: &str, required: bool, max_chars: usize) {
        if value.chars().any(char::is_control) {
            self.push(field, "must be a single line of text");
        } else {
            self.check_text(field, value, required, max_chars);
        }
    }

    /// Checks a free-text field against a length limit, counted in characters
    /// (what a person sees), not bytes.
    pub fn check_text(&mut self, field: Field, value: &str, required: bool, max_chars: usize) {
        let len = value.chars().count();
        if required && value.trim().is_empty() {
            self.push(field, "is required");
        } else if len > max_chars {
            self.push(
                field,
                format!("is too long ({len} characters, at most {max_chars})"),
            );
        }
    }
}

impl fmt::Display for ValidationErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let parts: Vec<String> = self
            .0
            .iter()
            .map(|e| format!("{:?} {}", e.field, e.message))
            .collect();
        write!(f, "invalid input: {}", parts.join("; "))
    }
}
