//! Files attached to messages. A client uploads the bytes first (HTTP), gets a
//! [`WireAttachment`] back, then names its id in a `send` frame.

use crate::ids::AttachmentId;
use serde::{Deserialize, Serialize};

/// The largest file the server accepts, in bytes (10 MB).
pub const MAX_ATTACHMENT_BYTES: u64 = 10 * 1024 * 1024;

/// An uploaded file as clients see it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct WireAttachment {
    pub id: AttachmentId,
    /// The display name: the uploaded name, sanitised by the server. Show it
    /// as text; it never addresses the file.
    pub name: String,
    /// The type the server detected from the bytes (not the uploader's claim).
    pub content_type: String,
    /// Bytes.
    pub size: u64,
    /// Whether the server serves it inline as a previewable image
    /// (PNG, JPEG, GIF, WebP).
    pub image: bool,
}

/// Where a visitor downloads an attachment (with `Authorization: Bearer
/// <token>`). `base` is the Parlor server's origin, without a trailing slash.
pub fn visitor_file_url(base: &str, id: AttachmentId) -> String {
    format!(
        "{}/widget/v{}/files/{id}",
        base.trim_end_matches('/'),
        crate::PROTOCOL_VERSION
    )
}

/// Where a visitor uploads a file into a channel's conversation:
/// `POST` with the raw bytes and `?name=<percent-encoded name>`.
pub fn visitor_upload_path(channel: crate::ChannelId) -> String {
    format!(
        "/widget/v{}/channels/{channel}/files",
        crate::PROTOCOL_VERSION
    )
}

/// Where an operator downloads an attachment (same origin, session cookie).
pub fn operator_file_path(id: AttachmentId) -> String {
    format!("/api/files/{id}")
}

/// Where an operator uploads a file (`POST` with the raw bytes and
/// `?conversation=<id>&name=<percent-encoded name>`).
pub const OPERATOR_UPLOAD_PATH: &str = "/api/inbox/files";

/// A file's size as people read it: "532 B", "14 KB", "2.5 MB" (whole
/// numbers only: float formatting costs kilobytes in the widget's bundle).
pub fn human_size(bytes: u64) -> String {
    const K: u64 = 1024;
    if bytes < K {
        format!("{bytes} B")
    } else if bytes < K * K {
        format!("{} KB", bytes.div_ceil(K))
    } else {
        let tenths = bytes * 10 / (K * K);
        format!("{}.{} MB", tenths / 10, tenths % 10)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use uuid::Uuid;

    #[test]
    fn sizes_read_as_people_say_them() {
        assert_eq!(human_size(532), "532 B");
        assert_eq!(human_size(14 * 1024), "14 KB");
        assert_eq!(human_size(1025), "2 KB");
        assert_eq!(human_size(5 * 1024 * 1024 / 2), "2.5 MB");
    }

    #[test]
    fn urls() {
        let id = AttachmentId(Uuid::nil());
        assert_eq!(
            visitor_file_url("https://chat.example/", id),
            "https://chat.example/widget/v1/files/00000000-0000-0000-0000-000000000000"
        );
        assert_eq!(
            operator_file_path(id),
            "/api/files/00000000-0000-0000-0000-000000000000"
        );
    }

    #[test]
    fn json_shape() {
        let a = WireAttachment {
            id: AttachmentId(Uuid::nil()),
            name: "a.png".into(),
            content_type: "image/png".into(),
            size: 3,
            image: true,
        };
        let v = serde_json::to_value(&a).unwrap();
        assert_eq!(v["name"], "a.png");
        assert_eq!(v["image"], true);
        assert_eq!(serde_json::from_value::<WireAttachment>(v).unwrap(), a);
    }
}
