//! Reading a fetched mail (mail-parser) into what the intake needs. It
//! never fails on a mail that has headers: bad MIME, unknown or mislabelled
//! charsets and HTML-only mail all come out as plain text (HTML is
//! converted, never kept), and what cannot be read is left out.

use mail_parser::{HeaderValue, MessageParser, MimeHeaders};
use parlor_domain::mail::MAX_RECIPIENTS;
use parlor_domain::{InboundFile, InboundMail, Mailbox};
use sha2::{Digest, Sha256};

/// The mail in `raw`, or `None` if it has no header a mail must have
/// (neither `From` nor `Message-ID`): not a mail at all.
pub fn parse(raw: &[u8]) -> Option<InboundMail> {
    let m = MessageParser::default().parse(raw)?;
    let from = m.from().and_then(|a| a.first());
    if from.is_none() && m.message_id().is_none() {
        return None;
    }
    let message_id = m
        .message_id()
        .map(clean_id)
        .filter(|id| !id.is_empty())
        // Without one, the content names it: fetched again, it is the same.
        .unwrap_or_else(|| {
            let digest = Sha256::digest(raw);
            format!("{}@no-message-id.invalid", hex::encode(&digest[..16]))
        });
    let mut replying_to = ids(m.references());
    for id in ids(m.in_reply_to()) {
        if !replying_to.contains(&id) {
            replying_to.push(id);
        }
    }
    let mut recipients = Vec::new();
    for list in [m.to(), m.cc()].into_iter().flatten() {
        for addr in list.iter() {
            if let Some(a) = addr.address() {
                recipients.push(a.trim().to_lowercase());
            }
        }
    }
    for name in ["Delivered-To", "X-Original-To"] {
        for (header, value) in m.headers_raw() {
            if header.eq_ignore_ascii_case(name) {
                recipients.push(value.trim().trim_matches(['<', '>']).to_lowercase());
            }
        }
    }
    recipients.dedup();
    recipients.truncate(MAX_RECIPIENTS);
    let mut text = m.body_text(0).map(|t| t.into_owned()).unwrap_or_default();
    let mut attachments = Vec::new();
    for a in m.attachments() {
        let unnamed_text = a.attachment_name().is_none()
            && a.content_type()
                .is_none_or(|c| c.ctype().eq_ignore_ascii_case("text"));
        if text.trim().is_empty() && unnamed_text {
            // A text part the parser could not decode (bytes that do not
            // match its charset): read leniently rather than dropped.
            text = String::from_utf8_lossy(a.contents()).into_owned();
            continue;
        }
        let name = a.attachment_name().unwrap_or("attachment").to_string();
        attachments.push(InboundFile {
            name,
            bytes: a.contents().to_vec(),
        });
    }
    if text.trim().is_empty() && attachments.is_empty() {
        // MIME too broken to find any part in: the raw body, as text,
        // beats losing what the customer wrote.
        text = raw_body(raw);
    }
    Some(InboundMail {
        message_id,
        replying_to,
        subject: m.subject().unwrap_or_default().to_string(),
        from: Mailbox {
            name: from.and_then(|a| a.name()).unwrap_or_default().to_string(),
            email: from
                .and_then(|a| a.address())
                .unwrap_or_default()
                .to_string(),
        },
        recipients,
        text,
        automatic: automatic(&m),
        attachments,
    })
}

/// Sent by a program rather than a person (RFC 3834 and common practice):
/// an auto-reply, a bounce, a list or bulk mailing.
fn automatic(m: &mail_parser::Message<'_>) -> bool {
    let header = |name: &str| {
        m.headers_raw()
            .find(|(h, _)| h.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.trim().to_ascii_lowercase())
    };
    let auto_submitted = header("Auto-Submitted").is_some_and(|v| !v.starts_with("no"));
    let bulk = header("Precedence").is_some_and(|v| matches!(v.as_str(), "bulk" | "junk" | "list"));
    let responder = [
        "X-Autoreply",
        "X-Autorespond",
        "X-Auto-Response-Suppress",
        "List-Id",
    ]
    .iter()
    .any(|h| header(h).is_some());
    let bounce = header("Return-Path").is_some_and(|v| v == "<>")
        || m.from()
            .and_then(|a| a.first())
            .and_then(|a| a.address())
            .is_some_and(|a| {
                let local = a.split('@').next().unwrap_or_default().to_ascii_lowercase();
                local == "mailer-daemon" || local == "postmaster"
            })
        || m.content_type().is_some_and(|c| {
            c.subtype()
                .is_some_and(|s| s.eq_ignore_ascii_case("report"))
        });
    auto_submitted || bulk || responder || bounce
}

/// What follows the header, decoded leniently, at most 64 KB of it.
fn raw_body(raw: &[u8]) -> String {
    let start = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .map(|p| p + 4)
        .or_else(|| raw.windows(2).position(|w| w == b"\n\n").map(|p| p + 2))
        .unwrap_or(raw.len());
    let body = &raw[start..raw.len().min(start + 64 * 1024)];
    String::from_utf8_lossy(body).into_owned()
}

fn clean_id(id: &str) -> String {
    id.trim().trim_matches(['<', '>']).trim().to_string()
}

fn ids(value: &HeaderValue<'_>) -> Vec<String> {
    let list: Vec<String> = match value {
        HeaderValue::Text(t) => t.split_whitespace().map(clean_id).collect(),
        HeaderValue::TextList(l) => l.iter().map(|t| clean_id(t)).collect(),
        _ => Vec::new(),
    };
    list.into_iter().filter(|id| !id.is_empty()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_plain_mail() {
        let raw = b"From: Dee Customer <dee@customer.test>\r\n\
To: Billing <support+billing@parlor.test>, other@x.test\r\n\
Cc: cc@x.test\r\n\
Subject: =?utf-8?q?Caf=C3=A9?= <b>bill</b>\r\n\
Message-ID: <m1@customer.test>\r\n\
In-Reply-To: <r2@parlor.test>\r\n\
References: <r1@parlor.test> <r2@parlor.test>\r\n\
\r\n\
Hello <script>x</script>\r\n";
        let m = parse(raw).unwrap();
        assert_eq!(m.message_id, "m1@customer.test");
        assert_eq!(m.replying_to, ["r1@parlor.test", "r2@parlor.test"]);
        assert_eq!(m.subject, "Café <b>bill</b>");
        assert_eq!(m.from.email, "dee@customer.test");
        assert_eq!(m.from.name, "Dee Customer");
        assert_eq!(
            m.recipients,
            ["support+billing@parlor.test", "other@x.test", "cc@x.test"]
        );
        assert_eq!(m.text.trim(), "Hello <script>x</script>");
        assert!(!m.automatic);
    }

    #[test]
    fn html_only_mail_becomes_text() {
        let raw = b"From: a@x.test\r\nMessage-ID: <h@x>\r\nContent-Type: text/html; charset=utf-8\r\n\r\n<p>Hi <b>there</b></p><script>alert(1)</script>";
        let m = parse(raw).unwrap();
        assert!(m.text.contains("Hi there"), "{:?}", m.text);
        assert!(!m.text.contains("<b>"), "{:?}", m.text);
    }

    #[test]
    fn programs_are_recognised() {
        for header in [
            "Auto-Submitted: auto-replied",
            "Precedence: bulk",
            "List-Id: <news.x.test>",
            "Return-Path: <>",
            "X-Autoreply: yes",
        ] {
            let raw = format!("From: a@x.test\r\nMessage-ID: <p@x>\r\n{header}\r\n\r\nAway");
            assert!(parse(raw.as_bytes()).unwrap().automatic, "{header}");
        }
        let raw = b"From: a@x.test\r\nAuto-Submitted: no\r\n\r\nHi";
        assert!(!parse(raw).unwrap().automatic);
        let bounce = b"From: MAILER-DAEMON@x.test\r\n\r\nUndeliverable";
        assert!(parse(bounce).unwrap().automatic);
    }

    #[test]
    fn broken_and_mislabelled_mail_still_reads() {
        // Latin-1 bytes labelled UTF-8, an unclosed multipart, no Message-ID.
        let raw = b"From: x@y.test\r\nSubject: caf\xe9\r\nContent-Type: multipart/mixed; boundary=zz\r\n\r\n--zz\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nna\xefve\r\n";
        let m = parse(raw).unwrap();
        assert!(m.message_id.ends_with("@no-message-id.invalid"));
        assert_eq!(parse(raw).unwrap().message_id, m.message_id, "stable");
        assert!(m.subject.starts_with("caf"));
        assert!(m.text.contains("na"), "{:?} {:?}", m.text, m.attachments);
        // A Windows-1251 body labelled as such decodes.
        let cyr = b"From: x@y.test\r\nContent-Type: text/plain; charset=windows-1251\r\n\r\n\xcf\xf0\xe8\xe2\xe5\xf2";
        assert_eq!(parse(cyr).unwrap().text.trim(), "Привет");
        assert!(parse(b"\x00\x01garbage").is_none());
    }

    #[test]
    fn recipients_are_capped() {
        let many: Vec<String> = (0..5000).map(|i| format!("u{i}@x.test")).collect();
        let raw = format!("From: a@x.test\r\nTo: {}\r\n\r\nhi", many.join(", "));
        assert_eq!(
            parse(raw.as_bytes()).unwrap().recipients.len(),
            MAX_RECIPIENTS
        );
    }
}
