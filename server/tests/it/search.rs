//! Searching conversations from the inbox (`/api/inbox/search`): by text,
//! by the visitor's name or email, by channel and by date; one result per
//! conversation; an operator finds only their channels' conversations.

use crate::common::ws::{uuid, Ws};
use crate::common::{sign_in, start, TestServer, PASSWORD};
use parlor_protocol::live::ServerFrame;
use parlor_protocol::{ChannelId, ConversationId};
use serde_json::{json, Value};

/// Calls the search with `cookie` (none: signed out).
async fn call(s: &TestServer, cookie: Option<&str>, query: Value) -> (u16, Value) {
    let mut req = s
        .client
        .post(s.url("/api/inbox/search"))
        .json(&json!({ "query": query }));
    if let Some(cookie) = cookie {
        req = req.header("cookie", cookie);
    }
    let res = req.send().await.unwrap();
    let status = res.status().as_u16();
    let text = res.text().await.unwrap();
    (
        status,
        serde_json::from_str(&text).unwrap_or(Value::String(text)),
    )
}

/// The results of a search that must succeed.
async fn search(s: &TestServer, cookie: &str, query: Value) -> Vec<Value> {
    let (status, found) = call(s, Some(cookie), query).await;
    assert_eq!(status, 200, "{found}");
    found.as_array().unwrap().clone()
}

/// The conversations found, in order.
fn ids(found: &[Value]) -> Vec<ConversationId> {
    found
        .iter()
        .map(|r| serde_json::from_value(r["conversation_id"].clone()).unwrap())
        .collect()
}

async fn admin_cookie(s: &TestServer) -> String {
    sign_in(&s.base, "admin@test.example", PASSWORD).await
}

/// A new visitor of `channel`, connected.
async fn visitor_in(s: &TestServer, channel: ChannelId) -> Ws {
    let mut v = Ws::open(s, "/widget/v1/live", None).await;
    v.send(json!({"type": "hello", "channel_id": channel, "token": null}))
        .await;
    let _: ServerFrame = v.recv().await;
    v
}

/// Sends `body`; the conversation it went to.
async fn say(v: &mut Ws, body: &str) -> ConversationId {
    v.send(json!({"type": "send", "message_id": uuid(), "body": body}))
        .await;
    v.acked().await.0
}

#[tokio::test(flavor = "multi_thread")]
async fn text_matches_ignoring_case_with_wildcards_taken_literally() {
    let s = start().await;
    let cookie = admin_cookie(&s).await;
    let channel = s.default_channel().await;

    let (mut a, _) = s.visitor().await;
    let refund = say(&mut a, "Where is my REFUND?").await;
    say(&mut a, "unrelated words").await;
    say(&mut a, "the refund again, please").await;
    say(&mut a, "thanks").await;
    let mut b = visitor_in(&s, channel).await;
    let percent = say(&mut b, "Is it 50% off with code A_B?").await;
    let mut c = visitor_in(&s, channel).await;
    let plain = say(&mut c, "Is it 5000 off with code AxB?").await;

    // One result for the conversation: its newest matching message.
    for text in ["refund", "Refund", "  REFUND "] {
        let found = search(&s, &cookie, json!({"text": text})).await;
        assert_eq!(ids(&found), vec![refund], "{text}");
        assert_eq!(found[0]["snippet"], "the refund again, please");
        assert_eq!(found[0]["channel_name"], "Website");
        assert!(found[0]["visitor_name"]
            .as_str()
            .unwrap()
            .starts_with("Visitor "));
    }
    // `%` and `_` are the characters themselves, not wildcards.
    assert_eq!(
        ids(&search(&s, &cookie, json!({"text": "50%"})).await),
        vec![percent]
    );
    assert_eq!(
        ids(&search(&s, &cookie, json!({"text": "a_b"})).await),
        vec![percent]
    );
    // Newest first.
    assert_eq!(
        ids(&search(&s, &cookie, json!({"text": "off with code"})).await),
        vec![plain, percent]
    );
    assert!(search(&s, &cookie, json!({"text": "nowhere"}))
        .await
        .is_empty());
}

#[tokio::test(flavor = "multi_thread")]
async fn the_visitors_name_and_email_match() {
    let s = start().await;
    let cookie = admin_cookie(&s).await;
    let secret = s.identity_secret().await;

    let (mut ann, _) = s.visitor().await;
    let hers = say(&mut ann, "hello there").await;
    ann.send(json!({
        "type": "identify",
        "external_id": "u-7",
        "name": "Ann Example",
        "email": "ann@Shop.test",
        "signature": chat_core::identity::sign(&secret, "u-7"),
    }))
    .await;
    ann.until(|f: &ServerFrame| matches!(f, ServerFrame::Identified { .. }).then_some(()))
        .await;
    let (mut other, _) = s.visitor().await;
    say(&mut other, "something else").await;

    for text in ["ann ex", "SHOP.TEST", "ann@"] {
        let found = search(&s, &cookie, json!({"text": text})).await;
        assert_eq!(ids(&found), vec![hers], "{text}");
        assert_eq!(found[0]["visitor_name"], "Ann Example");
        assert_eq!(found[0]["snippet"], "hello there");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn channels_filter_and_operators_find_only_their_channels() {
    let s = start().await;
    let cookie = admin_cookie(&s).await;
    let admin = s.admin().await;
    let default = s.default_channel().await;
    let billing = s
        .state
        .parlor
        .create_channel(&admin, "Billing")
        .await
        .unwrap()
        .id;
    let (_, olga) = s.operator("Olga").await;

    let mut here = visitor_in(&s, default).await;
    let in_default = say(&mut here, "an invoice question").await;
    let mut there = visitor_in(&s, billing).await;
    let in_billing = say(&mut there, "my Invoice is wrong").await;

    let everywhere = search(&s, &cookie, json!({"text": "invoice"})).await;
    assert_eq!(ids(&everywhere), vec![in_billing, in_default]);
    assert_eq!(everywhere[0]["channel_name"], "Billing");
    let only = |channel: ChannelId| json!({"text": "invoice", "channel": channel});
    assert_eq!(
        ids(&search(&s, &cookie, only(billing)).await),
        vec![in_billing]
    );
    assert_eq!(
        ids(&search(&s, &cookie, only(default)).await),
        vec![in_default]
    );

    // Olga works in the default channel only.
    assert_eq!(
        ids(&search(&s, &olga, json!({"text": "invoice"})).await),
        vec![in_default]
    );
    assert!(search(&s, &olga, only(billing)).await.is_empty());
    assert!(search(&s, &olga, json!({"text": "wrong"})).await.is_empty());

    // Signed out: nothing.
    let (status, _) = call(&s, None, json!({"text": "invoice"})).await;
    assert_eq!(status, 401);
}

#[tokio::test(flavor = "multi_thread")]
async fn dates_bound_the_messages() {
    let s = start().await;
    let cookie = admin_cookie(&s).await;
    let (mut v, _) = s.visitor().await;
    let id = say(&mut v, "delivery was late").await;
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64;

    let between = |from: Option<i64>, until: Option<i64>| json!({"text": "delivery", "from": from, "until": until});
    assert_eq!(
        ids(&search(&s, &cookie, between(Some(now - 3600), Some(now + 3600))).await),
        vec![id]
    );
    assert_eq!(
        ids(&search(&s, &cookie, between(Some(now - 3600), None)).await),
        vec![id]
    );
    assert!(search(&s, &cookie, between(Some(now + 3600), None))
        .await
        .is_empty());
    assert!(search(&s, &cookie, between(None, Some(now - 3600)))
        .await
        .is_empty());
}

#[tokio::test(flavor = "multi_thread")]
async fn a_query_too_short_or_backwards_is_refused_with_the_reason() {
    let s = start().await;
    let cookie = admin_cookie(&s).await;
    let refused = |err: &Value| -> Vec<String> {
        err["Validation"]
            .as_array()
            .unwrap_or_else(|| panic!("not a validation error: {err}"))
            .iter()
            .filter(|e| e["field"] == "search")
            .map(|e| e["message"].as_str().unwrap().to_string())
            .collect()
    };
    let (status, err) = call(&s, Some(&cookie), json!({"text": " a "})).await;
    assert_eq!(status, 422, "{err}");
    assert_eq!(refused(&err), vec!["type at least 2 characters"]);
    let (status, err) = call(
        &s,
        Some(&cookie),
        json!({"text": "refund", "from": 2000, "until": 1000}),
    )
    .await;
    assert_eq!(status, 422, "{err}");
    assert_eq!(refused(&err), vec!["the end date is before the start date"]);
}
