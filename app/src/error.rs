//! The one error type every server function returns. It crosses the wire as
//! JSON, so the browser can tell a validation error (shown beside the field)
//! from a lost session or an outage. Internal details never leave the server:
//! they are logged where `chat_core::Error` is converted.

use leptos::server_fn::codec::JsonEncoding;
use leptos::server_fn::error::{FromServerFnError, ServerFnErrorErr};
use parlor_domain::ValidationErrors;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, thiserror::Error)]
pub enum AppError {
    #[error("Please correct the highlighted fields.")]
    Validation(ValidationErrors),
    #[error("Email or password is wrong.")]
    InvalidCredentials,
    #[error("Your session has ended. Please sign in again.")]
    Unauthenticated,
    #[error("Only an admin may do that.")]
    Forbidden,
    /// Not allowed, for a reason more particular than "not an admin"; the
    /// text says why and what to do instead.
    #[error("{0}")]
    NotPermitted(String),
    #[error("That {0} does not exist.")]
    NotFound(String),
    #[error("Something went wrong on the server. Please try again.")]
    Internal,
    #[error("Could not reach the server ({0}). Please try again.")]
    Transport(String),
    /// A live connection's frame could not be decoded; says what was wrong.
    #[error("{0}")]
    BadFrame(String),
    /// A live connection ends: the socket closes with this code and reason
    /// (`tuned_ws`; docs/protocol.md lists the codes). Never a frame.
    #[error("the connection closed ({code}): {reason}")]
    Closed { code: u16, reason: String },
}

impl FromServerFnError for AppError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        AppError::Transport(value.to_string())
    }
}

impl AppError {
    /// The close of a live connection, for `reason`.
    pub fn closing(reason: parlor_protocol::CloseReason) -> Self {
        AppError::Closed {
            code: reason.code(),
            reason: reason.describe().to_string(),
        }
    }

    /// Field errors to show inline, if this is a validation error.
    pub fn validation(&self) -> Option<&ValidationErrors> {
        match self {
            AppError::Validation(v) => Some(v),
            _ => None,
        }
    }
}

#[cfg(feature = "ssr")]
impl AppError {
    /// server_fn answers every error with 500; this is the status it deserves.
    fn status(&self) -> http::StatusCode {
        use http::StatusCode as S;
        match self {
            AppError::Validation(_) => S::UNPROCESSABLE_ENTITY,
            AppError::InvalidCredentials | AppError::Unauthenticated => S::UNAUTHORIZED,
            AppError::Forbidden | AppError::NotPermitted(_) => S::FORBIDDEN,
            AppError::NotFound(_) => S::NOT_FOUND,
            AppError::Internal => S::INTERNAL_SERVER_ERROR,
            AppError::Transport(_) | AppError::BadFrame(_) => S::BAD_REQUEST,
            AppError::Closed { .. } => S::OK,
        }
    }

    /// Sets this error's status on the current response (a server function's,
    /// or a page's while it renders) and returns the error. A form posted
    /// without JavaScript is left alone: leptos_axum answers it with a
    /// redirect back to the form, carrying the error, which a 4xx would break.
    pub fn respond(self) -> Self {
        use leptos::prelude::use_context;
        let plain_form_post = use_context::<http::request::Parts>().is_some_and(|req| {
            req.method == http::Method::POST
                && req
                    .headers
                    .get(http::header::ACCEPT)
                    .and_then(|v| v.to_str().ok())
                    .is_some_and(|v| v.contains("text/html"))
        });
        if let (false, Some(res)) = (
            plain_form_post,
            use_context::<leptos_axum::ResponseOptions>(),
        ) {
            res.set_status(self.status());
        }
        self
    }
}

#[cfg(feature = "ssr")]
impl From<chat_core::Error> for AppError {
    fn from(e: chat_core::Error) -> Self {
        use chat_core::Error as E;
        let app = match e {
            E::Validation(v) => AppError::Validation(v),
            E::InvalidCredentials => AppError::InvalidCredentials,
            E::Unauthenticated => AppError::Unauthenticated,
            // Taking someone else's conversation is not allowed either.
            E::NotPermitted(why) => AppError::NotPermitted(why.to_string()),
            E::Forbidden | E::OriginRefused | E::Taken => AppError::Forbidden,
            // Uploads have their own HTTP routes (server/src/files.rs);
            // no server function meets these.
            E::Attachment(_) | E::RateLimited => AppError::Forbidden,
            E::NotFound(what) => AppError::NotFound(what.to_string()),
            E::Store(_) | E::Internal(_) => {
                tracing::error!(error = %e, "server function failed");
                AppError::Internal
            }
        };
        app.respond()
    }
}
