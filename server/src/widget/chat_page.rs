//! The direct chat link: a page of Parlor's own that shows a channel's chat
//! full-screen, for customers who get a link rather than visit a site. It
//! sends a strict CSP: its one inline script runs by a nonce drawn for
//! each response, everything else comes from Parlor's origin, and the
//! window's styles are a constructed stylesheet (no `<style>`, no style
//! attribute).

use super::{config_and_bundle, loader::js_literal, ASSETS_PATH};
use crate::error::HttpError;
use crate::state::AppState;
use axum::extract::{Path, State};
use axum::http::header::{CONTENT_SECURITY_POLICY, HOST, REFERRER_POLICY};
use axum::http::{HeaderMap, HeaderValue};
use axum::response::{Html, IntoResponse, Response};
use html_escape::encode_text;

/// The page's policy; `{nonce}` is the inline script's. `blob:` images are
/// the previews of attachments (object URLs). The live socket's origin is
/// named outright (`host`, as the browser asked for the page): older
/// browsers do not count `ws:` as `'self'`.
fn policy(nonce: &str, host: Option<&str>) -> String {
    let sockets = host.map_or_else(String::new, |h| format!(" ws://{h} wss://{h}"));
    format!(
        "default-src 'none'; script-src 'self' 'nonce-{nonce}' 'wasm-unsafe-eval'; \
         style-src 'self'; connect-src 'self'{sockets}; img-src 'self' blob: data:; \
         base-uri 'none'; form-action 'none'; object-src 'none'"
    )
}

/// The request's `Host`, if it is a plain host and port (anything else
/// could add to the policy).
fn plain_host(headers: &HeaderMap) -> Option<&str> {
    let host = headers.get(HOST)?.to_str().ok()?;
    let plain = !host.is_empty()
        && host
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b".-:[]".contains(&b));
    plain.then_some(host)
}

pub async fn page(
    State(state): State<AppState>,
    Path(id): Path<String>,
    request_headers: HeaderMap,
) -> Result<Response, HttpError> {
    // The direct link is Parlor's own page, opened from anywhere (mail,
    // chat apps): allowed sites do not apply.
    let (config, assets) = config_and_bundle(&state, &id, &HeaderMap::new()).await?;
    let online = state.parlor.operator_online(config.channel_id).await;
    let nonce = uuid::Uuid::new_v4().simple().to_string();
    let html = format!(
        r#"<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
</head>
<body>
<div id="parlor"></div>
<script type="module" nonce="{nonce}">
import init, {{ start }} from {js};
await init({{ module_or_path: {wasm} }});
const el = document.getElementById("parlor");
start(el, el, JSON.stringify({config}), true, "/widget/v1/live", null, {online});
</script>
</body>
</html>"#,
        title = encode_text(&config.window_title),
        js = js_literal(&format!("{ASSETS_PATH}/{}", assets.js)),
        wasm = js_literal(&format!("{ASSETS_PATH}/{}", assets.wasm)),
        config = js_literal(&config),
    );
    let mut response = Html(html).into_response();
    let headers = response.headers_mut();
    if let Ok(value) = HeaderValue::from_str(&policy(&nonce, plain_host(&request_headers))) {
        headers.insert(CONTENT_SECURITY_POLICY, value);
    }
    headers.insert(REFERRER_POLICY, HeaderValue::from_static("no-referrer"));
    Ok(response)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_socket_origin_is_named_only_for_a_plain_host() {
        let with = |host: &str| {
            let mut h = HeaderMap::new();
            h.insert(HOST, HeaderValue::from_str(host).unwrap());
            policy("n", plain_host(&h))
        };
        assert!(with("chat.example.com:8443").contains(
            "connect-src 'self' ws://chat.example.com:8443 wss://chat.example.com:8443;"
        ));
        assert!(with("[::1]:3000").contains("ws://[::1]:3000"));
        let refused = with("evil.example; script-src *");
        assert!(refused.contains("connect-src 'self';"), "{refused}");
        assert!(!refused.contains("evil"), "{refused}");
    }
}
