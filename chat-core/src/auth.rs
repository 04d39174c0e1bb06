//! Sign-in, sessions and sign-out (`Auth`, `parlor.auth()`). The session token is 256 random bits handed
//! to the browser once; only its SHA-256 is stored.

use crate::store::UserStore;
use crate::{now_unix, password, Error, Parlor, Result};
use parlor_domain::user::normalize_email;
use parlor_domain::User;
use rand::RngCore;
use sha2::{Digest, Sha256};
use std::sync::Arc;

/// Sessions last 30 days.
pub const SESSION_TTL_SECS: i64 = 30 * 24 * 3600;

/// A new session: the secret token for the cookie and the signed-in user.
#[derive(Clone)]
pub struct Session {
    pub token: String,
    pub user: User,
}

impl std::fmt::Debug for Session {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Session")
            .field("token", &"<redacted>")
            .field("user", &self.user)
            .finish()
    }
}

/// A fresh secret: 256 random bits, hex-encoded.
pub(crate) fn new_token() -> String {
    let mut bytes = [0u8; 32];
    rand::thread_rng().fill_bytes(&mut bytes);
    hex::encode(bytes)
}

pub(crate) fn token_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// Sign-in sessions, a service of its own over the user store;
/// `Parlor::auth` hands it out. Signing in and out stay on the Parlor
/// (`Parlor::sign_in`, `Parlor::sign_out`), which use this: they also set
/// the user's availability, and presence is still an `impl Parlor` block.
#[derive(Clone)]
pub struct Auth {
    store: Arc<dyn UserStore>,
}

impl Auth {
    pub fn new(store: Arc<dyn UserStore>) -> Self {
        Self { store }
    }

    /// Checks the credentials and opens a session.
    async fn open(&self, email: &str, password: &str) -> Result<Session> {
        let email = normalize_email(email);
        let found = self.store.user_credentials(&email).await?;
        let (user, phc) = match found {
            Some((user, phc)) => (Some(user), Some(phc)),
            None => (None, None),
        };
        if !password::verify(password.to_string(), phc).await? {
            return Err(Error::InvalidCredentials);
        }
        let user = user.ok_or(Error::InvalidCredentials)?;
        let token = new_token();
        let now = now_unix();
        self.store
            .insert_session(&token_hash(&token), user.id, now, now + SESSION_TTL_SECS)
            .await?;
        Ok(Session { token, user })
    }

    /// The user behind a session token, or `Unauthenticated`.
    pub async fn authenticate(&self, token: &str) -> Result<User> {
        self.store
            .session_user(&token_hash(token), now_unix())
            .await?
            .ok_or(Error::Unauthenticated)
    }

    /// Ends the session; the user, if that was their last one.
    async fn close(&self, token: &str) -> Result<Option<User>> {
        let user = self.authenticate(token).await.ok();
        self.store.delete_session(&token_hash(token)).await?;
        let Some(user) = user else {
            return Ok(None);
        };
        let others = self.store.count_sessions(user.id, now_unix()).await;
        Ok(matches!(others, Ok(0)).then_some(user))
    }
}

impl Parlor {
    pub async fn sign_in(&self, email: &str, password: &str) -> Result<Session> {
        let session = self.auth().open(email, password).await?;
        // Signing in is starting work; signing out (below) is ending it.
        self.set_availability(&session.user, parlor_domain::Availability::Online)
            .await?;
        tracing::info!(user = %session.user.id, "signed in");
        Ok(session)
    }

    pub async fn sign_out(&self, token: &str) -> Result<()> {
        // Signed out everywhere: off work. (Signed in on another device
        // still: that device's inbox decides.)
        if let Some(user) = self.auth().close(token).await? {
            let offline = parlor_domain::Availability::Offline;
            if let Err(e) = self.set_availability(&user, offline).await {
                tracing::warn!(error = %e, "could not set a signed-out user offline");
            }
        }
        Ok(())
    }
}

/// Refuses `actor` unless their role has `power` (`Role::may`, the one
/// table of what each role may do).
pub(crate) fn require(actor: &User, power: parlor_domain::Power) -> Result<()> {
    if actor.may(power) {
        Ok(())
    } else {
        Err(Error::Forbidden)
    }
}
