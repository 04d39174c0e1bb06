//! Messages as clients see them: an operator appears by display name. Each
//! connection keeps a small cache so a conversation's replay does not read
//! the same user again and again.

use crate::Parlor;
use parlor_domain::{Author, ConversationId, Message, UserId};
use parlor_protocol::live::{WireAuthor, WireMessage};
use std::collections::HashMap;

#[derive(Default)]
pub(crate) struct Names {
    operators: HashMap<UserId, String>,
    /// The channel's window title, by conversation (its triggers speak).
    channels: HashMap<ConversationId, String>,
}

impl Names {
    pub(crate) async fn wire(&mut self, parlor: &Parlor, m: Message) -> WireMessage {
        let author = match m.author {
            Author::Visitor => WireAuthor::Visitor,
            Author::Operator { user } => {
                let name = match self.operators.get(&user) {
                    Some(n) => n.clone(),
                    None => {
                        let n = parlor
                            .operator_name(user)
                            .await
                            .unwrap_or_else(|_| "Operator".into());
                        self.operators.insert(user, n.clone());
                        n
                    }
                };
                WireAuthor::Operator { name }
            }
            Author::Channel => {
                let name = match self.channels.get(&m.conversation) {
                    Some(n) => n.clone(),
                    None => {
                        let n = parlor
                            .channel_title(m.conversation)
                            .await
                            .unwrap_or_else(|_| "Operator".into());
                        self.channels.insert(m.conversation, n.clone());
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

impl Parlor {
    /// The window title of the conversation's channel: the name its
    /// triggers' messages carry.
    async fn channel_title(&self, conversation: ConversationId) -> crate::Result<String> {
        let c = self
            .store
            .get_conversation(conversation)
            .await?
            .ok_or(crate::Error::NotFound("conversation"))?;
        let channel = self
            .store
            .get_channel(c.channel)
            .await?
            .ok_or(crate::Error::NotFound("channel"))?;
        Ok(channel.settings.window_title)
    }
}
