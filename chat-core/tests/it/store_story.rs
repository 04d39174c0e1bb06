//! The service layer against a real database (SQLite, or PostgreSQL when
//! configured): first run, sign-in, channel
//! settings, permissions, and a restart.

use chat_core::store::SqliteStore;
use chat_core::{Error, FirstAdmin, Parlor};
use parlor_domain::{ChannelSettingsInput, Field, NewUser, Role, UserId};
use std::sync::Arc;

/// A SQLite file in a directory that does not exist yet (the store makes it).
fn sqlite_url(dir: &tempfile::TempDir) -> String {
    format!("sqlite://{}/nested/parlor.db", dir.path().display())
}

/// The database under test: SQLite, or PostgreSQL when configured.
async fn db_url(dir: &tempfile::TempDir) -> String {
    chat_core::testing::database_url(dir.path()).await.unwrap()
}

async fn first_run(url: &str) -> (Parlor, parlor_domain::User, String) {
    let parlor = Parlor::open(url).await.unwrap();
    match parlor
        .ensure_first_admin("Admin@Example.com", None)
        .await
        .unwrap()
    {
        FirstAdmin::Generated { user, password } => (parlor, user, password),
        other => panic!("expected a generated password, got {other:?}"),
    }
}

#[tokio::test]
async fn first_run_creates_admin_and_default_channel_once() {
    let dir = tempfile::tempdir().unwrap();
    let (parlor, admin, password) = first_run(&db_url(&dir).await).await;
    assert_eq!(admin.email, "admin@example.com");
    assert_eq!(admin.role, Role::Admin);
    assert!(password.len() >= 16);

    let channel = parlor
        .ensure_default_channel(Some(&admin), None)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(channel.settings.name, "Website");
    assert!(parlor
        .ensure_default_channel(Some(&admin), None)
        .await
        .unwrap()
        .is_none());
    let stored = parlor.channel(&admin, channel.id).await.unwrap();
    assert_eq!(stored.operators, vec![admin.id]);

    assert!(matches!(
        parlor
            .ensure_first_admin("other@example.com", Some("whatever123"))
            .await
            .unwrap(),
        FirstAdmin::AlreadySetUp
    ));
}

#[tokio::test]
async fn sign_in_sessions_and_sign_out() {
    let dir = tempfile::tempdir().unwrap();
    let (parlor, admin, password) = first_run(&db_url(&dir).await).await;

    assert!(matches!(
        parlor.sign_in("admin@example.com", "wrong").await,
        Err(Error::InvalidCredentials)
    ));
    assert!(matches!(
        parlor.sign_in("nobody@example.com", &password).await,
        Err(Error::InvalidCredentials)
    ));
    let session = parlor
        .sign_in(" ADMIN@example.com ", &password)
        .await
        .unwrap();
    assert_eq!(
        parlor.auth().authenticate(&session.token).await.unwrap(),
        admin
    );
    assert!(matches!(
        parlor.auth().authenticate("not-a-token").await,
        Err(Error::Unauthenticated)
    ));
    parlor.sign_out(&session.token).await.unwrap();
    assert!(matches!(
        parlor.auth().authenticate(&session.token).await,
        Err(Error::Unauthenticated)
    ));
}

#[tokio::test]
async fn invalid_settings_change_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let (parlor, admin, _) = first_run(&db_url(&dir).await).await;
    let channel = parlor
        .ensure_default_channel(Some(&admin), None)
        .await
        .unwrap()
        .unwrap();

    let mut input = ChannelSettingsInput::from(&channel.settings);
    input.welcome_message = "A new welcome".into();
    input.button_color = "#zzzzzz".into();
    let err = parlor
        .update_channel(&admin, channel.id, input)
        .await
        .unwrap_err();
    let Error::Validation(v) = err else {
        panic!("{err:?}")
    };
    assert!(v.for_field(Field::ButtonColor).is_some());
    let unchanged = parlor.channel(&admin, channel.id).await.unwrap();
    assert_eq!(unchanged.settings, channel.settings);

    let mut input = ChannelSettingsInput::from(&channel.settings);
    input.welcome_message = "A new welcome".into();
    input.button_color = "#E4572E".into();
    let saved = parlor
        .update_channel(&admin, channel.id, input)
        .await
        .unwrap();
    assert_eq!(saved.settings.button_color.as_str(), "#e4572e");
    let config = parlor.widget_config(channel.id).await.unwrap();
    assert_eq!(config.welcome_message, "A new welcome");
}

#[tokio::test]
async fn operators_cannot_administer() {
    let dir = tempfile::tempdir().unwrap();
    let (parlor, admin, _) = first_run(&db_url(&dir).await).await;
    let channel = parlor
        .ensure_default_channel(Some(&admin), None)
        .await
        .unwrap()
        .unwrap();
    let op = parlor
        .create_user(
            &admin,
            NewUser {
                email: "op@example.com".into(),
                display_name: "Op".into(),
                password: "operator-pass".into(),
                role: Role::Operator,
            },
        )
        .await
        .unwrap();
    let dup = parlor
        .create_user(
            &admin,
            NewUser {
                email: "OP@example.com".into(),
                display_name: "Op 2".into(),
                password: "operator-pass".into(),
                role: Role::Operator,
            },
        )
        .await
        .unwrap_err();
    assert!(matches!(dup, Error::Validation(ref v) if v.for_field(Field::Email).is_some()));

    assert!(matches!(
        parlor.create_channel(&op, "Mine").await,
        Err(Error::Forbidden)
    ));
    let input = ChannelSettingsInput::from(&channel.settings);
    assert!(matches!(
        parlor.update_channel(&op, channel.id, input).await,
        Err(Error::Forbidden)
    ));
    // Operators can read.
    assert_eq!(parlor.list_channels(&op).await.unwrap().len(), 1);

    let with_op = parlor
        .set_channel_operator(&admin, channel.id, op.id, true)
        .await
        .unwrap();
    assert!(with_op.operators.contains(&op.id));
    // Idempotent, and removal works.
    parlor
        .set_channel_operator(&admin, channel.id, op.id, true)
        .await
        .unwrap();
    let without = parlor
        .set_channel_operator(&admin, channel.id, op.id, false)
        .await
        .unwrap();
    assert!(!without.operators.contains(&op.id));
    // A new channel's creator is its first operator.
    let support = parlor.create_channel(&admin, "Support").await.unwrap();
    assert_eq!(support.operators, vec![admin.id]);
    assert!(matches!(
        parlor
            .set_channel_operator(&admin, channel.id, UserId(9999), true)
            .await,
        Err(Error::NotFound(_))
    ));
}

#[tokio::test]
async fn data_survives_a_restart_and_the_file_is_durable() {
    let dir = tempfile::tempdir().unwrap();
    let url = sqlite_url(&dir);
    let (parlor, admin, password) = first_run(&url).await;
    let channel = parlor
        .ensure_default_channel(Some(&admin), None)
        .await
        .unwrap()
        .unwrap();
    drop(parlor);

    let store = SqliteStore::open(&url).await.unwrap();
    let mode: String = sqlx::query_scalar("PRAGMA journal_mode")
        .fetch_one(store.pool())
        .await
        .unwrap();
    assert_eq!(mode, "wal");
    let sync: i64 = sqlx::query_scalar("PRAGMA synchronous")
        .fetch_one(store.pool())
        .await
        .unwrap();
    assert_eq!(sync, 2, "synchronous=FULL");

    let parlor = Parlor::new(Arc::new(store));
    let session = parlor
        .sign_in("admin@example.com", &password)
        .await
        .unwrap();
    assert_eq!(session.user, admin);
    let reopened = parlor.channel(&admin, channel.id).await.unwrap();
    assert_eq!(reopened.settings, channel.settings);
    assert_eq!(reopened.operators, vec![admin.id]);
}

#[tokio::test]
async fn a_broken_migration_history_refuses_to_open() {
    let dir = tempfile::tempdir().unwrap();
    let url = sqlite_url(&dir);
    let store = SqliteStore::open(&url).await.unwrap();
    sqlx::query("UPDATE _sqlx_migrations SET checksum = x'00'")
        .execute(store.pool())
        .await
        .unwrap();
    drop(store);
    let err = Parlor::open(&url).await.err().expect("open must fail");
    assert!(err.to_string().contains("migration"), "{err}");
}
