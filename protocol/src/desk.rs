//! The helpdesk screens' live connection, `/api/helpdesk/live`: the admin
//! app's own API (signed in with the session cookie). It says which tickets
//! changed, never what they now say: the screen reads them again with its
//! viewer's rights. docs/protocol.md describes it after the inbox.

use serde::{Deserialize, Serialize};

/// Frames the app may send. The server needs nothing from a screen; a
/// ping keeps idle proxies from closing the connection.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum DeskRequest {
    Ping,
}

/// Frames the server sends. Read through [`crate::framed::Framed`], tag
/// first in the admin app's browser build (same wire format).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(not(feature = "tag-first"), serde(tag = "type"))]
#[serde(rename_all = "snake_case")]
pub enum DeskFrame {
    /// First frame: the connection is live. Changes made before it may
    /// have been missed, so the screen reads what it shows again.
    Ready,
    /// Ticket `number` was created or changed (a field, or its thread), or
    /// left one of the viewer's teams.
    Ticket { number: i64 },
    /// Who sees which tickets changed (a team's members), or events were
    /// missed: read everything shown again.
    Resync,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn frames_are_tagged_json() {
        let text = serde_json::to_string(&DeskFrame::Ticket { number: 12 }).unwrap();
        assert_eq!(text, r#"{"type":"ticket","number":12}"#);
        let ping: DeskRequest = serde_json::from_str(r#"{"type":"ping"}"#).unwrap();
        assert_eq!(ping, DeskRequest::Ping);
    }
}
