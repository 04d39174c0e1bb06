//! Edited messages and their audit trail (`message_edits`).

use super::StoreError;
use parlor_domain::{ConversationId, Message, MessageId, UserId};

/// Editing messages, with the texts they had before.
#[async_trait::async_trait]
pub trait EditStore: Send + Sync {
    /// In one transaction: records the message's current text in its audit
    /// trail (`message_edits`, by `editor` at `now`), then replaces it with
    /// `body` and sets `edited_at`. Returns the message as stored
    /// afterwards; `None` if `conversation` has no message `id`. A body
    /// equal to the stored one changes and records nothing. The row is
    /// locked first, so concurrent edits each record the text they replaced.
    async fn edit_message(
        &self,
        id: MessageId,
        conversation: ConversationId,
        body: &str,
        editor: Option<UserId>,
        now: i64,
    ) -> Result<Option<Message>, StoreError>;

    /// A message's audit trail: the texts it had before each edit, oldest
    /// first.
    async fn message_edits(
        &self,
        message: MessageId,
    ) -> Result<Vec<parlor_domain::MessageEdit>, StoreError>;
}

/// `EditStore`'s statements, shared by both backends: expanded into an `impl`
/// for a backend's type by `sql_store!` (`sql_store.rs`).
macro_rules! edits_sql {
    ($store:ty, $db:ty) => {
        #[async_trait::async_trait]
        impl $crate::store::EditStore for $store {
            async fn edit_message(
                &self,
                id: parlor_domain::MessageId,
                conversation: ConversationId,
                body: &str,
                editor: Option<UserId>,
                now: i64,
            ) -> Result<Option<Message>, StoreError> {
                let mut tx = self.pool.begin().await?;
                // A write first: it takes the row's lock (PostgreSQL) or the
                // database's (SQLite) before the text is read, so a
                // concurrent edit waits and then reads this one's result.
                let found = sqlx::query(
                    "UPDATE messages SET body = body WHERE id = $1 AND conversation_id = $2",
                )
                .bind(Key(id.0))
                .bind(Key(conversation.0))
                .execute(&mut *tx)
                .await?;
                if found.rows_affected() == 0 {
                    return Ok(None);
                }
                let row = sqlx::query("SELECT * FROM messages WHERE id = $1")
                    .bind(Key(id.0))
                    .fetch_one(&mut *tx)
                    .await?;
                let mut message = rows::message(&row)?;
                if message.body == body {
                    return Ok(Some(message));
                }
                sqlx::query(
                    "INSERT INTO message_edits (message_id, conversation_id, previous_body, edited_by, edited_at)
                     VALUES ($1, $2, $3, $4, $5)",
                )
                .bind(Key(id.0))
                .bind(Key(conversation.0))
                .bind(&message.body)
                .bind(editor.map(|u| u.0))
                .bind(now)
                .execute(&mut *tx)
                .await?;
                sqlx::query("UPDATE messages SET body = $1, edited_at = $2 WHERE id = $3")
                    .bind(body)
                    .bind(now)
                    .bind(Key(id.0))
                    .execute(&mut *tx)
                    .await?;
                tx.commit().await?;
                message.body = body.to_string();
                message.edited_at = Some(now);
                Ok(Some(message))
            }

            async fn message_edits(
                &self,
                message: parlor_domain::MessageId,
            ) -> Result<Vec<parlor_domain::MessageEdit>, StoreError> {
                let rows = sqlx::query("SELECT * FROM message_edits WHERE message_id = $1 ORDER BY id")
                    .bind(Key(message.0))
                    .fetch_all(&self.pool)
                    .await?;
                rows.iter().map(rows::message_edit).collect()
            }
        }
    };
}

pub(super) use edits_sql;
