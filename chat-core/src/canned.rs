//! Canned responses: admins manage them, every staff member reads them (the
//! composer offers them after `:` + shortcut).

use crate::auth::require_admin;
use crate::store::StoreError;
use crate::{now_unix, Error, Parlor, Result};
use parlor_domain::{CannedInput, CannedResponse, Field, User, ValidationErrors};

/// The message for a shortcut another canned response has.
const TAKEN: &str = "is already used by another canned response";

/// A taken shortcut is the admin's to fix, beside the field.
fn taken(e: StoreError) -> Error {
    match e {
        StoreError::Conflict(_) => {
            Error::Validation(ValidationErrors::single(Field::Shortcut, TAKEN))
        }
        other => other.into(),
    }
}

impl Parlor {
    /// Every canned response, by shortcut. Any signed-in staff member may
    /// read them.
    pub async fn canned_responses(&self, _actor: &User) -> Result<Vec<CannedResponse>> {
        Ok(self.store.canned().list_canned().await?)
    }

    /// Admins only. The shortcut must be free.
    pub async fn create_canned(&self, actor: &User, input: CannedInput) -> Result<CannedResponse> {
        require_admin(actor)?;
        let input = input.parse()?;
        let canned = self
            .store
            .canned()
            .create_canned(&input.shortcut, &input.body, now_unix())
            .await
            .map_err(taken)?;
        tracing::info!(actor = %actor.id, id = canned.id, "canned response created");
        Ok(canned)
    }

    /// Replaces a canned response's shortcut and text. Admins only.
    pub async fn update_canned(
        &self,
        actor: &User,
        id: i64,
        input: CannedInput,
    ) -> Result<CannedResponse> {
        require_admin(actor)?;
        let input = input.parse()?;
        self.store
            .canned()
            .update_canned(id, &input.shortcut, &input.body, now_unix())
            .await
            .map_err(taken)
    }

    /// Admins only; `NotFound` if there is no such canned response.
    pub async fn delete_canned(&self, actor: &User, id: i64) -> Result<()> {
        require_admin(actor)?;
        self.store.canned().delete_canned(id).await?;
        tracing::info!(actor = %actor.id, id, "canned response deleted");
        Ok(())
    }
}
