//! The one error type of the service layer. Transports map each variant to a
//! status in one place (the server's `error.rs`, the app's `AppError`).

use crate::store::StoreError;
use parlor_domain::ValidationErrors;
use parlor_protocol::live::LiveErrorCode;

pub type Result<T, E = Error> = std::result::Result<T, E>;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error(transparent)]
    Validation(#[from] ValidationErrors),
    #[error("email or password is wrong")]
    InvalidCredentials,
    #[error("sign in first")]
    Unauthenticated,
    #[error("only an admin may do that")]
    Forbidden,
    /// The actor may not do this, for a reason more particular than "not an
    /// admin" (editing someone else's message); the text says who may.
    #[error("{0}")]
    NotPermitted(&'static str),
    #[error("{0} not found")]
    NotFound(&'static str),
    /// The page's origin is not among the channel's allowed sites.
    #[error("this site may not embed the channel's chat; add it to the channel's allowed sites")]
    OriginRefused,
    /// Another operator has the conversation.
    #[error("another operator has taken this conversation")]
    Taken,
    /// An upload refused for its size or type (`attachments.rs`).
    #[error(transparent)]
    Attachment(#[from] parlor_domain::AttachmentError),
    /// Too many uploads in a minute.
    #[error("too many files at once; try again in a minute")]
    RateLimited,
    #[error("storage failed: {0}")]
    Store(StoreError),
    #[error("internal error: {0}")]
    Internal(String),
}

impl From<StoreError> for Error {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::NotFound(what) => Error::NotFound(what),
            other => Error::Store(other),
        }
    }
}

impl Error {
    /// The code and text a live connection (visitor or inbox) reports for a
    /// refused frame. Server faults are logged here and reported vaguely.
    pub(crate) fn live(&self) -> (LiveErrorCode, String) {
        match self {
            Error::Validation(v) => (LiveErrorCode::InvalidMessage, v.to_string()),
            Error::NotFound(what) => (LiveErrorCode::NotFound, format!("no such {what}")),
            Error::OriginRefused => (LiveErrorCode::OriginRefused, self.to_string()),
            Error::Taken => (LiveErrorCode::Taken, self.to_string()),
            Error::Attachment(_) => (LiveErrorCode::InvalidMessage, self.to_string()),
            Error::RateLimited => (LiveErrorCode::RateLimited, self.to_string()),
            Error::Forbidden | Error::NotPermitted(_) => {
                (LiveErrorCode::Forbidden, self.to_string())
            }
            Error::Store(StoreError::Closed) => (
                LiveErrorCode::Ended,
                "the conversation is closed".to_string(),
            ),
            Error::Store(StoreError::Conflict(_)) => (
                LiveErrorCode::InvalidMessage,
                "that message id is used in another conversation".to_string(),
            ),
            other => {
                tracing::error!(error = %other, "live request failed");
                (
                    LiveErrorCode::Internal,
                    "the server failed; resend later".to_string(),
                )
            }
        }
    }
}
