//! Each operator's alert settings, a service of its own: what plays a
//! sound, shows a notification and counts in the title in their inbox.
//! Everyone reads and changes only their own. `Parlor::alerts` hands it out.

use crate::store::AlertStore;
use crate::{Error, Result};
use parlor_domain::{AlertSettings, User, UserId};
use std::sync::Arc;

#[derive(Clone)]
pub struct Alerts {
    store: Arc<dyn AlertStore>,
}

impl Alerts {
    pub fn new(store: Arc<dyn AlertStore>) -> Self {
        Self { store }
    }

    /// `user`'s own alert settings; the defaults until they change one.
    /// Settings that cannot be read are the defaults too, rather than an
    /// inbox that cannot start.
    pub async fn settings(&self, user: &User) -> Result<AlertSettings> {
        let stored = self.store.alert_settings(user.id).await?;
        Ok(stored
            .and_then(|json| serde_json::from_str(&json).ok())
            .unwrap_or_default())
    }

    /// Stores `user`'s alert settings; only they may (refused for anyone
    /// else, admins included: it is a personal preference).
    pub async fn set_settings(
        &self,
        actor: &User,
        user: UserId,
        settings: &AlertSettings,
    ) -> Result<()> {
        if actor.id != user {
            return Err(Error::NotPermitted(
                "only the operator themselves may change their alert settings",
            ));
        }
        let json = serde_json::to_string(settings)
            .map_err(|e| Error::Internal(format!("alert settings: {e}")))?;
        self.store.set_alert_settings(user, &json).await?;
        Ok(())
    }
}
