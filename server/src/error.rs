//! The one place where errors become HTTP responses for the widget endpoints.
//! Clients get a stable `ApiError` code; internal details only go to the log.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use parlor_protocol::{ApiError, ErrorCode};

#[derive(Debug, thiserror::Error)]
pub enum HttpError {
    #[error("{0}")]
    BadRequest(String),
    #[error("cross-origin request refused")]
    CrossOrigin,
    #[error("the widget bundle is not built; run `make run` or `scripts/build.sh`")]
    WidgetNotBuilt,
    /// Readiness failed: the database does not answer.
    #[error("not ready: {0}")]
    NotReady(chat_core::Error),
    /// One client address has too many of `what` open at once.
    #[error("at most {cap} {what} open at once from one address")]
    TooManyOpen { what: &'static str, cap: u32 },
    /// Too many upload bytes are in flight on this node.
    #[error("too many uploads at once; retry in a few seconds")]
    Busy,
    #[error(transparent)]
    Core(#[from] chat_core::Error),
}

/// What a client should wait before trying again after a 429 or 503 of
/// ours: open requests and uploads finish in seconds.
pub const RETRY_AFTER_SECS: u64 = 5;

impl IntoResponse for HttpError {
    fn into_response(self) -> Response {
        let (status, code, message) = match &self {
            HttpError::BadRequest(m) => (StatusCode::BAD_REQUEST, ErrorCode::BadRequest, m.clone()),
            HttpError::Core(chat_core::Error::NotFound(what)) => (
                StatusCode::NOT_FOUND,
                ErrorCode::NotFound,
                format!("no such {what}"),
            ),
            HttpError::Core(
                e @ (chat_core::Error::OriginRefused | chat_core::Error::NotPermitted(_)),
            ) => (StatusCode::FORBIDDEN, ErrorCode::Forbidden, e.to_string()),
            HttpError::Core(e @ chat_core::Error::Unauthenticated) => (
                StatusCode::UNAUTHORIZED,
                ErrorCode::Unauthenticated,
                e.to_string(),
            ),
            HttpError::Core(
                e @ chat_core::Error::Attachment(parlor_domain::AttachmentError::TooLarge),
            ) => (
                StatusCode::PAYLOAD_TOO_LARGE,
                ErrorCode::TooLarge,
                e.to_string(),
            ),
            HttpError::Core(
                e @ chat_core::Error::Attachment(parlor_domain::AttachmentError::NotAllowed),
            ) => (
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                ErrorCode::UnsupportedType,
                e.to_string(),
            ),
            HttpError::Core(e @ chat_core::Error::RateLimited) => (
                StatusCode::TOO_MANY_REQUESTS,
                ErrorCode::RateLimited,
                e.to_string(),
            ),
            HttpError::TooManyOpen { .. } => {
                let body = ApiError {
                    code: ErrorCode::RateLimited,
                    message: self.to_string(),
                };
                return retry_later(StatusCode::TOO_MANY_REQUESTS, body);
            }
            HttpError::Busy => {
                let body = ApiError {
                    code: ErrorCode::Busy,
                    message: self.to_string(),
                };
                return retry_later(StatusCode::SERVICE_UNAVAILABLE, body);
            }
            HttpError::CrossOrigin => (
                StatusCode::FORBIDDEN,
                ErrorCode::Forbidden,
                self.to_string(),
            ),
            HttpError::WidgetNotBuilt => (
                StatusCode::SERVICE_UNAVAILABLE,
                ErrorCode::Internal,
                self.to_string(),
            ),
            HttpError::NotReady(e) => {
                tracing::warn!(error = %e, "not ready");
                (
                    StatusCode::SERVICE_UNAVAILABLE,
                    ErrorCode::Internal,
                    "not ready".to_string(),
                )
            }
            HttpError::Core(e) => {
                tracing::error!(error = %e, "request failed");
                (
                    StatusCode::INTERNAL_SERVER_ERROR,
                    ErrorCode::Internal,
                    "internal error".to_string(),
                )
            }
        };
        (status, Json(ApiError { code, message })).into_response()
    }
}

fn retry_later(status: StatusCode, body: ApiError) -> Response {
    let retry = [(
        axum::http::header::RETRY_AFTER,
        RETRY_AFTER_SECS.to_string(),
    )];
    (status, retry, Json(body)).into_response()
}
