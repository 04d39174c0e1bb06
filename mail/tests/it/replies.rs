//! Replies written on a ticket reach the customer's mailbox: through the
//! outbox, the sender, SMTP submission with STARTTLS and a password, and
//! back out over IMAP. Stopping the SMTP server delays a reply; it is not
//! lost, and the thread says what happened meanwhile.

use crate::{eventually, fresh_address, Servers};
use chat_core::Parlor;
use parlor_domain::{
    Assignment, Customer, Delivery, EntryInput, NewTicket, Priority, TeamInput, ThreadEntry,
    TicketNumber, TicketSource, User,
};
use parlor_mail::{Security, Smtp};
use std::time::Duration;

const DESK: &str = "desk@parlor.test";

/// The raw mail in `user`'s INBOX with `message_id`, once it arrived.
async fn arrived(servers: &Servers, user: &str, message_id: &str) -> String {
    let header = format!("Message-ID: <{message_id}>");
    eventually(Duration::from_secs(30), "the mail in the inbox", || async {
        crate::inbox(servers, Security::StartTls, user)
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
    // This test stops postfix: nobody else may be using it meanwhile.
    let _smtp_alone = crate::SMTP.write().await;
    let (_dir, parlor, admin) = crate::desk(DESK).await;
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
    let all = crate::inbox(&servers, Security::Tls, &customer).await;
    assert_eq!(all.len(), 2, "{all:#?}");
    sender.abort();
}
