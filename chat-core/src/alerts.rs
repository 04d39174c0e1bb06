//! Each operator's alert settings: what plays a sound, shows a notification
//! and counts in the title in their inbox. Everyone reads and changes only
//! their own.

use crate::{Error, Parlor, Result};
use parlor_domain::{AlertSettings, User, UserId};

impl Parlor {
    /// `user`'s own alert settings; the defaults until they change one.
    /// Settings that cannot be read are the defaults too, rather than an
    /// inbox that cannot start.
    pub async fn alert_settings(&self, user: &User) -> Result<AlertSettings> {
        let stored = self.store.alerts().alert_settings(user.id).await?;
        Ok(stored
            .and_then(|json| serde_json::from_str(&json).ok())
            .unwrap_or_default())
    }

    /// Stores `user`'s alert settings; only they may (refused for anyone
    /// else, admins included: it is a personal preference).
    pub async fn set_alert_settings(
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
        self.store.alerts().set_alert_settings(user, &json).await?;
        Ok(())
    }
}
