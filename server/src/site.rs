//! The admin app's built files. scripts/build.sh puts each build under
//! `pkg/<build id>/` and writes the id to `pkg/BUILD_ID`: the server reads it
//! once at start, names that directory in every page it renders, and serves
//! it as immutable. A request for another build's file (a tab opened before
//! a deploy) gets a plain 404, which the app answers by loading the page
//! again (`app::split`).

use crate::state::AppState;
use axum::http::header::CACHE_CONTROL;
use axum::http::HeaderValue;
use axum::Router;
use std::path::Path;
use tower_http::services::ServeDir;
use tower_http::set_header::SetResponseHeaderLayer;

/// The file the build writes its id to, under the site root.
const BUILD_ID: &str = "pkg/BUILD_ID";

/// `pkg/<build id>`, the directory pages load the app from, or `pkg` for a
/// site without an id (built before ids, or not built).
pub fn pkg_dir(site_root: &Path) -> String {
    match std::fs::read_to_string(site_root.join(BUILD_ID)) {
        Ok(id) if is_build_id(id.trim()) => format!("pkg/{}", id.trim()),
        _ => "pkg".into(),
    }
}

fn is_build_id(id: &str) -> bool {
    !id.is_empty() && id.len() <= 64 && id.bytes().all(|b| b.is_ascii_alphanumeric())
}

/// `/pkg/…` straight from the directory, precompressed: a missing file is a
/// 404 without a page around it. Under a build id the names never change
/// meaning, so browsers may keep them for good.
pub fn routes(state: &AppState) -> Router<AppState> {
    let root = Path::new(&*state.leptos_options.site_root);
    let files = ServeDir::new(root.join("pkg"))
        .precompressed_br()
        .precompressed_gzip();
    let cache = if state.leptos_options.site_pkg_dir.as_ref() == "pkg" {
        "no-cache"
    } else {
        "public, max-age=31536000, immutable"
    };
    Router::new().nest_service(
        "/pkg",
        tower::ServiceBuilder::new()
            .layer(SetResponseHeaderLayer::overriding(
                CACHE_CONTROL,
                HeaderValue::from_static(cache),
            ))
            .service(files),
    )
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
