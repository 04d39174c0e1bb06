//! The desk's mail settings (`mail_settings`): one row of JSON and a
//! version that moves with each save.

use super::StoreError;
use parlor_domain::mail_settings::DeskMail;

#[async_trait::async_trait]
pub trait MailSettingsStore: Send + Sync {
    /// The saved settings and their version; nothing saved yet is the
    /// default (both ways off) at version 0.
    async fn mail_settings(&self) -> Result<(DeskMail, i64), StoreError>;

    /// Just the version, for nodes watching for a change.
    async fn mail_settings_version(&self) -> Result<i64, StoreError>;

    /// Replaces the settings; the new version.
    async fn save_mail_settings(&self, settings: &DeskMail, now: i64) -> Result<i64, StoreError>;
}

macro_rules! mail_settings_sql {
    ($store:ty, $db:ty) => {
        #[async_trait::async_trait]
        impl $crate::store::MailSettingsStore for $store {
            async fn mail_settings(
                &self,
            ) -> Result<(parlor_domain::mail_settings::DeskMail, i64), StoreError> {
                let row = sqlx::query("SELECT settings, version FROM mail_settings WHERE id = 1")
                    .fetch_optional(&self.pool)
                    .await?;
                let Some(row) = row else {
                    return Ok((parlor_domain::mail_settings::DeskMail::default(), 0));
                };
                let settings = serde_json::from_str(&row.text("settings")?)
                    .map_err(|e| StoreError::Corrupt(format!("mail settings: {e}")))?;
                Ok((settings, row.int("version")?))
            }

            async fn mail_settings_version(&self) -> Result<i64, StoreError> {
                let row = sqlx::query("SELECT version FROM mail_settings WHERE id = 1")
                    .fetch_optional(&self.pool)
                    .await?;
                row.map_or(Ok(0), |r| r.int("version"))
            }

            async fn save_mail_settings(
                &self,
                settings: &parlor_domain::mail_settings::DeskMail,
                now: i64,
            ) -> Result<i64, StoreError> {
                let json = serde_json::to_string(settings)
                    .map_err(|e| StoreError::Corrupt(format!("mail settings: {e}")))?;
                let row = sqlx::query(
                    "INSERT INTO mail_settings (id, settings, version, updated_at)
                     VALUES (1, $1, 1, $2)
                     ON CONFLICT (id) DO UPDATE
                        SET settings = excluded.settings,
                            version = mail_settings.version + 1,
                            updated_at = excluded.updated_at
                     RETURNING version",
                )
                .bind(json)
                .bind(now)
                .fetch_one(&self.pool)
                .await?;
                row.int("version")
            }
        }
    };
}

pub(super) use mail_settings_sql;
