//! Internal notes on a conversation (`notes`), for the team only.

use super::{Appended, StoreError};
use parlor_domain::{ConversationId, Note};

/// Internal notes.
#[async_trait::async_trait]
pub trait NoteStore: Send + Sync {
    /// Stores an internal note after the conversation's last message (its
    /// `after_seq` is set here); a note already stored under its id comes
    /// back unchanged (a resend), and an id used in another conversation is
    /// a `Conflict`.
    async fn add_note(&self, note: &Note) -> Result<Appended<Note>, StoreError>;

    /// A conversation's notes, oldest first.
    async fn notes(&self, conversation: ConversationId) -> Result<Vec<Note>, StoreError>;
}

/// `NoteStore`'s statements, shared by both backends: expanded into an `impl`
/// for a backend's type by `sql_store!` (`sql_store.rs`).
macro_rules! notes_sql {
    ($store:ty, $db:ty) => {
        type Conn = <$db as sqlx::Database>::Connection;

        /// Stores a note unless its id is stored already; `condition` adds
        /// to the `WHERE` on the conversation `c`. Whether it was new.
        async fn insert_note(db: &mut Conn, note: &Note, condition: &str) -> Result<bool, StoreError> {
            let sql = format!(
                "INSERT INTO notes (id, conversation_id, author_user_id, after_seq, body, created_at, transfer_to, position)
                 SELECT $1, c.id, $3, c.last_seq, $4, $5, $6,
                        (SELECT COALESCE(MAX(n.position), 0) + 1 FROM notes n WHERE n.conversation_id = c.id)
                   FROM conversations c WHERE c.id = $2 {condition}
                 ON CONFLICT (id) DO NOTHING"
            );
            let inserted = sqlx::query(&sql)
                .bind(Key(note.id.0))
                .bind(Key(note.conversation.0))
                .bind(note.author.map(|u| u.0))
                .bind(&note.body)
                .bind(note.created_at)
                .bind(note.transfer_to.as_deref())
                .execute(&mut *db)
                .await?;
            Ok(inserted.rows_affected() == 1)
        }

        /// The note stored under `note`'s id, which must belong to the same
        /// conversation.
        async fn stored_note(db: &mut Conn, note: &Note, new: bool) -> Result<Appended<Note>, StoreError> {
            let row = sqlx::query("SELECT * FROM notes WHERE id = $1")
                .bind(Key(note.id.0))
                .fetch_optional(&mut *db)
                .await?;
            // Nothing stored and nothing there: no such conversation.
            let stored = rows::note(&row.ok_or(StoreError::NotFound("conversation"))?)?;
            if stored.conversation != note.conversation {
                return Err(StoreError::Conflict("note id"));
            }
            Ok(if new {
                Appended::New(stored)
            } else {
                Appended::Existing(stored)
            })
        }

        #[async_trait::async_trait]
        impl $crate::store::NoteStore for $store {
            async fn add_note(&self, note: &Note) -> Result<Appended<Note>, StoreError> {
                let mut tx = self.pool.begin().await?;
                let new = insert_note(&mut tx, note, "").await?;
                let stored = stored_note(&mut tx, note, new).await?;
                tx.commit().await?;
                Ok(stored)
            }

            async fn notes(&self, conversation: ConversationId) -> Result<Vec<Note>, StoreError> {
                let rows = sqlx::query(
                    "SELECT * FROM notes WHERE conversation_id = $1 ORDER BY after_seq, position, created_at, id",
                )
                .bind(Key(conversation.0))
                .fetch_all(&self.pool)
                .await?;
                rows.iter().map(rows::note).collect()
            }
        }
    };
}

pub(super) use notes_sql;
