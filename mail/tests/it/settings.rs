//! Mail set up in the app rather than the environment: an admin saves the
//! SMTP and IMAP settings, the supervisor starts the intake and the sender
//! with them, and the loop runs; switched off, replies are refused again.

use crate::{eventually, fresh_address, Servers};
use chat_core::mail_intake::Intake;
use parlor_domain::mail_settings::{MailSecurity, MailServer, MailSettingsInput, ServerInput};
use parlor_domain::{EntryInput, TeamInput, TicketFilter};
use parlor_mail::MailSettings;
use std::time::Duration;

#[tokio::test]
async fn settings_saved_in_the_app_run_the_mail_loop() {
    let Some(servers) = Servers::get("settings_saved_in_the_app_run_the_mail_loop") else {
        return;
    };
    let _smtp_up = crate::SMTP.read().await;
    let desk = fresh_address("appdesk", "parlor.test");
    let desk_local = desk.split('@').next().unwrap().to_string();
    let customer = fresh_address("cy", "customer.test");
    let dir = tempfile::tempdir().unwrap();
    let url = chat_core::testing::database_url(dir.path()).await.unwrap();
    let (parlor, admin) = chat_core::testing::open_with_admin(&url, chat_core::Options::default())
        .await
        .unwrap();
    parlor
        .teams()
        .create(
            &admin,
            TeamInput {
                name: "Support".into(),
                email_alias: desk_local.clone(),
                ..TeamInput::default()
            },
        )
        .await
        .unwrap();
    // Nothing from the environment but the test CA.
    let env = MailSettings {
        ca_file: Some(servers.ca.clone()),
        ..MailSettings::default()
    };
    let supervisor = tokio::spawn(parlor_mail::supervisor::run(parlor.clone(), env));
    assert!(!parlor.ticket_thread().can_reply());

    let server = |port, security| ServerInput {
        on: true,
        server: MailServer {
            host: servers.host.clone(),
            port,
            security,
            user: desk.clone(),
        },
        password: Some(servers.password.clone()),
    };
    parlor
        .mail_settings()
        .save(
            &admin,
            MailSettingsInput {
                outgoing: server(servers.smtps_port, MailSecurity::Tls),
                from: desk.clone(),
                from_name: "App desk".into(),
                incoming: server(servers.imap_port, MailSecurity::Starttls),
                mailbox: "INBOX".into(),
                refused_folder: "Parlor refused".into(),
                poll_secs: 1,
            },
        )
        .await
        .unwrap();
    eventually(Duration::from_secs(10), "outgoing mail on", || async {
        parlor.ticket_thread().can_reply().then_some(())
    })
    .await;

    // In: the customer's mail becomes a ticket, read by the intake the
    // saved settings started.
    let first_id = format!("first.{desk_local}@customer.test");
    let raw = crate::intake::mail(
        &customer,
        &desk,
        &first_id,
        "",
        "Set up in the app",
        "Hello",
    );
    crate::intake::send_raw(&servers, &customer, &desk, &raw).await;
    let ticket = eventually(Duration::from_secs(30), "the ticket", || async {
        parlor
            .tickets()
            .list(&admin, &TicketFilter::default())
            .await
            .unwrap()
            .into_iter()
            .next()
    })
    .await;
    assert_eq!(ticket.title, "Set up in the app");
    assert_eq!(
        parlor
            .mail_intake()
            .receive(&parlor_domain::InboundMail {
                message_id: first_id.clone(),
                ..Default::default()
            })
            .await
            .unwrap(),
        Intake::AlreadyIn(ticket.number),
    );

    // Out: a reply reaches the customer from the saved address.
    let reply = parlor
        .ticket_thread()
        .reply(
            &admin,
            ticket.number,
            EntryInput {
                body: "Answered through the app's settings.".into(),
                request_id: Some("app-reply".into()),
            },
        )
        .await
        .unwrap();
    let id = reply.message_id.unwrap();
    let received = eventually(Duration::from_secs(30), "the reply", || async {
        crate::inbox(&servers, parlor_mail::Security::StartTls, &customer)
            .await
            .into_iter()
            .find(|m| m.contains(&format!("Message-ID: <{id}>")))
    })
    .await;
    // From the team's alias at the saved address's domain.
    let from = received.lines().find(|l| l.starts_with("From:")).unwrap();
    assert!(from.contains(&desk), "{from}");

    // Switched off: replies are refused again.
    let mut off = MailSettingsInput {
        mailbox: "INBOX".into(),
        refused_folder: "Parlor refused".into(),
        poll_secs: 1,
        ..MailSettingsInput::default()
    };
    off.outgoing.on = false;
    parlor.mail_settings().save(&admin, off).await.unwrap();
    eventually(Duration::from_secs(10), "outgoing mail off", || async {
        (!parlor.ticket_thread().can_reply()).then_some(())
    })
    .await;
    supervisor.abort();
}
