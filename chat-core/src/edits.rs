//! Editing a message already sent, a service of its own. The rule is the
//! domain's (`parlor_domain::edits`): an operator edits their own messages,
//! an admin any operator's, nobody a visitor's or the channel's. The store
//! replaces the text and keeps the previous one in the message's audit
//! trail in one transaction; then the visitor's room and the inboxes hear
//! the new text (`edited` frames), on every node. Only admins read the
//! audit trail. It holds the conversation, message and edit stores and the
//! hub; `Parlor::edits` hands it out.

use crate::conversations::announce;
use crate::hub::Hub;
use crate::inbox::Access;
use crate::store::{ConversationStore, EditStore, MessageStore};
use crate::{now_unix, Error, Result};
use parlor_domain::edits::check_edit;
use parlor_domain::{ConversationId, EditError, Message, MessageEdit, MessageId, User};
use std::sync::Arc;

#[derive(Clone)]
pub struct Edits {
    conversations: Arc<dyn ConversationStore>,
    messages: Arc<dyn MessageStore>,
    edits: Arc<dyn EditStore>,
    hub: Arc<Hub>,
}

impl Edits {
    pub fn new(
        conversations: Arc<dyn ConversationStore>,
        messages: Arc<dyn MessageStore>,
        edits: Arc<dyn EditStore>,
        hub: Arc<Hub>,
    ) -> Self {
        Self {
            conversations,
            messages,
            edits,
            hub,
        }
    }

    /// `actor` replaces the text of `message` in `conversation` (one of
    /// `access`'s) by `body`. Returns the message as it is now; an unchanged
    /// text changes, records and announces nothing. Not the actor's to edit:
    /// `NotPermitted`; a text the message rules refuse: `Validation`.
    pub async fn edit(
        &self,
        actor: &User,
        access: &Access,
        conversation: ConversationId,
        message: MessageId,
        body: &str,
    ) -> Result<Message> {
        let c = access
            .conversation(self.conversations.as_ref(), conversation)
            .await?;
        let found = self
            .messages
            .get_message(conversation, message)
            .await?
            .ok_or(Error::NotFound("message"))?;
        let body = match check_edit(actor, &found, body) {
            Ok(Some(body)) => body,
            Ok(None) => return Ok(found),
            Err(EditError::Refused(why)) => return Err(Error::NotPermitted(why.message())),
            Err(EditError::Invalid(invalid)) => return Err(invalid.into()),
        };
        let edited = self
            .edits
            .edit_message(
                message,
                conversation,
                body.as_str(),
                Some(actor.id),
                now_unix(),
            )
            .await?
            .ok_or(Error::NotFound("message"))?;
        self.hub.edited(c.channel, &edited);
        if edited.seq == c.last_seq {
            // The list shows the last message's text: its row changed.
            announce(self.conversations.as_ref(), &self.hub, conversation).await;
        }
        Ok(edited)
    }

    /// The audit trail of `message` in `conversation`: the texts it had
    /// before each edit, oldest first. Admins only.
    pub async fn history(
        &self,
        actor: &User,
        access: &Access,
        conversation: ConversationId,
        message: MessageId,
    ) -> Result<Vec<MessageEdit>> {
        crate::auth::require(actor, parlor_domain::Power::EditAnyMessage)?;
        access
            .conversation(self.conversations.as_ref(), conversation)
            .await?;
        if self
            .messages
            .get_message(conversation, message)
            .await?
            .is_none()
        {
            return Err(Error::NotFound("message"));
        }
        Ok(self.edits.message_edits(message).await?)
    }
}
