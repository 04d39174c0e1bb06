//! A ticket's thread (`ticket_entries`), with each reply's mail state read
//! from the outbox. A reply and its mail are written in one transaction.

use super::{Appended, StoreError};
use parlor_domain::{EntryKind, OutgoingMail, ThreadEntry, TicketNumber, UserId};

/// An entry to append.
#[derive(Clone, Debug)]
pub struct NewEntry<'a> {
    pub ticket: TicketNumber,
    pub kind: EntryKind,
    pub author: Option<UserId>,
    pub author_name: &'a str,
    pub body: &'a str,
    pub message_id: Option<&'a str>,
    /// Its writer's idempotency key.
    pub request_id: Option<&'a str>,
    /// Sent by a program, not a person.
    pub automatic: bool,
    /// Files that came with it (a mail's attachments), kept as the
    /// ticket's files in the same transaction.
    pub files: &'a [parlor_domain::InboundFile],
}

#[async_trait::async_trait]
pub trait TicketThreadStore: Send + Sync {
    /// Appends `entry` and queues `mail` for it, in one transaction. An
    /// entry with the same request id or message id is returned as
    /// `Existing`, and nothing is written. `NotFound("ticket")` if the
    /// ticket is gone.
    async fn add_entry(
        &self,
        entry: &NewEntry<'_>,
        mail: Option<&OutgoingMail>,
        now: i64,
    ) -> Result<Appended<ThreadEntry>, StoreError>;

    /// The whole thread, oldest first.
    async fn thread(&self, ticket: TicketNumber) -> Result<Vec<ThreadEntry>, StoreError>;

    /// The ticket whose thread holds a mail with one of `message_ids`: the
    /// newest such, when several do.
    async fn ticket_of_mail(
        &self,
        message_ids: &[String],
    ) -> Result<Option<TicketNumber>, StoreError>;
}

macro_rules! ticket_thread_sql {
    ($store:ty, $db:ty) => {
        const ENTRY_SELECT: &str = "SELECT e.id, e.ticket_id, e.kind, e.author_id, e.author_name,
                e.body, e.message_id, e.automatic, e.created_at, m.state AS mail_state,
                m.attempts AS mail_attempts, m.last_error AS mail_error, m.sent_at AS mail_sent_at
            FROM ticket_entries e LEFT JOIN mail_outbox m ON m.entry_id = e.id";

        fn entry_row(r: &impl DbRow) -> Result<parlor_domain::ThreadEntry, StoreError> {
            let delivery = match r.opt_text("mail_state")?.as_deref() {
                None => None,
                Some("queued") => Some(parlor_domain::Delivery::Queued {
                    attempts: u32::try_from(r.int("mail_attempts")?).unwrap_or(u32::MAX),
                    error: r.opt_text("mail_error")?,
                }),
                Some("sent") => Some(parlor_domain::Delivery::Sent {
                    at: r.opt_int("mail_sent_at")?.unwrap_or_default(),
                }),
                Some("failed") => Some(parlor_domain::Delivery::Failed {
                    error: r.opt_text("mail_error")?.unwrap_or_default(),
                }),
                Some(other) => return Err(StoreError::Corrupt(format!("mail state {other}"))),
            };
            Ok(parlor_domain::ThreadEntry {
                id: parlor_domain::EntryId(r.int("id")?),
                ticket: parlor_domain::TicketNumber(r.int("ticket_id")?),
                kind: rows::parsed(r, "kind", parlor_domain::EntryKind::parse)?,
                author: r.opt_int("author_id")?.map(parlor_domain::UserId),
                author_name: r.text("author_name")?,
                body: r.text("body")?,
                message_id: r.opt_text("message_id")?,
                delivery,
                automatic: r.int("automatic")? != 0,
                created_at: r.int("created_at")?,
            })
        }

        /// Writes an entry, and its mail into the outbox, inside the
        /// caller's transaction (a new ticket's first entry is written in
        /// the ticket's).
        async fn insert_entry_tx(
            tx: &mut sqlx::Transaction<'_, $db>,
            entry: &$crate::store::NewEntry<'_>,
            mail: Option<&parlor_domain::OutgoingMail>,
            now: i64,
        ) -> Result<parlor_domain::EntryId, StoreError> {
            let row = sqlx::query(
                "INSERT INTO ticket_entries (ticket_id, kind, author_id, author_name, body,
                     message_id, request_id, automatic, created_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
                 RETURNING id",
            )
            .bind(entry.ticket.0)
            .bind(entry.kind.as_str())
            .bind(entry.author.map(|u| u.0))
            .bind(entry.author_name)
            .bind(entry.body)
            .bind(entry.message_id)
            .bind(entry.request_id)
            .bind(i64::from(entry.automatic))
            .bind(now)
            .fetch_one(&mut **tx)
            .await?;
            let id = parlor_domain::EntryId(row.int("id")?);
            insert_ticket_files_tx(tx, entry.ticket, id, entry.files, now).await?;
            if let Some(mail) = mail {
                insert_outbox_mail(tx, mail, Some(id), now).await?;
            }
            Ok(id)
        }

        #[async_trait::async_trait]
        impl $crate::store::TicketThreadStore for $store {
            async fn add_entry(
                &self,
                entry: &$crate::store::NewEntry<'_>,
                mail: Option<&parlor_domain::OutgoingMail>,
                now: i64,
            ) -> Result<Appended<parlor_domain::ThreadEntry>, StoreError> {
                let mut tx = self.pool.begin_with(Self::BEGIN_WRITE).await?;
                // The ticket's row first: its entries are written one at a
                // time, so their order is the order they were acknowledged.
                let touched = sqlx::query("UPDATE tickets SET updated_at = $1 WHERE id = $2")
                    .bind(now)
                    .bind(entry.ticket.0)
                    .execute(&mut *tx)
                    .await?;
                if touched.rows_affected() == 0 {
                    return Err(StoreError::NotFound("ticket"));
                }
                let done = sqlx::query(&format!(
                    "{ENTRY_SELECT} WHERE e.request_id = $1 OR e.message_id = $2"
                ))
                .bind(entry.request_id)
                .bind(entry.message_id)
                .fetch_optional(&mut *tx)
                .await?;
                if let Some(row) = done {
                    tx.rollback().await?;
                    let existing = entry_row(&row)?;
                    if existing.ticket != entry.ticket {
                        return Err(StoreError::Conflict("entry id"));
                    }
                    return Ok(Appended::Existing(existing));
                }
                let id = insert_entry_tx(&mut tx, entry, mail, now).await?;
                let row = sqlx::query(&format!("{ENTRY_SELECT} WHERE e.id = $1"))
                    .bind(id.0)
                    .fetch_one(&mut *tx)
                    .await?;
                let stored = entry_row(&row)?;
                tx.commit().await?;
                Ok(Appended::New(stored))
            }

            async fn thread(&self, ticket: parlor_domain::TicketNumber) -> Result<Vec<parlor_domain::ThreadEntry>, StoreError> {
                sqlx::query(&format!("{ENTRY_SELECT} WHERE e.ticket_id = $1 ORDER BY e.id"))
                    .bind(ticket.0)
                    .fetch_all(&self.pool)
                    .await?
                    .iter()
                    .map(entry_row)
                    .collect()
            }

            async fn ticket_of_mail(&self, message_ids: &[String]) -> Result<Option<parlor_domain::TicketNumber>, StoreError> {
                if message_ids.is_empty() {
                    return Ok(None);
                }
                let mut q = sqlx::QueryBuilder::<$db>::new(
                    "SELECT ticket_id FROM ticket_entries WHERE message_id IN (",
                );
                let mut ids = q.separated(", ");
                for id in message_ids {
                    ids.push_bind(id.as_str());
                }
                q.push(") ORDER BY id DESC LIMIT 1");
                let row = q.build().fetch_optional(&self.pool).await?;
                row.map(|r| r.int("ticket_id").map(parlor_domain::TicketNumber)).transpose()
            }
        }
    };
}

pub(super) use ticket_thread_sql;
