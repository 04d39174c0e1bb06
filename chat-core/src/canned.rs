//! Canned responses, a service of its own: admins manage them, every staff
//! member reads them (the composer offers them after `:` + shortcut). It
//! holds only the canned-response store; `Parlor::canned` hands it out.
//! This is the shape every feature service takes: its own type over the
//! narrow store trait it needs, built once by `Parlor::new`.

use crate::auth::require;
use crate::store::{CannedStore, StoreError};
use crate::{now_unix, Error, Result};
use parlor_domain::Power;
use parlor_domain::{CannedInput, CannedResponse, Field, User, ValidationErrors};
use std::sync::Arc;

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

#[derive(Clone)]
pub struct CannedResponses {
    store: Arc<dyn CannedStore>,
}

impl CannedResponses {
    pub fn new(store: Arc<dyn CannedStore>) -> Self {
        Self { store }
    }

    /// Every canned response, by shortcut. Any signed-in staff member may
    /// read them.
    pub async fn list(&self, _actor: &User) -> Result<Vec<CannedResponse>> {
        Ok(self.store.list_canned().await?)
    }

    /// Admins only. The shortcut must be free.
    pub async fn create(&self, actor: &User, input: CannedInput) -> Result<CannedResponse> {
        require(actor, Power::ManageCanned)?;
        let input = input.parse()?;
        let canned = self
            .store
            .create_canned(&input.shortcut, &input.body, now_unix())
            .await
            .map_err(taken)?;
        tracing::info!(actor = %actor.id, id = canned.id, "canned response created");
        Ok(canned)
    }

    /// Replaces a canned response's shortcut and text. Admins only.
    pub async fn update(
        &self,
        actor: &User,
        id: i64,
        input: CannedInput,
    ) -> Result<CannedResponse> {
        require(actor, Power::ManageCanned)?;
        let input = input.parse()?;
        self.store
            .update_canned(id, &input.shortcut, &input.body, now_unix())
            .await
            .map_err(taken)
    }

    /// Admins only; `NotFound` if there is no such canned response.
    pub async fn delete(&self, actor: &User, id: i64) -> Result<()> {
        require(actor, Power::ManageCanned)?;
        self.store.delete_canned(id).await?;
        tracing::info!(actor = %actor.id, id, "canned response deleted");
        Ok(())
    }
}
