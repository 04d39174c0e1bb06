//! The IMAP intake: every poll, sign in, read the mailbox's new mail oldest
//! first, hand each to `chat_core::mail_intake`, and only once that has
//! committed it mark the mail deleted (expunged at the end of the pass). A
//! crash in between leaves the mail in the mailbox, and the next pass finds
//! it already imported. Mail too large to import whole, or not a mail at
//! all, is moved to the refused folder, never dropped.

use crate::imap::{Connector, ImapError, Session};
use crate::inbound;
use crate::settings::ImapSettings;
use chat_core::mail_intake::{Intake, MailIntake};
use futures::TryStreamExt;
use parlor_domain::mail::MAX_INBOUND_BYTES;

/// Mails read in one pass; the rest wait for the next.
pub const BATCH: usize = 50;

/// What one pass did.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Pass {
    /// Filed into a ticket (new, joined, or found already in).
    pub filed: usize,
    /// Moved to the refused folder.
    pub refused: usize,
    /// Left in the mailbox for a later pass (no team takes mail, or the
    /// database failed).
    pub left: usize,
}

pub struct ImapIntake {
    connector: Connector,
    settings: ImapSettings,
}

impl ImapIntake {
    pub fn new(connector: Connector, settings: ImapSettings) -> Self {
        Self {
            connector,
            settings,
        }
    }

    /// Polls until the task is dropped.
    pub async fn run(self, intake: MailIntake) {
        loop {
            match self.pass(&intake).await {
                Ok(pass) if pass != Pass::default() => {
                    tracing::info!(?pass, "mail intake pass");
                }
                Ok(_) => {}
                Err(error) => tracing::warn!(%error, "mail intake failed; trying again later"),
            }
            tokio::time::sleep(self.settings.poll).await;
        }
    }

    /// One look at the mailbox.
    pub async fn pass(&self, intake: &MailIntake) -> Result<Pass, ImapError> {
        let mut session = self.connector.sign_in(&self.settings.endpoint).await?;
        session.select(&self.settings.mailbox).await?;
        let mut uids: Vec<u32> = session.uid_search("UNDELETED").await?.into_iter().collect();
        uids.sort_unstable();
        uids.truncate(BATCH);
        let mut pass = Pass::default();
        if uids.is_empty() {
            session.logout().await?;
            return Ok(pass);
        }
        // The batch's sizes in one command, to know what to fetch whole.
        let set: Vec<String> = uids.iter().map(u32::to_string).collect();
        let sizes: std::collections::HashMap<u32, u32> = session
            .uid_fetch(set.join(","), "RFC822.SIZE")
            .await?
            .try_collect::<Vec<_>>()
            .await?
            .iter()
            .filter_map(|f| Some((f.uid?, f.size?)))
            .collect();
        for uid in uids {
            let size = sizes.get(&uid).copied().unwrap_or(0);
            match self.one(&mut session, intake, uid, size).await? {
                Outcome::Filed => pass.filed += 1,
                Outcome::Refused => pass.refused += 1,
                Outcome::Left => pass.left += 1,
            }
        }
        if pass.filed + pass.refused > 0 {
            session.expunge().await?.try_collect::<Vec<_>>().await?;
        }
        session.logout().await?;
        Ok(pass)
    }

    async fn one(
        &self,
        session: &mut Session,
        intake: &MailIntake,
        uid: u32,
        size: u32,
    ) -> Result<Outcome, ImapError> {
        let too_large = size > MAX_INBOUND_BYTES;
        let query = if too_large {
            "BODY.PEEK[HEADER]"
        } else {
            "BODY.PEEK[]"
        };
        let Some(fetched) = fetch_one(session, uid, query).await? else {
            return Ok(Outcome::Left);
        };
        let raw = if too_large {
            fetched.header()
        } else {
            fetched.body()
        }
        .unwrap_or_default();
        let Some(mut mail) = inbound::parse(raw) else {
            tracing::warn!(
                uid,
                "not a mail (no From, no Message-ID): moved to the refused folder"
            );
            self.refuse(session, uid).await?;
            return Ok(Outcome::Refused);
        };
        if too_large {
            mail.text = format!(
                "[This mail was {:.1} MB, over the {} MB that Parlor imports. Its text and files were not imported; the mail is kept in the mailbox folder \"{}\".]",
                f64::from(size) / 1_048_576.0,
                MAX_INBOUND_BYTES / 1_048_576,
                self.settings.refused_folder
            );
        }
        match intake.receive(&mail).await {
            Ok(Intake::NoTeam) => {
                tracing::warn!(
                    uid,
                    "no helpdesk team takes email: the mail stays in the mailbox"
                );
                Ok(Outcome::Left)
            }
            Ok(_) if too_large => {
                self.refuse(session, uid).await?;
                Ok(Outcome::Refused)
            }
            Ok(_) => {
                delete(session, uid).await?;
                Ok(Outcome::Filed)
            }
            Err(error) => {
                tracing::warn!(uid, %error, "could not file a mail; it stays for the next pass");
                Ok(Outcome::Left)
            }
        }
    }

    /// Copies the mail to the refused folder (made if missing), then
    /// deletes it here.
    async fn refuse(&self, session: &mut Session, uid: u32) -> Result<(), ImapError> {
        let folder = &self.settings.refused_folder;
        if session.uid_copy(uid.to_string(), folder).await.is_err() {
            session.create(folder).await?;
            session.uid_copy(uid.to_string(), folder).await?;
        }
        delete(session, uid).await
    }
}

enum Outcome {
    Filed,
    Refused,
    Left,
}

async fn fetch_one(
    session: &mut Session,
    uid: u32,
    query: &str,
) -> Result<Option<async_imap::types::Fetch>, ImapError> {
    let mut all: Vec<_> = session
        .uid_fetch(uid.to_string(), query)
        .await?
        .try_collect()
        .await?;
    Ok(all.pop())
}

async fn delete(session: &mut Session, uid: u32) -> Result<(), ImapError> {
    session
        .uid_store(uid.to_string(), "+FLAGS.SILENT (\\Deleted)")
        .await?
        .try_collect::<Vec<_>>()
        .await?;
    Ok(())
}
