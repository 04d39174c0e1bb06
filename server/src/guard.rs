//! Sends requests for admin pages without a valid session to the sign-in
//! page before any rendering starts, so a page is never half-streamed and then
//! redirected. Server functions check the session themselves.

use crate::state::AppState;
use axum::extract::{Request, State};
use axum::http::{Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};

fn is_admin_page(path: &str) -> bool {
    path == "/" || path == "/channels" || path.starts_with("/channels/") || path == "/users"
}

pub async fn pages(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let path = req.uri().path();
    let guarded = is_admin_page(path);
    let login = path == "/login";
    if req.method() != Method::GET || !(guarded || login) {
        return next.run(req).await;
    }
    let signed_in = match app::server_ctx::session_token(req.headers()) {
        None => false,
        Some(token) => match state.parlor.authenticate(&token).await {
            Ok(_) => true,
            Err(chat_core::Error::Unauthenticated) => false,
            Err(e) => {
                tracing::error!(error = %e, "session check failed");
                return (
                    StatusCode::SERVICE_UNAVAILABLE,
                    "Parlor cannot reach its database.",
                )
                    .into_response();
            }
        },
    };
    match (guarded, signed_in) {
        (true, false) => Redirect::to("/login").into_response(),
        (false, true) => Redirect::to("/channels").into_response(),
        _ => next.run(req).await,
    }
}

#[cfg(test)]
mod tests {
    use super::is_admin_page;

    #[test]
    fn guards_app_pages_only() {
        for p in ["/", "/channels", "/channels/abc", "/users"] {
            assert!(is_admin_page(p), "{p}");
        }
        for p in [
            "/login",
            "/api/login",
            "/pkg/parlor.js",
            "/widget/v1/x",
            "/chat/x",
            "/healthz",
            "/channelsx",
        ] {
            assert!(!is_admin_page(p), "{p}");
        }
    }
}
