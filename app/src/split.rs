//! What the browser does when a section's module cannot be loaded: a deploy
//! replaced the build while the tab was open (the old build's files are
//! gone: server/src/site.rs), or the network failed. Leptos then panics,
//! and the wasm is dead, so the panic hook loads the page from the server
//! again, at the address the router was going to: the new build's page.
//! At most one such load a minute, so a build that cannot load cannot loop.

use std::cell::RefCell;
use wasm_bindgen::prelude::wasm_bindgen;

#[wasm_bindgen]
extern "C" {
    // sessionStorage without another web-sys feature (which would rebuild
    // the whole Leptos stack); `catch`: storage may be refused.
    #[wasm_bindgen(js_namespace = sessionStorage, js_name = getItem, catch)]
    fn session_get(key: &str) -> Result<Option<String>, wasm_bindgen::JsValue>;
    #[wasm_bindgen(js_namespace = sessionStorage, js_name = setItem, catch)]
    fn session_set(key: &str, value: &str) -> Result<(), wasm_bindgen::JsValue>;
}

/// When the last load for a failed module happened (ms since the epoch).
const RELOADED_AT: &str = "parlor-split-reload";
/// No second automatic load within this long of the last one.
const QUIET_MS: u64 = 60_000;
/// Leptos' message when a split module did not load.
const LOAD_FAILED: &str = "load callback should succeed";

thread_local! {
    /// The router's address: where a client-side navigation is going. The
    /// router sets it before loading the next page's module, while the
    /// address bar still shows the page left behind.
    static GOING_TO: RefCell<Option<String>> = const { RefCell::new(None) };
}

/// Installs the panic hook.
pub fn install() {
    std::panic::set_hook(Box::new(on_panic));
}

/// Follows the router's address (inside `<Router>`; renders nothing).
#[leptos::component]
pub fn FollowAddress() -> impl leptos::IntoView {
    use leptos::prelude::*;
    let location = leptos_router::hooks::use_location();
    Effect::new(move || {
        let search = location.search.get();
        let mut to = location.pathname.get();
        if !search.is_empty() {
            to.push('?');
            to.push_str(&search);
        }
        GOING_TO.with(|g| *g.borrow_mut() = Some(to));
    });
}

fn on_panic(info: &std::panic::PanicHookInfo) {
    console_error_panic_hook::hook(info);
    if !info.to_string().contains(LOAD_FAILED) {
        return;
    }
    // Whole milliseconds: float formatting would weigh kilobytes here.
    let now = js_sys::Date::now() as u64;
    let last = session_get(RELOADED_AT)
        .ok()
        .flatten()
        .and_then(|t| t.parse::<u64>().ok());
    if last.is_some_and(|t| now.saturating_sub(t) < QUIET_MS) {
        leptos::logging::error!("Parlor could not load a part of the page; reload it.");
        return;
    }
    if session_set(RELOADED_AT, &now.to_string()).is_err() {
        // Without the guard a failing build could reload for ever.
        return;
    }
    let Some(location) = web_sys::window().map(|w| w.location()) else {
        return;
    };
    let here = location.pathname().unwrap_or_default() + &location.search().unwrap_or_default();
    match GOING_TO.with(|g| g.borrow().clone()) {
        Some(to) if to != here => {
            let _ = location.assign(&to);
        }
        _ => {
            let _ = location.reload();
        }
    }
}
