//! Teams' website forms (`help_forms`): one row per team that changed its
//! form from the built-in fields alone.

use super::StoreError;
use parlor_domain::{HelpForm, TeamId};

#[async_trait::async_trait]
pub trait HelpFormStore: Send + Sync {
    /// The team's form; the built-in fields alone when never set.
    async fn help_form(&self, team: TeamId) -> Result<HelpForm, StoreError>;

    /// Replaces the team's form. `NotFound("team")` if it is gone.
    async fn save_help_form(
        &self,
        team: TeamId,
        form: &HelpForm,
        now: i64,
    ) -> Result<(), StoreError>;
}

macro_rules! help_forms_sql {
    ($store:ty, $db:ty) => {
        #[async_trait::async_trait]
        impl $crate::store::HelpFormStore for $store {
            async fn help_form(
                &self,
                team: parlor_domain::TeamId,
            ) -> Result<parlor_domain::HelpForm, StoreError> {
                let row = sqlx::query("SELECT fields FROM help_forms WHERE team_id = $1")
                    .bind(team.0)
                    .fetch_optional(&self.pool)
                    .await?;
                match row {
                    None => Ok(parlor_domain::HelpForm::default()),
                    Some(r) => Ok(parlor_domain::HelpForm {
                        fields: rows::json(&r, "fields")?,
                    }),
                }
            }

            async fn save_help_form(
                &self,
                team: parlor_domain::TeamId,
                form: &parlor_domain::HelpForm,
                now: i64,
            ) -> Result<(), StoreError> {
                let fields = rows::to_json(&form.fields)?;
                let saved = sqlx::query(
                    "INSERT INTO help_forms (team_id, fields, updated_at) VALUES ($1, $2, $3)
                     ON CONFLICT (team_id) DO UPDATE SET fields = excluded.fields,
                         updated_at = excluded.updated_at",
                )
                .bind(team.0)
                .bind(fields)
                .bind(now)
                .execute(&self.pool)
                .await;
                match saved {
                    Ok(_) => Ok(()),
                    Err(e) if rows::is_foreign_key_violation(&e) => {
                        Err(StoreError::NotFound("team"))
                    }
                    Err(e) => Err(e.into()),
                }
            }
        }
    };
}

pub(super) use help_forms_sql;
