//! Canned responses through the admin app's server functions
//! (`/api/canned/…`): admins manage them, every operator reads them, and
//! nobody signed out does either. Also the page itself, rendered on the
//! server.

use crate::common::{sign_in, start, TestServer, PASSWORD};
use serde_json::{json, Value};

/// Calls `/api/canned/{endpoint}` (see `TestServer::api`).
async fn call(
    s: &TestServer,
    cookie: Option<&str>,
    endpoint: &str,
    body: Option<Value>,
) -> (u16, Value) {
    s.api(cookie, &format!("canned/{endpoint}"), body).await
}

async fn admin(s: &TestServer) -> String {
    sign_in(&s.base, "admin@test.example", PASSWORD).await
}

async fn create(s: &TestServer, cookie: &str, shortcut: &str, body: &str) -> (u16, Value) {
    call(
        s,
        Some(cookie),
        "create",
        Some(json!({"canned": {"shortcut": shortcut, "body": body}})),
    )
    .await
}

/// The list as (shortcut, body) pairs, in the order it comes.
async fn list(s: &TestServer, cookie: &str) -> Vec<(String, String)> {
    let (status, list) = call(s, Some(cookie), "list", None).await;
    assert_eq!(status, 200, "{list}");
    list.as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["shortcut"].as_str().unwrap().to_string(),
                c["body"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

fn pairs(items: &[(&str, &str)]) -> Vec<(String, String)> {
    items
        .iter()
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .collect()
}

/// The messages of a validation error for `field`.
fn field_errors(err: &Value, field: &str) -> Vec<String> {
    err["Validation"]
        .as_array()
        .unwrap_or_else(|| panic!("not a validation error: {err}"))
        .iter()
        .filter(|e| e["field"] == field)
        .map(|e| e["message"].as_str().unwrap().to_string())
        .collect()
}

#[tokio::test]
async fn an_admin_creates_lists_updates_and_deletes() {
    let s = start().await;
    let cookie = admin(&s).await;
    assert!(list(&s, &cookie).await.is_empty());

    let (status, refund) = create(&s, &cookie, "  Refund ", "\n We refund within 14 days.\n").await;
    assert_eq!(status, 200, "{refund}");
    assert_eq!(refund["shortcut"], "refund", "trimmed and lower-cased");
    assert_eq!(refund["body"], "We refund within 14 days.", "trimmed");
    let (status, hello) = create(&s, &cookie, "hello", "Hello!\nHow can I help?").await;
    assert_eq!(status, 200, "{hello}");
    assert_ne!(refund["id"], hello["id"]);
    assert_eq!(
        list(&s, &cookie).await,
        pairs(&[
            ("hello", "Hello!\nHow can I help?"),
            ("refund", "We refund within 14 days.")
        ]),
        "by shortcut"
    );

    // Edit both the shortcut and the text.
    let (status, updated) = call(
        &s,
        Some(&cookie),
        "update",
        Some(json!({"id": refund["id"], "canned": {"shortcut": "refund-eu", "body": "30 days in the EU."}})),
    )
    .await;
    assert_eq!(status, 200, "{updated}");
    assert_eq!(
        updated,
        json!({"id": refund["id"], "shortcut": "refund-eu", "body": "30 days in the EU."})
    );
    // Saving a response under its own shortcut is no conflict.
    let (status, same) = call(
        &s,
        Some(&cookie),
        "update",
        Some(json!({"id": hello["id"], "canned": {"shortcut": "hello", "body": "Hi!"}})),
    )
    .await;
    assert_eq!(status, 200, "{same}");
    assert_eq!(
        list(&s, &cookie).await,
        pairs(&[("hello", "Hi!"), ("refund-eu", "30 days in the EU.")])
    );

    let (status, done) = call(
        &s,
        Some(&cookie),
        "delete",
        Some(json!({"id": hello["id"]})),
    )
    .await;
    assert_eq!(status, 200, "{done}");
    assert_eq!(
        list(&s, &cookie).await,
        pairs(&[("refund-eu", "30 days in the EU.")])
    );

    // Gone: deleting or editing it again is "not found".
    let (status, err) = call(
        &s,
        Some(&cookie),
        "delete",
        Some(json!({"id": hello["id"]})),
    )
    .await;
    assert_eq!(status, 404, "{err}");
    assert!(err.to_string().contains("canned response"), "{err}");
    let (status, err) = call(
        &s,
        Some(&cookie),
        "update",
        Some(json!({"id": hello["id"], "canned": {"shortcut": "hello", "body": "Hi"}})),
    )
    .await;
    assert_eq!(status, 404, "{err}");
}

#[tokio::test]
async fn a_taken_shortcut_is_refused_beside_the_field() {
    let s = start().await;
    let cookie = admin(&s).await;
    assert_eq!(
        create(&s, &cookie, "refund", "Within 14 days.").await.0,
        200
    );
    let (_, thanks) = create(&s, &cookie, "thanks", "Thank you!").await;

    // Shortcuts compare case-insensitively.
    let (status, err) = create(&s, &cookie, " REFUND ", "Another text").await;
    assert_eq!(status, 422, "{err}");
    assert_eq!(
        field_errors(&err, "shortcut"),
        ["is already used by another canned response"]
    );
    // Renaming another one to it, too.
    let (status, err) = call(
        &s,
        Some(&cookie),
        "update",
        Some(json!({"id": thanks["id"], "canned": {"shortcut": "refund", "body": "Thank you!"}})),
    )
    .await;
    assert_eq!(status, 422, "{err}");
    assert_eq!(
        field_errors(&err, "shortcut"),
        ["is already used by another canned response"]
    );
    assert_eq!(
        list(&s, &cookie).await,
        pairs(&[("refund", "Within 14 days."), ("thanks", "Thank you!")]),
        "nothing changed"
    );
}

#[tokio::test]
async fn bad_input_is_refused_and_nothing_is_saved() {
    let s = start().await;
    let cookie = admin(&s).await;
    let (status, err) = create(&s, &cookie, "two words", "  ").await;
    assert_eq!(status, 422, "{err}");
    let shortcut = field_errors(&err, "shortcut");
    assert!(
        shortcut[0].contains("only letters a-z, digits, - and _"),
        "{err}"
    );
    assert_eq!(field_errors(&err, "canned_body"), ["is required"]);

    let (status, err) = create(&s, &cookie, &"a".repeat(33), "Text").await;
    assert_eq!(status, 422, "{err}");
    assert!(
        field_errors(&err, "shortcut")[0].contains("at most 32"),
        "{err}"
    );
    let (status, err) = create(&s, &cookie, "long", &"x".repeat(2001)).await;
    assert_eq!(status, 422, "{err}");
    assert!(
        field_errors(&err, "canned_body")[0].contains("at most 2000"),
        "{err}"
    );
    let (status, err) = create(&s, &cookie, "", "Text").await;
    assert_eq!(status, 422, "{err}");
    assert_eq!(field_errors(&err, "shortcut"), ["is required"]);

    // An edit is checked the same way.
    let (_, ok) = create(&s, &cookie, "ok", "Text").await;
    let (status, err) = call(
        &s,
        Some(&cookie),
        "update",
        Some(json!({"id": ok["id"], "canned": {"shortcut": "café", "body": "Text"}})),
    )
    .await;
    assert_eq!(status, 422, "{err}");
    assert!(!field_errors(&err, "shortcut").is_empty(), "{err}");
    assert_eq!(list(&s, &cookie).await, pairs(&[("ok", "Text")]));
}

#[tokio::test]
async fn an_operator_reads_them_but_may_not_change_them() {
    let s = start().await;
    let admin = admin(&s).await;
    let (_, refund) = create(&s, &admin, "refund", "Within 14 days.").await;
    let (_, operator) = s.operator("Olga").await;

    assert_eq!(
        list(&s, &operator).await,
        pairs(&[("refund", "Within 14 days.")])
    );
    let (status, err) = create(&s, &operator, "mine", "My text").await;
    assert_eq!(status, 403, "{err}");
    assert_eq!(err, json!("Forbidden"));
    let (status, _) = call(
        &s,
        Some(&operator),
        "update",
        Some(json!({"id": refund["id"], "canned": {"shortcut": "refund", "body": "Changed"}})),
    )
    .await;
    assert_eq!(status, 403);
    let (status, _) = call(
        &s,
        Some(&operator),
        "delete",
        Some(json!({"id": refund["id"]})),
    )
    .await;
    assert_eq!(status, 403);
    assert_eq!(
        list(&s, &admin).await,
        pairs(&[("refund", "Within 14 days.")]),
        "nothing changed"
    );
}

#[tokio::test]
async fn signed_out_requests_are_refused() {
    let s = start().await;
    let cookie = admin(&s).await;
    let (_, refund) = create(&s, &cookie, "refund", "Within 14 days.").await;

    let (status, err) = call(&s, None, "list", None).await;
    assert_eq!(status, 401, "{err}");
    assert_eq!(err, json!("Unauthenticated"));
    let (status, _) = call(
        &s,
        None,
        "create",
        Some(json!({"canned": {"shortcut": "x", "body": "y"}})),
    )
    .await;
    assert_eq!(status, 401);
    let (status, _) = call(&s, None, "delete", Some(json!({"id": refund["id"]}))).await;
    assert_eq!(status, 401);
    let (status, _) = call(&s, Some("parlor_session=not-a-session"), "list", None).await;
    assert_eq!(status, 401);
    assert_eq!(list(&s, &cookie).await.len(), 1);
}

#[tokio::test(flavor = "multi_thread")]
async fn the_page_shows_the_list_as_text() {
    let s = start().await;
    let res = s.client.get(s.url("/canned")).send().await.unwrap();
    assert_eq!(res.status(), 303, "signed out: to the sign-in page");
    assert_eq!(res.headers()["location"], "/login");

    let admin = admin(&s).await;
    let (status, _) = create(&s, &admin, "html", "<b>not bold</b> & more").await;
    assert_eq!(status, 200);
    let page = |cookie: String| {
        let req = s.client.get(s.url("/canned")).header("cookie", cookie);
        async move {
            let res = req.send().await.unwrap();
            assert_eq!(res.status(), 200);
            res.text().await.unwrap()
        }
    };

    let html = page(admin).await;
    assert!(html.contains("<h1>Canned responses</h1>"), "{html}");
    assert!(html.contains("Add a canned response"), "{html}");
    assert!(
        html.contains("Really delete?") || html.contains(">Delete<"),
        "{html}"
    );
    assert!(
        html.contains("&lt;b&gt;not bold&lt;/b&gt; &amp; more"),
        "{html}"
    );
    assert!(!html.contains("<b>not bold</b>"), "{html}");

    // An operator sees the list, without the form or the buttons.
    let (_, operator) = s.operator("Olga").await;
    let html = page(operator).await;
    assert!(
        html.contains("&lt;b&gt;not bold&lt;/b&gt; &amp; more"),
        "{html}"
    );
    assert!(!html.contains("Add a canned response"), "{html}");
    assert!(!html.contains(">Delete<"), "{html}");
}
