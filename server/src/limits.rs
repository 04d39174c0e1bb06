//! Limits per client address, for what a new visitor token does not slow
//! down: each `hello` without a token makes a new visitor, so the uploads
//! counted per visitor (`chat_core::attachments`) are also counted per
//! address here. Kept in memory on each node: it bounds what one address
//! can store through one node, without a round trip to the database.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Mutex;
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
}
