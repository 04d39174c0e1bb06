//! The whole mail loop against real servers: a customer mails a team's
//! alias (postfix delivers it to the desk's catch-all mailbox in dovecot),
//! the intake opens a ticket in that team, an operator replies, the reply
//! reaches the customer's mailbox, the customer answers, and the answer
//! joins the same ticket. Then the mail that must not break anything: a
//! 30 MB mail, broken MIME, markup, an auto-reply.

use crate::{eventually, fresh_address, Servers};
use lettre::address::Envelope;
use lettre::{AsyncSmtpTransport, AsyncTransport, Tokio1Executor};
use parlor_domain::{
    Assignment, EntryInput, EntryKind, TeamInput, ThreadEntry, TicketFilter, TicketNumber,
};
use parlor_mail::imap::Connector;
use parlor_mail::intake::{ImapIntake, Pass};
use parlor_mail::{ImapSettings, Security, Smtp};
use std::time::Duration;

/// Sends `raw` as-is from `from` to `to`, through the relay port.
pub(crate) async fn send_raw(servers: &Servers, from: &str, to: &str, raw: &[u8]) {
    let relay_port: u16 = std::env::var("PARLOR_TEST_SMTP_PORT")
        .unwrap()
        .parse()
        .unwrap();
    let smtp = AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(&servers.host)
        .port(relay_port)
        .build();
    let envelope = Envelope::new(Some(from.parse().unwrap()), vec![to.parse().unwrap()]).unwrap();
    smtp.send_raw(&envelope, raw).await.unwrap();
}

pub(crate) fn mail(
    from: &str,
    to: &str,
    id: &str,
    headers: &str,
    subject: &str,
    body: &str,
) -> Vec<u8> {
    format!(
        "From: Dee Customer <{from}>\r\nTo: <{to}>\r\nSubject: {subject}\r\nMessage-ID: <{id}>\r\n{headers}Content-Type: text/plain; charset=utf-8\r\n\r\n{body}\r\n"
    )
    .into_bytes()
}

/// How many mails a folder of `user`'s holds, not counting deleted ones.
async fn count(servers: &Servers, user: &str, folder: &str) -> usize {
    let connector = Connector::new(Some(&servers.ca)).unwrap();
    let mut s = connector
        .sign_in(&servers.endpoint(servers.imaps_port, Security::Tls, user))
        .await
        .unwrap();
    if s.select(folder).await.is_err() {
        return 0;
    }
    let n = s.search("UNDELETED").await.unwrap().len();
    s.logout().await.unwrap();
    n
}

/// The customer's side of the loop: mail sent to the desk, and the
/// intake run until it took it.
struct Customer<'a> {
    servers: &'a Servers,
    imap: &'a ImapIntake,
    intake: &'a chat_core::mail_intake::MailIntake,
    address: &'a str,
}

impl Customer<'_> {
    async fn sends_raw(&self, to: &str, raw: &[u8]) -> Pass {
        send_raw(self.servers, self.address, to, raw).await;
        intake_until_filed(self.imap, self.intake).await
    }

    async fn sends(&self, to: &str, id: &str, headers: &str, subject: &str, body: &str) -> Pass {
        let raw = mail(self.address, to, id, headers, subject, body);
        self.sends_raw(to, &raw).await
    }
}

/// Runs intake passes until one files or refuses something.
async fn intake_until_filed(
    imap: &ImapIntake,
    intake: &chat_core::mail_intake::MailIntake,
) -> Pass {
    eventually(
        Duration::from_secs(30),
        "mail in the desk's mailbox",
        || async {
            let pass = imap.pass(intake).await.unwrap();
            (pass.filed + pass.refused > 0).then_some(pass)
        },
    )
    .await
}

#[tokio::test]
async fn the_whole_mail_loop_and_the_mail_that_must_not_break_it() {
    let Some(servers) = Servers::get("the_whole_mail_loop") else {
        return;
    };
    let _smtp_up = crate::SMTP.read().await;
    // A desk mailbox of this run's own; the teams' aliases are its
    // plus-addresses, delivered to it (one catch-all box, several teams).
    let desk = fresh_address("desk", "parlor.test");
    let desk_local = desk.split('@').next().unwrap().to_string();
    let customer = fresh_address("dee", "customer.test");
    let (_dir, parlor, admin) = crate::desk(&desk).await;
    let team = |name: &str, alias: String| {
        let parlor = parlor.clone();
        let admin = admin.clone();
        let name = name.to_string();
        async move {
            parlor
                .teams()
                .create(
                    &admin,
                    TeamInput {
                        name,
                        assignment: Assignment::Manual,
                        email_alias: alias,
                        ..TeamInput::default()
                    },
                )
                .await
                .unwrap()
        }
    };
    let sales = team("Sales", format!("{desk_local}+sales")).await;
    let billing = team("Billing", format!("{desk_local}+billing")).await;
    let billing_address = format!("{desk_local}+billing@parlor.test");
    let sales_address = format!("{desk_local}+sales@parlor.test");

    let imap = ImapIntake::new(
        Connector::new(Some(&servers.ca)).unwrap(),
        ImapSettings {
            endpoint: servers.endpoint(servers.imap_port, Security::StartTls, &desk),
            mailbox: "INBOX".into(),
            refused_folder: "Parlor refused".into(),
            poll: Duration::from_secs(1),
        },
    );
    let intake = parlor.mail_intake().clone();
    let smtp = Smtp::new(
        &servers.endpoint(servers.smtps_port, Security::Tls, &desk),
        Some(&servers.ca),
        "parlor.test",
    )
    .unwrap();
    let dee = Customer {
        servers: &servers,
        imap: &imap,
        intake: &intake,
        address: &customer,
    };
    let sender = tokio::spawn(parlor_mail::sender::run(parlor.mail_outbox().clone(), smtp));

    // 1. Mail to the Billing alias becomes a Billing ticket.
    let first_id = format!("first.{desk_local}@customer.test");
    let pass = dee
        .sends(
            &billing_address,
            &first_id,
            "",
            "Invoice 42 is wrong",
            "I was charged twice.",
        )
        .await;
    assert_eq!(pass.filed, 1, "{pass:?}");
    let tickets = parlor
        .tickets()
        .list(&admin, &TicketFilter::default())
        .await
        .unwrap();
    assert_eq!(tickets.len(), 1);
    let ticket = &tickets[0];
    assert_eq!(ticket.team, billing.id);
    assert_eq!(ticket.title, "Invoice 42 is wrong");
    assert_eq!(ticket.customer.email, customer);
    assert_eq!(count(&servers, &desk, "INBOX").await, 0, "taken once filed");

    // 2. An operator replies; it reaches the customer.
    let reply = parlor
        .ticket_thread()
        .reply(
            &admin,
            ticket.number,
            EntryInput {
                body: "Sorry! A refund is on its way.".into(),
                request_id: Some("reply-1".into()),
            },
        )
        .await
        .unwrap();
    let reply_id = reply.message_id.clone().unwrap();
    let received = eventually(
        Duration::from_secs(30),
        "the reply at the customer",
        || async {
            crate::inbox(&servers, Security::StartTls, &customer)
                .await
                .into_iter()
                .find(|m| m.contains(&format!("Message-ID: <{reply_id}>")))
        },
    )
    .await;
    assert!(
        received.contains(&format!("In-Reply-To: <{first_id}>")),
        "{received}"
    );
    assert!(
        received.contains(&format!(
            "Subject: Re: [#{}] Invoice 42 is wrong",
            ticket.number.0
        )),
        "{received}"
    );

    // 3. The customer answers: it joins the same ticket.
    let answer_id = format!("answer.{desk_local}@customer.test");
    let headers = format!("In-Reply-To: <{reply_id}>\r\nReferences: <{first_id}> <{reply_id}>\r\n");
    let subject = format!("Re: [#{}] Invoice 42 is wrong", ticket.number.0);
    dee.sends(
        &billing_address,
        &answer_id,
        &headers,
        &subject,
        "Thanks, <b>received</b>.",
    )
    .await;
    let entries = parlor
        .ticket_thread()
        .entries(&admin, ticket.number)
        .await
        .unwrap();
    let kinds: Vec<EntryKind> = entries.iter().map(|e| e.kind).collect();
    assert_eq!(
        kinds,
        [EntryKind::Customer, EntryKind::Reply, EntryKind::Customer]
    );
    assert_eq!(entries[2].body.trim(), "Thanks, <b>received</b>.");

    // 4. An out-of-office answer is recorded as automatic, and the
    //    Sales alias routes to Sales.
    let auto_id = format!("auto.{desk_local}@customer.test");
    let headers = format!("In-Reply-To: <{reply_id}>\r\nAuto-Submitted: auto-replied\r\n");
    dee.sends(
        &billing_address,
        &auto_id,
        &headers,
        "Out of office",
        "Back Monday.",
    )
    .await;
    let entries = parlor
        .ticket_thread()
        .entries(&admin, ticket.number)
        .await
        .unwrap();
    assert!(entries.last().is_some_and(|e: &ThreadEntry| e.automatic));
    let sales_id = format!("sales.{desk_local}@customer.test");
    dee.sends(
        &sales_address,
        &sales_id,
        "",
        "A quote <script>x()</script>",
        "For 10 seats",
    )
    .await;
    let sales_tickets = parlor
        .tickets()
        .list(
            &admin,
            &TicketFilter {
                team: Some(sales.id),
                ..TicketFilter::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(sales_tickets.len(), 1);
    assert_eq!(sales_tickets[0].title, "A quote <script>x()</script>");

    // 5. A 30 MB mail: a ticket from its headers, saying why, and the mail
    //    kept in the refused folder.
    let big_id = format!("big.{desk_local}@customer.test");
    let line = "0123456789abcdefghijklmnopqrstuvwxyz0123456789abcdefghijklmnopqrstuvwxy\r\n";
    let body = line.repeat(30 * 1024 * 1024 / line.len());
    let pass = dee
        .sends(&billing_address, &big_id, "", "Huge logs", &body)
        .await;
    assert_eq!(pass.refused, 1, "{pass:?}");
    let huge = parlor
        .tickets()
        .list(&admin, &TicketFilter::default())
        .await
        .unwrap()
        .into_iter()
        .find(|t| t.title == "Huge logs")
        .unwrap();
    assert!(
        huge.description.contains("over the 25 MB"),
        "{}",
        huge.description
    );
    assert_eq!(count(&servers, &desk, "Parlor refused").await, 1);

    // 6. Broken MIME still becomes a readable ticket.
    let broken = format!(
        "From: {customer}\r\nTo: {billing_address}\r\nSubject: caf\u{e9} broken\r\nMessage-ID: <broken.{desk_local}@customer.test>\r\nContent-Type: multipart/mixed; boundary=zz\r\n\r\n--zz\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nThe printer \u{e9}ats paper\r\n"
    );
    dee.sends_raw(&billing_address, broken.as_bytes()).await;
    let broken_ticket: TicketNumber = parlor
        .tickets()
        .list(&admin, &TicketFilter::default())
        .await
        .unwrap()
        .into_iter()
        .find(|t| t.title.ends_with("broken"))
        .unwrap()
        .number;
    let entries = parlor
        .ticket_thread()
        .entries(&admin, broken_ticket)
        .await
        .unwrap();
    assert!(
        entries[0].body.contains("The printer"),
        "{:?}",
        entries[0].body
    );
    assert_eq!(count(&servers, &desk, "INBOX").await, 0);

    // 7. An attachment becomes the ticket's file, its bytes whole.
    let attached = format!(
        "From: {customer}\r\nTo: {sales_address}\r\nSubject: Screenshot\r\nMessage-ID: <attached.{desk_local}@customer.test>\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=b1\r\n\r\n--b1\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nSee the picture.\r\n--b1\r\nContent-Type: image/png; name=\"screen <1>.png\"\r\nContent-Disposition: attachment; filename=\"screen <1>.png\"\r\nContent-Transfer-Encoding: base64\r\n\r\niVBORw0KGgpwYXJsb3ItZmlsZQ==\r\n--b1--\r\n"
    );
    dee.sends_raw(&sales_address, attached.as_bytes()).await;
    let with_file = parlor
        .tickets()
        .list(&admin, &TicketFilter::default())
        .await
        .unwrap()
        .into_iter()
        .find(|t| t.title == "Screenshot")
        .unwrap();
    let files = parlor
        .ticket_files()
        .list(&admin, with_file.number)
        .await
        .unwrap();
    assert_eq!(files.len(), 1);
    assert_eq!(files[0].file.name, "screen <1>.png");
    assert_eq!(files[0].file.content_type, "image/png");
    let (_, bytes) = parlor
        .ticket_files()
        .open(&admin, files[0].file.id)
        .await
        .unwrap();
    assert_eq!(
        bytes.collect().await.unwrap(),
        b"\x89PNG\r\n\x1a\nparlor-file"
    );
    sender.abort();
}
