//! Messages as clients see them: an operator appears by display name. Each
//! connection keeps a small cache so a conversation's replay does not read
//! the same user again and again.

use crate::Parlor;
use parlor_domain::{Author, Message, UserId};
use parlor_protocol::live::{WireAuthor, WireMessage};
use std::collections::HashMap;

#[derive(Default)]
pub(crate) struct Names(HashMap<UserId, String>);

impl Names {
    pub(crate) async fn wire(&mut self, parlor: &Parlor, m: Message) -> WireMessage {
        let author = match m.author {
            Author::Visitor => WireAuthor::Visitor,
            Author::Operator { user } => {
                let name = match self.0.get(&user) {
                    Some(n) => n.clone(),
                    None => {
                        let n = parlor
                            .operator_name(user)
                            .await
                            .unwrap_or_else(|_| "Operator".into());
                        self.0.insert(user, n.clone());
                        n
                    }
                };
                WireAuthor::Operator { name }
            }
        };
        WireMessage {
            id: m.id,
            conversation_id: m.conversation,
            seq: m.seq,
            author,
            body: m.body,
            sent_at: m.created_at,
        }
    }
}
