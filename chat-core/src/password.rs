//! Argon2id password hashing, run off the async runtime because it is
//! deliberately slow.

use crate::{Error, Result};
use argon2::password_hash::{
    rand_core::OsRng, PasswordHash, PasswordHasher, PasswordVerifier, SaltString,
};
use argon2::Argon2;

/// Each hash takes ~19 MiB and real CPU time; at most this many run at once,
/// so a burst of sign-in attempts queues instead of exhausting memory.
static HASHING: tokio::sync::Semaphore = tokio::sync::Semaphore::const_new(4);

async fn permit() -> Result<tokio::sync::SemaphorePermit<'static>> {
    HASHING
        .acquire()
        .await
        .map_err(|e| Error::Internal(format!("hashing semaphore: {e}")))
}

pub(crate) async fn hash(password: String) -> Result<String> {
    let _permit = permit().await?;
    tokio::task::spawn_blocking(move || {
        let salt = SaltString::generate(&mut OsRng);
        Argon2::default()
            .hash_password(password.as_bytes(), &salt)
            .map(|h| h.to_string())
            .map_err(|e| Error::Internal(format!("hashing password: {e}")))
    })
    .await
    .map_err(|e| Error::Internal(format!("hashing task: {e}")))?
}

/// True if `password` matches `phc`. With `phc = None` it still does the work
/// of one verification, so "no such user" and "wrong password" take the same
/// time and an attacker cannot probe for accounts.
pub(crate) async fn verify(password: String, phc: Option<String>) -> Result<bool> {
    let _permit = permit().await?;
    tokio::task::spawn_blocking(move || {
        let phc = phc.unwrap_or_else(|| DUMMY_HASH.to_string());
        let parsed = PasswordHash::new(&phc)
            .map_err(|e| Error::Internal(format!("stored hash is malformed: {e}")))?;
        let ok = Argon2::default()
            .verify_password(password.as_bytes(), &parsed)
            .is_ok();
        Ok(ok && phc != DUMMY_HASH)
    })
    .await
    .map_err(|e| Error::Internal(format!("verifying task: {e}")))?
}

/// An Argon2id hash (default parameters) of a random string nobody knows.
const DUMMY_HASH: &str = "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$BaTKlXJH7a5YkCJxJ6s6Yq1pD8m6WQbXt1v8x5c3Jmw";

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn hash_then_verify() {
        let h = hash("correct horse".into()).await.unwrap();
        assert!(h.starts_with("$argon2id$"));
        assert!(verify("correct horse".into(), Some(h.clone()))
            .await
            .unwrap());
        assert!(!verify("wrong horse".into(), Some(h)).await.unwrap());
    }

    #[tokio::test]
    async fn unknown_user_never_verifies() {
        assert!(!verify("anything".into(), None).await.unwrap());
    }
}
