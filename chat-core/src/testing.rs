//! Databases for tests, so one suite runs on both stores: a SQLite file in
//! the test's own directory by default, or a fresh PostgreSQL schema when
//! `PARLOR_TEST_POSTGRES` names a database (`scripts/test.sh` sets it for
//! its second pass). Not used by the product.

use crate::StoreError;
use sqlx::Connection;
use std::path::Path;

/// The variable naming the PostgreSQL database tests may use.
pub const POSTGRES_ENV: &str = "PARLOR_TEST_POSTGRES";

/// The PostgreSQL database tests may use, if one is configured.
pub fn postgres() -> Option<String> {
    std::env::var(POSTGRES_ENV).ok().filter(|s| !s.is_empty())
}

/// A database of the test's own: a new SQLite file under `dir`, or a new
/// schema in the configured PostgreSQL database. Opening the same URL again
/// is a restart.
pub async fn database_url(dir: &Path) -> Result<String, StoreError> {
    match postgres() {
        Some(base) => fresh_schema(&base).await,
        None => Ok(format!("sqlite://{}/parlor.db", dir.display())),
    }
}

/// Creates an empty schema in `base` and returns `base` with it as the
/// connection's search path.
pub async fn fresh_schema(base: &str) -> Result<String, StoreError> {
    let name = format!("t_{}", uuid::Uuid::new_v4().simple());
    let mut conn = sqlx::PgConnection::connect(base).await?;
    sqlx::query(&format!("CREATE SCHEMA {name}"))
        .execute(&mut conn)
        .await?;
    conn.close().await?;
    let sep = if base.contains('?') { '&' } else { '?' };
    Ok(format!("{base}{sep}options[search_path]={name}"))
}

/// Says why a test that needs PostgreSQL did nothing; on CI such a test
/// must run, so there it fails instead.
pub fn skip_without_postgres(test: &str) {
    skip(
        test,
        &format!("no PostgreSQL configured ({POSTGRES_ENV} is unset)"),
    );
}

/// Says why `test` did nothing; on CI (`CI=true`) it fails instead, since CI
/// installs everything the tests need.
pub fn skip(test: &str, why: &str) {
    let why = format!("skipped {test}: {why}");
    assert!(
        std::env::var("CI").as_deref() != Ok("true"),
        "{why}, but CI=true"
    );
    eprintln!("{why}");
}

/// A Parlor on `url` with `options`, and its first admin, signed in.
pub async fn open_with_admin(
    url: &str,
    options: crate::Options,
) -> crate::Result<(crate::Parlor, parlor_domain::User)> {
    let parlor = crate::Parlor::open_with(url, options).await?;
    parlor
        .ensure_first_admin("a@example.com", Some("admin-password"))
        .await?;
    let admin = parlor
        .sign_in("a@example.com", "admin-password")
        .await?
        .user;
    Ok((parlor, admin))
}
