//! parlor-mail's integration tests, one binary, against real mail servers:
//! Debian's postfix and dovecot on loopback, as `scripts/mail.sh` sets them
//! up (it prints the `PARLOR_TEST_*` variables read here; `scripts/test.sh`
//! exports them). The database is SQLite, or PostgreSQL when
//! `PARLOR_TEST_POSTGRES` is set.

#![allow(clippy::unwrap_used)] // tests may panic on setup failures

mod intake;
mod replies;
mod settings;

use futures::TryStreamExt;
use parlor_mail::{Endpoint, Secret, Security};
use std::path::PathBuf;
use std::time::Duration;

/// Tests that need postfix up hold this for reading; the one that stops
/// it midway holds it for writing, so it never stops another's mail.
pub static SMTP: tokio::sync::RwLock<()> = tokio::sync::RwLock::const_new(());

/// The test mail servers, when `scripts/mail.sh` runs.
pub struct Servers {
    pub host: String,
    pub submission_port: u16,
    pub smtps_port: u16,
    pub imap_port: u16,
    pub imaps_port: u16,
    pub ca: PathBuf,
    pub password: String,
}

impl Servers {
    /// The servers, or `None` after saying why the test is skipped (on CI
    /// that fails the test instead).
    pub fn get(test: &str) -> Option<Servers> {
        let var = |k: &str| std::env::var(k).ok().filter(|v| !v.is_empty());
        let port = |k: &str| var(k).and_then(|v| v.parse().ok());
        let servers = (|| {
            Some(Servers {
                host: var("PARLOR_TEST_SMTP_HOST")?,
                submission_port: port("PARLOR_TEST_SUBMISSION_PORT")?,
                smtps_port: port("PARLOR_TEST_SMTPS_PORT")?,
                imap_port: port("PARLOR_TEST_IMAP_PORT")?,
                imaps_port: port("PARLOR_TEST_IMAPS_PORT")?,
                ca: var("PARLOR_TEST_MAIL_CA")?.into(),
                password: var("PARLOR_TEST_MAIL_PASSWORD")?,
            })
        })();
        if servers.is_none() {
            chat_core::testing::skip(
                test,
                "no test mail servers (run `eval \"$(scripts/mail.sh start)\"` and export them)",
            );
        }
        servers
    }

    pub fn endpoint(&self, port: u16, security: Security, user: &str) -> Endpoint {
        Endpoint {
            host: self.host.clone(),
            port,
            security,
            user: Some(user.to_string()),
            password: Some(Secret::new(self.password.clone())),
        }
    }

    /// Runs `scripts/mail.sh <what>` (`smtp-stop`, `smtp-start`).
    pub fn control(&self, what: &str) {
        let script = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../scripts/mail.sh");
        let status = std::process::Command::new(script)
            .arg(what)
            .stdout(std::process::Stdio::null())
            .status()
            .unwrap();
        assert!(status.success(), "scripts/mail.sh {what} failed");
    }
}

/// A Parlor sending as `address`, retrying failed mail after a second, and
/// its first admin. Keep the directory while the Parlor runs.
pub async fn desk(address: &str) -> (tempfile::TempDir, chat_core::Parlor, parlor_domain::User) {
    let dir = tempfile::tempdir().unwrap();
    let url = chat_core::testing::database_url(dir.path()).await.unwrap();
    let options = chat_core::Options {
        mail: Some(chat_core::ticket_thread::MailIdentity {
            address: address.into(),
            name: "Desk".into(),
        }),
        mail_retry: chat_core::mail_outbox::RetryPolicy {
            first_secs: 1,
            ..Default::default()
        },
        ..Default::default()
    };
    let (parlor, admin) = chat_core::testing::open_with_admin(&url, options)
        .await
        .unwrap();
    (dir, parlor, admin)
}

/// A mailbox address no other test or run uses.
pub fn fresh_address(local: &str, domain: &str) -> String {
    let tag = &uuid::Uuid::new_v4().simple().to_string()[..10];
    format!("{local}{tag}@{domain}")
}

/// Polls `check` until it returns `Some`, for at most `limit`.
pub async fn eventually<T, F, Fut>(limit: Duration, what: &str, mut check: F) -> T
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Option<T>>,
{
    let deadline = tokio::time::Instant::now() + limit;
    loop {
        if let Some(v) = check().await {
            return v;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "timed out waiting for {what}"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

/// Every message in `user`'s INBOX, raw.
pub async fn inbox(servers: &Servers, security: parlor_mail::Security, user: &str) -> Vec<String> {
    let port = match security {
        parlor_mail::Security::Tls => servers.imaps_port,
        _ => servers.imap_port,
    };
    let connector = parlor_mail::imap::Connector::new(Some(&servers.ca)).unwrap();
    let mut session = connector
        .sign_in(&servers.endpoint(port, security, user))
        .await
        .unwrap();
    let mailbox = session.select("INBOX").await.unwrap();
    let mut out = Vec::new();
    if mailbox.exists > 0 {
        let fetched: Vec<_> = session
            .fetch("1:*", "RFC822")
            .await
            .unwrap()
            .try_collect()
            .await
            .unwrap();
        for f in fetched {
            out.push(String::from_utf8_lossy(f.body().unwrap_or_default()).into_owned());
        }
    }
    session.logout().await.unwrap();
    out
}
