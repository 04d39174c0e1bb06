//! The visitor-facing HTTP surface, all under fixed, versioned paths:
//! `/widget/v1/channels/{id}/loader.js`, `/widget/v1/channels/{id}/config`,
//! `/widget/v1/assets/*` (the wasm bundle), and the direct chat page
//! `/chat/{id}`. Documented in docs/protocol.md.

pub mod assets;
mod chat_page;
pub mod loader;

use crate::error::HttpError;
use crate::state::AppState;
use axum::extract::{Path, State};
use axum::http::header::{CACHE_CONTROL, CONTENT_TYPE, ETAG, IF_NONE_MATCH};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use parlor_protocol::{ChannelId, WidgetConfig};
use sha2::{Digest, Sha256};
use tower_http::compression::CompressionLayer;
use tower_http::cors::{Any, CorsLayer};
use tower_http::services::ServeDir;
use tower_http::set_header::SetResponseHeaderLayer;

pub const ASSETS_PATH: &str = "/widget/v1/assets";

pub fn routes(state: &AppState) -> Router<AppState> {
    // Host pages on any origin load these; they carry no credentials.
    let cors = CorsLayer::new()
        .allow_origin(Any)
        .allow_methods([Method::GET]);
    let mut router = Router::new()
        .route("/widget/v1/channels/{id}/loader.js", get(loader_js))
        .route("/widget/v1/channels/{id}/config", get(config_json))
        .layer(CompressionLayer::new());
    if let Some(assets) = state.widget.as_ref() {
        // Bundle names carry a content hash: cache them for a year.
        let files = ServeDir::new(&assets.dir)
            .precompressed_br()
            .precompressed_gzip();
        router = router.nest_service(
            ASSETS_PATH,
            tower::ServiceBuilder::new()
                .layer(SetResponseHeaderLayer::overriding(
                    CACHE_CONTROL,
                    HeaderValue::from_static("public, max-age=31536000, immutable"),
                ))
                .service(files),
        );
    }
    router.layer(cors).route("/chat/{id}", get(chat_page::page))
}

pub(crate) fn parse_channel(raw: &str) -> Result<ChannelId, HttpError> {
    raw.parse()
        .map_err(|_| HttpError::BadRequest(format!("{raw:?} is not a channel id")))
}

pub(crate) async fn public_config(
    state: &AppState,
    raw_id: &str,
) -> Result<WidgetConfig, HttpError> {
    let id = parse_channel(raw_id)?;
    Ok(state.parlor.widget_config(id).await?)
}

/// The channel's config plus the bundle that renders it.
pub(crate) async fn config_and_bundle<'s>(
    state: &'s AppState,
    raw_id: &str,
) -> Result<(WidgetConfig, &'s assets::WidgetAssets), HttpError> {
    let config = public_config(state, raw_id).await?;
    let assets = state
        .widget
        .as_ref()
        .as_ref()
        .ok_or(HttpError::WidgetNotBuilt)?;
    Ok((config, assets))
}

async fn config_json(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Json<WidgetConfig>, HttpError> {
    Ok(Json(public_config(&state, &id).await?))
}

/// The loader is revalidated on every page load (`no-cache` + ETag), so a
/// change saved in admin shows on the host page's next load, while an
/// unchanged loader costs a 304.
async fn loader_js(
    State(state): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Result<Response, HttpError> {
    let (config, assets) = config_and_bundle(&state, &id).await?;
    let base = format!("{}{ASSETS_PATH}/", state.config.public_url);
    let body = loader::render(&config, &base, assets);
    let etag = format!(
        "\"{}\"",
        &hex::encode(Sha256::digest(body.as_bytes()))[..32]
    );
    let cache = [(CACHE_CONTROL, "no-cache")];
    if headers
        .get(IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(',').any(|t| t.trim() == etag))
    {
        return Ok((StatusCode::NOT_MODIFIED, cache, [(ETAG, etag)]).into_response());
    }
    Ok((
        cache,
        [
            (CONTENT_TYPE, "text/javascript; charset=utf-8".to_string()),
            (ETAG, etag),
        ],
        body,
    )
        .into_response())
}
