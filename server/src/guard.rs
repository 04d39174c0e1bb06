//! Request guards that run before any handler:
//! - `pages` sends requests for admin pages without a valid session to the
//!   sign-in page before rendering starts, so a page is never half-streamed
//!   and then redirected (server functions check the session themselves).
//!   Which paths are pages, and who may open each, is the app's table
//!   (`app::pages::PAGES`), the one its router is built from;
//! - `same_origin_api` refuses cross-origin writes (and WebSocket
//!   handshakes) to `/api/`: the session
//!   cookie is SameSite=Lax, which still lets *same-site* pages (another port
//!   on the same host, a sibling subdomain) post with it.

use crate::error::HttpError;
use crate::state::AppState;
use app::pages::{self, Access};
use axum::extract::{Request, State};
use axum::http::header::{HOST, ORIGIN};
use axum::http::{HeaderMap, Method};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};

pub async fn pages(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let access = pages::access(req.uri().path());
    let Some(access) = access.filter(|_| req.method() == Method::GET) else {
        return next.run(req).await;
    };
    let signed_in = match app::server_ctx::session_token(req.headers()) {
        None => false,
        Some(token) => match state.parlor.auth().authenticate(&token).await {
            Ok(_) => true,
            Err(chat_core::Error::Unauthenticated) => false,
            Err(e) => return HttpError::Core(e).into_response(),
        },
    };
    match (access, signed_in) {
        (Access::Staff, false) => Redirect::to(pages::LOGIN).into_response(),
        (Access::SignedOut, true) => Redirect::to(pages::INBOX).into_response(),
        _ => next.run(req).await,
    }
}

/// Browsers say where a request comes from: `Sec-Fetch-Site` (all current
/// ones), else `Origin`, compared with the `Host` it was sent to. A request
/// with neither is not from a browser page, so it carries no ambient cookie
/// risk.
fn is_cross_origin(headers: &HeaderMap) -> bool {
    let header = |name| headers.get(name).and_then(|v| v.to_str().ok());
    if let Some(site) = header("sec-fetch-site") {
        return !matches!(site, "same-origin" | "none");
    }
    match (header(ORIGIN.as_str()), header(HOST.as_str())) {
        (Some(origin), Some(host)) => origin.split_once("://").map(|(_, h)| h) != Some(host),
        (Some(_), None) => true,
        (None, _) => false,
    }
}

/// A WebSocket handshake is a GET, but it carries the cookie and opens a
/// two-way channel: it needs the same check as a write.
fn is_upgrade(headers: &HeaderMap) -> bool {
    headers
        .get(axum::http::header::UPGRADE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.eq_ignore_ascii_case("websocket"))
}

pub async fn same_origin_api(req: Request, next: Next) -> Response {
    let write = !matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS)
        || is_upgrade(req.headers());
    if write && req.uri().path().starts_with("/api/") && is_cross_origin(req.headers()) {
        return HttpError::CrossOrigin.into_response();
    }
    next.run(req).await
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.insert(*k, HeaderValue::from_static(v));
        }
        h
    }

    #[test]
    fn tells_cross_origin_writes_apart() {
        assert!(!is_cross_origin(&headers(&[(
            "sec-fetch-site",
            "same-origin"
        )])));
        assert!(is_cross_origin(&headers(&[(
            "sec-fetch-site",
            "same-site"
        )])));
        assert!(is_cross_origin(&headers(&[(
            "sec-fetch-site",
            "cross-site"
        )])));
        assert!(!is_cross_origin(&headers(&[
            ("origin", "http://127.0.0.1:3000"),
            ("host", "127.0.0.1:3000")
        ])));
        assert!(is_cross_origin(&headers(&[
            ("origin", "http://127.0.0.1:8080"),
            ("host", "127.0.0.1:3000")
        ])));
        assert!(!is_cross_origin(&headers(&[])));
    }
}
