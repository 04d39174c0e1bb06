//! Attachments end to end: uploads over HTTP, `send` frames naming them,
//! downloads with the headers a browser needs to stay safe, and who may
//! fetch what. Runs on SQLite, or PostgreSQL with `PARLOR_TEST_POSTGRES`.

use crate::common::ws::Ws;
use crate::common::{start, TestServer};
use parlor_protocol::inbox::InboxFrame;
use parlor_protocol::live::{LiveErrorCode, ServerFrame, WireMessage};
use parlor_protocol::{
    ApiError, AttachmentId, ChannelId, ConversationId, ErrorCode, MessageId, Seq, WireAttachment,
};
use reqwest::StatusCode;
use serde_json::json;

/// The first bytes of a PNG: enough for detection.
const PNG: &[u8] =
    b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x06\0\0\0\x1f\x15\xc4\x89";
const PDF: &[u8] = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n";
const ZIP: &[u8] =
    b"PK\x03\x04\x14\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0hello.txtPK\x05\x06";

fn message_id() -> MessageId {
    MessageId(uuid::Uuid::new_v4())
}

/// A visitor of the default channel with a socket and their token.
struct Visitor {
    ws: Ws,
    token: String,
}

async fn visitor(s: &TestServer) -> Visitor {
    let mut ws = Ws::open(s, "/widget/v1/live", None).await;
    let channel = s.default_channel().await;
    ws.send(json!({"type": "hello", "channel_id": channel, "token": null}))
        .await;
    let ServerFrame::Welcome { token, .. } = ws.recv().await else {
        panic!("welcome first")
    };
    Visitor { ws, token }
}

fn upload_url(s: &TestServer, channel: ChannelId, name: &str) -> String {
    let mut url =
        reqwest::Url::parse(&s.url(&format!("/widget/v1/channels/{channel}/files"))).unwrap();
    url.query_pairs_mut().append_pair("name", name);
    url.to_string()
}

/// A visitor's upload: the status and the body as JSON.
async fn visitor_upload(
    s: &TestServer,
    token: Option<&str>,
    name: &str,
    claimed_type: &str,
    bytes: Vec<u8>,
) -> (StatusCode, serde_json::Value) {
    let channel = s.default_channel().await;
    let mut req = s
        .client
        .post(upload_url(s, channel, name))
        .header("content-type", claimed_type)
        .body(bytes);
    if let Some(token) = token {
        req = req.bearer_auth(token);
    }
    let res = req.send().await.unwrap();
    let status = res.status();
    (status, res.json().await.unwrap_or_default())
}

async fn uploaded(s: &TestServer, token: &str, name: &str, bytes: &[u8]) -> WireAttachment {
    let (status, body) = visitor_upload(s, Some(token), name, "image/png", bytes.to_vec()).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    serde_json::from_value(body).unwrap()
}

async fn operator_upload(
    s: &TestServer,
    cookie: &str,
    conversation: ConversationId,
    name: &str,
    bytes: &[u8],
) -> (StatusCode, serde_json::Value) {
    let mut url = reqwest::Url::parse(&s.url("/api/inbox/files")).unwrap();
    url.query_pairs_mut()
        .append_pair("conversation", &conversation.to_string())
        .append_pair("name", name);
    let res = s
        .client
        .post(url)
        .header("cookie", cookie)
        .header("content-type", "application/octet-stream")
        .body(bytes.to_vec())
        .send()
        .await
        .unwrap();
    let status = res.status();
    (status, res.json().await.unwrap_or_default())
}

async fn visitor_download(
    s: &TestServer,
    token: Option<&str>,
    id: AttachmentId,
) -> reqwest::Response {
    let mut req = s.client.get(s.url(&format!("/widget/v1/files/{id}")));
    if let Some(token) = token {
        req = req.bearer_auth(token);
    }
    req.send().await.unwrap()
}

async fn operator_download(
    s: &TestServer,
    cookie: Option<&str>,
    id: AttachmentId,
) -> reqwest::Response {
    let mut req = s.client.get(s.url(&format!("/api/files/{id}")));
    if let Some(cookie) = cookie {
        req = req.header("cookie", cookie);
    }
    req.send().await.unwrap()
}

fn header<'a>(res: &'a reqwest::Response, name: &str) -> &'a str {
    res.headers()
        .get(name)
        .unwrap_or_else(|| panic!("no {name} header"))
        .to_str()
        .unwrap()
}

/// The headers every download must carry.
fn assert_safe_headers(res: &reqwest::Response, content_type: &str, disposition: &str) {
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(header(res, "content-type"), content_type);
    assert_eq!(header(res, "content-disposition"), disposition);
    assert_eq!(header(res, "x-content-type-options"), "nosniff");
    assert_eq!(
        header(res, "content-security-policy"),
        "default-src 'none'; sandbox"
    );
    assert_eq!(header(res, "cache-control"), "private, max-age=3600");
}

async fn api_error(res: reqwest::Response) -> ApiError {
    res.json().await.unwrap()
}

/// The next message an inbox gets for `id`.
async fn inbox_message(op: &mut Ws, id: MessageId) -> WireMessage {
    op.until(|f: &InboxFrame| match f {
        InboxFrame::Message { message } if message.id == id => Some(message.clone()),
        _ => None,
    })
    .await
}

/// The next refusal a visitor gets.
async fn visitor_refused(v: &mut Ws) -> (LiveErrorCode, Option<MessageId>) {
    v.until(|f: &ServerFrame| match f {
        ServerFrame::Error {
            code, message_id, ..
        } => Some((*code, *message_id)),
        _ => None,
    })
    .await
}

/// A staff member who is in no channel, and their cookie.
async fn outsider(s: &TestServer) -> String {
    let admin = s.admin().await;
    s.state
        .parlor
        .create_user(
            &admin,
            parlor_domain::NewUser {
                email: "out@test.example".into(),
                display_name: "Out".into(),
                password: "outsider-password-1".into(),
                role: parlor_domain::Role::Operator,
            },
        )
        .await
        .unwrap();
    crate::common::sign_in(&s.base, "out@test.example", "outsider-password-1").await
}

#[tokio::test(flavor = "multi_thread")]
async fn a_visitor_sends_a_png_and_the_operator_sees_and_downloads_it() {
    let s = start().await;
    let (_ann, cookie) = s.operator("Ann").await;
    let (mut op, _) = s.inbox(&cookie).await;
    let mut v = visitor(&s).await;

    // The browser claims HTML; the server goes by the bytes.
    let file = uploaded(&s, &v.token, "photo.png", PNG).await;
    assert_eq!(file.name, "photo.png");
    assert_eq!(file.content_type, "image/png");
    assert_eq!(file.size, PNG.len() as u64);
    assert!(file.image);

    let id = message_id();
    let send = json!({"type": "send", "message_id": id, "body": "", "attachment": file.id});
    v.ws.send(send.clone()).await;
    let (conv, seq) = v.ws.acked().await;
    assert_eq!(seq, Seq(1));

    // The list shows the file's name for a message without text.
    let preview = op
        .until(|f: &InboxFrame| match f {
            InboxFrame::Activity {
                conversation_id,
                preview,
                ..
            } if *conversation_id == conv => Some(preview.clone()),
            InboxFrame::Summary { conversation } if conversation.id == conv => {
                conversation.last_body.clone()
            }
            _ => None,
        })
        .await;
    assert_eq!(preview, "📎 photo.png");

    op.send(json!({"type": "open", "conversation_id": conv, "last_seq": null}))
        .await;
    let seen = inbox_message(&mut op, id).await;
    assert_eq!(seen.body, "");
    assert_eq!(seen.attachment.as_ref(), Some(&file));

    let res = operator_download(&s, Some(&cookie), file.id).await;
    assert_safe_headers(&res, "image/png", "inline; filename*=UTF-8''photo.png");
    assert!(res.headers().get("cross-origin-resource-policy").is_none());
    assert_eq!(res.bytes().await.unwrap().as_ref(), PNG);

    // A resend after a reconnect stores nothing new: the next message is 2.
    v.ws.send(send).await;
    assert_eq!(v.ws.acked().await, (conv, Seq(1)));
    v.ws.send(json!({"type": "send", "message_id": message_id(), "body": "thanks"}))
        .await;
    assert_eq!(v.ws.acked().await, (conv, Seq(2)));

    // A replay carries the attachment too.
    let mut again = Ws::open(&s, "/widget/v1/live", None).await;
    let channel = s.default_channel().await;
    again
        .send(
            json!({"type": "hello", "channel_id": channel, "token": v.token,
            "conversation_id": conv, "last_seq": 0}),
        )
        .await;
    let replayed = again
        .until(|f: &ServerFrame| match f {
            ServerFrame::Message { message } if message.id == id => Some(message.clone()),
            _ => None,
        })
        .await;
    assert_eq!(replayed.attachment, Some(file));
}

#[tokio::test(flavor = "multi_thread")]
async fn downloads_are_typed_by_content_and_named_safely() {
    let s = start().await;
    let admin_cookie =
        crate::common::sign_in(&s.base, "admin@test.example", crate::common::PASSWORD).await;
    let mut v = visitor(&s).await;

    let pdf = uploaded(&s, &v.token, "Quarterly report.pdf", PDF).await;
    assert_eq!(
        (pdf.content_type.as_str(), pdf.image),
        ("application/pdf", false)
    );
    let zip = uploaded(&s, &v.token, "logs.zip", ZIP).await;
    assert_eq!(zip.content_type, "application/zip");
    let evil = uploaded(&s, &v.token, "../../etc/passwd<script>.png", PNG).await;
    assert_eq!(evil.name, "passwd<script>.png");

    for (file, n) in [(&pdf, 1), (&zip, 2), (&evil, 3)] {
        v.ws.send(json!({"type": "send", "message_id": message_id(), "body": format!("file {n}"), "attachment": file.id}))
            .await;
        assert_eq!(v.ws.acked().await.1, Seq(n));
    }

    let res = operator_download(&s, Some(&admin_cookie), pdf.id).await;
    assert_safe_headers(
        &res,
        "application/pdf",
        "attachment; filename*=UTF-8''Quarterly%20report.pdf",
    );
    let res = operator_download(&s, Some(&admin_cookie), zip.id).await;
    assert_safe_headers(
        &res,
        "application/zip",
        "attachment; filename*=UTF-8''logs.zip",
    );
    let res = visitor_download(&s, Some(&v.token), evil.id).await;
    assert_safe_headers(
        &res,
        "image/png",
        "inline; filename*=UTF-8''passwd%3Cscript%3E.png",
    );
    assert_eq!(header(&res, "cross-origin-resource-policy"), "cross-origin");

    // Files are reachable by id only, never by a name or a path.
    for path in [
        "/widget/v1/files/passwd%3Cscript%3E.png",
        "/widget/v1/files/..%2F..%2Fetc%2Fpasswd",
    ] {
        let res = s
            .client
            .get(s.url(path))
            .bearer_auth(&v.token)
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::NOT_FOUND, "{path}");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn an_operator_sends_a_file_and_only_participants_may_fetch_it() {
    let s = start().await;
    let (_ann, cookie) = s.operator("Ann").await;
    let (mut op, _) = s.inbox(&cookie).await;
    let mut v = visitor(&s).await;
    let other = visitor(&s).await;
    v.ws.send(
        json!({"type": "send", "message_id": message_id(), "body": "can you send the invoice?"}),
    )
    .await;
    let (conv, _) = v.ws.acked().await;
    op.send(json!({"type": "open", "conversation_id": conv, "last_seq": null}))
        .await;

    let (status, body) = operator_upload(&s, &cookie, conv, "invoice.pdf", PDF).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let file: WireAttachment = serde_json::from_value(body).unwrap();
    // Before it is sent, its uploader may fetch it; the visitor may not.
    assert_eq!(
        operator_download(&s, Some(&cookie), file.id).await.status(),
        StatusCode::OK
    );
    assert_eq!(
        visitor_download(&s, Some(&v.token), file.id).await.status(),
        StatusCode::NOT_FOUND
    );

    let id = message_id();
    op.send(
        json!({"type": "send", "conversation_id": conv, "message_id": id,
        "body": "Here it is", "attachment": file.id}),
    )
    .await;
    let seen =
        v.ws.until(|f: &ServerFrame| match f {
            ServerFrame::Message { message } if message.id == id => Some(message.clone()),
            _ => None,
        })
        .await;
    assert_eq!(seen.body, "Here it is");
    assert_eq!(seen.attachment.as_ref(), Some(&file));

    let res = visitor_download(&s, Some(&v.token), file.id).await;
    assert_safe_headers(
        &res,
        "application/pdf",
        "attachment; filename*=UTF-8''invoice.pdf",
    );
    assert_eq!(res.bytes().await.unwrap().as_ref(), PDF);

    // Another visitor: as if it did not exist. No token: 401.
    let res = visitor_download(&s, Some(&other.token), file.id).await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    assert_eq!(api_error(res).await.code, ErrorCode::NotFound);
    let res = visitor_download(&s, Some("not-a-token"), file.id).await;
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    let res = visitor_download(&s, None, file.id).await;
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(api_error(res).await.code, ErrorCode::Unauthenticated);

    // Staff outside the channel: 404, for downloads and uploads. Signed
    // out: 401.
    let out = outsider(&s).await;
    let res = operator_download(&s, Some(&out), file.id).await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    let (status, _) = operator_upload(&s, &out, conv, "x.pdf", PDF).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let res = operator_download(&s, None, file.id).await;
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    let res = operator_download(&s, Some("parlor_session=expired"), file.id).await;
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    let (status, _) = operator_upload(&s, "parlor_session=expired", conv, "x.pdf", PDF).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    // A conversation that does not exist.
    let (status, _) = operator_upload(
        &s,
        &cookie,
        ConversationId(uuid::Uuid::new_v4()),
        "x.pdf",
        PDF,
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    // A visitor's upload is theirs alone until sent.
    let mine = uploaded(&s, &v.token, "mine.png", PNG).await;
    let res = visitor_download(&s, Some(&other.token), mine.id).await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    let res = operator_download(&s, Some(&cookie), mine.id).await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
}

#[tokio::test(flavor = "multi_thread")]
async fn nobody_sends_a_file_that_is_not_theirs() {
    let s = start().await;
    let (_ann, cookie) = s.operator("Ann").await;
    let (mut op, _) = s.inbox(&cookie).await;
    let mut v = visitor(&s).await;
    let mut other = visitor(&s).await;
    let theirs = uploaded(&s, &other.token, "theirs.png", PNG).await;

    // The visitor names another visitor's upload: refused, nothing stored.
    let id = message_id();
    v.ws.send(json!({"type": "send", "message_id": id, "body": "look", "attachment": theirs.id}))
        .await;
    assert_eq!(
        visitor_refused(&mut v.ws).await,
        (LiveErrorCode::NotFound, Some(id))
    );
    v.ws.send(json!({"type": "send", "message_id": message_id(), "body": "hello"}))
        .await;
    let (conv, seq) = v.ws.acked().await;
    assert_eq!(seq, Seq(1), "the refused message was not stored");

    // An id that names no upload at all.
    let id = message_id();
    v.ws.send(json!({"type": "send", "message_id": id, "body": "x",
        "attachment": uuid::Uuid::new_v4()}))
        .await;
    assert_eq!(
        visitor_refused(&mut v.ws).await,
        (LiveErrorCode::NotFound, Some(id))
    );

    // An operator cannot send a visitor's upload either.
    op.send(json!({"type": "open", "conversation_id": conv, "last_seq": null}))
        .await;
    let id = message_id();
    op.send(
        json!({"type": "send", "conversation_id": conv, "message_id": id,
        "body": "", "attachment": theirs.id}),
    )
    .await;
    let refused = op
        .until(|f: &InboxFrame| match f {
            InboxFrame::Error {
                code, message_id, ..
            } => Some((*code, *message_id)),
            _ => None,
        })
        .await;
    assert_eq!(refused, (LiveErrorCode::NotFound, Some(id)));

    // Sent in one conversation, it cannot go into another.
    other
        .ws
        .send(json!({"type": "send", "message_id": message_id(), "body": "", "attachment": theirs.id}))
        .await;
    other.ws.acked().await;
    other.ws.send(json!({"type": "end"})).await;
    let _ = other.ws.drain().await;
    let id = message_id();
    other
        .ws
        .send(json!({"type": "send", "message_id": id, "body": "again", "attachment": theirs.id}))
        .await;
    assert_eq!(
        visitor_refused(&mut other.ws).await,
        (LiveErrorCode::NotFound, Some(id))
    );

    // No text and no file: the message rules as before.
    let id = message_id();
    v.ws.send(json!({"type": "send", "message_id": id, "body": "  "}))
        .await;
    assert_eq!(
        visitor_refused(&mut v.ws).await,
        (LiveErrorCode::InvalidMessage, Some(id))
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn uploads_are_limited_in_size_type_and_rate() {
    let s = start().await;
    let v = visitor(&s).await;

    // Over 10 MB: 413, and nothing stored (the rate limit below counts
    // stored uploads, and all ten still fit).
    let big = vec![0u8; 11 * 1024 * 1024];
    let (status, body) = visitor_upload(&s, Some(&v.token), "big.png", "image/png", big).await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);
    let err: ApiError = serde_json::from_value(body).unwrap();
    assert_eq!(err.code, ErrorCode::TooLarge);
    assert_eq!(err.message, "files can be at most 10 MB");
    // Just over, with a PNG's bytes.
    let mut over = PNG.to_vec();
    over.resize(parlor_protocol::MAX_ATTACHMENT_BYTES as usize + 1, 0);
    let (status, _) = visitor_upload(&s, Some(&v.token), "over.png", "image/png", over).await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);

    // Markup renamed to .png: 415, whatever the browser claims.
    for bad in [
        &b"<!DOCTYPE html><html><script>alert(1)</script></html>"[..],
        b"<svg xmlns=\"http://www.w3.org/2000/svg\" onload=\"alert(1)\"/>",
        b"<?xml version=\"1.0\"?><svg xmlns=\"http://www.w3.org/2000/svg\"/>",
    ] {
        let (status, body) =
            visitor_upload(&s, Some(&v.token), "cat.png", "image/png", bad.to_vec()).await;
        assert_eq!(status, StatusCode::UNSUPPORTED_MEDIA_TYPE);
        let err: ApiError = serde_json::from_value(body).unwrap();
        assert_eq!(err.code, ErrorCode::UnsupportedType);
        assert!(err.message.contains("PNG"), "{}", err.message);
    }

    // No token, an unknown token: 401.
    let (status, _) = visitor_upload(&s, None, "a.png", "image/png", PNG.to_vec()).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let (status, _) = visitor_upload(&s, Some("nope"), "a.png", "image/png", PNG.to_vec()).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);

    // Ten a minute; the eleventh is 429.
    for n in 0..10 {
        uploaded(&s, &v.token, &format!("{n}.png"), PNG).await;
    }
    let (status, body) =
        visitor_upload(&s, Some(&v.token), "11.png", "image/png", PNG.to_vec()).await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(
        serde_json::from_value::<ApiError>(body).unwrap().code,
        ErrorCode::RateLimited
    );
    // Another visitor has their own allowance.
    let w = visitor(&s).await;
    uploaded(&s, &w.token, "w.png", PNG).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn new_visitor_tokens_do_not_lift_the_limit_of_an_address() {
    let s = start().await;
    // Three visitors from one address use up its thirty a minute...
    for _ in 0..3 {
        let v = visitor(&s).await;
        for n in 0..10 {
            uploaded(&s, &v.token, &format!("{n}.png"), PNG).await;
        }
    }
    // ...and a fourth, fresh token gets 429 at once.
    let fresh = visitor(&s).await;
    let (status, body) = visitor_upload(
        &s,
        Some(&fresh.token),
        "more.png",
        "image/png",
        PNG.to_vec(),
    )
    .await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(
        serde_json::from_value::<ApiError>(body).unwrap().code,
        ErrorCode::RateLimited
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn widget_uploads_are_cors_open_with_a_bearer_token() {
    let s = start().await;
    let channel = s.default_channel().await;
    let res = s
        .client
        .request(reqwest::Method::OPTIONS, upload_url(&s, channel, "a.png"))
        .header("origin", "https://shop.example")
        .header("access-control-request-method", "POST")
        .header(
            "access-control-request-headers",
            "authorization, content-type",
        )
        .send()
        .await
        .unwrap();
    assert!(res.status().is_success(), "{}", res.status());
    assert_eq!(header(&res, "access-control-allow-origin"), "*");
    let allowed = header(&res, "access-control-allow-headers").to_lowercase();
    assert!(allowed.contains("authorization"), "{allowed}");
}

#[tokio::test(flavor = "multi_thread")]
async fn unsent_uploads_are_swept_after_a_day() {
    let s = start().await;
    let v = visitor(&s).await;
    let file = uploaded(&s, &v.token, "a.png", PNG).await;
    // Nothing is a day old yet.
    assert_eq!(s.state.parlor.sweep_unsent_attachments().await.unwrap(), 0);
    assert_eq!(
        visitor_download(&s, Some(&v.token), file.id).await.status(),
        StatusCode::OK
    );
}

/// A body with no `Content-Length` (chunked) is cut off at the limit while
/// it streams in, with the same 413 JSON.
#[tokio::test(flavor = "multi_thread")]
async fn a_streamed_body_over_the_limit_is_refused_too() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let s = start().await;
    let v = visitor(&s).await;
    let channel = s.default_channel().await;
    let mut tcp = tokio::net::TcpStream::connect(s.addr).await.unwrap();
    let head = format!(
        "POST /widget/v1/channels/{channel}/files?name=big.png HTTP/1.1\r\nHost: {}\r\n\
         Authorization: Bearer {}\r\nContent-Type: image/png\r\n\
         Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n",
        s.addr, v.token
    );
    tcp.write_all(head.as_bytes()).await.unwrap();
    let chunk = vec![0u8; 1024 * 1024];
    for _ in 0..11 {
        let mut frame = format!("{:x}\r\n", chunk.len()).into_bytes();
        frame.extend_from_slice(&chunk);
        frame.extend_from_slice(b"\r\n");
        // The server may answer and stop reading before the end.
        if tcp.write_all(&frame).await.is_err() {
            break;
        }
    }
    let _ = tcp.write_all(b"0\r\n\r\n").await;
    let mut answer = Vec::new();
    let _ = tcp.read_to_end(&mut answer).await;
    let answer = String::from_utf8_lossy(&answer);
    assert!(answer.starts_with("HTTP/1.1 413"), "{answer}");
    assert!(answer.contains("\"code\":\"too_large\""), "{answer}");
    // Nothing was stored: all ten uploads of the minute remain.
    for n in 0..10 {
        uploaded(&s, &v.token, &format!("{n}.png"), PNG).await;
    }
}

/// The bytes live in the shared database: a second node over the same
/// database serves a file uploaded through the first.
#[tokio::test(flavor = "multi_thread")]
async fn another_node_serves_the_file() {
    let a = start().await;
    let b = crate::common::start_in(a.dir.clone()).await;
    let admin_cookie =
        crate::common::sign_in(&b.base, "admin@test.example", crate::common::PASSWORD).await;
    let mut v = visitor(&a).await;
    let file = uploaded(&a, &v.token, "scan.pdf", PDF).await;
    v.ws.send(
        json!({"type": "send", "message_id": message_id(), "body": "", "attachment": file.id}),
    )
    .await;
    v.ws.acked().await;
    let res = visitor_download(&b, Some(&v.token), file.id).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.bytes().await.unwrap().as_ref(), PDF);
    let res = operator_download(&b, Some(&admin_cookie), file.id).await;
    assert_eq!(res.bytes().await.unwrap().as_ref(), PDF);
}
