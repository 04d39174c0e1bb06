//! A ticket's files: attachments (the `attachments` table and its chunks)
//! tied to a ticket and the thread entry they came with. They are written
//! by the entry's transaction (`insert_ticket_files_tx`, called from
//! `ticket_thread.rs`), and their bytes are read like any attachment's
//! (`AttachmentStore::attachment_chunk`).

use super::StoreError;
use parlor_domain::{AttachmentId, TicketFile, TicketNumber};

#[async_trait::async_trait]
pub trait TicketFileStore: Send + Sync {
    /// The ticket's files, in the order they came.
    async fn files_of_ticket(&self, ticket: TicketNumber) -> Result<Vec<TicketFile>, StoreError>;

    /// One file, if it belongs to a ticket.
    async fn ticket_file(&self, id: AttachmentId) -> Result<Option<TicketFile>, StoreError>;
}

macro_rules! ticket_files_sql {
    ($store:ty, $db:ty) => {
        const TICKET_FILE_SELECT: &str =
            "SELECT id, name, content_type, size, ticket_id, entry_id, created_at
               FROM attachments WHERE pending = 0";

        fn ticket_file_row(r: &impl DbRow) -> Result<parlor_domain::TicketFile, StoreError> {
            Ok(parlor_domain::TicketFile {
                file: parlor_domain::Attachment {
                    id: parlor_domain::AttachmentId(r.uuid("id")?),
                    name: r.text("name")?,
                    content_type: r.text("content_type")?,
                    size: u64::try_from(r.int("size")?).unwrap_or_default(),
                },
                ticket: parlor_domain::TicketNumber(r.int("ticket_id")?),
                entry: r.opt_int("entry_id")?.map(parlor_domain::EntryId),
                created_at: r.int("created_at")?,
            })
        }

        /// Stores `files` as the files of `entry`'s ticket, inside the
        /// entry's transaction: each cleaned of its name, typed by its
        /// bytes, cut in chunks.
        async fn insert_ticket_files_tx(
            tx: &mut sqlx::Transaction<'_, $db>,
            ticket: parlor_domain::TicketNumber,
            entry: parlor_domain::EntryId,
            files: &[parlor_domain::InboundFile],
            now: i64,
        ) -> Result<(), StoreError> {
            for f in files {
                let id = uuid::Uuid::now_v7();
                let content_type = parlor_domain::AttachmentKind::detect(&f.bytes)
                    .map_or("application/octet-stream", |k| k.content_type());
                sqlx::query(
                    "INSERT INTO attachments
                       (id, name, content_type, size, created_at, pending, ticket_id, entry_id)
                     VALUES ($1, $2, $3, $4, $5, 0, $6, $7)",
                )
                .bind(Key(id))
                .bind(parlor_domain::attachments::sanitize_name(&f.name))
                .bind(content_type)
                .bind(f.bytes.len() as i64)
                .bind(now)
                .bind(ticket.0)
                .bind(entry.0)
                .execute(&mut **tx)
                .await?;
                // An empty file still has its one (empty) chunk, as uploads do.
                let mut chunks: Vec<&[u8]> = f
                    .bytes
                    .chunks($crate::store::ATTACHMENT_CHUNK_BYTES)
                    .collect();
                if chunks.is_empty() {
                    chunks.push(&[]);
                }
                for (idx, chunk) in chunks.into_iter().enumerate() {
                    sqlx::query($crate::store::attachments::INSERT_CHUNK)
                        .bind(Key(id))
                        .bind(i32::try_from(idx).unwrap_or(i32::MAX))
                        .bind(chunk)
                        .execute(&mut **tx)
                        .await?;
                }
            }
            Ok(())
        }

        #[async_trait::async_trait]
        impl $crate::store::TicketFileStore for $store {
            async fn files_of_ticket(
                &self,
                ticket: parlor_domain::TicketNumber,
            ) -> Result<Vec<parlor_domain::TicketFile>, StoreError> {
                sqlx::query(&format!("{TICKET_FILE_SELECT} AND ticket_id = $1 ORDER BY id"))
                    .bind(ticket.0)
                    .fetch_all(&self.pool)
                    .await?
                    .iter()
                    .map(ticket_file_row)
                    .collect()
            }

            async fn ticket_file(
                &self,
                id: parlor_domain::AttachmentId,
            ) -> Result<Option<parlor_domain::TicketFile>, StoreError> {
                sqlx::query(&format!(
                    "{TICKET_FILE_SELECT} AND id = $1 AND ticket_id IS NOT NULL"
                ))
                .bind(Key(id.0))
                .fetch_optional(&self.pool)
                .await?
                .as_ref()
                .map(ticket_file_row)
                .transpose()
            }
        }
    };
}

pub(super) use ticket_files_sql;
