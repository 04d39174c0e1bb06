//! Staff accounts, managed by admins, a service of its own over the user
//! store; `Parlor::users` hands it out. Creating an account stays on the
//! Parlor (`Parlor::create_user`): the team list in presence, which is
//! still an `impl Parlor` block, must hear of the newcomer before it returns.

use crate::auth::require;
use crate::store::{NewUserRecord, StoreError, UserStore};
use crate::{password, Error, Parlor, Result};
use parlor_domain::Power;
use parlor_domain::{Field, NewUser, User, ValidationErrors};
use std::sync::Arc;

#[derive(Clone)]
pub struct Users {
    store: Arc<dyn UserStore>,
}

impl Users {
    pub fn new(store: Arc<dyn UserStore>) -> Self {
        Self { store }
    }

    /// Creates a user without an actor: only for first-run set-up, tests
    /// and `Parlor::create_user`, which checks the actor.
    pub(crate) async fn insert(&self, new: NewUser) -> Result<User> {
        let new = new.normalized();
        new.validate()?;
        let record = NewUserRecord {
            password_hash: password::hash(new.password.clone()).await?,
            email: new.email,
            display_name: new.display_name,
            role: new.role,
        };
        match self.store.insert_user(&record).await {
            Err(StoreError::Conflict(_)) => Err(Error::Validation(ValidationErrors::single(
                Field::Email,
                "is already used by another account",
            ))),
            other => Ok(other?),
        }
    }

    /// Everyone signed in may see the team (operators pick colleagues to hand over to).
    pub async fn list(&self, _actor: &User) -> Result<Vec<User>> {
        Ok(self.store.list_users().await?)
    }
}

impl Parlor {
    /// Admins only. On the Parlor rather than `Users`: presence (an `impl
    /// Parlor` block) derives the team again before this returns.
    pub async fn create_user(&self, actor: &User, new: NewUser) -> Result<User> {
        require(actor, Power::ManageUsers)?;
        let user = self.users().insert(new).await?;
        // The team lists the newcomer.
        self.presence_changed().await;
        Ok(user)
    }
}
