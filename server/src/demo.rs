//! A demo host page on a second origin: a plain third-party-looking site that
//! embeds the default channel with exactly the snippet the Widget tab offers.

use crate::error::HttpError;
use crate::state::AppState;
use axum::extract::State;
use axum::response::Html;
use axum::routing::get;
use axum::Router;
use parlor_protocol::embed;

/// Every path shows the page, as every page of a real site carries the
/// snippet: a visitor can move around and keep their conversation.
pub fn router(state: AppState) -> Router {
    Router::new().fallback(get(page)).with_state(state)
}

async fn page(State(state): State<AppState>) -> Result<Html<String>, HttpError> {
    let snippet = state
        .parlor
        .default_channel()
        .await?
        .map(|id| embed::snippet(&state.config.public_url, id))
        .unwrap_or_default();
    Ok(Html(DEMO_PAGE.replace("<!--PARLOR_SNIPPET-->", &snippet)))
}

const DEMO_PAGE: &str = r#"<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Fernhill Plants: demo shop</title>
<link rel="icon" href="data:,">
<!--PARLOR_SNIPPET-->
<style>
body{margin:0;font:16px/1.6 Georgia,serif;color:#23301f;background:#f6f3ea}
header{background:#2f4a2a;color:#f6f3ea;padding:1.2rem 2rem}
header h1{margin:0;font-size:1.6rem}
main{max-width:46rem;margin:2rem auto;padding:0 1.5rem}
.product{display:flex;gap:1rem;align-items:center;background:#fff;border-radius:8px;padding:1rem;margin:1rem 0}
.leaf{width:64px;height:64px;border-radius:50%;background:#7fa36b}
</style>
</head>
<body>
<header><h1>Fernhill Plants</h1><p>A demo host page on another origin. The chat button is Parlor's widget.</p></header>
<main>
<h2>This week's plants</h2>
<div class="product"><div class="leaf"></div><div><strong>Boston fern</strong><br>Loves a humid bathroom.</div></div>
<div class="product"><div class="leaf"></div><div><strong>Monstera deliciosa</strong><br>Big leaves, easy going.</div></div>
<p id="host-script-status">The host page's own script has not run.</p>
<script>document.getElementById("host-script-status").textContent = "The host page's own script ran.";</script>
</main>
</body>
</html>
"#;
