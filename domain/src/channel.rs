//! Live-chat channels and their visitor-facing settings.

use crate::validation::{Field, ValidationErrors};
use crate::{
    ChannelDepartments, ChannelIdentity, ChannelRules, ChannelTriggers, Embedding, UserId,
};
use parlor_protocol::{ChannelId, ConversationMode, HexColor, Theme, WidgetConfig};
use serde::{Deserialize, Serialize};

pub const MAX_NAME: usize = 80;
pub const MAX_WINDOW_TITLE: usize = 80;
pub const MAX_NOTIFICATION_TEXT: usize = 200;
pub const MAX_WELCOME_MESSAGE: usize = 1000;
pub const MAX_INPUT_PLACEHOLDER: usize = 120;

/// Everything an admin edits on the channel's Options tab.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChannelSettings {
    pub name: String,
    pub window_title: String,
    pub notification_text: String,
    pub button_color: HexColor,
    pub header_color: HexColor,
    pub welcome_message: String,
    pub input_placeholder: String,
    pub theme: Theme,
    pub conversation_mode: ConversationMode,
}

impl ChannelSettings {
    pub fn default_button_color() -> HexColor {
        HexColor::from_rgb(0x87, 0x5a, 0x7b)
    }

    pub fn default_header_color() -> HexColor {
        HexColor::from_rgb(0x87, 0x5a, 0x7b)
    }

    /// Settings of a new channel with the given name, as Odoo fills them in.
    pub fn new_named(name: impl Into<String>) -> Self {
        Self {
            name: name.into(),
            window_title: "Chat with us".into(),
            notification_text: "Have a question? Chat with us.".into(),
            button_color: Self::default_button_color(),
            header_color: Self::default_header_color(),
            welcome_message: "Hello! How may I help you?".into(),
            input_placeholder: "Say something...".into(),
            theme: Theme::Auto,
            conversation_mode: ConversationMode::OneActive,
        }
    }

    /// Trims surrounding whitespace from single-line fields; the welcome
    /// message keeps its inner line breaks.
    pub fn normalized(mut self) -> Self {
        for s in [
            &mut self.name,
            &mut self.window_title,
            &mut self.notification_text,
            &mut self.input_placeholder,
        ] {
            *s = s.trim().to_string();
        }
        self.welcome_message = self.welcome_message.trim().to_string();
        self
    }

    pub fn validate(&self) -> Result<(), ValidationErrors> {
        let mut e = ValidationErrors::default();
        e.check_line(Field::Name, &self.name, true, MAX_NAME);
        e.check_line(
            Field::WindowTitle,
            &self.window_title,
            true,
            MAX_WINDOW_TITLE,
        );
        e.check_line(
            Field::NotificationText,
            &self.notification_text,
            false,
            MAX_NOTIFICATION_TEXT,
        );
        e.check_text(
            Field::WelcomeMessage,
            &self.welcome_message,
            false,
            MAX_WELCOME_MESSAGE,
        );
        e.check_line(
            Field::InputPlaceholder,
            &self.input_placeholder,
            false,
            MAX_INPUT_PLACEHOLDER,
        );
        e.into_result()
    }
}

/// The Options form as typed: colours are still text. `parse` turns it into
/// valid settings or reports every bad field, so a hex typo is an inline error
/// rather than a transport failure.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChannelSettingsInput {
    pub name: String,
    pub window_title: String,
    pub notification_text: String,
    pub button_color: String,
    pub header_color: String,
    pub welcome_message: String,
    pub input_placeholder: String,
    /// Absent in forms from before themes and modes: the defaults.
    #[serde(default)]
    pub theme: Theme,
    #[serde(default)]
    pub conversation_mode: ConversationMode,
}

impl ChannelSettingsInput {
    pub fn parse(self) -> Result<ChannelSettings, ValidationErrors> {
        let mut errors = ValidationErrors::default();
        let mut color = |field, text: &str| match text.parse::<HexColor>() {
            Ok(c) => Some(c),
            Err(e) => {
                errors.push(field, e.to_string());
                None
            }
        };
        let button = color(Field::ButtonColor, &self.button_color);
        let header = color(Field::HeaderColor, &self.header_color);
        let settings = ChannelSettings {
            name: self.name,
            window_title: self.window_title,
            notification_text: self.notification_text,
            button_color: button.unwrap_or_else(ChannelSettings::default_button_color),
            header_color: header.unwrap_or_else(ChannelSettings::default_header_color),
            welcome_message: self.welcome_message,
            input_placeholder: self.input_placeholder,
            theme: self.theme,
            conversation_mode: self.conversation_mode,
        }
        .normalized();
        if let Err(text_errors) = settings.validate() {
            errors.0.extend(text_errors.0);
        }
        errors.into_result().map(|()| settings)
    }
}

impl From<&ChannelSettings> for ChannelSettingsInput {
    fn from(s: &ChannelSettings) -> Self {
        Self {
            name: s.name.clone(),
            window_title: s.window_title.clone(),
            notification_text: s.notification_text.clone(),
            button_color: s.button_color.to_string(),
            header_color: s.header_color.to_string(),
            welcome_message: s.welcome_message.clone(),
            input_placeholder: s.input_placeholder.clone(),
            theme: s.theme,
            conversation_mode: s.conversation_mode,
        }
    }
}

/// A channel as stored: identity, settings and the users who answer it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Channel {
    pub id: ChannelId,
    pub settings: ChannelSettings,
    pub rules: ChannelRules,
    pub embedding: Embedding,
    pub identity: ChannelIdentity,
    pub triggers: ChannelTriggers,
    pub departments: ChannelDepartments,
    pub operators: Vec<UserId>,
}

impl Channel {
    pub fn widget_config(&self) -> WidgetConfig {
        let s = &self.settings;
        WidgetConfig {
            channel_id: self.id,
            window_title: s.window_title.clone(),
            notification_text: s.notification_text.clone(),
            button_color: s.button_color.clone(),
            header_color: s.header_color.clone(),
            welcome_message: s.welcome_message.clone(),
            input_placeholder: s.input_placeholder.clone(),
            theme: s.theme,
            conversation_mode: s.conversation_mode,
            departments: self.departments.wire(),
        }
    }
}

/// A row of the channels list.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChannelSummary {
    pub id: ChannelId,
    pub name: String,
    pub button_color: HexColor,
    pub operator_count: u32,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_are_valid() {
        ChannelSettings::new_named("Website").validate().unwrap();
    }

    #[test]
    fn collects_every_error() {
        let mut s = ChannelSettings::new_named("   ");
        s.window_title = "x".repeat(MAX_WINDOW_TITLE + 1);
        s.welcome_message = "é".repeat(MAX_WELCOME_MESSAGE + 1);
        let s = s.normalized();
        let e = s.validate().unwrap_err();
        assert_eq!(e.for_field(Field::Name), Some("is required"));
        assert!(e
            .for_field(Field::WindowTitle)
            .unwrap()
            .contains("too long"));
        assert!(e
            .for_field(Field::WelcomeMessage)
            .unwrap()
            .contains("1001 characters"));
        assert_eq!(e.0.len(), 3);
    }

    #[test]
    fn input_reports_bad_colours_with_text_errors() {
        let mut input = ChannelSettingsInput::from(&ChannelSettings::new_named("Web"));
        input.button_color = "#12345g".into();
        input.header_color = "blue".into();
        input.name = String::new();
        let e = input.parse().unwrap_err();
        assert!(e.for_field(Field::ButtonColor).is_some());
        assert!(e.for_field(Field::HeaderColor).is_some());
        assert!(e.for_field(Field::Name).is_some());
    }

    #[test]
    fn input_parses_and_normalises() {
        let mut input = ChannelSettingsInput::from(&ChannelSettings::new_named("Web"));
        input.button_color = "#AABBCC".into();
        input.name = "  Sales  ".into();
        let s = input.parse().unwrap();
        assert_eq!(s.button_color.as_str(), "#aabbcc");
        assert_eq!(s.name, "Sales");
    }

    #[test]
    fn single_line_fields_refuse_line_breaks() {
        let mut s = ChannelSettings::new_named("Two\nlines");
        s.welcome_message = "Welcome\nto two lines".into();
        let e = s.validate().unwrap_err();
        assert_eq!(
            e.for_field(Field::Name),
            Some("must be a single line of text")
        );
        assert_eq!(e.0.len(), 1, "the welcome message may span lines");
    }

    #[test]
    fn limits_count_characters_not_bytes() {
        let mut s = ChannelSettings::new_named("x");
        s.welcome_message = "é".repeat(MAX_WELCOME_MESSAGE);
        s.validate().unwrap();
    }
}
