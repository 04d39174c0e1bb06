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
        match Self::infer(bytes) {
            Some(kind) => kind,
            None => {
                let mut text = TextScan::default();
                (text.feed(bytes) && text.end()).then_some(Self::Text)
            }
        }
    }

    /// What `infer` makes of the bytes: `None` if it knows nothing of
    /// them, `Some(None)` for a type it knows that is not allowed.
    fn infer(bytes: &[u8]) -> Option<Option<Self>> {
        let t = infer::get(bytes)?;
        Some(match t.mime_type() {
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
        })
    }
}

/// Plain text, read a piece at a time: UTF-8 with no NUL bytes and no
/// leading markup. Anything starting with `<` (HTML, SVG, XML) is refused
/// even though it is served as text with `nosniff`: a file that is markup
/// under a `.txt` name helps no one. Leading byte-order marks, then white
/// space, are skipped before that check, as `trim_start` would.
#[derive(Debug)]
struct TextScan {
    /// The start of a character cut at the end of the last piece.
    carry: Vec<u8>,
    only_boms: bool,
    content: bool,
}

impl Default for TextScan {
    fn default() -> Self {
        Self {
            carry: Vec::new(),
            only_boms: true,
            content: false,
        }
    }
}

impl TextScan {
    /// Takes the next piece; false once the text is not plain text.
    fn feed(&mut self, piece: &[u8]) -> bool {
        let joined;
        let bytes = if self.carry.is_empty() {
            piece
        } else {
            joined = [std::mem::take(&mut self.carry).as_slice(), piece].concat();
            &joined
        };
        let (text, rest) = match std::str::from_utf8(bytes) {
            Ok(text) => (text, &[][..]),
            // Cut short at the end, not invalid: the rest comes next.
            Err(e) if e.error_len().is_none() => {
                let (valid, rest) = bytes.split_at(e.valid_up_to());
                match std::str::from_utf8(valid) {
                    Ok(text) => (text, rest),
                    Err(_) => return false,
                }
            }
            Err(_) => return false,
        };
        if text.contains('\0') {
            return false;
        }
        if !self.content {
            for c in text.chars() {
                if c == '\u{feff}' && self.only_boms {
                    continue;
                }
                self.only_boms = false;
                if c.is_whitespace() {
                    continue;
                }
                if c == '<' {
                    return false;
                }
                self.content = true;
                break;
            }
        }
        self.carry = rest.to_vec();
        true
    }

    /// Whether everything fed was plain text, ending on a whole character.
    fn end(&self) -> bool {
        self.content && self.carry.is_empty()
    }
}

/// An upload checked as it streams in: the size as it grows, the type from
/// the first piece's bytes, and for text every later piece too (UTF-8, no
/// NUL). Checking the whole file as one piece is [`check_upload`].
#[derive(Debug)]
pub struct UploadCheck {
    kind: AttachmentKind,
    size: u64,
    text: Option<TextScan>,
}

impl UploadCheck {
    /// Checks the first piece: size first, then the type.
    pub fn start(first: &[u8]) -> Result<Self, AttachmentError> {
        check_size(first.len() as u64)?;
        let (kind, text) = match AttachmentKind::infer(first) {
            Some(kind) => (kind.ok_or(AttachmentError::NotAllowed)?, None),
            None => {
                let mut text = TextScan::default();
                if !text.feed(first) {
                    return Err(AttachmentError::NotAllowed);
                }
                (AttachmentKind::Text, Some(text))
            }
        };
        Ok(Self {
            kind,
            size: first.len() as u64,
            text,
        })
    }

    /// Checks the next piece.
    pub fn next(&mut self, piece: &[u8]) -> Result<(), AttachmentError> {
        self.size += piece.len() as u64;
        check_size(self.size)?;
        if let Some(text) = &mut self.text {
            if !text.feed(piece) {
                return Err(AttachmentError::NotAllowed);
            }
        }
        Ok(())
    }

    pub fn size(&self) -> u64 {
        self.size
    }

    pub fn kind(&self) -> AttachmentKind {
        self.kind
    }

    /// The kind, once the last piece is in.
    pub fn finish(&self) -> Result<AttachmentKind, AttachmentError> {
        match &self.text {
            Some(text) if !text.end() => Err(AttachmentError::NotAllowed),
            _ => Ok(self.kind),
        }
    }
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
    UploadCheck::start(bytes)?.finish()
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

    /// Pieces as an upload streams them: the type from the first, text
    /// checked to the end, a character cut between two pieces still whole.
    #[test]
    fn uploads_are_checked_piece_by_piece() {
        let pieces = |parts: &[&[u8]]| {
            let mut check = UploadCheck::start(parts[0])?;
            parts[1..].iter().try_for_each(|p| check.next(p))?;
            check.finish()
        };
        let text = "ein Grüß\n".as_bytes();
        let cut = text.iter().position(|b| *b >= 0x80).unwrap() + 1;
        assert_eq!(
            pieces(&[&text[..cut], &text[cut..]]),
            Ok(AttachmentKind::Text)
        );
        assert_eq!(pieces(&[&text[..cut]]), Err(AttachmentError::NotAllowed));
        assert_eq!(
            pieces(&[b"text", b"then \0"]),
            Err(AttachmentError::NotAllowed)
        );
        assert_eq!(
            pieces(&[b"\xef\xbb\xbf  ", b" <svg/>"]),
            Err(AttachmentError::NotAllowed)
        );
        assert_eq!(pieces(&[b"  ", b" hi"]), Ok(AttachmentKind::Text));
        assert_eq!(pieces(&[PNG, b"\0\xff"]), Ok(AttachmentKind::Png));
        assert_eq!(pieces(&[b"<html>", b"x"]), Err(AttachmentError::NotAllowed));
        let mut big = UploadCheck::start(PNG).unwrap();
        let rest = vec![0; MAX_ATTACHMENT_BYTES as usize - PNG.len()];
        assert_eq!(big.next(&rest), Ok(()));
        assert_eq!(big.next(b"x"), Err(AttachmentError::TooLarge));
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
