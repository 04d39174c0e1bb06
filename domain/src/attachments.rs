//! Attachment rules: which files the server takes (by their bytes, never by
//! the name or the uploader's claimed type), how an uploaded name is cleaned
//! for display, and the size limit.

use parlor_protocol::{AttachmentId, WireAttachment, MAX_ATTACHMENT_BYTES};
use serde::{Deserialize, Serialize};

/// The longest display name kept, in characters.
pub const MAX_NAME_CHARS: usize = 200;

/// An uploaded file's metadata, as a message carries it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Attachment {
    pub id: AttachmentId,
    /// Sanitised display name.
    pub name: String,
    /// Detected from the bytes.
    pub content_type: String,
    pub size: u64,
}

impl Attachment {
    /// Whether the file is served inline as a previewable image.
    pub fn image(&self) -> bool {
        AttachmentKind::from_content_type(&self.content_type).is_some_and(AttachmentKind::image)
    }

    pub fn to_wire(&self) -> WireAttachment {
        WireAttachment {
            id: self.id,
            name: self.name.clone(),
            content_type: self.content_type.clone(),
            size: self.size,
            image: self.image(),
        }
    }
}

/// Who uploaded a file: only they may send it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Uploader {
    Visitor(parlor_protocol::VisitorId),
    User(crate::UserId),
}

/// The kinds of file Parlor accepts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AttachmentKind {
    Png,
    Jpeg,
    Gif,
    Webp,
    Pdf,
    Zip,
    Docx,
    Xlsx,
    Pptx,
    /// UTF-8 text that does not look like markup.
    Text,
}

impl AttachmentKind {
    pub const ALL: [AttachmentKind; 10] = [
        Self::Png,
        Self::Jpeg,
        Self::Gif,
        Self::Webp,
        Self::Pdf,
        Self::Zip,
        Self::Docx,
        Self::Xlsx,
        Self::Pptx,
        Self::Text,
    ];

    pub fn content_type(self) -> &'static str {
        match self {
            Self::Png => "image/png",
            Self::Jpeg => "image/jpeg",
            Self::Gif => "image/gif",
            Self::Webp => "image/webp",
            Self::Pdf => "application/pdf",
            Self::Zip => "application/zip",
            Self::Docx => "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            Self::Xlsx => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            Self::Pptx => {
                "application/vnd.openxmlformats-officedocument.presentationml.presentation"
            }
            Self::Text => "text/plain; charset=utf-8",
        }
    }

    /// A short name for messages ("PNG, JPEG, …").
    pub fn label(self) -> &'static str {
        match self {
            Self::Png => "PNG",
            Self::Jpeg => "JPEG",
            Self::Gif => "GIF",
            Self::Webp => "WebP",
            Self::Pdf => "PDF",
            Self::Zip => "ZIP",
            Self::Docx => "Word",
            Self::Xlsx => "Excel",
            Self::Pptx => "PowerPoint",
            Self::Text => "plain text",
        }
    }

    /// Browsers render these safely as `<img>`, so they are previewed and
    /// served inline. SVG is deliberately absent: it can carry script.
    pub fn image(self) -> bool {
        matches!(self, Self::Png | Self::Jpeg | Self::Gif | Self::Webp)
    }

    pub fn from_content_type(content_type: &str) -> Option<Self> {
        Self::ALL
            .into_iter()
            .find(|k| k.content_type() == content_type)
    }

    /// Detects the kind from the file's bytes; `None` for anything not
    /// allowed (HTML, SVG, XML, executables, unknown binary data…).
    pub fn detect(bytes: &[u8]) -> Option<Self> {
        if let Some(t) = infer::get(bytes) {
            return match t.mime_type() {
                "image/png" => Some(Self::Png),
                "image/jpeg" => Some(Self::Jpeg),
                "image/gif" => Some(Self::Gif),
                "image/webp" => Some(Self::Webp),
                "application/pdf" => Some(Self::Pdf),
                "application/zip" => Some(Self::Zip),
                m if m == Self::Docx.content_type() => Some(Self::Docx),
                m if m == Self::Xlsx.content_type() => Some(Self::Xlsx),
                m if m == Self::Pptx.content_type() => Some(Self::Pptx),
                _ => None,
            };
        }
        looks_like_plain_text(bytes).then_some(Self::Text)
    }
}

/// Text with no NUL bytes and no leading markup. Anything starting with
/// `<` (HTML, SVG, XML) is refused even though it is served as text with
/// `nosniff`: a file that is markup under a `.txt` name helps no one.
fn looks_like_plain_text(bytes: &[u8]) -> bool {
    let Ok(text) = std::str::from_utf8(bytes) else {
        return false;
    };
    let text = text.trim_start_matches('\u{feff}').trim_start();
    !text.is_empty() && !text.starts_with('<') && !text.contains('\0')
}

/// The one line a list shows for a message: its text, or "📎 name" for a
/// file sent without text.
pub fn preview(body: &str, attachment: Option<&Attachment>) -> String {
    match attachment {
        Some(a) if body.trim().is_empty() => format!("📎 {}", a.name),
        _ => body.to_string(),
    }
}

/// Why an upload is refused.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum AttachmentError {
    #[error("files can be at most {} MB", MAX_ATTACHMENT_BYTES / (1024 * 1024))]
    TooLarge,
    #[error("this type of file is not allowed; allowed: {}", allowed_list())]
    NotAllowed,
}

fn allowed_list() -> String {
    AttachmentKind::ALL
        .iter()
        .map(|k| k.label())
        .collect::<Vec<_>>()
        .join(", ")
}

/// Checks an upload: size first, then type from the bytes.
pub fn check_upload(bytes: &[u8]) -> Result<AttachmentKind, AttachmentError> {
    check_size(bytes.len() as u64)?;
    AttachmentKind::detect(bytes).ok_or(AttachmentError::NotAllowed)
}

pub fn check_size(size: u64) -> Result<(), AttachmentError> {
    if size > MAX_ATTACHMENT_BYTES {
        Err(AttachmentError::TooLarge)
    } else {
        Ok(())
    }
}

/// The display name for an uploaded name: its last path part, without
/// control characters, at most [`MAX_NAME_CHARS`]; "file" if nothing is left.
/// Only ever shown as text; files are stored and addressed by id.
pub fn sanitize_name(raw: &str) -> String {
    let last = raw.rsplit(['/', '\\']).next().unwrap_or("");
    let cleaned: String = last
        .chars()
        .filter(|c| !c.is_control() && !is_bidi_control(*c))
        .collect();
    let cleaned = cleaned.trim();
    let cut: String = cleaned.chars().take(MAX_NAME_CHARS).collect();
    let cut = cut.trim_end();
    if cut.is_empty() || cut.chars().all(|c| c == '.') {
        "file".to_string()
    } else {
        cut.to_string()
    }
}

/// Bidirectional overrides make "gpj.exe" read as "exe.jpg".
fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' | '\u{200e}' | '\u{200f}')
}

#[cfg(test)]
mod tests {
    use super::*;

    const PNG: &[u8] = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x06\0\0\0";

    #[test]
    fn detects_from_bytes_not_names() {
        assert_eq!(AttachmentKind::detect(PNG), Some(AttachmentKind::Png));
        assert_eq!(
            AttachmentKind::detect(b"%PDF-1.4\n%...\n"),
            Some(AttachmentKind::Pdf)
        );
        assert_eq!(
            AttachmentKind::detect(b"PK\x03\x04\x14\0\0\0\0\0abcdefghijklmnopqrstuvwxyz"),
            Some(AttachmentKind::Zip)
        );
        assert_eq!(
            AttachmentKind::detect(b"hello, world\n"),
            Some(AttachmentKind::Text)
        );
    }

    #[test]
    fn refuses_markup_and_unknown_binary() {
        for bad in [
            &b"<!DOCTYPE html><script>alert(1)</script>"[..],
            b"  <html><body>x</body></html>",
            b"<svg xmlns=\"http://www.w3.org/2000/svg\"><script>alert(1)</script></svg>",
            b"<?xml version=\"1.0\"?><svg/>",
            b"\xef\xbb\xbf<svg/>",
            b"MZ\x90\0\x03\0\0\0\x04\0\0\0\xff\xff",
            b"\0\x01\x02\x03binary",
            b"",
        ] {
            assert_eq!(AttachmentKind::detect(bad), None, "{bad:?}");
            assert_eq!(check_upload(bad), Err(AttachmentError::NotAllowed));
        }
    }

    #[test]
    fn images_are_the_four_previewable_kinds() {
        let images: Vec<_> = AttachmentKind::ALL
            .into_iter()
            .filter(|k| k.image())
            .collect();
        assert_eq!(
            images,
            [
                AttachmentKind::Png,
                AttachmentKind::Jpeg,
                AttachmentKind::Gif,
                AttachmentKind::Webp
            ]
        );
        for k in AttachmentKind::ALL {
            assert_eq!(AttachmentKind::from_content_type(k.content_type()), Some(k));
        }
    }

    #[test]
    fn size_limit() {
        assert_eq!(check_size(MAX_ATTACHMENT_BYTES), Ok(()));
        assert_eq!(
            check_size(MAX_ATTACHMENT_BYTES + 1),
            Err(AttachmentError::TooLarge)
        );
        assert_eq!(
            AttachmentError::TooLarge.to_string(),
            "files can be at most 10 MB"
        );
        assert!(AttachmentError::NotAllowed
            .to_string()
            .contains("PNG, JPEG"));
    }

    #[test]
    fn names_are_sanitised() {
        assert_eq!(
            sanitize_name("../../etc/passwd<script>.png"),
            "passwd<script>.png"
        );
        assert_eq!(sanitize_name("C:\\Users\\ann\\cv.pdf"), "cv.pdf");
        assert_eq!(sanitize_name("a\nb\u{0}c\u{202e}gpj.exe"), "abcgpj.exe");
        assert_eq!(sanitize_name(""), "file");
        assert_eq!(sanitize_name("dir/"), "file");
        assert_eq!(sanitize_name(".."), "file");
        assert_eq!(sanitize_name("  report.pdf "), "report.pdf");
        let long = "é".repeat(300);
        assert_eq!(sanitize_name(&long).chars().count(), MAX_NAME_CHARS);
    }

    #[test]
    fn previews_name_a_file_sent_without_text() {
        let a = Attachment {
            id: AttachmentId(Default::default()),
            name: "cv.pdf".into(),
            content_type: "application/pdf".into(),
            size: 10,
        };
        assert_eq!(preview("", Some(&a)), "📎 cv.pdf");
        assert_eq!(preview("see this", Some(&a)), "see this");
        assert_eq!(preview("hi", None), "hi");
    }

    #[test]
    fn wire_form() {
        let a = Attachment {
            id: AttachmentId(Default::default()),
            name: "a.png".into(),
            content_type: "image/png".into(),
            size: 10,
        };
        assert!(a.to_wire().image);
        let pdf = Attachment {
            content_type: "application/pdf".into(),
            ..a
        };
        assert!(!pdf.to_wire().image);
    }
}
