//! The mail outbox, as a sender sees it: claim what is due, then record
//! that it went out, or when to try again. The SMTP side lives in the
//! `parlor-mail` crate; this decides the retry policy, so every sender
//! follows the same one.

use crate::store::MailOutboxStore;
use crate::{now_unix, Result};
use parlor_domain::{MailId, OutgoingMail, QueuedMail};
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::Notify;

/// How long a claimed mail is a sender's alone. Longer than any SMTP
/// exchange takes (the sender's timeouts are shorter), so a live sender is
/// never overtaken; a crashed one's mail is retried after it.
pub const LEASE_SECS: i64 = 300;

/// When a failed mail is tried again.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RetryPolicy {
    /// The first retry's delay; each further one doubles, up to `max_secs`.
    pub first_secs: i64,
    pub max_secs: i64,
    /// A mail still refused this long after it was written is given up.
    pub give_up_secs: i64,
}

impl Default for RetryPolicy {
    /// 30 s, doubling to an hour, for three days (as mail servers do).
    fn default() -> Self {
        RetryPolicy {
            first_secs: 30,
            max_secs: 3600,
            give_up_secs: 3 * 24 * 3600,
        }
    }
}

impl RetryPolicy {
    /// The delay before try `attempts + 1`.
    pub fn delay(&self, attempts: u32) -> i64 {
        let doublings = attempts.saturating_sub(1).min(30);
        self.first_secs
            .max(1)
            .saturating_mul(1 << doublings)
            .min(self.max_secs)
    }
}

/// How long a sender sleeps at most between looks: mail queued on another
/// node wakes no sender here.
pub const POLL_SECS: u64 = 5;

/// Why a try failed, as the sender tells it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SendFailure {
    /// Worth another try: the server was down, busy, or said "later" (4xx).
    Transient(String),
    /// The server refused this mail for good (5xx): retrying changes
    /// nothing.
    Permanent(String),
}

#[derive(Clone)]
pub struct MailOutbox {
    store: Arc<dyn MailOutboxStore>,
    retry: RetryPolicy,
    wake: Arc<Notify>,
}

impl MailOutbox {
    pub fn new(store: Arc<dyn MailOutboxStore>, retry: RetryPolicy) -> Self {
        Self {
            store,
            retry,
            wake: Arc::default(),
        }
    }

    /// Queues a mail of its own (one that belongs to no thread entry).
    pub async fn queue(&self, mail: &OutgoingMail) -> Result<MailId> {
        let id = self.store.queue_mail(mail, now_unix()).await?;
        self.wake();
        Ok(id)
    }

    /// Tells this node's sender that mail is waiting.
    pub(crate) fn wake(&self) {
        self.wake.notify_one();
    }

    /// Mail due now, at most `limit`, each leased to the caller.
    pub async fn claim(&self, limit: u32) -> Result<Vec<QueuedMail>> {
        let now = now_unix();
        Ok(self.store.claim_mail(now, now + LEASE_SECS, limit).await?)
    }

    pub async fn sent(&self, mail: &QueuedMail) -> Result<()> {
        tracing::info!(mail = mail.id.0, attempts = mail.attempts, "mail sent");
        Ok(self.store.mail_sent(mail.id, now_unix()).await?)
    }

    /// Records a failed try: a later retry, or the end.
    pub async fn failed(&self, mail: &QueuedMail, failure: &SendFailure) -> Result<()> {
        let now = now_unix();
        match failure {
            SendFailure::Permanent(error) => {
                tracing::warn!(mail = mail.id.0, %error, "mail refused for good");
                self.store.mail_failed(mail.id, error).await?;
            }
            SendFailure::Transient(error) if now - mail.created_at >= self.retry.give_up_secs => {
                tracing::warn!(mail = mail.id.0, %error, "mail given up after retries");
                let error = format!("given up after {} tries: {error}", mail.attempts);
                self.store.mail_failed(mail.id, &error).await?;
            }
            SendFailure::Transient(error) => {
                let at = now + self.retry.delay(mail.attempts);
                tracing::info!(mail = mail.id.0, %error, retry_at = at, "mail will be retried");
                self.store.mail_retry(mail.id, error, at).await?;
            }
        }
        Ok(())
    }

    /// Waits until mail may be due: woken by this node, or when the next
    /// queued mail is due, or after [`POLL_SECS`] at most.
    pub async fn wait(&self) {
        let poll = Duration::from_secs(POLL_SECS);
        let pause = match self.store.next_mail_due().await {
            Ok(Some(due)) => {
                Duration::from_secs(u64::try_from(due - now_unix()).unwrap_or(0)).min(poll)
            }
            Ok(None) => poll,
            Err(error) => {
                tracing::warn!(%error, "could not read the mail outbox");
                poll
            }
        };
        if pause.is_zero() {
            return;
        }
        let _ = tokio::time::timeout(pause, self.wake.notified()).await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retries_back_off_to_an_hour() {
        let p = RetryPolicy::default();
        assert_eq!(p.delay(1), 30);
        assert_eq!(p.delay(2), 60);
        assert_eq!(p.delay(3), 120);
        assert_eq!(p.delay(8), 3600);
        assert_eq!(p.delay(u32::MAX), 3600);
        // An hour apart at most, so three days is some 80 tries.
        let mut total = 0;
        let mut tries = 0;
        while total < p.give_up_secs {
            tries += 1;
            total += p.delay(tries);
        }
        assert!((70..90).contains(&tries), "{tries}");
    }
}
