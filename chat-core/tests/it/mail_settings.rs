//! The desk's mail settings, on SQLite and on PostgreSQL (when configured):
//! admins only, passwords kept but never shown, every problem by field, and
//! the version other nodes watch.

use chat_core::mail_settings::FromEnvironment;
use chat_core::Options;
use parlor_domain::mail_settings::{
    DeskMail, IncomingSettings, MailPart, MailSecurity, MailServer, MailSettingsInput, MailSide,
    ServerInput,
};
use parlor_domain::{Field, NewUser, Role};

fn input(password: Option<&str>) -> MailSettingsInput {
    MailSettingsInput {
        outgoing: ServerInput {
            on: true,
            server: MailServer {
                host: "smtp.example.com".into(),
                port: 587,
                security: MailSecurity::Starttls,
                user: "desk@example.com".into(),
            },
            password: password.map(str::to_string),
        },
        from: "desk@example.com".into(),
        from_name: "Example Support".into(),
        incoming: ServerInput::default(),
        mailbox: "INBOX".into(),
        refused_folder: "Parlor refused".into(),
        poll_secs: 30,
    }
}

#[tokio::test]
async fn admins_save_mail_settings_and_passwords_never_come_back() {
    let dir = tempfile::tempdir().unwrap();
    let url = chat_core::testing::database_url(dir.path()).await.unwrap();
    let options = Options {
        mail_from_environment: FromEnvironment(DeskMail {
            outgoing: None,
            incoming: Some(IncomingSettings {
                server: MailServer {
                    host: "imap.example.com".into(),
                    port: 993,
                    security: MailSecurity::Tls,
                    user: "desk".into(),
                },
                password: "(set)".into(),
                mailbox: "INBOX".into(),
                refused_folder: "Parlor refused".into(),
                poll_secs: 30,
            }),
        }),
        ..Options::default()
    };
    let (parlor, admin) = chat_core::testing::open_with_admin(&url, options)
        .await
        .unwrap();
    let settings = parlor.mail_settings();
    let operator = parlor
        .create_user(
            &admin,
            NewUser {
                email: "op@parlor.test".into(),
                display_name: "Op".into(),
                password: "operator-password-1".into(),
                role: Role::Operator,
            },
        )
        .await
        .unwrap();
    assert!(matches!(
        settings.view(&operator).await,
        Err(chat_core::Error::Forbidden)
    ));
    assert!(matches!(
        settings.save(&operator, input(Some("x"))).await,
        Err(chat_core::Error::Forbidden)
    ));

    let fresh = settings.view(&admin).await.unwrap();
    // The environment's mailbox shows, read-only; nothing is saved yet.
    assert!(!fresh.outgoing.on && fresh.incoming.on);
    assert_eq!(fresh.incoming.server.host, "imap.example.com");
    assert!(fresh.incoming.password_set);
    assert!(fresh.incoming_from_environment && !fresh.outgoing_from_environment);
    assert_eq!(settings.current().await.unwrap().1, 0);

    let saved = settings.save(&admin, input(Some("hunter2"))).await.unwrap();
    assert!(saved.outgoing.on && saved.outgoing.password_set);
    assert!(!format!("{saved:?}").contains("hunter2"));
    // Saved again with the password left empty: kept.
    settings.save(&admin, input(None)).await.unwrap();
    let (stored, version) = settings.current().await.unwrap();
    assert_eq!(stored.outgoing.unwrap().password, "hunter2");
    assert_eq!(version, 2);

    // Every problem, by field, and nothing stored.
    let mut bad = input(None);
    bad.outgoing.server.host = "not a host".into();
    bad.from = "nobody".into();
    let Err(chat_core::Error::Validation(e)) = settings.save(&admin, bad).await else {
        panic!("refused")
    };
    let fields: Vec<Field> = e.0.iter().map(|f| f.field).collect();
    assert!(fields.contains(&Field::MailSetting(MailSide::Outgoing, MailPart::Host)));
    assert!(fields.contains(&Field::MailSetting(MailSide::Outgoing, MailPart::From)));
    assert_eq!(settings.current().await.unwrap().1, 2);

    // The environment's way is not edited from the page: saving the page
    // as shown (the environment's values, no password) changes nothing.
    let mut shown = input(None);
    shown.incoming.on = true;
    shown.incoming.server.host = "imap.example.com".into();
    shown.incoming.server.user = "desk".into();
    settings.save(&admin, shown).await.unwrap();
    assert!(settings.current().await.unwrap().0.incoming.is_none());

    // Switched off: gone, password and all.
    let mut off = input(None);
    off.outgoing.on = false;
    settings.save(&admin, off).await.unwrap();
    assert!(settings.current().await.unwrap().0.outgoing.is_none());
}
