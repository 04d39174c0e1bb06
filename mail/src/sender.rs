//! The sender: takes due mail from the outbox and hands it to SMTP, one
//! mail per recipient at a time (the outbox's claim sees to the order).
//! Each node runs one; the outbox's leases keep them from sending the
//! same mail. A mail the server took but we could not record as sent
//! (a crash in between) goes again after its lease, with the same
//! Message-ID, so the recipient's mail program can tell.

use crate::smtp::Smtp;
use chat_core::mail_outbox::MailOutbox;

/// Mails claimed at once: few enough that a batch against a server that
/// times out every command ends well within the lease.
pub const BATCH: u32 = 5;

/// Runs until the task is dropped.
pub async fn run(outbox: MailOutbox, smtp: Smtp) {
    loop {
        let batch = match outbox.claim(BATCH).await {
            Ok(batch) => batch,
            Err(error) => {
                tracing::warn!(%error, "could not claim mail from the outbox");
                Vec::new()
            }
        };
        let full = batch.len() == BATCH as usize;
        for mail in batch {
            let recorded = match smtp.send(&mail.mail).await {
                Ok(()) => outbox.sent(&mail).await,
                Err(failure) => outbox.failed(&mail, &failure).await,
            };
            if let Err(error) = recorded {
                // The lease runs out and the mail is tried again.
                tracing::warn!(mail = mail.id.0, %error, "could not record a mail's outcome");
            }
        }
        if !full {
            outbox.wait().await;
        }
    }
}
