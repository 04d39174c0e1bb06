//! Replies written on a ticket reach the customer's mailbox: through the
//! outbox, the sender, SMTP submission with STARTTLS and a password, and
//! back out over IMAP. Stopping the SMTP server delays a reply; it is not
//! lost, and the thread says what happened meanwhile.

use crate::{eventually, fresh_address, Servers};
use chat_core::mail_outbox::RetryPolicy;
use chat_core::ticket_thread::MailIdentity;
use chat_core::{Options, Parlor};
use futures::TryStreamExt;
use parlor_domain::{
    Assignment, Customer, Delivery, EntryInput, NewTicket, Priority, TeamInput, ThreadEntry,
    TicketNumber, TicketSource, User,
};
use parlor_mail::imap::Connector;
use parlor_mail::{Security, Smtp};
use std::time::Duration;

const DESK: &str = "desk@parlor.test";

/// Every message in `user`'s INBOX, raw.
async fn inbox(servers: &Servers, security: Security, user: &str) -> Vec<String> {
    let port = match security {
        Security::Tls => servers.imaps_port,
        _ => servers.imap_port,
    };
    let connector = Connector::new(Some(&servers.ca)).unwrap();
    let mut session = connector
        .sign_in(&servers.endpoint(port, security, user))
        .await
        .unwrap();
    let mailbox = session.select("INBOX").await.unwrap();
    let mut out = Vec::new();
    if mailbox.exists > 0 {
        let fetched: Vec<_> = session
            .fetch("1:*", "RFC822")
            .await
            .unwrap()
            .try_collect()
            .await
            .unwrap();
        for f in fetched {
            out.push(String::from_utf8_lossy(f.body().unwrap_or_default()).into_owned());
        }
    }
    session.logout().await.unwrap();
    out
}

/// The raw mail in `user`'s INBOX with `message_id`, once it arrived.
async fn arrived(servers: &Servers, user: &str, message_id: &str) -> String {
    let header = format!("Message-ID: <{message_id}>");
    eventually(Duration::from_secs(30), "the mail in the inbox", || async {
        inbox(servers, Security::StartTls, user)
            .await
            .into_iter()
            .find(|m| m.contains(&header))
    })
    .await
}

async fn delivery(parlor: &Parlor, admin: &User, number: TicketNumber, i: usize) -> Delivery {
    let entries: Vec<ThreadEntry> = parlor.ticket_thread().entries(admin, number).await.unwrap();
    entries[i].delivery.clone().unwrap()
}

#[tokio::test]
async fn replies_reach_the_customer_and_an_smtp_outage_loses_none() {
    let Some(servers) = Servers::get("replies_reach_the_customer") else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let url = chat_core::testing::database_url(dir.path()).await.unwrap();
    let options = Options {
        mail: Some(MailIdentity {
            address: DESK.into(),
            name: "Parlor Desk".into(),
        }),
        mail_retry: RetryPolicy {
            first_secs: 1,
            ..RetryPolicy::default()
        },
    };
    let (parlor, admin) = chat_core::testing::open_with_admin(&url, options)
        .await
        .unwrap();
    let customer = fresh_address("dee", "customer.test");
    let team = parlor
        .teams()
        .create(
            &admin,
            TeamInput {
                name: "Billing".into(),
                assignment: Assignment::Manual,
                email_alias: "support+billing".into(),
                ..TeamInput::default()
            },
        )
        .await
        .unwrap();
    let ticket = parlor
        .tickets()
        .create(
            &admin,
            NewTicket {
                team: team.id,
                title: "Invoice 42 is wrong".into(),
                description: "Charged twice.".into(),
                customer: Customer {
                    name: "Dee Customer".into(),
                    email: customer.clone(),
                    visitor: None,
                },
                priority: Priority::Medium,
                tags: vec![],
                source: TicketSource::Api,
                conversation: None,
                request_id: None,
            },
        )
        .await
        .unwrap();

    // Submission with STARTTLS and a password, as a real provider wants.
    let smtp = Smtp::new(
        &servers.endpoint(servers.submission_port, Security::StartTls, DESK),
        Some(&servers.ca),
        "parlor.test",
    )
    .unwrap();
    let sender = tokio::spawn(parlor_mail::sender::run(parlor.mail_outbox().clone(), smtp));

    let input = |body: &str, id: &str| EntryInput {
        body: body.into(),
        request_id: Some(id.into()),
    };
    parlor
        .ticket_thread()
        .note(
            &admin,
            ticket.number,
            input("Refund approved by finance", "n1"),
        )
        .await
        .unwrap();
    let first = parlor
        .ticket_thread()
        .reply(
            &admin,
            ticket.number,
            input(
                "Sorry about that, <b>Dee</b>.\nA refund is on its way.",
                "r1",
            ),
        )
        .await
        .unwrap();
    let first_id = first.message_id.clone().unwrap();
    let mail = arrived(&servers, &customer, &first_id).await;
    assert!(
        mail.contains(&format!(
            "Subject: [#{}] Invoice 42 is wrong",
            ticket.number.0
        )),
        "{mail}"
    );
    assert!(mail.contains("support+billing@parlor.test"), "{mail}");
    assert!(mail.contains("Sorry about that, <b>Dee</b>."), "{mail}");
    assert!(mail.contains("text/plain"), "{mail}");
    assert!(!mail.contains("Refund approved"), "a note never goes out");
    eventually(Duration::from_secs(10), "the reply marked sent", || async {
        matches!(
            delivery(&parlor, &admin, ticket.number, 1).await,
            Delivery::Sent { .. }
        )
        .then_some(())
    })
    .await;

    // The server goes away: the next reply waits, and says why.
    servers.control("smtp-stop");
    let second = parlor
        .ticket_thread()
        .reply(&admin, ticket.number, input("Refund sent.", "r2"))
        .await
        .unwrap();
    let error = eventually(Duration::from_secs(20), "a failed try recorded", || async {
        match delivery(&parlor, &admin, ticket.number, 2).await {
            Delivery::Queued {
                error: Some(error), ..
            } => Some(error),
            _ => None,
        }
    })
    .await;
    assert!(!error.is_empty());
    servers.control("smtp-start");
    let second_id = second.message_id.clone().unwrap();
    let mail = arrived(&servers, &customer, &second_id).await;
    assert!(
        mail.contains(&format!("In-Reply-To: <{first_id}>")),
        "threads under the first reply: {mail}"
    );
    eventually(
        Duration::from_secs(10),
        "the second reply marked sent",
        || async {
            matches!(
                delivery(&parlor, &admin, ticket.number, 2).await,
                Delivery::Sent { .. }
            )
            .then_some(())
        },
    )
    .await;
    // Exactly two mails: nothing lost, nothing twice.
    let all = inbox(&servers, Security::Tls, &customer).await;
    assert_eq!(all.len(), 2, "{all:#?}");
    sender.abort();
}
