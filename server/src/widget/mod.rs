//! The visitor-facing HTTP surface, all under fixed, versioned paths:
//! `/widget/v1/channels/{id}/loader.js`, `/widget/v1/channels/{id}/config`,
//! `/widget/v1/channels/{id}/display`, `/widget/v1/assets/*` (the wasm
//! bundle), and the direct chat page `/chat/{id}`. Documented in
//! docs/protocol.md. Requests from pages on sites the channel does not
//! allow are refused (403).

pub mod assets;
mod chat_page;
mod files;
pub mod loader;

use crate::error::HttpError;
use crate::state::AppState;
use app::server_ctx::foreign_origin;
use axum::extract::{Path, Query, State};
use axum::http::header::{
    ACCEPT_ENCODING, CACHE_CONTROL, CONTENT_ENCODING, CONTENT_TYPE, ETAG, IF_NONE_MATCH, ORIGIN,
    REFERER, VARY,
};
use axum::http::{Extensions, HeaderMap, HeaderValue, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use parlor_protocol::{ChannelId, WidgetConfig};
use serde::Deserialize;
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
        .route("/widget/v1/channels/{id}/config", get(config_json))
        .route("/widget/v1/channels/{id}/display", get(display))
        .layer(CompressionLayer::new())
        // Compressed once per change, at the highest levels (loader.rs).
        .route("/widget/v1/channels/{id}/loader.js", get(loader_js));
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
                // Brotli, gzip or plain, by what the browser accepts.
                .layer(SetResponseHeaderLayer::appending(
                    VARY,
                    HeaderValue::from_static("accept-encoding"),
                ))
                .service(files),
        );
    }
    router
        .layer(cors)
        .route("/chat/{id}", get(chat_page::page))
        // Own CORS (uploads are POSTs with `Authorization`).
        .merge(files::routes())
}

pub(crate) fn parse_channel(raw: &str) -> Result<ChannelId, HttpError> {
    raw.parse()
        .map_err(|_| HttpError::BadRequest(format!("{raw:?} is not a channel id")))
}

/// The site of the page that made this request, if it is another site than
/// Parlor's: the `Origin` header, else the origin of the `Referer` (a
/// `<script src>` sends no `Origin`; browsers send at least the referrer's
/// origin unless the page opts out).
fn page_origin(state: &AppState, headers: &HeaderMap) -> Option<String> {
    let public_url = &state.config.public_url;
    if headers.contains_key(ORIGIN) {
        return foreign_origin(headers, public_url);
    }
    let referer = headers.get(REFERER)?.to_str().ok()?;
    let (scheme, rest) = referer.split_once("://")?;
    let authority = rest.split(['/', '?', '#']).next()?;
    let mut as_origin = headers.clone();
    as_origin.insert(ORIGIN, format!("{scheme}://{authority}").parse().ok()?);
    foreign_origin(&as_origin, public_url)
}

pub(crate) async fn public_config(
    state: &AppState,
    raw_id: &str,
    headers: &HeaderMap,
) -> Result<WidgetConfig, HttpError> {
    let id = parse_channel(raw_id)?;
    let origin = page_origin(state, headers);
    Ok(state
        .parlor
        .widget_config_for(id, origin.as_deref())
        .await?)
}

/// The channel's config plus the bundle that renders it.
pub(crate) async fn config_and_bundle<'s>(
    state: &'s AppState,
    raw_id: &str,
    headers: &HeaderMap,
) -> Result<(WidgetConfig, &'s assets::WidgetAssets), HttpError> {
    let config = public_config(state, raw_id, headers).await?;
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
    headers: HeaderMap,
) -> Result<Json<WidgetConfig>, HttpError> {
    Ok(Json(public_config(&state, &id, &headers).await?))
}

#[derive(Deserialize)]
struct DisplayQuery {
    /// The page's path (`location.pathname`).
    path: Option<String>,
}

/// How the launcher shows on one page: the channel's rules, applied to the
/// page's path and the visitor's country. Depends on who asks: not cached.
async fn display(
    State(state): State<AppState>,
    Path(id): Path<String>,
    Query(query): Query<DisplayQuery>,
    headers: HeaderMap,
    extensions: Extensions,
) -> Result<Response, HttpError> {
    let id = parse_channel(&id)?;
    let origin = page_origin(&state, &headers);
    let country = state.geo.country(&headers, crate::geo::peer(&extensions));
    let path = query.path.as_deref().unwrap_or("/");
    let display = state
        .parlor
        .widget_display(id, origin.as_deref(), path, country)
        .await?;
    Ok(([(CACHE_CONTROL, "private, no-store")], Json(display)).into_response())
}

/// The loader is revalidated on every page load (`no-cache` + ETag), so a
/// change saved in admin shows on the host page's next load, while an
/// unchanged loader costs a 304. Its body is rendered per request (cheap),
/// but compressed only when it changes.
async fn loader_js(
    State(state): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Result<Response, HttpError> {
    let (config, assets) = match config_and_bundle(&state, &id, &headers).await {
        Ok(found) => found,
        // As a script, so the browser reports a 403 for the loader rather
        // than blocking a JSON body (ORB) as a network error.
        Err(HttpError::Core(e @ chat_core::Error::OriginRefused)) => {
            let body = format!("/* Parlor: {e}. */\n");
            return Ok((
                StatusCode::FORBIDDEN,
                [(CONTENT_TYPE, "text/javascript; charset=utf-8")],
                body,
            )
                .into_response());
        }
        Err(e) => return Err(e),
    };
    let base = format!("{}{ASSETS_PATH}/", state.config.public_url);
    let encoded = loader::Encoded::of(config.channel_id, loader::render(&config, &base, assets));
    let accepted: Vec<&str> = headers
        .get_all(ACCEPT_ENCODING)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .collect();
    let coding = loader::Coding::pick(&accepted);
    let etag = encoded.etag(coding);
    let cache = [(CACHE_CONTROL, "no-cache"), (VARY, "Accept-Encoding")];
    if headers
        .get(IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| encoded.matches(v))
    {
        return Ok((StatusCode::NOT_MODIFIED, cache, [(ETAG, etag)]).into_response());
    }
    let mut response = (
        cache,
        [
            (CONTENT_TYPE, "text/javascript; charset=utf-8".to_string()),
            (ETAG, etag),
        ],
        encoded.body(coding),
    )
        .into_response();
    if let Some(name) = coding.header() {
        response
            .headers_mut()
            .insert(CONTENT_ENCODING, HeaderValue::from_static(name));
    }
    Ok(response)
}
