//! What the browser does when a section's module cannot be loaded: a deploy
//! replaced the build while the tab was open (the old build's files are
//! gone: server/src/site.rs), or the network failed. Leptos then panics,
//! and the wasm is dead, so the panic hook loads the page again, from the
//! server, at the address the user was going to: the new build's page.
//! A session flag stops a reload loop when the page itself cannot load.

use std::cell::RefCell;
use wasm_bindgen::prelude::wasm_bindgen;
use wasm_bindgen::JsCast;

#[wasm_bindgen]
extern "C" {
    // sessionStorage without another web-sys feature (which would rebuild
    // the whole Leptos stack); `catch`: storage may be refused.
    #[wasm_bindgen(js_namespace = sessionStorage, js_name = getItem, catch)]
    fn session_get(key: &str) -> Result<Option<String>, wasm_bindgen::JsValue>;
    #[wasm_bindgen(js_namespace = sessionStorage, js_name = setItem, catch)]
    fn session_set(key: &str, value: &str) -> Result<(), wasm_bindgen::JsValue>;
    #[wasm_bindgen(js_namespace = sessionStorage, js_name = removeItem, catch)]
    fn session_remove(key: &str) -> Result<(), wasm_bindgen::JsValue>;
}

/// Set while a reload for a failed module is under way.
const RELOADED: &str = "parlor-split-reload";
/// Leptos' message when a split module did not load.
const LOAD_FAILED: &str = "load callback should succeed";

thread_local! {
    /// The last link clicked: where a client-side navigation was going.
    static GOING_TO: RefCell<Option<String>> = const { RefCell::new(None) };
}

/// Installs the panic hook and notes the links clicked.
pub fn install() {
    std::panic::set_hook(Box::new(on_panic));
    // The router navigates on a click, then loads the next page's module;
    // when that fails, the address bar still shows the page left behind.
    // The handle is dropped: the listener stays for the page's life.
    let _ = leptos::prelude::window_event_listener(leptos::ev::click, |ev| {
        let link = ev
            .target()
            .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
            .and_then(|el| el.closest("a[href]").ok().flatten())
            .and_then(|a| a.get_attribute("href"));
        if let Some(href) = link {
            GOING_TO.with(|g| *g.borrow_mut() = Some(href));
        }
    });
}

/// The page hydrated, so its modules loaded: a later failure may reload again.
pub fn hydrated() {
    let _ = session_remove(RELOADED);
}

fn on_panic(info: &std::panic::PanicHookInfo) {
    console_error_panic_hook::hook(info);
    if !info.to_string().contains(LOAD_FAILED)
        || session_get(RELOADED).ok().flatten().is_some()
        || session_set(RELOADED, "1").is_err()
    {
        return;
    }
    let Some(location) = web_sys::window().map(|w| w.location()) else {
        return;
    };
    match GOING_TO.with(|g| g.borrow_mut().take()) {
        Some(href) => {
            let _ = location.assign(&href);
        }
        None => {
            let _ = location.reload();
        }
    }
}
