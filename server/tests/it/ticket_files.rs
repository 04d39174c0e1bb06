//! A ticket's files over HTTP, `GET /api/helpdesk/files/{id}`: the mail's
//! attachment as it came, with the headers that keep a browser from running
//! it; for the ticket's team only, and never signed out.

use crate::common::{sign_in, start, PASSWORD};
use chat_core::mail_intake::Intake;
use parlor_domain::{InboundFile, InboundMail, Mailbox, TeamInput};

#[tokio::test(flavor = "multi_thread")]
async fn a_tickets_file_downloads_for_its_team_only() {
    let s = start().await;
    let parlor = &s.state.parlor;
    let admin = s.admin().await;
    parlor
        .teams()
        .create(
            &admin,
            TeamInput {
                name: "Support".into(),
                email_alias: "support".into(),
                ..TeamInput::default()
            },
        )
        .await
        .unwrap();
    let html = b"<html><script>alert(1)</script></html>".to_vec();
    let mail = InboundMail {
        message_id: "files1@customer.test".into(),
        subject: "Page".into(),
        from: Mailbox {
            name: "Dee".into(),
            email: "dee@customer.test".into(),
        },
        recipients: vec!["support@parlor.test".into()],
        text: "attached".into(),
        attachments: vec![InboundFile {
            name: "page \"1\".html".into(),
            bytes: html.clone(),
        }],
        ..InboundMail::default()
    };
    let Intake::Opened(number) = parlor.mail_intake().receive(&mail).await.unwrap() else {
        panic!("a new ticket")
    };
    let file = &parlor.ticket_files().list(&admin, number).await.unwrap()[0];
    let url = s.url(&format!("/api/helpdesk/files/{}", file.file.id.0));

    let signed_out = s.client.get(&url).send().await.unwrap();
    assert_eq!(signed_out.status(), 401);

    let admin_cookie = sign_in(&s.base, "admin@test.example", PASSWORD).await;
    let res = s
        .client
        .get(&url)
        .header("cookie", &admin_cookie)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let header = |name: &str| res.headers()[name].to_str().unwrap().to_string();
    // Never rendered as a page, whatever it holds.
    assert_eq!(header("content-type"), "application/octet-stream");
    assert_eq!(header("x-content-type-options"), "nosniff");
    assert!(header("content-security-policy").contains("sandbox"));
    assert_eq!(
        header("content-disposition"),
        "attachment; filename*=UTF-8''page%20%221%22.html"
    );
    assert_eq!(res.bytes().await.unwrap().to_vec(), html);

    // Another team's operator: as if it did not exist.
    let (_, outsider) = s.operator("Olga").await;
    let res = s
        .client
        .get(&url)
        .header("cookie", &outsider)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 404);
    let nonsense = s
        .client
        .get(s.url("/api/helpdesk/files/not-an-id"))
        .header("cookie", &admin_cookie)
        .send()
        .await
        .unwrap();
    assert_eq!(nonsense.status(), 404);
}
