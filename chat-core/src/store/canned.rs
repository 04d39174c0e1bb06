//! Canned responses (`canned_responses`).

use super::StoreError;

/// Canned responses, by shortcut.
#[async_trait::async_trait]
pub trait CannedStore: Send + Sync {
    /// Every canned response, by shortcut.
    async fn list_canned(&self) -> Result<Vec<parlor_domain::CannedResponse>, StoreError>;

    /// Fails with `Conflict("canned response")` if the shortcut is taken.
    async fn create_canned(
        &self,
        shortcut: &str,
        body: &str,
        now: i64,
    ) -> Result<parlor_domain::CannedResponse, StoreError>;

    /// Replaces a canned response's shortcut and text: `NotFound("canned
    /// response")` if there is none with that id, `Conflict("canned
    /// response")` if another has the shortcut.
    async fn update_canned(
        &self,
        id: i64,
        shortcut: &str,
        body: &str,
        now: i64,
    ) -> Result<parlor_domain::CannedResponse, StoreError>;

    /// `NotFound("canned response")` if there is none with that id.
    async fn delete_canned(&self, id: i64) -> Result<(), StoreError>;
}

/// `CannedStore`'s statements, shared by both backends: expanded into an `impl`
/// for a backend's type by `sql_store!` (`sql_store.rs`).
macro_rules! canned_sql {
    ($store:ty, $db:ty) => {
        #[async_trait::async_trait]
        impl $crate::store::CannedStore for $store {
            async fn list_canned(&self) -> Result<Vec<parlor_domain::CannedResponse>, StoreError> {
                let rows = sqlx::query(
                    "SELECT id, shortcut, body FROM canned_responses ORDER BY shortcut, id",
                )
                .fetch_all(&self.pool)
                .await?;
                rows.iter()
                    .map(|r| {
                        Ok(parlor_domain::CannedResponse {
                            id: r.int("id")?,
                            shortcut: r.text("shortcut")?,
                            body: r.text("body")?,
                        })
                    })
                    .collect()
            }

            async fn create_canned(
                &self,
                shortcut: &str,
                body: &str,
                now: i64,
            ) -> Result<parlor_domain::CannedResponse, StoreError> {
                let res = sqlx::query(
                    "INSERT INTO canned_responses (shortcut, body, created_at, updated_at)
                     VALUES ($1, $2, $3, $3) RETURNING id",
                )
                .bind(shortcut)
                .bind(body)
                .bind(now)
                .fetch_one(&self.pool)
                .await;
                match res {
                    Ok(row) => Ok(parlor_domain::CannedResponse {
                        id: row.int("id")?,
                        shortcut: shortcut.to_string(),
                        body: body.to_string(),
                    }),
                    Err(e) if rows::is_unique_violation(&e) => Err(StoreError::Conflict("canned response")),
                    Err(e) => Err(e.into()),
                }
            }

            async fn update_canned(
                &self,
                id: i64,
                shortcut: &str,
                body: &str,
                now: i64,
            ) -> Result<parlor_domain::CannedResponse, StoreError> {
                let res = sqlx::query(
                    "UPDATE canned_responses SET shortcut = $1, body = $2, updated_at = $3 WHERE id = $4",
                )
                .bind(shortcut)
                .bind(body)
                .bind(now)
                .bind(id)
                .execute(&self.pool)
                .await;
                match res {
                    Ok(done) if done.rows_affected() == 0 => Err(StoreError::NotFound("canned response")),
                    Ok(_) => Ok(parlor_domain::CannedResponse {
                        id,
                        shortcut: shortcut.to_string(),
                        body: body.to_string(),
                    }),
                    Err(e) if rows::is_unique_violation(&e) => Err(StoreError::Conflict("canned response")),
                    Err(e) => Err(e.into()),
                }
            }

            async fn delete_canned(&self, id: i64) -> Result<(), StoreError> {
                let done = sqlx::query("DELETE FROM canned_responses WHERE id = $1")
                    .bind(id)
                    .execute(&self.pool)
                    .await?;
                if done.rows_affected() == 0 {
                    return Err(StoreError::NotFound("canned response"));
                }
                Ok(())
            }
        }
    };
}

pub(super) use canned_sql;
