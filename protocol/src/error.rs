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
}

/// `{"code": "not_found", "message": "no such channel"}`
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApiError {
    pub code: ErrorCode,
    pub message: String,
}
