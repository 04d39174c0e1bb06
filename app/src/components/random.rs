//! Ids from the browser's CSPRNG (`crypto.randomUUID`), for writes a
//! retried click must not repeat. None on the server, which renders no
//! click.

pub fn uuid() -> Option<String> {
    #[cfg(feature = "hydrate")]
    return web_sys::window()
        .and_then(|w| w.crypto().ok())
        .map(|c| c.random_uuid());
    #[cfg(not(feature = "hydrate"))]
    None
}
