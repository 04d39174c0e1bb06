//! Why the server closed a live connection: the code of its close frame.
//! Standard codes (RFC 6455 §7.4.1) where one fits, Parlor's own 4000 range
//! where a client must act differently. docs/protocol.md lists them.

/// A close frame's reason, as a client should read it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CloseReason {
    /// The session ended normally (the server was asked to).
    Normal,
    /// The server is going away (shutting down); reconnect, and resume.
    GoingAway,
    /// A text frame was not valid UTF-8.
    InvalidUtf8,
    /// A rule of the connection was broken: no `hello` in time, no pong,
    /// too many connections.
    Policy,
    /// A frame was larger than the limit.
    TooBig,
    /// The server failed.
    Internal,
    /// Reconnect and resume from the last `seq` you have: events were lost,
    /// the connection fell behind, or the resume point was not valid.
    Resync,
    /// The visitor token is unknown or belongs to another channel;
    /// reconnect without one.
    BadToken,
    /// The page's origin is not among the channel's allowed sites, or the
    /// channel does not exist; do not retry from this page.
    Refused,
}

impl CloseReason {
    pub const ALL: [CloseReason; 9] = [
        CloseReason::Normal,
        CloseReason::GoingAway,
        CloseReason::InvalidUtf8,
        CloseReason::Policy,
        CloseReason::TooBig,
        CloseReason::Internal,
        CloseReason::Resync,
        CloseReason::BadToken,
        CloseReason::Refused,
    ];

    /// The close frame's code.
    pub const fn code(self) -> u16 {
        match self {
            CloseReason::Normal => 1000,
            CloseReason::GoingAway => 1001,
            CloseReason::InvalidUtf8 => 1007,
            CloseReason::Policy => 1008,
            CloseReason::TooBig => 1009,
            CloseReason::Internal => 1011,
            CloseReason::Resync => 4000,
            CloseReason::BadToken => 4001,
            CloseReason::Refused => 4003,
        }
    }

    /// The close frame's reason text (at most 123 bytes, as RFC 6455 allows).
    pub const fn describe(self) -> &'static str {
        match self {
            CloseReason::Normal => "",
            CloseReason::GoingAway => "the server is restarting; reconnect and resume",
            CloseReason::InvalidUtf8 => "a text frame was not valid UTF-8",
            CloseReason::Policy => "a rule of the connection was broken",
            CloseReason::TooBig => "a frame was larger than the limit",
            CloseReason::Internal => "the server failed; reconnect and resume",
            CloseReason::Resync => "reconnect and resume from your last seq",
            CloseReason::BadToken => {
                "unknown visitor token for this channel; reconnect without one"
            }
            CloseReason::Refused => "this page may not chat on this channel",
        }
    }

    pub fn from_code(code: u16) -> Option<CloseReason> {
        Self::ALL.into_iter().find(|r| r.code() == code)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_distinct_and_round_trip() {
        for r in CloseReason::ALL {
            assert_eq!(CloseReason::from_code(r.code()), Some(r));
            assert!(r.describe().len() <= 123, "{r:?}");
        }
        assert_eq!(CloseReason::from_code(1006), None);
    }
}
