//! Attachments for visitors: `POST /widget/v1/channels/{id}/files?name=…`
//! uploads, `GET /widget/v1/files/{id}` downloads, both with the visitor's
//! token as `Authorization: Bearer …`. CORS-open (host pages on any origin
//! call them) and cookie-free, so no request carries ambient credentials.

use super::{page_origin, parse_channel};
use crate::error::HttpError;
use crate::files::{file_response, parse_file_id, receive_upload, upload_limit};
use crate::state::AppState;
use axum::extract::{Path, Query, Request, State};
use axum::http::header::{AUTHORIZATION, CONTENT_DISPOSITION, CONTENT_TYPE};
use axum::http::{HeaderMap, Method, StatusCode};
use axum::response::Response;
use axum::routing::{get, post};
use axum::{Json, Router};
use parlor_protocol::WireAttachment;
use serde::Deserialize;
use tower_http::cors::{Any, CorsLayer};

pub fn routes() -> Router<AppState> {
    let cors = CorsLayer::new()
        .allow_origin(Any)
        .allow_methods([Method::GET, Method::POST])
        .allow_headers([AUTHORIZATION, CONTENT_TYPE])
        .expose_headers([CONTENT_DISPOSITION]);
    Router::new()
        .route(
            "/widget/v1/channels/{id}/files",
            post(visitor_upload).layer(upload_limit()),
        )
        .route("/widget/v1/files/{id}", get(visitor_download))
        .layer(cors)
}

/// The visitor token from `Authorization: Bearer …`.
fn bearer(headers: &HeaderMap) -> Result<&str, HttpError> {
    headers
        .get(AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .ok_or(HttpError::Core(chat_core::Error::Unauthenticated))
}

#[derive(Deserialize)]
struct UploadQuery {
    name: Option<String>,
}

async fn visitor_upload(
    State(state): State<AppState>,
    Path(channel): Path<String>,
    Query(query): Query<UploadQuery>,
    headers: HeaderMap,
    req: Request,
) -> Result<(StatusCode, Json<WireAttachment>), HttpError> {
    let channel = parse_channel(&channel)?;
    let token = bearer(&headers)?;
    // New tokens are free to make: the address is counted too.
    let peer = crate::geo::peer(req.extensions());
    if let Some(ip) = state.geo.client_ip(&headers, peer) {
        if !state.upload_limits.allow(ip, std::time::Instant::now()) {
            return Err(HttpError::Core(chat_core::Error::RateLimited));
        }
    }
    let origin = page_origin(&state, &headers);
    let visitor = state
        .parlor
        .visitor_uploader(token, channel, origin.as_deref())
        .await?;
    let name = query.name.as_deref().unwrap_or_default();
    let parlor = &state.parlor;
    let file = receive_upload(req, &state, |first| async move {
        parlor.begin_visitor_upload(visitor, name, &first).await
    })
    .await?;
    Ok((StatusCode::CREATED, Json(file)))
}

async fn visitor_download(
    State(state): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Result<Response, HttpError> {
    let token = bearer(&headers)?;
    let id = parse_file_id(&id)?;
    let (attachment, body) = state.parlor.visitor_file(token, id).await?;
    Ok(file_response(attachment, body, true))
}
