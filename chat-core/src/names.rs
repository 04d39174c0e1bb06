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
    /// An operator's display name, read once per connection.
    pub(crate) async fn operator(&mut self, parlor: &Parlor, user: UserId) -> String {
        if let Some(n) = self.operators.get(&user) {
            return n.clone();
        }
        let n = parlor
            .operator_name(user)
            .await
            .unwrap_or_else(|_| "Operator".into());
        self.operators.insert(user, n.clone());
        n
    }

    /// A note as the team sees it.
    pub(crate) async fn wire_note(
        &mut self,
        parlor: &Parlor,
        n: parlor_domain::Note,
    ) -> parlor_protocol::inbox::WireNote {
        let author = match n.author {
            Some(user) => self.operator(parlor, user).await,
            None => "Former operator".into(),
        };
        parlor_protocol::inbox::WireNote {
            id: n.id,
            conversation_id: n.conversation,
            author,
            after_seq: n.after_seq,
            body: n.body,
            created_at: n.created_at,
            transfer_to: n.transfer_to,
        }
    }

    pub(crate) async fn wire(&mut self, parlor: &Parlor, m: Message) -> WireMessage {
        let author = match m.author {
            Author::Visitor => WireAuthor::Visitor,
            Author::Operator { user } => WireAuthor::Operator {
                name: self.operator(parlor, user).await,
            },
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
            edited_at: m.edited_at,
            attachment: m
                .attachment
                .as_ref()
                .map(parlor_domain::Attachment::to_wire),
        }
    }
}

impl Parlor {
    /// The window title of the conversation's channel: the name its
    /// triggers' messages carry.
    async fn channel_title(&self, conversation: ConversationId) -> crate::Result<String> {
        let c = self
            .store
            .conversations()
            .get_conversation(conversation)
            .await?
            .ok_or(crate::Error::NotFound("conversation"))?;
        let channel = self
            .store
            .channels()
            .get_channel(c.channel)
            .await?
            .ok_or(crate::Error::NotFound("channel"))?;
        Ok(channel.settings.window_title)
    }
}
