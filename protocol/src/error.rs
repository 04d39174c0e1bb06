//! The error body every widget endpoint returns.

use serde::{Deserialize, Serialize};

/// Machine-readable error codes. Clients switch on these, never on `message`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    BadRequest,
    Forbidden,
    NotFound,
    Internal,
    /// No or unknown credentials (401).
    Unauthenticated,
    /// An upload over `MAX_ATTACHMENT_BYTES` (413).
    TooLarge,
    /// An upload of a type the server does not take (415).
    UnsupportedType,
    /// Too many requests, or too many open at once from one address; try
    /// again after `Retry-After` seconds (429).
    RateLimited,
    /// The server is busy (too many uploads at once); try again after
    /// `Retry-After` seconds (503).
    Busy,
}

/// `{"code": "not_found", "message": "no such channel"}`
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApiError {
    pub code: ErrorCode,
    pub message: String,
}
