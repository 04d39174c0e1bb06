//! Editing a message already sent: who may, and what the new text must be.
//! An operator corrects their own messages, an admin anyone's; a visitor's
//! words and the channel's own messages (triggers, or an operator whose
//! account is gone) are never rewritten. Each earlier text is kept in an
//! audit trail ([`MessageEdit`]).

use crate::conversation::{Author, Message, MessageBody};
use crate::user::{User, UserId};
use crate::validation::ValidationErrors;
use parlor_protocol::{ConversationId, MessageId};
use serde::{Deserialize, Serialize};

/// Why a staff member may not edit a message.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EditRefusal {
    /// The visitor wrote it.
    VisitorMessage,
    /// The channel wrote it (a trigger), or its author's account is gone.
    ChannelMessage,
    /// Another operator wrote it, and the editor is not an admin.
    NotAuthor,
}

impl EditRefusal {
    /// What the editor is told.
    pub fn message(self) -> &'static str {
        match self {
            EditRefusal::VisitorMessage => "a visitor's message cannot be edited",
            EditRefusal::ChannelMessage => "the channel's own messages cannot be edited",
            EditRefusal::NotAuthor => "only its author or an admin may edit this message",
        }
    }
}

/// Whether `editor` may edit a message written by `author`: its operator
/// author, or any admin; nobody edits a visitor's or the channel's.
pub fn may_edit(editor: &User, author: Author) -> Result<(), EditRefusal> {
    match author {
        Author::Visitor => Err(EditRefusal::VisitorMessage),
        Author::Channel => Err(EditRefusal::ChannelMessage),
        Author::Operator { user }
            if user == editor.id || editor.may(crate::user::Power::EditAnyMessage) =>
        {
            Ok(())
        }
        Author::Operator { .. } => Err(EditRefusal::NotAuthor),
    }
}

/// An edit refused: not the editor's to make, or a text the rules refuse.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum EditError {
    Refused(EditRefusal),
    Invalid(ValidationErrors),
}

/// The new text of `message` that `editor` asks for, checked: permission
/// first, then the message rules ([`MessageBody::parse`]). `None` when it is
/// the text the message has already (after trimming): nothing to change.
pub fn check_edit(
    editor: &User,
    message: &Message,
    body: &str,
) -> Result<Option<MessageBody>, EditError> {
    may_edit(editor, message.author).map_err(EditError::Refused)?;
    let body = MessageBody::parse(body).map_err(EditError::Invalid)?;
    Ok((body.as_str() != message.body).then_some(body))
}

/// One line of a message's audit trail: the text it had before an edit.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MessageEdit {
    pub message: MessageId,
    pub conversation: ConversationId,
    /// The text the edit replaced.
    pub previous_body: String,
    /// Who edited it; `None` once their account is gone.
    pub edited_by: Option<UserId>,
    /// Unix seconds.
    pub edited_at: i64,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::conversation::MAX_MESSAGE_CHARS;
    use crate::user::Role;
    use crate::validation::Field;
    use parlor_protocol::Seq;

    fn staff(id: i64, role: Role) -> User {
        User {
            id: UserId(id),
            email: format!("{id}@x.test"),
            display_name: format!("User {id}"),
            role,
        }
    }

    fn by(author: Author) -> Message {
        Message {
            id: "00000000-0000-0000-0000-000000000001".parse().unwrap(),
            conversation: "00000000-0000-0000-0000-000000000002".parse().unwrap(),
            seq: Seq(1),
            author,
            body: "Hello".into(),
            created_at: 1,
            edited_at: None,
            attachment: None,
        }
    }

    #[test]
    fn operators_edit_their_own_and_admins_any_operators() {
        let ann = staff(1, Role::Operator);
        let bo = staff(2, Role::Operator);
        let admin = staff(3, Role::Admin);
        let anns = Author::Operator { user: ann.id };
        assert_eq!(may_edit(&ann, anns), Ok(()));
        assert_eq!(may_edit(&admin, anns), Ok(()));
        assert_eq!(may_edit(&bo, anns), Err(EditRefusal::NotAuthor));
        // An admin's own message is theirs too; an operator cannot touch it.
        let admins = Author::Operator { user: admin.id };
        assert_eq!(may_edit(&admin, admins), Ok(()));
        assert_eq!(may_edit(&ann, admins), Err(EditRefusal::NotAuthor));
    }

    #[test]
    fn nobody_edits_visitors_or_the_channels_messages() {
        for editor in [staff(1, Role::Operator), staff(2, Role::Admin)] {
            assert_eq!(
                may_edit(&editor, Author::Visitor),
                Err(EditRefusal::VisitorMessage)
            );
            assert_eq!(
                may_edit(&editor, Author::Channel),
                Err(EditRefusal::ChannelMessage)
            );
        }
    }

    #[test]
    fn the_new_text_follows_the_message_rules_and_the_same_text_changes_nothing() {
        let ann = staff(1, Role::Operator);
        let m = by(Author::Operator { user: ann.id });
        let new = check_edit(&ann, &m, "  Hello there \n").unwrap().unwrap();
        assert_eq!(new.as_str(), "Hello there");
        assert_eq!(check_edit(&ann, &m, " Hello "), Ok(None));
        let Err(EditError::Invalid(e)) = check_edit(&ann, &m, " \n ") else {
            panic!("a blank text is refused")
        };
        assert_eq!(e.for_field(Field::Body), Some("is required"));
        let long = "x".repeat(MAX_MESSAGE_CHARS + 1);
        assert!(matches!(
            check_edit(&ann, &m, &long),
            Err(EditError::Invalid(_))
        ));
        // Permission comes first, whatever the text.
        let bo = staff(2, Role::Operator);
        assert_eq!(
            check_edit(&bo, &m, &long),
            Err(EditError::Refused(EditRefusal::NotAuthor))
        );
    }
}
