//! Channel rules and allowed sites through the real endpoints: the admin's
//! server functions save them, and the loader's `display` request, the
//! loader itself, the config and the live connection obey them.

use crate::common::ws::Ws;
use crate::common::{sign_in, start, start_with, TestServer, PASSWORD};
use serde_json::{json, Value};
use std::sync::Arc;

const SHOP: &str = "https://shop.example.com";

async fn post(s: &TestServer, cookie: &str, endpoint: &str, body: Value) -> reqwest::Response {
    s.client
        .post(s.url(&format!("/api/channels/{endpoint}")))
        .header("cookie", cookie)
        .json(&body)
        .send()
        .await
        .unwrap()
}

async fn admin(s: &TestServer) -> String {
    sign_in(&s.base, "admin@test.example", PASSWORD).await
}

/// What `display` answers for a page at `path` of `origin`, with extra headers.
async fn display(
    s: &TestServer,
    path: &str,
    origin: &str,
    headers: &[(&str, &str)],
) -> (u16, Value) {
    let channel = s.default_channel().await;
    let mut req = s
        .client
        .get(s.url(&format!("/widget/v1/channels/{channel}/display")))
        .query(&[("path", path)])
        .header("origin", origin);
    for (k, v) in headers {
        req = req.header(*k, *v);
    }
    let res = req.send().await.unwrap();
    let status = res.status().as_u16();
    let mut display: Value = res.json().await.unwrap();
    // Whether anyone is online is presence.rs's business.
    if let Some(fields) = display.as_object_mut() {
        fields.remove("online");
    }
    (status, display)
}

async fn allow_shop(s: &TestServer, cookie: &str) {
    let channel = s.default_channel().await;
    let res = post(
        s,
        cookie,
        "sites",
        json!({"id": channel, "sites": "shop.example.com", "in_app": false}),
    )
    .await;
    assert_eq!(res.status(), 200, "{}", res.text().await.unwrap());
}

fn rule(display: &str, open_after: &str, url: &str, countries: &str) -> Value {
    json!({"display": display, "open_after": open_after, "url_regex": url, "countries": countries})
}

#[tokio::test]
async fn the_first_matching_rule_decides_by_path_and_country() {
    let s = start_with(
        Arc::new(tempfile::tempdir().unwrap()),
        &[("PARLOR_COUNTRY_HEADER", "X-Country".to_string())],
    )
    .await;
    let cookie = admin(&s).await;
    allow_shop(&s, &cookie).await;
    // No rules: the button shows everywhere.
    assert_eq!(
        display(&s, "/", SHOP, &[]).await,
        (200, json!({"button": "show"}))
    );

    let channel = s.default_channel().await;
    let rules = json!([
        rule("hide", "", "^/checkout", ""),
        rule("open", "3", "/pricing", "FR, be"),
        rule("notify", "", "/", ""),
    ]);
    let res = post(&s, &cookie, "rules", json!({"id": channel, "rules": rules})).await;
    assert_eq!(res.status(), 200, "{}", res.text().await.unwrap());

    let fr = [("x-country", "fr")];
    assert_eq!(
        display(&s, "/checkout/pay", SHOP, &fr).await.1,
        json!({"button": "hide"})
    );
    assert_eq!(
        display(&s, "/en/pricing", SHOP, &fr).await.1,
        json!({"button": "open", "after_secs": 3})
    );
    assert_eq!(
        display(&s, "/en/pricing", SHOP, &[("x-country", "DE")])
            .await
            .1,
        json!({"button": "notify"}),
        "a country the rule does not list"
    );
    assert_eq!(
        display(&s, "/en/pricing", SHOP, &[]).await.1,
        json!({"button": "notify"}),
        "an unknown country never matches a rule that names countries"
    );
    // The saved rules come back in the admin's form, in order.
    let got: Value = post(&s, &cookie, "get", json!({"id": channel}))
        .await
        .json()
        .await
        .unwrap();
    let saved = &got["channel"]["rules"];
    assert_eq!(saved[1]["countries"], json!(["FR", "BE"]));
    assert_eq!(saved[2]["display"], json!({"button": "notify"}));
}

#[tokio::test]
async fn countries_come_from_a_maxmind_database() {
    let dir = Arc::new(tempfile::tempdir().unwrap());
    // A database of our own: loopback is in France, 10.1.0.0/16 in Belgium.
    let mut writer = mmdb_writer::Writer::new("Parlor-Test-Country");
    let country = |code: &str| json!({"country": {"iso_code": code}});
    writer
        .insert(
            "127.0.0.0/8".parse::<ipnet::IpNet>().unwrap(),
            &country("FR"),
        )
        .unwrap();
    writer
        .insert(
            "10.1.0.0/16".parse::<ipnet::IpNet>().unwrap(),
            &country("BE"),
        )
        .unwrap();
    let db = dir.path().join("country.mmdb");
    std::fs::write(&db, writer.to_bytes().unwrap()).unwrap();

    let s = start_with(
        dir.clone(),
        &[("PARLOR_GEOIP_DB", db.display().to_string())],
    )
    .await;
    let cookie = admin(&s).await;
    allow_shop(&s, &cookie).await;
    let channel = s.default_channel().await;
    let rules = json!([rule("hide", "", "/", "FR")]);
    post(&s, &cookie, "rules", json!({"id": channel, "rules": rules})).await;
    // This test's requests come from 127.0.0.1: France.
    assert_eq!(
        display(&s, "/", SHOP, &[]).await.1,
        json!({"button": "hide"})
    );
    let rules = json!([rule("hide", "", "/", "BE, DE")]);
    post(&s, &cookie, "rules", json!({"id": channel, "rules": rules})).await;
    assert_eq!(
        display(&s, "/", SHOP, &[]).await.1,
        json!({"button": "show"})
    );
    drop(s);

    // Behind a proxy, the client's address comes from its header.
    let s = start_with(
        dir.clone(),
        &[
            ("PARLOR_GEOIP_DB", db.display().to_string()),
            ("PARLOR_CLIENT_IP_HEADER", "X-Real-IP".to_string()),
        ],
    )
    .await;
    assert_eq!(
        display(&s, "/", SHOP, &[("x-real-ip", "10.1.2.3")]).await.1,
        json!({"button": "hide"})
    );
    assert_eq!(
        display(&s, "/", SHOP, &[("x-real-ip", "192.0.2.1")])
            .await
            .1,
        json!({"button": "show"}),
        "an address the database does not know"
    );
}

#[tokio::test]
async fn a_pathological_pattern_is_a_validation_error() {
    let s = start().await;
    let cookie = admin(&s).await;
    let channel = s.default_channel().await;
    let rules = json!([
        rule("show", "", "/", ""),
        rule("hide", "", "((a{100}){100}){100}", "")
    ]);
    let started = std::time::Instant::now();
    let res = post(&s, &cookie, "rules", json!({"id": channel, "rules": rules})).await;
    assert_eq!(res.status(), 422);
    assert!(started.elapsed() < std::time::Duration::from_secs(2));
    let body = res.text().await.unwrap();
    assert!(body.contains("rule_url_regex"), "{body}");
    assert!(body.contains("too complex"), "{body}");
    // Nothing was saved.
    let got: Value = post(&s, &cookie, "get", json!({"id": channel}))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(got["channel"]["rules"], json!([]));
}

#[tokio::test]
async fn other_sites_are_refused_everywhere() {
    let s = start().await;
    let cookie = admin(&s).await;
    let channel = s.default_channel().await;
    // The test server has no demo page, so the default channel allows no
    // site yet: every page on another site is refused.
    assert_eq!(display(&s, "/", SHOP, &[]).await.0, 403);
    allow_shop(&s, &cookie).await;
    assert_eq!(display(&s, "/", SHOP, &[]).await.0, 200);

    let evil = "https://evil.example.net";
    let (status, body) = display(&s, "/", evil, &[]).await;
    assert_eq!(status, 403);
    assert_eq!(body["code"], "forbidden");
    assert!(body["message"].as_str().unwrap().contains("allowed sites"));

    // The loader, asked for by a page elsewhere (a script sends its page
    // as the referrer), and the config.
    let loader = s.url(&format!("/widget/v1/channels/{channel}/loader.js"));
    let from = |referer: &str| s.client.get(&loader).header("referer", referer.to_string());
    assert_eq!(
        from(&format!("{evil}/shop")).send().await.unwrap().status(),
        403
    );
    assert_eq!(
        from(&format!("{SHOP}/shop")).send().await.unwrap().status(),
        200
    );
    let config = s.url(&format!("/widget/v1/channels/{channel}/config"));
    let res = s
        .client
        .get(&config)
        .header("origin", evil)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 403);

    // The live connection: hello from another site is refused and closed.
    let mut ws = Ws::connect_with(s.addr, "/widget/v1/live", &[("origin", evil)]).await;
    ws.send(json!({"type": "hello", "channel_id": channel}))
        .await;
    let frame: Value = ws.recv().await;
    assert_eq!(frame["type"], "error");
    assert_eq!(frame["code"], "origin_refused");
    let mut ws = Ws::connect_with(s.addr, "/widget/v1/live", &[("origin", SHOP)]).await;
    ws.send(json!({"type": "hello", "channel_id": channel}))
        .await;
    let frame: Value = ws.recv().await;
    assert_eq!(frame["type"], "welcome", "{frame}");

    // Parlor's own page (the direct chat link) is never refused.
    let own = s.base.clone();
    let mut ws = Ws::connect_with(s.addr, "/widget/v1/live", &[("origin", &own)]).await;
    ws.send(json!({"type": "hello", "channel_id": channel}))
        .await;
    let frame: Value = ws.recv().await;
    assert_eq!(frame["type"], "welcome", "{frame}");

    // "Embedded in an app" accepts any site.
    let res = post(
        &s,
        &cookie,
        "sites",
        json!({"id": channel, "sites": "", "in_app": true}),
    )
    .await;
    assert_eq!(res.status(), 200);
    assert_eq!(display(&s, "/", evil, &[]).await.0, 200);
}

#[tokio::test]
async fn bad_sites_are_reported_and_nothing_is_saved() {
    let s = start().await;
    let cookie = admin(&s).await;
    let channel = s.default_channel().await;
    allow_shop(&s, &cookie).await;
    let res = post(
        &s,
        &cookie,
        "sites",
        json!({"id": channel, "sites": "other.example.com\nftp://files.example.com", "in_app": false}),
    )
    .await;
    assert_eq!(res.status(), 422);
    let body = res.text().await.unwrap();
    assert!(body.contains("ftp://"), "{body}");
    let got: Value = post(&s, &cookie, "get", json!({"id": channel}))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        got["channel"]["embedding"],
        json!({"sites": ["https://shop.example.com"], "in_app": false})
    );
}

#[tokio::test]
async fn triggers_come_with_the_display_and_an_answer_stores_their_message_first() {
    let s = start().await;
    let cookie = admin(&s).await;
    allow_shop(&s, &cookie).await;
    let channel = s.default_channel().await;
    let triggers = json!([
        {"id": null, "url_regex": "^/pricing", "after_secs": "5", "message": "Questions about plans?"},
        {"id": null, "url_regex": "(", "after_secs": "x", "message": ""}
    ]);
    let res = post(
        &s,
        &cookie,
        "triggers",
        json!({"id": channel, "triggers": triggers}),
    )
    .await;
    assert_eq!(res.status(), 422, "a bad trigger refuses the whole list");
    let body = res.text().await.unwrap();
    for field in ["trigger_url", "trigger_after", "trigger_message"] {
        assert!(body.contains(field), "{field} in {body}");
    }
    let triggers = json!([
        {"id": null, "url_regex": "^/pricing", "after_secs": "5", "message": "Questions about plans?"}
    ]);
    let res = post(
        &s,
        &cookie,
        "triggers",
        json!({"id": channel, "triggers": triggers}),
    )
    .await;
    assert_eq!(res.status(), 200, "{}", res.text().await.unwrap());

    assert_eq!(
        display(&s, "/pricing/team", SHOP, &[]).await.1,
        json!({"button": "show", "triggers": [{"id": 1, "after_secs": 5, "message": "Questions about plans?"}]})
    );
    assert_eq!(
        display(&s, "/blog", SHOP, &[]).await.1,
        json!({"button": "show"})
    );

    // The visitor answers: the trigger's message is stored first, in the
    // channel's name, under an id derived from the answer's.
    let mut ws = Ws::connect_with(s.addr, "/widget/v1/live", &[]).await;
    ws.send(json!({"type": "hello", "channel_id": channel}))
        .await;
    let welcome: Value = ws.recv().await;
    let answer = crate::common::ws::uuid();
    let mut conversation = None;
    for _ in 0..2 {
        // Sent twice (a reconnect): stored once.
        ws.send(json!({"type": "triggered", "trigger_id": 1, "before": answer}))
            .await;
        ws.send(
            json!({"type": "send", "message_id": answer, "body": "Yes: is there a team plan?"}),
        )
        .await;
        let (c, seq) = ws.acked().await;
        assert_eq!(seq, parlor_protocol::Seq(2));
        conversation = Some(c);
    }
    // A fresh connection replays exactly the two messages.
    use parlor_protocol::live::{ServerFrame, WireAuthor};
    let mut again = Ws::connect_with(s.addr, "/widget/v1/live", &[]).await;
    let token = match welcome.get("token") {
        Some(t) => t.clone(),
        None => panic!("welcome carries a token"),
    };
    again
        .send(
            json!({"type": "hello", "channel_id": channel, "token": token,
            "conversation_id": conversation, "last_seq": 0}),
        )
        .await;
    let mut replay = Vec::new();
    while replay.len() < 2 {
        if let ServerFrame::Message { message } = again.recv().await {
            replay.push(message);
        }
    }
    let (message, reply) = (&replay[0], &replay[1]);
    assert_eq!(message.body, "Questions about plans?");
    assert_eq!(
        message.author,
        WireAuthor::Operator {
            name: "Chat with us".into()
        }
    );
    assert_eq!(reply.body, "Yes: is there a team plan?");
    let answer_id: parlor_protocol::MessageId = serde_json::from_value(json!(answer)).unwrap();
    assert_eq!(
        message.id,
        parlor_protocol::live::trigger_message_id(answer_id)
    );
}
