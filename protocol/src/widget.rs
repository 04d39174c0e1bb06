//! What the widget needs to draw itself for a channel.

use crate::{ChannelId, HexColor};
use serde::{Deserialize, Serialize};

/// The public face of a channel, as served to visitors. It holds only what a
/// visitor may see: no operators, no internal names.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct WidgetConfig {
    pub channel_id: ChannelId,
    /// Shown in the chat window's header.
    pub window_title: String,
    /// Floats beside the launcher (used by display rules).
    pub notification_text: String,
    pub button_color: HexColor,
    pub header_color: HexColor,
    /// Shown as the operator's first message in an empty conversation.
    pub welcome_message: String,
    pub input_placeholder: String,
    #[serde(default)]
    pub theme: Theme,
    #[serde(default)]
    pub conversation_mode: ConversationMode,
    /// With more than one, the visitor picks one before the first message.
    #[serde(default)]
    pub departments: Vec<WireDepartment>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct WireDepartment {
    pub id: u32,
    pub name: String,
}

/// The chat window's colours: the host page's `prefers-color-scheme`
/// (`auto`), or fixed by the channel.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Theme {
    #[default]
    Auto,
    Light,
    Dark,
}

/// How a visitor's messages map to conversations, as in amoCRM.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ConversationMode {
    /// Every message goes to the visitor's one open conversation.
    #[default]
    OneActive,
    /// The visitor sees their conversations and may start a new one.
    Multiple,
}

impl Theme {
    pub const ALL: [Theme; 3] = [Theme::Auto, Theme::Light, Theme::Dark];
    pub fn as_str(self) -> &'static str {
        match self {
            Theme::Auto => "auto",
            Theme::Light => "light",
            Theme::Dark => "dark",
        }
    }
    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|t| t.as_str() == text)
    }
}

impl ConversationMode {
    pub const ALL: [ConversationMode; 2] =
        [ConversationMode::OneActive, ConversationMode::Multiple];
    pub fn as_str(self) -> &'static str {
        match self {
            ConversationMode::OneActive => "one_active",
            ConversationMode::Multiple => "multiple",
        }
    }
    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|m| m.as_str() == text)
    }
}

/// The answer of `display`: how the launcher shows, and the triggers that
/// apply on the page.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Display {
    #[serde(flatten)]
    pub button: ButtonDisplay,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub triggers: Vec<WireTrigger>,
    /// Whether an operator of the channel is online: without one, the
    /// widget offers the offline form.
    pub online: bool,
}

/// After `after_secs` on the page, the widget opens with `message` in the
/// channel's name (unless the visitor is in a conversation already).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct WireTrigger {
    pub id: u32,
    pub after_secs: u32,
    pub message: String,
}

/// How the launcher shows on one page, as the channel's rules decide
/// (`GET /widget/v1/channels/{id}/display?path=…`, docs/protocol.md).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "button", rename_all = "snake_case")]
pub enum ButtonDisplay {
    Show,
    /// Show, with the channel's notification text in a bubble beside it.
    Notify,
    /// Open the chat window by itself after this many seconds on the page.
    Open {
        after_secs: u32,
    },
    Hide,
}
