//! parlor-mail's integration tests, one binary, against real mail servers:
//! Debian's postfix and dovecot on loopback, as `scripts/mail.sh` sets them
//! up (it prints the `PARLOR_TEST_*` variables read here; `scripts/test.sh`
//! exports them). The database is SQLite, or PostgreSQL when
//! `PARLOR_TEST_POSTGRES` is set.

#![allow(clippy::unwrap_used)] // tests may panic on setup failures

mod replies;

use parlor_mail::{Endpoint, Secret, Security};
use std::path::PathBuf;
use std::time::Duration;

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
