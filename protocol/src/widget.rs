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
