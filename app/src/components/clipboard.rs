//! Writing to the system clipboard. Only the browser has one; on the server
//! this is never called (clicks happen after hydration) and reports failure.

#[cfg(feature = "hydrate")]
pub async fn write_text(text: &str) -> bool {
    let Some(window) = web_sys::window() else {
        return false;
    };
    let promise = window.navigator().clipboard().write_text(text);
    wasm_bindgen_futures::JsFuture::from(promise).await.is_ok()
}

#[cfg(not(feature = "hydrate"))]
pub async fn write_text(_text: &str) -> bool {
    false
}
