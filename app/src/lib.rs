#![recursion_limit = "256"]
//! Parlor's admin and operator app. Pages live in `routes/`, reusable pieces
//! in `components/`, and the server functions they call in `api/`; those are
//! thin adapters onto `chat_core::Parlor` (see `server_ctx` under `ssr`).

// The server's render and the browser's hydration must both erase
// components, or hydration fails at run time: a build without the flag
// stops here instead.
#[cfg(not(erase_components))]
compile_error!(
    "build with `--cfg erase_components` (.cargo/config.toml sets it; a RUSTFLAGS variable \
     or a target's `rustflags` in a user cargo config replace it)"
);

pub mod api;
mod components;
pub mod error;
pub mod pages;
mod routes;
mod sections;
#[cfg(feature = "ssr")]
pub mod server_ctx;
#[cfg(feature = "hydrate")]
mod split;

use leptos::prelude::*;
use leptos::tachys::view::iterators::StaticVec;
use leptos_meta::{provide_meta_context, MetaTags, Title};
use leptos_router::any_nested_route::IntoAnyNestedRoute;
use leptos_router::components::{ParentRoute, Route, RouteProps, Router, Routes};
use leptos_router::path;
use pages::{segments, Access, PAGES};

/// Name of the hydrate bundle under `/pkg/<build id>/` (`parlor.js`,
/// `parlor_bg.wasm`, `parlor.css`).
pub const OUTPUT_NAME: &str = "parlor";

/// The HTML document around the app, rendered on the server only.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    // Under the build's own directory (server/src/site.rs), like the bundle.
    let css = format!("/{}/{OUTPUT_NAME}.css", options.site_pkg_dir);
    view! {
        <!DOCTYPE html>
        <html lang="en">
            <head>
                <meta charset="utf-8" />
                <meta name="viewport" content="width=device-width, initial-scale=1" />
                <link rel="icon" href="/favicon.svg" type="image/svg+xml" />
                <link rel="stylesheet" id="parlor" href=css />
                <HydrationScripts options />
                <MetaTags />
            </head>
            <body>
                <App />
            </body>
        </html>
    }
}

#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    view! {
        <Title formatter=|page: String| format!("{page} · Parlor") />
        <Router>
            {
                #[cfg(feature = "hydrate")]
                view! { <split::FollowAddress /> }
            }
            <Routes fallback=routes::NotFound>
                <PageRoutes access=Access::SignedOut />
                <ParentRoute path=path!("") view=routes::layout::AdminLayout>
                    <PageRoutes access=Access::Staff />
                </ParentRoute>
            </Routes>
        </Router>
    }
}

/// The routes of the pages `access` lets in (`pages::PAGES`).
#[component(transparent)]
fn PageRoutes(access: Access) -> impl leptos_router::MatchNestedRoutes + Clone + Send + 'static {
    let routes: Vec<_> = PAGES
        .iter()
        .filter(|page| page.access == access)
        .map(|page| {
            Route(
                RouteProps::builder()
                    .path(segments(page.path))
                    .view(page.view)
                    .build(),
            )
        })
        .collect();
    // Erased, so the same code builds with `--cfg erase_components`, where a
    // transparent component returns `AnyNestedRoute`.
    StaticVec::from(routes).into_any_nested_route()
}

/// Entry point of the hydrate bundle, called by Leptos' hydration script.
///
/// Hydration is asynchronous: the router first awaits the split modules of
/// the pages the address shows (`pages::PageView::Lazy`), and only those.
#[cfg(feature = "hydrate")]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    split::install();
    wasm_bindgen_futures::spawn_local(async {
        leptos::mount::hydrate_from_async(leptos::tachys::dom::body(), App)
            .await
            .forget();
        // Lets browser tests (and curious people) see that the page is live:
        // set once the page's modules are in and it has hydrated.
        if let Some(body) = web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.body())
        {
            let _ = body.set_attribute("data-hydrated", "");
        }
    });
}
