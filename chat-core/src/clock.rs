//! Time and the shutdown signal, as every layer reads them.

/// Seconds since the Unix epoch (0 if the clock is before it).
pub(crate) fn now_unix() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
}

/// Resolves once a shutdown has begun (`Parlor::begin_shutdown`), or its
/// sender is gone. The guard `wait_for` returns is dropped here, so
/// callers' futures stay `Send`.
pub(crate) async fn stopping(rx: &mut tokio::sync::watch::Receiver<bool>) {
    let _ = rx.wait_for(|stop| *stop).await.map(|_| ());
}
