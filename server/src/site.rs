//! The admin app's built files. scripts/build.sh puts each build under
//! `pkg/<build id>/` and writes the id to `pkg/BUILD_ID`: the server reads it
//! once at start, names that directory in every page it renders, and serves
//! it as immutable. A request for another build's file (a tab opened before
//! a deploy) gets a plain 404, which the app answers by loading the page
//! again (`app::split`).

use crate::state::AppState;
use axum::extract::Request;
use axum::http::header::{CACHE_CONTROL, VARY};
use axum::http::{HeaderValue, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::Router;
use std::path::Path;
use tower_http::services::ServeDir;

/// The file the build writes its id to, under the site root.
const BUILD_ID: &str = "pkg/BUILD_ID";

/// `pkg/<build id>`, the directory pages load the app from, or `pkg` for a
/// site without an id (not built, or built before ids), which is logged:
/// its pages would name files that are not there.
pub fn pkg_dir(site_root: &Path) -> String {
    let id = std::fs::read_to_string(site_root.join(BUILD_ID))
        .ok()
        .map(|id| id.trim().to_string())
        .filter(|id| is_build_id(id));
    let Some(id) = id else {
        tracing::warn!(site = %site_root.display(), "no build id in {BUILD_ID}: the admin app is not built (scripts/build.sh)");
        return "pkg".into();
    };
    let dir = format!("pkg/{id}");
    if !site_root.join(&dir).join("parlor_bg.wasm").is_file() {
        tracing::warn!(site = %site_root.display(), %dir, "the admin app's build is missing or unreadable");
    }
    dir
}

fn is_build_id(id: &str) -> bool {
    !id.is_empty() && id.len() <= 64 && id.bytes().all(|b| b.is_ascii_alphanumeric())
}

/// `/pkg/…` straight from the directory, precompressed: a missing file is a
/// bare 404, not a page.
pub fn routes(state: &AppState) -> Router<AppState> {
    let root = Path::new(&*state.leptos_options.site_root);
    let files = ServeDir::new(root.join("pkg"))
        .precompressed_br()
        .precompressed_gzip();
    Router::new()
        .nest_service("/pkg", files)
        .layer(middleware::from_fn(cache_headers))
}

/// A file under a build id never changes meaning (the id is a hash of the
/// build), so browsers may keep it for good; anything else, and every
/// error, must be asked for again: a 404 for a build being copied in, kept
/// for a year, would break that build in the browser that saw it.
async fn cache_headers(req: Request, next: Next) -> Response {
    let path = req.uri().path();
    let under_build = path
        .strip_prefix("/pkg/")
        .and_then(|rest| rest.split_once('/'))
        .is_some_and(|(id, _)| is_build_id(id));
    // Which build a node serves is the one it read at start, not the file.
    let mut res = if path == "/pkg/BUILD_ID" {
        StatusCode::NOT_FOUND.into_response()
    } else {
        next.run(req).await
    };
    let kept =
        under_build && (res.status().is_success() || res.status() == StatusCode::NOT_MODIFIED);
    let cache = if kept {
        "public, max-age=31536000, immutable"
    } else {
        "no-store"
    };
    let headers = res.headers_mut();
    headers.insert(CACHE_CONTROL, HeaderValue::from_static(cache));
    // Brotli, gzip or plain, by what the browser accepts.
    headers.append(VARY, HeaderValue::from_static("accept-encoding"));
    res
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_build_id_names_the_directory() {
        let dir = std::env::temp_dir().join(format!("parlor-site-{}", std::process::id()));
        std::fs::create_dir_all(dir.join("pkg")).unwrap();
        assert_eq!(pkg_dir(&dir), "pkg");
        std::fs::write(dir.join(BUILD_ID), "0123abcd\n").unwrap();
        assert_eq!(pkg_dir(&dir), "pkg/0123abcd");
        // Never a path out of pkg/.
        std::fs::write(dir.join(BUILD_ID), "../etc\n").unwrap();
        assert_eq!(pkg_dir(&dir), "pkg");
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
