//! Limits per client address and per node, kept in memory on each node:
//! they bound what one address can hold or store through one node, without
//! a round trip to the database.
//!
//! - Uploads per minute ([`PerAddress`]): each `hello` without a token makes
//!   a new visitor, so the uploads counted per visitor
//!   (`chat_core::attachments`) are also counted per address.
//! - What an address has open at once ([`OpenPerAddress`]): WebSockets, and
//!   requests in progress, answered 429 beyond the cap ([`per_address`]).
//! - Upload bytes being received at once, over every client
//!   ([`UploadBudget`]), answered 503 beyond it.

use crate::error::HttpError;
use crate::state::AppState;
use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// Uploads one client address may make per minute, over every visitor
/// token it uses.
pub const UPLOADS_PER_ADDRESS_PER_MINUTE: u32 = 30;

/// Addresses tracked before the stale ones are forgotten.
const TRACKED: usize = 10_000;

/// A fixed one-minute window per address.
pub struct PerAddress {
    limit: u32,
    window: Duration,
    seen: Mutex<HashMap<IpAddr, (Instant, u32)>>,
}

impl PerAddress {
    pub fn new(limit: u32, window: Duration) -> Self {
        Self {
            limit,
            window,
            seen: Mutex::default(),
        }
    }

    pub fn uploads() -> Self {
        Self::new(UPLOADS_PER_ADDRESS_PER_MINUTE, Duration::from_secs(60))
    }

    /// Counts one more from `ip`; whether it is within the limit.
    pub fn allow(&self, ip: IpAddr, now: Instant) -> bool {
        // A panic elsewhere while holding the lock leaves the map usable.
        let mut seen = self.seen.lock().unwrap_or_else(|p| p.into_inner());
        if seen.len() >= TRACKED {
            seen.retain(|_, (start, _)| now.duration_since(*start) < self.window);
        }
        let entry = seen.entry(ip).or_insert((now, 0));
        if now.duration_since(entry.0) >= self.window {
            *entry = (now, 0);
        }
        entry.1 += 1;
        entry.1 <= self.limit
    }
}

/// How many of something each client address has open now, with a cap.
pub struct OpenPerAddress {
    cap: u32,
    open: Mutex<HashMap<IpAddr, u32>>,
}

/// One open slot of an address; dropping it frees the slot.
pub struct OpenSlot {
    of: Arc<OpenPerAddress>,
    ip: IpAddr,
}

impl OpenPerAddress {
    pub fn new(cap: u32) -> Arc<Self> {
        Arc::new(Self {
            cap,
            open: Mutex::default(),
        })
    }

    /// A slot for `ip`, or `None` when it has `cap` open already.
    pub fn take(self: &Arc<Self>, ip: IpAddr) -> Option<OpenSlot> {
        let mut open = self.open.lock().unwrap_or_else(|p| p.into_inner());
        let n = open.entry(ip).or_insert(0);
        if *n >= self.cap {
            return None;
        }
        *n += 1;
        Some(OpenSlot {
            of: self.clone(),
            ip,
        })
    }
}

impl Drop for OpenSlot {
    fn drop(&mut self) {
        let mut open = self.of.open.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(n) = open.get_mut(&self.ip) {
            *n = n.saturating_sub(1);
            if *n == 0 {
                open.remove(&self.ip);
            }
        }
    }
}

/// Counts every request against its client address's cap: a WebSocket
/// upgrade holds a socket slot for as long as the socket lives (the socket
/// keeps it, `app::api::tuned_ws::Held`), any other request a request slot
/// until its response is ready. Beyond either cap: 429 with `Retry-After`.
/// A request whose address is unknown (no peer, no proxy header) is not
/// counted.
pub async fn per_address(State(state): State<AppState>, mut req: Request, next: Next) -> Response {
    let peer = crate::geo::peer(req.extensions());
    let Some(ip) = state.geo.client_ip(req.headers(), peer) else {
        return next.run(req).await;
    };
    let upgrade = req
        .headers()
        .get(axum::http::header::UPGRADE)
        .is_some_and(|v| v.as_bytes().eq_ignore_ascii_case(b"websocket"));
    let limits = state.config.limits;
    if upgrade {
        let Some(slot) = state.open_sockets.take(ip) else {
            return HttpError::TooManyOpen {
                what: "WebSockets",
                cap: limits.sockets_per_address,
            }
            .into_response();
        };
        let held = app::api::tuned_ws::Held(Arc::new(slot));
        req.extensions_mut().insert(held);
        req.extensions_mut().insert(app::api::tuned_ws::Liveness {
            ping_every: limits.ping_every,
        });
        return next.run(req).await;
    }
    let Some(_slot) = state.open_requests.take(ip) else {
        return HttpError::TooManyOpen {
            what: "requests",
            cap: limits.requests_per_address,
        }
        .into_response();
    };
    next.run(req).await
}

/// Upload bytes being received at once on this node. An upload reserves its
/// declared length (or the largest allowed, when it declares none) before
/// its body is read, and keeps it until it is stored.
pub struct UploadBudget(Arc<tokio::sync::Semaphore>);

/// An upload's reservation; dropping it returns the bytes.
pub struct UploadPermit(#[allow(dead_code)] tokio::sync::OwnedSemaphorePermit);

impl UploadBudget {
    pub fn new(bytes: u64) -> Self {
        let bytes = usize::try_from(bytes).unwrap_or(usize::MAX);
        Self(Arc::new(tokio::sync::Semaphore::new(
            bytes.min(tokio::sync::Semaphore::MAX_PERMITS),
        )))
    }

    /// Reserves `bytes`, or `Busy` when they are not free now.
    pub fn reserve(&self, bytes: u64) -> Result<UploadPermit, HttpError> {
        let n = u32::try_from(bytes).map_err(|_| HttpError::Busy)?;
        self.0
            .clone()
            .try_acquire_many_owned(n)
            .map(UploadPermit)
            .map_err(|_| HttpError::Busy)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_address_gets_its_limit_per_window_and_others_their_own() {
        let limits = PerAddress::new(3, Duration::from_secs(60));
        let (a, b): (IpAddr, IpAddr) = ("10.0.0.1".parse().unwrap(), "10.0.0.2".parse().unwrap());
        let t = Instant::now();
        assert!((0..3).all(|_| limits.allow(a, t)));
        assert!(!limits.allow(a, t), "the fourth in the minute");
        assert!(limits.allow(b, t), "another address counts apart");
        assert!(limits.allow(a, t + Duration::from_secs(61)), "a new minute");
    }

    #[test]
    fn open_slots_are_capped_per_address_and_freed_on_drop() {
        let open = OpenPerAddress::new(2);
        let (a, b): (IpAddr, IpAddr) = ("10.0.0.1".parse().unwrap(), "10.0.0.2".parse().unwrap());
        let first = open.take(a).unwrap();
        let _second = open.take(a).unwrap();
        assert!(open.take(a).is_none(), "a third from one address");
        assert!(open.take(b).is_some(), "another address counts apart");
        drop(first);
        assert!(open.take(a).is_some(), "a freed slot is taken again");
    }

    #[test]
    fn the_upload_budget_refuses_beyond_its_bytes_until_one_is_done() {
        let budget = UploadBudget::new(100);
        let sixty = budget.reserve(60).unwrap();
        assert!(matches!(budget.reserve(50), Err(HttpError::Busy)));
        let _forty = budget.reserve(40).unwrap();
        drop(sixty);
        assert!(budget.reserve(50).is_ok());
    }
}
