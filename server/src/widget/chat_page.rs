//! The direct chat link: a page of Parlor's own that shows a channel's chat
//! full-screen, for customers who get a link rather than visit a site.

use super::{config_and_bundle, loader::js_literal, ASSETS_PATH};
use crate::error::HttpError;
use crate::state::AppState;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::Html;
use html_escape::encode_text;

pub async fn page(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Html<String>, HttpError> {
    // The direct link is Parlor's own page, opened from anywhere (mail,
    // chat apps): allowed sites do not apply.
    let (config, assets) = config_and_bundle(&state, &id, &HeaderMap::new()).await?;
    let online = state.parlor.operator_online(config.channel_id).await;
    Ok(Html(format!(
        r#"<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<style>html,body{{margin:0;height:100%;background:#f4f4f6}}#parlor{{height:100%}}</style>
</head>
<body>
<div id="parlor"></div>
<script type="module">
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
    )))
}
