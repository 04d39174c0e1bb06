//! Attachments over HTTP for staff (session cookie): `POST /api/inbox/files`
//! uploads for a conversation, `GET /api/files/{id}` downloads. The visitor
//! side is `widget/files.rs`. Both store uploads through [`receive_upload`]
//! and serve files through [`file_response`], a bounded chunk at a time
//! ([`ATTACHMENT_CHUNK_BYTES`]) both ways. Plain handlers rather than server
//! functions: the bodies are raw bytes.

use crate::error::HttpError;
use crate::state::AppState;
use axum::body::{Body, Bytes};
use axum::extract::{DefaultBodyLimit, Path, Query, Request, State};
use axum::http::header::{
    CACHE_CONTROL, CONTENT_DISPOSITION, CONTENT_LENGTH, CONTENT_SECURITY_POLICY, CONTENT_TYPE,
    X_CONTENT_TYPE_OPTIONS,
};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use chat_core::attachments::{FileBody, Upload, ATTACHMENT_CHUNK_BYTES};
use futures::{Stream, StreamExt, TryStreamExt};
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
        .route("/api/helpdesk/files/{id}", get(ticket_file_download))
}

/// Request bodies past the limit are refused while streaming in (never
/// buffered beyond it); see [`read_upload`].
pub(crate) fn upload_limit() -> DefaultBodyLimit {
    DefaultBodyLimit::max(MAX_ATTACHMENT_BYTES as usize)
}

/// Receives an upload: its body a chunk at a time into the [`Upload`] that
/// `begin` starts from the first chunk (whose bytes decide the type), each
/// stored as it arrives. See [`read_upload`] for the limits. A refused
/// body is read to its end (up to [`DRAIN_LIMIT`]) so the client reads
/// the answer; whatever was stored of it goes with the dropped `Upload`.
/// The chunks are stored as they come, never held together.
pub(crate) async fn receive_upload<F, Fut>(
    req: Request,
    state: &AppState,
    begin: F,
) -> Result<WireAttachment, HttpError>
where
    F: FnOnce(Vec<u8>) -> Fut,
    Fut: std::future::Future<Output = chat_core::Result<Upload>>,
{
    let (mut body, _reserved) = read_upload(req, state).await?;
    let stored = async {
        let first = body.next_chunk().await?.unwrap_or_default();
        let mut upload = begin(first).await?;
        while let Some(chunk) = body.next_chunk().await? {
            upload.append(&chunk).await?;
        }
        Ok(upload.finish().await?)
    }
    .await;
    if stored.is_err() {
        body.drain().await;
        // Size is checked first, as when bodies were read whole: a body
        // refused for its type on its first chunk that then runs past the
        // limit is still 413.
        if body.read > MAX_ATTACHMENT_BYTES {
            return Err(too_large());
        }
    }
    stored
}

/// The body of an upload request, to be read a chunk at a time, within
/// [`upload_limit`]: a longer one is 413 with the `ApiError` JSON. Its
/// bytes count against the node's upload budget (`limits::UploadBudget`)
/// until the returned permit is dropped, once the file is stored; beyond
/// the budget, 503.
async fn read_upload(
    req: Request,
    state: &AppState,
) -> Result<
    (
        UploadBody<axum::body::BodyDataStream>,
        crate::limits::UploadPermit,
    ),
    HttpError,
> {
    let declared = req
        .headers()
        .get(axum::http::header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if let Some(n) = declared.filter(|n| *n > MAX_ATTACHMENT_BYTES) {
        if n <= DRAIN_LIMIT {
            UploadBody::new(req.into_body().into_data_stream())
                .drain()
                .await;
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
            UploadBody::new(req.into_body().into_data_stream())
                .drain()
                .await;
            return Err(busy);
        }
    };
    Ok((UploadBody::new(req.into_body().into_data_stream()), permit))
}

/// A request body handed out in chunks of [`ATTACHMENT_CHUNK_BYTES`] (the
/// last may be shorter): at most one chunk is buffered, plus what is left of
/// the frame the transport last delivered. Past [`MAX_ATTACHMENT_BYTES`]
/// in all, 413.
pub(crate) struct UploadBody<S> {
    frames: S,
    /// The part of the last frame not handed out yet.
    rest: Bytes,
    read: u64,
}

impl<S, E> UploadBody<S>
where
    S: Stream<Item = Result<Bytes, E>> + Unpin,
    E: std::fmt::Display,
{
    pub(crate) fn new(frames: S) -> Self {
        Self {
            frames,
            rest: Bytes::new(),
            read: 0,
        }
    }

    /// The next chunk, or `None` at the end of the body.
    pub(crate) async fn next_chunk(&mut self) -> Result<Option<Vec<u8>>, HttpError> {
        let mut chunk = Vec::new();
        loop {
            let take = (ATTACHMENT_CHUNK_BYTES - chunk.len()).min(self.rest.len());
            if take > 0 {
                if chunk.is_empty() {
                    chunk.reserve_exact(ATTACHMENT_CHUNK_BYTES);
                }
                chunk.extend_from_slice(&self.rest.split_to(take));
            }
            if chunk.len() == ATTACHMENT_CHUNK_BYTES {
                return Ok(Some(chunk));
            }
            match self.frames.next().await {
                Some(Ok(frame)) => {
                    self.read += frame.len() as u64;
                    if self.read > MAX_ATTACHMENT_BYTES {
                        return Err(too_large());
                    }
                    self.rest = frame;
                }
                Some(Err(e)) => {
                    return Err(HttpError::BadRequest(format!(
                        "Failed to buffer the request body: {e}"
                    )))
                }
                None => return Ok((!chunk.is_empty()).then_some(chunk)),
            }
        }
    }

    /// Reads what the client still sends, up to [`DRAIN_LIMIT`] in all.
    async fn drain(&mut self) {
        while self.read <= DRAIN_LIMIT {
            match self.frames.next().await {
                Some(Ok(frame)) => self.read += frame.len() as u64,
                _ => break,
            }
        }
    }
}

/// A refused body up to this size is still read (and dropped) first: the
/// client is still sending it, and would otherwise see its connection reset
/// instead of reading the 413. Larger ones are cut off at once.
const DRAIN_LIMIT: u64 = 2 * MAX_ATTACHMENT_BYTES;

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
/// it even when opened directly. Only previewable images are inline. The
/// bytes stream out a stored chunk at a time, with their length known.
pub(crate) fn file_response(
    attachment: Attachment,
    body: FileBody,
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
    headers.insert(CONTENT_LENGTH, HeaderValue::from(attachment.size));
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
    let body = Body::from_stream(body.into_stream().map_ok(Bytes::from));
    (headers, body).into_response()
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
    let name = query.name.as_deref().unwrap_or_default();
    let (parlor, user) = (&state.parlor, &user);
    let file = receive_upload(req, &state, |first| async move {
        parlor
            .begin_operator_upload(user, conversation, name, &first)
            .await
    })
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
    let (attachment, body) = state.parlor.operator_file(&user, id).await?;
    Ok(file_response(attachment, body, false))
}

/// A ticket's file (a customer's mail attachment), for whoever sees the
/// ticket.
async fn ticket_file_download(
    State(state): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Result<Response, HttpError> {
    let user = signed_in(&state, &headers).await?;
    let id = parse_file_id(&id)?;
    let (file, body) = state.parlor.ticket_files().open(&user, id).await?;
    Ok(file_response(file, body, false))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// However the transport cuts the body into frames, chunks are full
    /// (but the last) and never more than one chunk is buffered.
    #[tokio::test]
    async fn bodies_are_read_in_bounded_chunks() {
        let body: Vec<u8> = (0..3_000_000u32).map(|n| n as u8).collect();
        for frame_len in [1_000, 65_536, ATTACHMENT_CHUNK_BYTES + 7, 1_200_000] {
            let frames = futures::stream::iter(
                body.chunks(frame_len)
                    .map(|f| Ok::<_, std::convert::Infallible>(Bytes::copy_from_slice(f)))
                    .collect::<Vec<_>>(),
            );
            let mut reader = UploadBody::new(frames);
            let mut back = Vec::new();
            while let Some(chunk) = reader.next_chunk().await.unwrap() {
                assert!(chunk.capacity() <= ATTACHMENT_CHUNK_BYTES);
                assert!(reader.rest.len() < frame_len.max(1));
                if back.len() + chunk.len() < body.len() {
                    assert_eq!(chunk.len(), ATTACHMENT_CHUNK_BYTES);
                }
                back.extend_from_slice(&chunk);
            }
            assert_eq!(back, body, "frames of {frame_len}");
        }
    }

    #[tokio::test]
    async fn a_body_past_the_limit_is_refused_while_it_streams() {
        let frames = futures::stream::iter(
            (0..11).map(|_| Ok::<_, std::convert::Infallible>(Bytes::from(vec![0; 1 << 20]))),
        );
        let mut reader = UploadBody::new(frames);
        let refused = loop {
            match reader.next_chunk().await {
                Ok(Some(_)) => continue,
                Ok(None) => panic!("read to the end"),
                Err(e) => break e,
            }
        };
        assert!(matches!(
            refused,
            HttpError::Core(chat_core::Error::Attachment(
                parlor_domain::AttachmentError::TooLarge
            ))
        ));
        assert!(reader.read <= MAX_ATTACHMENT_BYTES + (1 << 20));
    }
}
