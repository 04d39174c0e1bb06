//! The wire contract shared by the Parlor server, the visitor widget and any
//! third-party client. It depends on serde and uuid only, so the widget's wasm
//! stays small; nothing here does I/O.

pub mod attachments;
pub mod close;
pub mod color;
pub mod desk;
pub mod embed;
pub mod error;
pub mod framed;
pub mod ids;
pub mod inbox;
pub mod live;
pub mod widget;

pub use attachments::{WireAttachment, MAX_ATTACHMENT_BYTES};
pub use close::CloseReason;
pub use color::{HexColor, HexColorError};
pub use error::{ApiError, ErrorCode};
pub use ids::{AttachmentId, ChannelId, ConversationId, MessageId, Seq, VisitorId};
pub use widget::{
    ButtonDisplay, ConversationMode, Display, Theme, WidgetConfig, WireDepartment, WireTrigger,
};

/// Version of the widget endpoints; it is part of every path under `/widget/`.
pub const PROTOCOL_VERSION: u32 = 1;
