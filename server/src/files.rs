//! Attachments over HTTP for staff (session cookie): `POST /api/inbox/files`
//! uploads for a conversation, `GET /api/files/{id}` downloads. The visitor
//! side is `widget/files.rs`. Both serve files through [`file_response`].
//! Plain handlers rather than server functions: the bodies are raw bytes.

use crate::error::HttpError;
use crate::state::AppState;
use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, FromRequest, Path, Query, Request, State};
use axum::http::header::{
    CACHE_CONTROL, CONTENT_DISPOSITION, CONTENT_SECURITY_POLICY, CONTENT_TYPE,
    X_CONTENT_TYPE_OPTIONS,
};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use parlor_domain::{Attachment, AttachmentId, ConversationId, User};
use parlor_protocol::{WireAttachment, MAX_ATTACHMENT_BYTES};
use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};
use serde::Deserialize;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route(
            "/api/inbox/files",
            post(operator_upload).layer(upload_limit()),
        )
        .route("/api/files/{id}", get(operator_download))
}

/// Request bodies past the limit are refused while streaming in (never
/// buffered beyond it); see [`read_upload`].
pub(crate) fn upload_limit() -> DefaultBodyLimit {
    DefaultBodyLimit::max(MAX_ATTACHMENT_BYTES as usize)
}

/// The body of an upload request, within [`upload_limit`]; a longer one is
/// 413 with the `ApiError` JSON. Its bytes count against the node's upload
/// budget (`limits::UploadBudget`) until the returned permit is dropped,
/// once the file is stored; beyond the budget, 503.
pub(crate) async fn read_upload(
    req: Request,
    state: &AppState,
) -> Result<(Bytes, crate::limits::UploadPermit), HttpError> {
    let declared = req
        .headers()
        .get(axum::http::header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if let Some(n) = declared.filter(|n| *n > MAX_ATTACHMENT_BYTES) {
        if n <= DRAIN_LIMIT {
            drain(req.into_body()).await;
        }
        return Err(too_large());
    }
    let permit = match state
        .upload_budget
        .reserve(declared.unwrap_or(MAX_ATTACHMENT_BYTES))
    {
        Ok(permit) => permit,
        Err(busy) => {
            // Read, not kept: the client then reads the 503.
            drain(req.into_body()).await;
            return Err(busy);
        }
    };
    match Bytes::from_request(req, state).await {
        Ok(bytes) => Ok((bytes, permit)),
        Err(rejection) if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE => Err(too_large()),
        Err(rejection) => Err(HttpError::BadRequest(rejection.body_text())),
    }
}

/// A refused body up to this size is still read (and dropped) first: the
/// client is still sending it, and would otherwise see its connection reset
/// instead of reading the 413. Larger ones are cut off at once.
const DRAIN_LIMIT: u64 = 2 * MAX_ATTACHMENT_BYTES;

async fn drain(body: axum::body::Body) {
    use futures::StreamExt;
    let mut stream = body.into_data_stream();
    let mut read = 0u64;
    while let Some(Ok(chunk)) = stream.next().await {
        read += chunk.len() as u64;
        if read > DRAIN_LIMIT {
            break;
        }
    }
}

fn too_large() -> HttpError {
    HttpError::Core(chat_core::Error::Attachment(
        parlor_domain::AttachmentError::TooLarge,
    ))
}

pub(crate) fn parse_file_id(raw: &str) -> Result<AttachmentId, HttpError> {
    // An id that cannot exist is as missing as one that does not.
    raw.parse()
        .map_err(|_| HttpError::Core(chat_core::Error::NotFound("file")))
}

/// RFC 8187 `attr-char`: everything else in a file name is percent-encoded.
const ATTR_CHAR: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'!')
    .remove(b'#')
    .remove(b'$')
    .remove(b'&')
    .remove(b'+')
    .remove(b'-')
    .remove(b'.')
    .remove(b'^')
    .remove(b'_')
    .remove(b'`')
    .remove(b'|')
    .remove(b'~');

/// A stored file as a download. The type is the one detected at upload;
/// `nosniff` and a sandboxing CSP keep a browser from running anything in
/// it even when opened directly. Only previewable images are inline.
pub(crate) fn file_response(
    attachment: Attachment,
    bytes: Vec<u8>,
    cross_origin: bool,
) -> Response {
    let disposition = format!(
        "{}; filename*=UTF-8''{}",
        if attachment.image() {
            "inline"
        } else {
            "attachment"
        },
        utf8_percent_encode(&attachment.name, ATTR_CHAR)
    );
    let mut headers = HeaderMap::new();
    let content_type = HeaderValue::from_str(&attachment.content_type)
        .unwrap_or(HeaderValue::from_static("application/octet-stream"));
    headers.insert(CONTENT_TYPE, content_type);
    if let Ok(v) = HeaderValue::from_str(&disposition) {
        headers.insert(CONTENT_DISPOSITION, v);
    }
    headers.insert(X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    headers.insert(
        CONTENT_SECURITY_POLICY,
        HeaderValue::from_static("default-src 'none'; sandbox"),
    );
    headers.insert(
        CACHE_CONTROL,
        HeaderValue::from_static("private, max-age=3600"),
    );
    if cross_origin {
        // The widget shows previews on the host page's origin.
        headers.insert(
            "cross-origin-resource-policy",
            HeaderValue::from_static("cross-origin"),
        );
    }
    (headers, bytes).into_response()
}

async fn signed_in(state: &AppState, headers: &HeaderMap) -> Result<User, HttpError> {
    let token = app::server_ctx::session_token(headers)
        .ok_or(HttpError::Core(chat_core::Error::Unauthenticated))?;
    Ok(state.parlor.auth().authenticate(&token).await?)
}

#[derive(Deserialize)]
struct UploadQuery {
    conversation: String,
    name: Option<String>,
}

async fn operator_upload(
    State(state): State<AppState>,
    Query(query): Query<UploadQuery>,
    headers: HeaderMap,
    req: Request,
) -> Result<(StatusCode, Json<WireAttachment>), HttpError> {
    let user = signed_in(&state, &headers).await?;
    let conversation: ConversationId = query
        .conversation
        .parse()
        .map_err(|_| HttpError::Core(chat_core::Error::NotFound("conversation")))?;
    state.parlor.operator_uploader(&user, conversation).await?;
    let (bytes, _reserved) = read_upload(req, &state).await?;
    let name = query.name.as_deref().unwrap_or_default();
    let file = state
        .parlor
        .upload_operator_file(&user, conversation, name, &bytes)
        .await?;
    Ok((StatusCode::CREATED, Json(file)))
}

async fn operator_download(
    State(state): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Result<Response, HttpError> {
    let user = signed_in(&state, &headers).await?;
    let id = parse_file_id(&id)?;
    let (attachment, bytes) = state.parlor.operator_file(&user, id).await?;
    Ok(file_response(attachment, bytes, false))
}
