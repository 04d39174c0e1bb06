//! The desk's mail settings, a service of its own: admins read and save
//! them in the app; the mail supervisor (`parlor_mail::supervisor`) reads
//! what is in force and watches for a change, on every node. Settings made
//! by environment variables win; the page shows them read-only. A password
//! never leaves: the view says whether one is set.

use crate::auth::require;
use crate::store::{MailSettingsStore, StoreError};
use crate::{now_unix, Result};
use parlor_domain::mail_settings::{DeskMail, MailSettingsInput, MailSettingsView};
use parlor_domain::Power;
use parlor_domain::User;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::Notify;

/// How often a node looks for settings saved on another node.
pub const CHECK_EVERY: Duration = Duration::from_secs(5);

/// What the environment sets, shown read-only on the page (`Some` ways
/// win over the saved ones). Its passwords are only markers: the real ones
/// stay with the mail supervisor.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FromEnvironment(pub DeskMail);

#[derive(Clone)]
pub struct MailSettings {
    store: Arc<dyn MailSettingsStore>,
    env: Arc<FromEnvironment>,
    /// Woken by a save on this node; other nodes see the version move.
    saved: Arc<Notify>,
}

impl MailSettings {
    pub fn new(store: Arc<dyn MailSettingsStore>, env: FromEnvironment) -> Self {
        Self {
            store,
            env: Arc::new(env),
            saved: Arc::default(),
        }
    }

    /// What the admin page shows. Admins only.
    pub async fn view(&self, actor: &User) -> Result<MailSettingsView> {
        require(actor, Power::ManageSettings)?;
        let (saved, _) = self.stored().await?;
        Ok(self.viewed(&saved))
    }

    /// Saves the admin's settings (an empty password keeps the stored one)
    /// and tells this node's mail to use them. Admins only.
    pub async fn save(&self, actor: &User, input: MailSettingsInput) -> Result<MailSettingsView> {
        require(actor, Power::ManageSettings)?;
        let (stored, _) = self.stored().await?;
        // A way the environment sets is shown, not edited: what was saved
        // for it stays as it was, unchecked.
        let env = &self.env.0;
        let mut input = input;
        input.outgoing.on &= env.outgoing.is_none();
        input.incoming.on &= env.incoming.is_none();
        let mut settings = input.parse(&stored)?;
        if env.outgoing.is_some() {
            settings.outgoing = stored.outgoing.clone();
        }
        if env.incoming.is_some() {
            settings.incoming = stored.incoming.clone();
        }
        let version = self.store.save_mail_settings(&settings, now_unix()).await?;
        tracing::info!(
            actor = %actor.id,
            version,
            outgoing = settings.outgoing.is_some(),
            incoming = settings.incoming.is_some(),
            "mail settings saved"
        );
        self.saved.notify_waiters();
        Ok(self.viewed(&settings))
    }

    /// The saved settings and their version, for the supervisor.
    pub async fn current(&self) -> Result<(DeskMail, i64)> {
        self.stored().await
    }

    /// A row that cannot be read back counts as nothing saved (version 0),
    /// so the environment's mail still runs and an admin can save anew.
    async fn stored(&self) -> Result<(DeskMail, i64)> {
        match self.store.mail_settings().await {
            Err(StoreError::Corrupt(why)) => {
                tracing::error!(%why, "the saved mail settings cannot be read; save them again");
                Ok((DeskMail::default(), 0))
            }
            other => Ok(other?),
        }
    }

    /// Waits for a save on this node, or [`CHECK_EVERY`] (a save on
    /// another node shows in [`MailSettings::current`]'s version).
    pub async fn changed(&self) {
        let _ = tokio::time::timeout(CHECK_EVERY, self.saved.notified()).await;
    }

    fn viewed(&self, saved: &DeskMail) -> MailSettingsView {
        let env = &self.env.0;
        let shown = DeskMail {
            outgoing: env.outgoing.clone().or_else(|| saved.outgoing.clone()),
            incoming: env.incoming.clone().or_else(|| saved.incoming.clone()),
        };
        MailSettingsView {
            outgoing_from_environment: env.outgoing.is_some(),
            incoming_from_environment: env.incoming.is_some(),
            ..shown.view()
        }
    }
}
