//! Staff accounts, managed by admins.

use crate::auth::require_admin;
use crate::store::{NewUserRecord, StoreError};
use crate::{password, Error, Parlor, Result};
use parlor_domain::{Field, NewUser, User, ValidationErrors};

impl Parlor {
    pub async fn create_user(&self, actor: &User, new: NewUser) -> Result<User> {
        require_admin(actor)?;
        let user = self.insert_user(new).await?;
        // The team lists the newcomer.
        self.presence_changed().await;
        Ok(user)
    }

    /// Creates a user without an actor: only for first-run set-up and tests.
    pub(crate) async fn insert_user(&self, new: NewUser) -> Result<User> {
        let new = new.normalized();
        new.validate()?;
        let record = NewUserRecord {
            password_hash: password::hash(new.password.clone()).await?,
            email: new.email,
            display_name: new.display_name,
            role: new.role,
        };
        match self.store.users().insert_user(&record).await {
            Err(StoreError::Conflict(_)) => Err(Error::Validation(ValidationErrors::single(
                Field::Email,
                "is already used by another account",
            ))),
            other => Ok(other?),
        }
    }

    /// Everyone signed in may see the team (operators pick colleagues to hand over to).
    pub async fn list_users(&self, _actor: &User) -> Result<Vec<User>> {
        Ok(self.store.users().list_users().await?)
    }
}
