//! The visitor's chat panel. The loader script (served by Parlor, see
//! server/src/widget/loader.js) draws the launcher; on the visitor's intent it
//! imports this bundle and calls `start`, then `toggle` on each click.
//! Everything renders inside the loader's shadow root, so host-page CSS never
//! reaches it, and all visitor-visible text is inserted as text, never HTML.

mod view;

use leptos::prelude::*;
use parlor_protocol::WidgetConfig;
use wasm_bindgen::prelude::*;

/// Trunk calls `main` when the module initialises; the loader calls `start`.
fn main() {}

/// One mounted chat window. Each loader keeps its own, so two channels on one
/// page (sharing this module) open their own windows.
#[wasm_bindgen]
pub struct Widget {
    open: RwSignal<bool>,
}

#[wasm_bindgen]
impl Widget {
    /// Opens or closes the chat window (the launcher's click).
    pub fn toggle(&self) {
        self.open.update(|o| *o = !*o);
    }
}

/// Mounts the chat window into `container`. `host` is the element that
/// carries `data-open`, which the launcher's CSS follows. With `full_page` the
/// window fills its container and is always open (the direct chat link).
#[wasm_bindgen]
pub fn start(
    host: web_sys::Element,
    container: web_sys::HtmlElement,
    config_json: &str,
    full_page: bool,
) -> Result<Widget, JsValue> {
    let config: WidgetConfig = serde_json::from_str(config_json)
        .map_err(|e| JsValue::from_str(&format!("Parlor: bad widget config: {e}")))?;
    let open = RwSignal::new(full_page);
    // The effect is created inside the mount closure: `mount_to` sets up the
    // reactive owner and executor effects need.
    let handle = leptos::mount::mount_to(container, move || {
        Effect::new(move || {
            let _ = host.toggle_attribute_with_force("data-open", open.get());
        });
        view! { <view::ChatWindow config open full_page /> }
    });
    // The widget lives as long as the page.
    handle.forget();
    Ok(Widget { open })
}
