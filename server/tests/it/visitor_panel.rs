//! The inbox's visitor panel, over real sockets: what a visitor's `hello`
//! tells (referrer, language, time zone) and what the server finds on the
//! upgrade request (browser and OS from `User-Agent`, the country from the
//! trusted header) reach the operator's rows, live and in a new snapshot,
//! and a returning visitor's next `hello` refreshes them. Junk is cut or
//! dropped, never stored as sent.

use crate::common::ws::{uuid, Ws};
use crate::common::{start_with, TestServer};
use parlor_protocol::inbox::{InboxFrame, WireVisitorContext};
use parlor_protocol::live::{ServerFrame, MAX_URL_CHARS};
use parlor_protocol::ConversationId;
use serde_json::{json, Value};
use std::sync::Arc;

const CHROME_ON_WINDOWS: &str = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36";
const FIREFOX_ON_MAC: &str =
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 10.15; rv:121.0) Gecko/20100101 Firefox/121.0";

async fn server() -> TestServer {
    start_with(
        Arc::new(tempfile::tempdir().unwrap()),
        &[("PARLOR_COUNTRY_HEADER", "X-Country".to_string())],
    )
    .await
}

/// A visitor's socket opened with these upgrade headers; `hello` gets the
/// extra fields. Returns the socket and the visitor's token.
async fn visitor(s: &TestServer, headers: &[(&'static str, &str)], hello: Value) -> (Ws, String) {
    let mut v = Ws::connect_with(s.addr, "/widget/v1/live", headers).await;
    let mut frame = json!({"type": "hello", "channel_id": s.default_channel().await});
    for (k, val) in hello.as_object().unwrap() {
        frame[k] = val.clone();
    }
    v.send(frame).await;
    match v.recv().await {
        ServerFrame::Welcome { token, .. } => (v, token),
        other => panic!("expected welcome, got {other:?}"),
    }
}

async fn say(v: &mut Ws, body: &str) -> ConversationId {
    v.send(json!({"type": "send", "message_id": uuid(), "body": body}))
        .await;
    v.acked().await.0
}

/// The first row for `id` whose context passes `ready`, as the inbox is told.
async fn summary_until(
    op: &mut Ws,
    id: ConversationId,
    ready: impl Fn(&WireVisitorContext) -> bool,
) -> WireVisitorContext {
    op.until(|f: &InboxFrame| match f {
        InboxFrame::Summary { conversation }
            if conversation.id == id && ready(&conversation.context) =>
        {
            Some(conversation.context.clone())
        }
        _ => None,
    })
    .await
}

/// The row for `id` in a fresh inbox's snapshot.
async fn in_snapshot(s: &TestServer, cookie: &str, id: ConversationId) -> WireVisitorContext {
    s.listed(cookie, id).await.context
}

#[tokio::test]
async fn the_operator_sees_where_the_visitor_comes_from() {
    let s = server().await;
    let cookie =
        crate::common::sign_in(&s.base, "admin@test.example", crate::common::PASSWORD).await;
    let (mut op, _) = s.inbox(&cookie).await;

    let (mut v, token) = visitor(
        &s,
        &[("user-agent", CHROME_ON_WINDOWS), ("x-country", "jp")],
        json!({
            "page_url": "https://shop.example/shoes",
            "referrer": "https://search.example/?q=shoes",
            "language": "de-DE",
            "time_zone": "Asia/Tokyo",
        }),
    )
    .await;
    let id = say(&mut v, "Do you ship to Japan?").await;

    let expected = WireVisitorContext {
        referrer: Some("https://search.example/?q=shoes".into()),
        country: Some("JP".into()),
        browser: Some("Chrome 120".into()),
        os: Some("Windows 10".into()),
        language: Some("de-DE".into()),
        time_zone: Some("Asia/Tokyo".into()),
    };
    let live = summary_until(&mut op, id, |c| c.browser.is_some()).await;
    assert_eq!(live, expected, "the open inbox is told live");
    assert_eq!(
        in_snapshot(&s, &cookie, id).await,
        expected,
        "and a new inbox reads it"
    );

    // The visitor comes back to the same conversation from another browser
    // and country, having moved within the shop: the row follows, and the
    // referrer stays the search that brought them.
    drop(v);
    let (_v, _) = visitor(
        &s,
        &[("user-agent", FIREFOX_ON_MAC), ("x-country", "DE")],
        json!({
            "token": token,
            "conversation_id": id,
            "last_seq": 1,
            "page_url": "https://shop.example/cart",
            "referrer": "https://shop.example/shoes",
            "language": "fr",
            "time_zone": "Europe/Paris",
        }),
    )
    .await;
    let refreshed = summary_until(&mut op, id, |c| c.country.as_deref() == Some("DE")).await;
    assert_eq!(
        refreshed,
        WireVisitorContext {
            referrer: Some("https://search.example/?q=shoes".into()),
            country: Some("DE".into()),
            browser: Some("Firefox 121".into()),
            os: Some("Mac OSX".into()),
            language: Some("fr".into()),
            time_zone: Some("Europe/Paris".into()),
        }
    );
    assert_eq!(in_snapshot(&s, &cookie, id).await, refreshed);
}

#[tokio::test]
async fn junk_is_cut_or_dropped() {
    let s = server().await;
    let cookie =
        crate::common::sign_in(&s.base, "admin@test.example", crate::common::PASSWORD).await;
    let long_referrer = format!("https://search.example/?q={}", "x".repeat(5000));
    let (mut v, _) = visitor(
        &s,
        // No User-Agent, and a country header that is no country.
        &[("x-country", "Narnia")],
        json!({
            "referrer": long_referrer,
            "language": "de".repeat(2500),
            "time_zone": "Europe/Paris; DROP TABLE",
        }),
    )
    .await;
    let id = say(&mut v, "hello").await;

    let context = in_snapshot(&s, &cookie, id).await;
    let referrer = context
        .referrer
        .clone()
        .expect("a referrer is cut, not dropped");
    assert_eq!(referrer.chars().count(), MAX_URL_CHARS);
    assert!(long_referrer.starts_with(&referrer));
    assert_eq!(
        context,
        WireVisitorContext {
            referrer: Some(referrer),
            ..Default::default()
        },
        "a 5 KB language, a zone with spaces, a bad country and no browser are all unknown"
    );

    // An old widget's `hello` (no new fields) still works and tells nothing.
    let (mut old, _) = visitor(&s, &[], json!({})).await;
    let id = say(&mut old, "hi").await;
    assert_eq!(
        in_snapshot(&s, &cookie, id).await,
        WireVisitorContext::default()
    );
}
