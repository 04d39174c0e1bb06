//! The server's HTTP surface, served on a real loopback socket and driven by a
//! real HTTP client against a real SQLite file.

use parlor_protocol::{ApiError, ErrorCode, WidgetConfig};
use reqwest::header::{
    ACCEPT_ENCODING, ACCESS_CONTROL_ALLOW_ORIGIN, CACHE_CONTROL, CONTENT_ENCODING, CONTENT_TYPE,
    ETAG, IF_NONE_MATCH, LOCATION, ORIGIN, SET_COOKIE,
};
use reqwest::StatusCode;

use crate::common::{start, TestServer, PASSWORD};

#[tokio::test(flavor = "multi_thread")]
async fn healthz() {
    let s = start().await;
    let res = s.client.get(s.url("/healthz")).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.text().await.unwrap(), r#"{"status":"ok"}"#);
}

#[tokio::test(flavor = "multi_thread")]
async fn loader_is_cors_open_revalidated_and_carries_the_config() {
    let s = start().await;
    let id = s.default_channel().await;
    let admin = s
        .state
        .parlor
        .sign_in("admin@test.example", PASSWORD)
        .await
        .unwrap()
        .user;
    s.state
        .parlor
        .update_channel_embedding(&admin, id, "http://shop.example", false)
        .await
        .unwrap();
    let url = s.url(&format!("/widget/v1/channels/{id}/loader.js"));
    let res = s
        .client
        .get(&url)
        .header(ORIGIN, "http://shop.example")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.headers()[ACCESS_CONTROL_ALLOW_ORIGIN], "*");
    assert_eq!(res.headers()[CACHE_CONTROL], "no-cache");
    assert!(res.headers()[CONTENT_TYPE]
        .to_str()
        .unwrap()
        .starts_with("text/javascript"));
    assert_eq!(res.headers()["vary"], "Accept-Encoding");
    assert!(!res.headers().contains_key(CONTENT_ENCODING));
    let etag = res.headers()[ETAG].clone();
    let body = res.text().await.unwrap();
    assert!(body.contains("\"widget-abc123_bg.wasm\""));
    assert!(body.contains(&format!("{}/widget/v1/assets/", s.base)));
    // The launcher's part of the config; the panel's texts come with
    // `config`, fetched on intent.
    assert!(body.contains("\"title\":\"Chat with us\""));
    assert!(!body.contains("Hello! How may I help you?"));

    // Compressed at the highest levels, once: each coding has its ETag, and
    // any of them revalidates.
    for (accept, coding) in [("gzip, deflate, br", "br"), ("gzip", "gzip")] {
        let res = s
            .client
            .get(&url)
            .header(ACCEPT_ENCODING, accept)
            .send()
            .await
            .unwrap();
        assert_eq!(res.headers()[CONTENT_ENCODING], coding);
        let tag = res.headers()[ETAG].to_str().unwrap().to_string();
        assert_ne!(tag, etag.to_str().unwrap());
        let packed = res.bytes().await.unwrap();
        assert!(
            packed.len() * 2 < body.len(),
            "{coding}: {} B",
            packed.len()
        );
        let again = s
            .client
            .get(&url)
            .header(ACCEPT_ENCODING, accept)
            .header(IF_NONE_MATCH, etag.clone())
            .send()
            .await
            .unwrap();
        assert_eq!(again.status(), StatusCode::NOT_MODIFIED);
        assert_eq!(again.headers()[ETAG].to_str().unwrap(), tag);
    }

    let again = s
        .client
        .get(&url)
        .header(IF_NONE_MATCH, etag.clone())
        .send()
        .await
        .unwrap();
    assert_eq!(again.status(), StatusCode::NOT_MODIFIED);

    // A settings change shows on the next load: a new ETag and body.
    let channel = s.state.parlor.channel(&admin, id).await.unwrap();
    let mut input = parlor_domain::ChannelSettingsInput::from(&channel.settings);
    input.button_color = "#e4572e".into();
    s.state
        .parlor
        .update_channel(&admin, id, input)
        .await
        .unwrap();
    let changed = s
        .client
        .get(&url)
        .header(IF_NONE_MATCH, etag)
        .send()
        .await
        .unwrap();
    assert_eq!(changed.status(), StatusCode::OK);
    assert!(changed.text().await.unwrap().contains("#e4572e"));
}

#[tokio::test(flavor = "multi_thread")]
async fn config_endpoint_and_typed_errors() {
    let s = start().await;
    let id = s.default_channel().await;
    let config: WidgetConfig = s
        .client
        .get(s.url(&format!("/widget/v1/channels/{id}/config")))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(config.channel_id, id);
    assert_eq!(config.window_title, "Chat with us");
    assert_eq!(config.welcome_message, "Hello! How may I help you?");

    let missing = s
        .client
        .get(s.url("/widget/v1/channels/00000000-0000-4000-8000-000000000000/loader.js"))
        .send()
        .await
        .unwrap();
    assert_eq!(missing.status(), StatusCode::NOT_FOUND);
    let err: ApiError = missing.json().await.unwrap();
    assert_eq!(err.code, ErrorCode::NotFound);

    let bad = s
        .client
        .get(s.url("/widget/v1/channels/nope/config"))
        .send()
        .await
        .unwrap();
    assert_eq!(bad.status(), StatusCode::BAD_REQUEST);
    assert_eq!(
        bad.json::<ApiError>().await.unwrap().code,
        ErrorCode::BadRequest
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn bundle_is_served_precompressed_and_immutable() {
    let s = start().await;
    let res = immutable_wasm(&s, "/widget/v1/assets/widget-abc123_bg.wasm").await;
    assert_eq!(res.headers()["vary"], "accept-encoding");
    assert_eq!(res.bytes().await.unwrap().as_ref(), b"brotli-bytes");
}

/// GETs a wasm file asking for brotli: it comes precompressed, for good.
async fn immutable_wasm(s: &TestServer, path: &str) -> reqwest::Response {
    let res = s
        .client
        .get(s.url(path))
        .header(ACCEPT_ENCODING, "br")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK, "{path}");
    assert_eq!(res.headers()[CONTENT_ENCODING], "br", "{path}");
    assert_eq!(res.headers()[CONTENT_TYPE], "application/wasm", "{path}");
    assert_eq!(
        res.headers()[CACHE_CONTROL],
        "public, max-age=31536000, immutable",
        "{path}"
    );
    res
}

#[tokio::test(flavor = "multi_thread")]
async fn the_admin_app_is_served_from_its_build_and_cached_only_when_found() {
    let s = start().await;
    let page = s.client.get(s.url("/login")).send().await.unwrap();
    let html = page.text().await.unwrap();
    assert!(html.contains("/pkg/build1/parlor.js"), "{html}");
    assert!(html.contains("/pkg/build1/parlor.css"), "{html}");

    let res = immutable_wasm(&s, "/pkg/build1/parlor_bg.wasm").await;
    assert_eq!(res.headers()["vary"], "accept-encoding");

    // Another build's file (a tab open across a deploy), a file the build
    // lacks, the id file: bare 404s that no cache keeps.
    for path in [
        "/pkg/old1/split_team.wasm",
        "/pkg/build1/chunk_9.wasm",
        "/pkg/BUILD_ID",
        "/pkg/../pkg/BUILD_ID",
    ] {
        let res = s.client.get(s.url(path)).send().await.unwrap();
        assert_eq!(res.status(), StatusCode::NOT_FOUND, "{path}");
        assert_eq!(res.headers()[CACHE_CONTROL], "no-store", "{path}");
        assert!(res.bytes().await.unwrap().is_empty(), "{path}");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn sign_in_sets_a_safe_cookie_and_opens_admin_pages() {
    let s = start().await;
    let res = s.client.get(s.url("/channels")).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(res.headers()[LOCATION], "/login");

    let login = s
        .client
        .post(s.url("/api/login"))
        .header(CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header("accept", "application/json")
        .body(format!("email=admin%40test.example&password={PASSWORD}"))
        .send()
        .await
        .unwrap();
    assert!(
        login.status().is_success() || login.status().is_redirection(),
        "{}",
        login.status()
    );
    let cookie = login.headers()[SET_COOKIE].to_str().unwrap().to_string();
    assert!(cookie.starts_with("parlor_session="), "{cookie}");
    assert!(cookie.contains("HttpOnly"), "{cookie}");
    assert!(cookie.contains("SameSite=Lax"), "{cookie}");
    let pair = cookie.split(';').next().unwrap().to_string();

    let page = s
        .client
        .get(s.url("/channels"))
        .header("cookie", &pair)
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), StatusCode::OK);
    let html = page.text().await.unwrap();
    assert!(html.contains("Channels"), "{html}");
    // Already signed in: the sign-in page sends you on.
    let to_app = s
        .client
        .get(s.url("/login"))
        .header("cookie", &pair)
        .send()
        .await
        .unwrap();
    assert_eq!(to_app.status(), StatusCode::SEE_OTHER);

    let bad = s
        .client
        .post(s.url("/api/login"))
        .header(CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header("accept", "application/json")
        .body("email=admin%40test.example&password=wrong")
        .send()
        .await
        .unwrap();
    assert_eq!(bad.status(), StatusCode::UNAUTHORIZED);
    assert!(bad.headers().get(SET_COOKIE).is_none());
    assert!(bad.text().await.unwrap().contains("InvalidCredentials"));
}

#[tokio::test(flavor = "multi_thread")]
async fn a_failed_sign_in_without_javascript_returns_to_the_form_with_the_error() {
    let s = start().await;
    let res = s
        .client
        .post(s.url("/api/login"))
        .header(CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header("accept", "text/html")
        .header("referer", s.url("/login"))
        .body("email=admin%40test.example&password=wrong")
        .send()
        .await
        .unwrap();
    assert!(res.status().is_redirection(), "{}", res.status());
    let back = res.headers()[LOCATION].to_str().unwrap().to_string();
    assert!(back.starts_with(&s.url("/login?")), "{back}");
    let page = s
        .client
        .get(&back)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains("Email or password is wrong."), "{page}");
}

#[tokio::test(flavor = "multi_thread")]
async fn api_writes_from_other_origins_are_refused() {
    let s = start().await;
    // A page on another port of the same host is same-site: SameSite=Lax
    // alone would let its form post carry the admin's cookie.
    for (name, value) in [
        ("sec-fetch-site", "same-site".to_string()),
        ("origin", "http://127.0.0.1:8080".to_string()),
    ] {
        let res = s
            .client
            .post(s.url("/api/login"))
            .header(CONTENT_TYPE, "application/x-www-form-urlencoded")
            .header(name, value)
            .body(format!("email=admin%40test.example&password={PASSWORD}"))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::FORBIDDEN, "{name}");
        assert!(res.headers().get(SET_COOKIE).is_none());
        assert_eq!(
            res.json::<ApiError>().await.unwrap().code,
            ErrorCode::Forbidden
        );
    }
    let same = s
        .client
        .post(s.url("/api/login"))
        .header(CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header("accept", "application/json")
        .header("sec-fetch-site", "same-origin")
        .body(format!("email=admin%40test.example&password={PASSWORD}"))
        .send()
        .await
        .unwrap();
    assert!(same.headers().get(SET_COOKIE).is_some());
}

#[tokio::test(flavor = "multi_thread")]
async fn readiness_and_metrics_are_served() {
    let s = start().await;
    let ready = s.client.get(s.url("/readyz")).send().await.unwrap();
    assert_eq!(ready.status(), StatusCode::OK);
    let metrics = s.client.get(s.url("/metrics")).send().await.unwrap();
    assert_eq!(metrics.status(), StatusCode::OK);
    assert!(metrics.headers()[CONTENT_TYPE]
        .to_str()
        .unwrap()
        .starts_with("application/openmetrics-text"));
    let text = metrics.text().await.unwrap();
    for name in [
        "parlor_messages_total 0",
        "parlor_message_write_seconds_count 0",
        "parlor_write_queue_depth 0",
        r#"parlor_connections{peer="visitor"} 0"#,
        r#"parlor_connections{peer="operator"} 0"#,
    ] {
        assert!(text.contains(name), "{name} in {text}");
    }
}
