//! Mail waiting to be sent (`mail_outbox`). Whatever causes a mail writes its
//! row in its own transaction (`insert_outbox_mail`); senders on any node
//! then claim rows for a while (a lease), so each mail has one sender at a
//! time, and one recipient's mail goes out in the order it was written.

use super::StoreError;
use parlor_domain::{MailId, OutgoingMail, QueuedMail};

#[async_trait::async_trait]
pub trait MailOutboxStore: Send + Sync {
    /// Queues a mail that belongs to nothing else (a confirmation).
    async fn queue_mail(&self, mail: &OutgoingMail, now: i64) -> Result<MailId, StoreError>;

    /// Up to `limit` mails due at `now`, each the oldest still queued for
    /// its recipient, leased until `lease_until` and counted as tried.
    async fn claim_mail(
        &self,
        now: i64,
        lease_until: i64,
        limit: u32,
    ) -> Result<Vec<QueuedMail>, StoreError>;

    /// The server took it.
    async fn mail_sent(&self, id: MailId, now: i64) -> Result<(), StoreError>;

    /// Try again at `next_attempt_at`; `error` shows meanwhile.
    async fn mail_retry(
        &self,
        id: MailId,
        error: &str,
        next_attempt_at: i64,
    ) -> Result<(), StoreError>;

    /// Given up for good.
    async fn mail_failed(&self, id: MailId, error: &str) -> Result<(), StoreError>;

    /// When the next queued mail is due (it may be leased), if any.
    async fn next_mail_due(&self) -> Result<Option<i64>, StoreError>;
}

macro_rules! mail_outbox_sql {
    ($store:ty, $db:ty) => {
        const OUTBOX_COLUMNS: &str = "id, from_name, from_email, to_name, to_email, subject, body,
            message_id, in_reply_to, mail_references, attempts, created_at";

        fn outbox_row(r: &impl DbRow) -> Result<parlor_domain::QueuedMail, StoreError> {
            let attempts = r.int("attempts")?;
            Ok(parlor_domain::QueuedMail {
                id: parlor_domain::MailId(r.int("id")?),
                mail: parlor_domain::OutgoingMail {
                    from: parlor_domain::Mailbox {
                        name: r.text("from_name")?,
                        email: r.text("from_email")?,
                    },
                    to: parlor_domain::Mailbox {
                        name: r.text("to_name")?,
                        email: r.text("to_email")?,
                    },
                    subject: r.text("subject")?,
                    text: r.text("body")?,
                    message_id: r.text("message_id")?,
                    in_reply_to: r.opt_text("in_reply_to")?,
                    references: r
                        .text("mail_references")?
                        .split_whitespace()
                        .map(str::to_string)
                        .collect(),
                },
                attempts: u32::try_from(attempts)
                    .map_err(|_| StoreError::Corrupt(format!("attempts {attempts}")))?,
                created_at: r.int("created_at")?,
            })
        }

        /// Writes a mail into the outbox inside the caller's transaction,
        /// so it exists exactly when what caused it does.
        async fn insert_outbox_mail(
            tx: &mut sqlx::Transaction<'_, $db>,
            mail: &parlor_domain::OutgoingMail,
            entry: Option<parlor_domain::EntryId>,
            now: i64,
        ) -> Result<parlor_domain::MailId, StoreError> {
            let row = sqlx::query(
                "INSERT INTO mail_outbox (entry_id, recipient, from_name, from_email, to_name,
                     to_email, subject, body, message_id, in_reply_to, mail_references,
                     next_attempt_at, created_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $12)
                 RETURNING id",
            )
            .bind(entry.map(|e| e.0))
            .bind(mail.to.email.to_lowercase())
            .bind(&mail.from.name)
            .bind(&mail.from.email)
            .bind(&mail.to.name)
            .bind(&mail.to.email)
            .bind(&mail.subject)
            .bind(&mail.text)
            .bind(&mail.message_id)
            .bind(mail.in_reply_to.as_deref())
            .bind(mail.references.join(" "))
            .bind(now)
            .fetch_one(&mut **tx)
            .await?;
            Ok(parlor_domain::MailId(row.int("id")?))
        }

        #[async_trait::async_trait]
        impl $crate::store::MailOutboxStore for $store {
            async fn queue_mail(&self, mail: &parlor_domain::OutgoingMail, now: i64) -> Result<parlor_domain::MailId, StoreError> {
                let mut tx = self.pool.begin().await?;
                let id = insert_outbox_mail(&mut tx, mail, None, now).await?;
                tx.commit().await?;
                Ok(id)
            }

            async fn claim_mail(&self, now: i64, lease_until: i64, limit: u32) -> Result<Vec<parlor_domain::QueuedMail>, StoreError> {
                // The outer conditions repeat the inner ones on purpose: a
                // row another node claimed meanwhile is checked again as that
                // node left it, and passed over.
                let lock = Self::CLAIM_LOCK;
                let rows = sqlx::query(&format!(
                    "UPDATE mail_outbox SET lease_until = $1, attempts = attempts + 1
                     WHERE state = 'queued' AND next_attempt_at <= $2
                       AND (lease_until IS NULL OR lease_until <= $2)
                       AND id IN (
                         SELECT m.id FROM mail_outbox m
                         WHERE m.state = 'queued' AND m.next_attempt_at <= $2
                           AND (m.lease_until IS NULL OR m.lease_until <= $2)
                           AND NOT EXISTS (
                             SELECT 1 FROM mail_outbox o
                             WHERE o.recipient = m.recipient AND o.state = 'queued' AND o.id < m.id)
                         ORDER BY m.id LIMIT $3 {lock})
                     RETURNING {OUTBOX_COLUMNS}"
                ))
                .bind(lease_until)
                .bind(now)
                .bind(i64::from(limit))
                .fetch_all(&self.pool)
                .await?;
                let mut mails = rows.iter().map(outbox_row).collect::<Result<Vec<_>, _>>()?;
                mails.sort_by_key(|m| m.id);
                Ok(mails)
            }

            async fn mail_sent(&self, id: parlor_domain::MailId, now: i64) -> Result<(), StoreError> {
                sqlx::query(
                    "UPDATE mail_outbox SET state = 'sent', sent_at = $1, lease_until = NULL,
                         last_error = NULL
                     WHERE id = $2",
                )
                .bind(now)
                .bind(id.0)
                .execute(&self.pool)
                .await?;
                Ok(())
            }

            async fn mail_retry(&self, id: parlor_domain::MailId, error: &str, next_attempt_at: i64) -> Result<(), StoreError> {
                sqlx::query(
                    "UPDATE mail_outbox SET next_attempt_at = $1, last_error = $2, lease_until = NULL
                     WHERE id = $3 AND state = 'queued'",
                )
                .bind(next_attempt_at)
                .bind(error)
                .bind(id.0)
                .execute(&self.pool)
                .await?;
                Ok(())
            }

            async fn mail_failed(&self, id: parlor_domain::MailId, error: &str) -> Result<(), StoreError> {
                sqlx::query(
                    "UPDATE mail_outbox SET state = 'failed', last_error = $1, lease_until = NULL
                     WHERE id = $2 AND state = 'queued'",
                )
                .bind(error)
                .bind(id.0)
                .execute(&self.pool)
                .await?;
                Ok(())
            }

            async fn next_mail_due(&self) -> Result<Option<i64>, StoreError> {
                let row = sqlx::query(
                    "SELECT MIN(CASE WHEN lease_until IS NOT NULL AND lease_until > next_attempt_at
                                     THEN lease_until ELSE next_attempt_at END) AS due
                     FROM mail_outbox WHERE state = 'queued'",
                )
                .fetch_one(&self.pool)
                .await?;
                row.opt_int("due")
            }
        }
    };
}

pub(super) use mail_outbox_sql;
