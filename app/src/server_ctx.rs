//! Server-side glue for the server functions: the shared services, and the
//! session cookie. Everything that reads or writes the cookie lives here.

use crate::error::AppError;
use chat_core::{Parlor, SESSION_TTL_SECS};
use cookie::{Cookie, SameSite};
use http::header::{COOKIE, SET_COOKIE};
use http::{HeaderMap, HeaderValue};
use leptos::prelude::*;
use parlor_domain::User;

pub const SESSION_COOKIE: &str = "parlor_session";

/// Provided to every route and server function by the server.
#[derive(Clone)]
pub struct ServerCtx {
    pub parlor: Parlor,
    /// Origin visitors' browsers use to reach Parlor, e.g. `http://127.0.0.1:3000`.
    pub public_url: String,
    /// Mark cookies `Secure` (when served over HTTPS).
    pub secure_cookies: bool,
    /// The visitor's country for a request, as channel rules see it (the
    /// server's trusted header or GeoIP database; app/ needs no maxminddb).
    pub country: CountryLookup,
}

/// See [`ServerCtx::country`].
pub type CountryLookup = std::sync::Arc<
    dyn Fn(&http::request::Parts) -> Option<parlor_domain::CountryCode> + Send + Sync,
>;

/// The longest `User-Agent` read; real ones are a few hundred characters.
const MAX_USER_AGENT: usize = 1024;

/// What the current request (a visitor's live upgrade) tells about the
/// visitor's browser and country.
pub fn request_upgrade(ctx: &ServerCtx) -> chat_core::visitor_context::Upgrade {
    let Some(parts) = use_context::<http::request::Parts>() else {
        return Default::default();
    };
    chat_core::visitor_context::Upgrade {
        user_agent: parts
            .headers
            .get(http::header::USER_AGENT)
            .and_then(|v| v.to_str().ok())
            .map(|ua| ua.chars().take(MAX_USER_AGENT).collect()),
        country: (ctx.country)(&parts),
    }
}

pub fn ctx() -> Result<ServerCtx, AppError> {
    use_context::<ServerCtx>().ok_or_else(|| {
        tracing::error!("ServerCtx missing from context");
        AppError::Internal
    })
}

/// The session token from a request's `Cookie` headers.
pub fn session_token(headers: &HeaderMap) -> Option<String> {
    headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(Cookie::split_parse)
        .filter_map(Result::ok)
        .find(|c| c.name() == SESSION_COOKIE)
        .map(|c| c.value().to_string())
}

/// The `Origin` of a request sent by a page on another site, or `None` for
/// Parlor's own pages (the direct chat link) and non-browser clients. The
/// widget endpoints check it against the channel's allowed sites.
pub fn foreign_origin(headers: &HeaderMap, public_url: &str) -> Option<String> {
    let origin = headers.get(http::header::ORIGIN)?.to_str().ok()?;
    let host = headers
        .get(http::header::HOST)
        .and_then(|h| h.to_str().ok());
    let own = origin.split_once("://").map(|(_, h)| h) == host
        || origin.eq_ignore_ascii_case(public_url.trim_end_matches('/'));
    (!own).then(|| origin.to_string())
}

/// The current request's foreign origin (see [`foreign_origin`]).
pub fn request_origin() -> Option<String> {
    let parts = use_context::<http::request::Parts>()?;
    let public_url = use_context::<ServerCtx>()?.public_url;
    foreign_origin(&parts.headers, &public_url)
}

fn request_token() -> Option<String> {
    use_context::<http::request::Parts>().and_then(|parts| session_token(&parts.headers))
}

/// The signed-in user of the current request, if any.
pub async fn session_user() -> Result<Option<User>, AppError> {
    let Some(token) = request_token() else {
        return Ok(None);
    };
    match ctx()?.parlor.auth().authenticate(&token).await {
        Ok(user) => Ok(Some(user)),
        Err(chat_core::Error::Unauthenticated) => Ok(None),
        Err(e) => Err(e.into()),
    }
}

pub async fn require_user() -> Result<User, AppError> {
    session_user()
        .await?
        .ok_or_else(|| AppError::Unauthenticated.respond())
}

fn set_cookie_header(cookie: Cookie<'_>) {
    match HeaderValue::from_str(&cookie.to_string()) {
        Ok(value) => match use_context::<leptos_axum::ResponseOptions>() {
            Some(res) => res.append_header(SET_COOKIE, value),
            None => tracing::error!("no ResponseOptions: cannot set the session cookie"),
        },
        Err(e) => tracing::error!(error = %e, "session cookie is not a valid header"),
    }
}

fn session_cookie(value: String, secure: bool) -> cookie::CookieBuilder<'static> {
    Cookie::build((SESSION_COOKIE, value))
        .path("/")
        .http_only(true)
        .same_site(SameSite::Lax)
        .secure(secure)
}

pub fn set_session_cookie(ctx: &ServerCtx, token: &str) {
    set_cookie_header(
        session_cookie(token.to_string(), ctx.secure_cookies)
            .max_age(cookie::time::Duration::seconds(SESSION_TTL_SECS))
            .build(),
    );
}

pub fn clear_session_cookie(ctx: &ServerCtx) {
    set_cookie_header(
        session_cookie(String::new(), ctx.secure_cookies)
            .max_age(cookie::time::Duration::ZERO)
            .build(),
    );
}

/// Signs out the current request's session, if it has one.
pub async fn end_session(ctx: &ServerCtx) -> Result<(), AppError> {
    if let Some(token) = request_token() {
        ctx.parlor.sign_out(&token).await?;
    }
    clear_session_cookie(ctx);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_session_among_other_cookies() {
        let mut h = HeaderMap::new();
        h.append(COOKIE, HeaderValue::from_static("a=1; parlor_session=abc"));
        h.append(COOKIE, HeaderValue::from_static("b=2"));
        assert_eq!(session_token(&h).as_deref(), Some("abc"));
        assert_eq!(session_token(&HeaderMap::new()), None);
    }

    #[test]
    fn own_pages_have_no_foreign_origin() {
        let headers = |origin: &str, host: &str| {
            let mut h = HeaderMap::new();
            h.insert(http::header::ORIGIN, HeaderValue::from_str(origin).unwrap());
            h.insert(http::header::HOST, HeaderValue::from_str(host).unwrap());
            h
        };
        let public = "https://chat.example.com/";
        let own = headers("http://127.0.0.1:3000", "127.0.0.1:3000");
        assert_eq!(foreign_origin(&own, public), None);
        let proxied = headers("https://chat.example.com", "127.0.0.1:3000");
        assert_eq!(foreign_origin(&proxied, public), None);
        let shop = headers("https://shop.example.com", "chat.example.com");
        assert_eq!(
            foreign_origin(&shop, public).as_deref(),
            Some("https://shop.example.com")
        );
        assert_eq!(foreign_origin(&HeaderMap::new(), public), None);
    }
}
