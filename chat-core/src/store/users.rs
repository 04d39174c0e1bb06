//! Staff accounts and their sign-in sessions (`users`, `sessions`).

use super::StoreError;
use parlor_domain::{Role, User, UserId};

/// A user row about to be inserted; the password is already hashed.
#[derive(Debug, Clone)]
pub struct NewUserRecord {
    pub email: String,
    pub display_name: String,
    pub role: Role,
    pub password_hash: String,
}

/// Staff accounts and sessions.
#[async_trait::async_trait]
pub trait UserStore: Send + Sync {
    async fn count_users(&self) -> Result<u64, StoreError>;

    /// Fails with `Conflict("user")` if the email is taken.
    async fn insert_user(&self, user: &NewUserRecord) -> Result<User, StoreError>;

    async fn get_user(&self, id: UserId) -> Result<Option<User>, StoreError>;

    /// The user and their password hash, for sign-in.
    async fn user_credentials(&self, email: &str) -> Result<Option<(User, String)>, StoreError>;

    async fn list_users(&self) -> Result<Vec<User>, StoreError>;

    async fn insert_session(
        &self,
        token_hash: &str,
        user: UserId,
        now: i64,
        expires_at: i64,
    ) -> Result<(), StoreError>;

    /// The user of a session that has not expired at `now`.
    async fn session_user(&self, token_hash: &str, now: i64) -> Result<Option<User>, StoreError>;

    async fn delete_session(&self, token_hash: &str) -> Result<(), StoreError>;

    /// The user's sessions that have not expired at `now`.
    async fn count_sessions(&self, user: UserId, now: i64) -> Result<u64, StoreError>;
}

/// `UserStore`'s statements, shared by both backends: expanded into an `impl`
/// for a backend's type by `sql_store!` (`sql_store.rs`).
macro_rules! users_sql {
    ($store:ty, $db:ty) => {
        #[async_trait::async_trait]
        impl $crate::store::UserStore for $store {
            async fn count_users(&self) -> Result<u64, StoreError> {
                let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM users")
                    .fetch_one(&self.pool)
                    .await?;
                Ok(n as u64)
            }

            async fn insert_user(&self, u: &NewUserRecord) -> Result<User, StoreError> {
                let res = sqlx::query(
                    "INSERT INTO users (email, display_name, role, password_hash, created_at)
                     VALUES ($1, $2, $3, $4, $5) RETURNING id",
                )
                .bind(&u.email)
                .bind(&u.display_name)
                .bind(u.role.as_str())
                .bind(&u.password_hash)
                .bind(crate::now_unix())
                .fetch_one(&self.pool)
                .await;
                match res {
                    Ok(row) => Ok(User {
                        id: UserId(row.int("id")?),
                        email: u.email.clone(),
                        display_name: u.display_name.clone(),
                        role: u.role,
                    }),
                    Err(e) if rows::is_unique_violation(&e) => Err(StoreError::Conflict("user")),
                    Err(e) => Err(e.into()),
                }
            }

            async fn get_user(&self, id: UserId) -> Result<Option<User>, StoreError> {
                let row = sqlx::query(&format!("SELECT {USER_COLUMNS} FROM users WHERE id = $1"))
                    .bind(id.0)
                    .fetch_optional(&self.pool)
                    .await?;
                row.as_ref().map(rows::user).transpose()
            }

            async fn user_credentials(&self, email: &str) -> Result<Option<(User, String)>, StoreError> {
                let row = sqlx::query(&format!(
                    "SELECT {USER_COLUMNS}, password_hash FROM users WHERE email = $1"
                ))
                .bind(email)
                .fetch_optional(&self.pool)
                .await?;
                match row {
                    Some(row) => Ok(Some((rows::user(&row)?, row.text("password_hash")?))),
                    None => Ok(None),
                }
            }

            async fn list_users(&self) -> Result<Vec<User>, StoreError> {
                let rows = sqlx::query(&format!(
                    "SELECT {USER_COLUMNS} FROM users ORDER BY lower(display_name), id"
                ))
                .fetch_all(&self.pool)
                .await?;
                rows.iter().map(rows::user).collect()
            }

            async fn insert_session(
                &self,
                token_hash: &str,
                user: UserId,
                now: i64,
                expires_at: i64,
            ) -> Result<(), StoreError> {
                // Expired sessions are swept here, on the rare write path.
                sqlx::query("DELETE FROM sessions WHERE expires_at <= $1")
                    .bind(now)
                    .execute(&self.pool)
                    .await?;
                sqlx::query(
                    "INSERT INTO sessions (token_hash, user_id, created_at, expires_at) VALUES ($1, $2, $3, $4)",
                )
                .bind(token_hash)
                .bind(user.0)
                .bind(now)
                .bind(expires_at)
                .execute(&self.pool)
                .await?;
                Ok(())
            }

            async fn session_user(&self, token_hash: &str, now: i64) -> Result<Option<User>, StoreError> {
                let row = sqlx::query(
                    "SELECT u.id, u.email, u.display_name, u.role
                     FROM sessions s JOIN users u ON u.id = s.user_id
                     WHERE s.token_hash = $1 AND s.expires_at > $2",
                )
                .bind(token_hash)
                .bind(now)
                .fetch_optional(&self.pool)
                .await?;
                row.as_ref().map(rows::user).transpose()
            }

            async fn delete_session(&self, token_hash: &str) -> Result<(), StoreError> {
                sqlx::query("DELETE FROM sessions WHERE token_hash = $1")
                    .bind(token_hash)
                    .execute(&self.pool)
                    .await?;
                Ok(())
            }

            async fn count_sessions(&self, user: UserId, now: i64) -> Result<u64, StoreError> {
                let n: i64 = sqlx::query_scalar(
                    "SELECT COUNT(*) FROM sessions WHERE user_id = $1 AND expires_at > $2",
                )
                .bind(user.0)
                .bind(now)
                .fetch_one(&self.pool)
                .await?;
                Ok(n as u64)
            }
        }
    };
}

pub(super) use users_sql;
