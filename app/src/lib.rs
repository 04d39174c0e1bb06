#![recursion_limit = "256"]
//! Parlor's admin and operator app. Pages live in `routes/`, reusable pieces
//! in `components/`, and the server functions they call in `api/`; those are
//! thin adapters onto `chat_core::Parlor` (see `server_ctx` under `ssr`).

pub mod api;
mod components;
pub mod error;
mod routes;
#[cfg(feature = "ssr")]
pub mod server_ctx;

use leptos::prelude::*;
use leptos_meta::{provide_meta_context, MetaTags, Stylesheet, Title};
use leptos_router::components::{ParentRoute, Redirect, Route, Router, Routes};
use leptos_router::path;

/// Name of the hydrate bundle under `/pkg/` (`parlor.js`, `parlor_bg.wasm`, `parlor.css`).
pub const OUTPUT_NAME: &str = "parlor";

/// The HTML document around the app, rendered on the server only.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    view! {
        <!DOCTYPE html>
        <html lang="en">
            <head>
                <meta charset="utf-8" />
                <meta name="viewport" content="width=device-width, initial-scale=1" />
                <link rel="icon" href="/favicon.svg" type="image/svg+xml" />
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
        <Stylesheet id="parlor" href="/pkg/parlor.css" />
        <Title formatter=|page: String| format!("{page} · Parlor") />
        <Router>
            <Routes fallback=routes::NotFound>
                <Route path=path!("/login") view=routes::login::LoginPage />
                <ParentRoute path=path!("") view=routes::layout::AdminLayout>
                    <Route path=path!("") view=|| view! { <Redirect path="/inbox" /> } />
                    <Route path=path!("inbox") view=routes::inbox::InboxPage />
                    <Route path=path!("channels") view=routes::channels::ChannelsPage />
                    <Route path=path!("channels/:id") view=routes::channel::ChannelEditPage />
                    <Route path=path!("users") view=routes::users::UsersPage />
                    <Route path=path!("canned") view=routes::canned::CannedPage />
                </ParentRoute>
            </Routes>
        </Router>
    }
}

/// Entry point of the hydrate bundle, called by Leptos' hydration script.
#[cfg(feature = "hydrate")]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_body(App);
    // Lets browser tests (and curious people) see that the page is live.
    if let Some(body) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.body())
    {
        let _ = body.set_attribute("data-hydrated", "");
    }
}
