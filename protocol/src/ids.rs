//! Identifiers that cross the wire.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;
use uuid::Uuid;

macro_rules! uuid_id {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(pub Uuid);

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.fmt(f)
            }
        }

        impl FromStr for $name {
            type Err = uuid::Error;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                Uuid::parse_str(s).map(Self)
            }
        }
    };
}

uuid_id!(
    /// A channel's public identifier. It appears in embed snippets and links,
    /// so it is random rather than a guessable counter.
    ChannelId
);
uuid_id!(
    /// A visitor: one browser on one host site, kept in the host page's storage.
    VisitorId
);
uuid_id!(
    /// A conversation between a visitor and the channel's operators.
    ConversationId
);
uuid_id!(
    /// An uploaded file, named by the server (UUIDv7) and never by the
    /// uploaded name, so a file's address says nothing about its content.
    AttachmentId
);
uuid_id!(
    /// A message, named by the client that wrote it (a UUID it generates), so a
    /// retried send is recognised as the same message.
    MessageId
);

/// A message's position in its conversation: 1, 2, 3… with no gaps, assigned
/// by the server when the message is committed.
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize,
)]
#[serde(transparent)]
pub struct Seq(pub u64);
