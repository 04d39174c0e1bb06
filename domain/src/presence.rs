//! Operator presence: what an operator chose, combined with whether an
//! inbox of theirs is connected, gives the status everyone sees and routing
//! uses. Pure, so the rule is tested here and storage only keeps facts.

pub use parlor_protocol::inbox::Availability;

/// How long a disconnected operator keeps their chosen status: a reload or
/// a short network loss does not flap them to away.
pub const DEFAULT_GRACE_SECS: i64 = 60;
/// A disconnected operator counts as offline (not away) after this long.
pub const OFFLINE_AFTER_SECS: i64 = 60 * 60;

/// What the server knows of one operator at a moment.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PresenceFacts {
    pub chosen: Availability,
    /// An inbox of theirs is connected to a live node now.
    pub connected: bool,
    /// Unix seconds when a node last saw them connected (or they left).
    pub last_seen: Option<i64>,
}

impl PresenceFacts {
    /// The status others see at `now`.
    pub fn effective(&self, now: i64, grace_secs: i64) -> Availability {
        if self.chosen == Availability::Offline {
            return Availability::Offline;
        }
        if self.connected {
            return self.chosen;
        }
        match self.last_seen.map(|seen| now - seen) {
            Some(gone) if gone < grace_secs => self.chosen,
            Some(gone) if gone < OFFLINE_AFTER_SECS => Availability::Away,
            _ => Availability::Offline,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use Availability::*;

    fn facts(chosen: Availability, connected: bool, last_seen: Option<i64>) -> PresenceFacts {
        PresenceFacts {
            chosen,
            connected,
            last_seen,
        }
    }

    #[test]
    fn a_connected_operator_is_what_they_chose() {
        for chosen in Availability::ALL {
            assert_eq!(facts(chosen, true, Some(0)).effective(1_000, 60), chosen);
        }
    }

    #[test]
    fn leaving_keeps_the_status_for_the_grace_period_then_away_then_offline() {
        let left = facts(Online, false, Some(1_000));
        assert_eq!(left.effective(1_059, 60), Online);
        assert_eq!(left.effective(1_060, 60), Away);
        assert_eq!(left.effective(1_000 + OFFLINE_AFTER_SECS - 1, 60), Away);
        assert_eq!(left.effective(1_000 + OFFLINE_AFTER_SECS, 60), Offline);
    }

    #[test]
    fn never_seen_or_chosen_offline_is_offline() {
        assert_eq!(facts(Online, false, None).effective(5, 60), Offline);
        assert_eq!(facts(Offline, true, Some(5)).effective(5, 60), Offline);
        assert_eq!(facts(Away, false, Some(0)).effective(10, 60), Away);
    }
}
