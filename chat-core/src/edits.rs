//! Editing a message already sent. The rule is the domain's
//! (`parlor_domain::edits`): an operator edits their own messages, an admin
//! any operator's, nobody a visitor's or the channel's. The store replaces
//! the text and keeps the previous one in the message's audit trail in one
//! transaction; then the visitor's room and the inboxes hear the new text
//! (`edited` frames), on every node. Only admins read the audit trail.

use crate::inbox::Access;
use crate::{now_unix, Error, Parlor, Result};
use parlor_domain::edits::check_edit;
use parlor_domain::{ConversationId, EditError, Message, MessageEdit, MessageId, User};

impl Parlor {
    /// `actor` replaces the text of `message` in `conversation` (one of
    /// `access`'s) by `body`. Returns the message as it is now; an unchanged
    /// text changes, records and announces nothing. Not the actor's to edit:
    /// `NotPermitted`; a text the message rules refuse: `Validation`.
    pub async fn edit_message(
        &self,
        actor: &User,
        access: &Access,
        conversation: ConversationId,
        message: MessageId,
        body: &str,
    ) -> Result<Message> {
        let c = self.operator_conversation(access, conversation).await?;
        let found = self
            .store
            .messages()
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
            .store
            .edits()
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
            self.announce(conversation).await;
        }
        Ok(edited)
    }

    /// The audit trail of `message` in `conversation`: the texts it had
    /// before each edit, oldest first. Admins only.
    pub async fn message_edits(
        &self,
        actor: &User,
        access: &Access,
        conversation: ConversationId,
        message: MessageId,
    ) -> Result<Vec<MessageEdit>> {
        if !actor.is_admin() {
            return Err(Error::Forbidden);
        }
        self.operator_conversation(access, conversation).await?;
        if self
            .store
            .messages()
            .get_message(conversation, message)
            .await?
            .is_none()
        {
            return Err(Error::NotFound("message"));
        }
        Ok(self.store.edits().message_edits(message).await?)
    }
}
