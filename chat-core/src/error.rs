//! The one error type of the service layer. Transports map each variant to a
//! status in one place (the server's `error.rs`, the app's `AppError`).

use crate::store::StoreError;
use parlor_domain::ValidationErrors;

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
    #[error("{0} not found")]
    NotFound(&'static str),
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
