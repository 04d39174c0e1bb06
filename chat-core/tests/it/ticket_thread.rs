//! A ticket's thread and the mail outbox, on SQLite and on PostgreSQL (when
//! configured): a reply is stored with its mail, a note never mails, a
//! retried reply adds nothing, one recipient's mail is claimed in order,
//! and a claimed mail belongs to one sender until its lease ends.

use chat_core::mail_outbox::SendFailure;
use chat_core::ticket_thread::MailIdentity;
use chat_core::{Error, Options, Parlor};
use parlor_domain::{
    Assignment, Customer, Delivery, EntryInput, EntryKind, NewTicket, Priority, TeamInput, Ticket,
    TicketNumber, TicketSource, User,
};

struct Desk {
    parlor: Parlor,
    url: String,
    admin: User,
    _dir: tempfile::TempDir,
}

fn identity() -> MailIdentity {
    MailIdentity {
        address: "desk@parlor.test".into(),
        name: "Parlor Desk".into(),
    }
}

async fn desk(mail: bool) -> Desk {
    let dir = tempfile::tempdir().unwrap();
    let url = chat_core::testing::database_url(dir.path()).await.unwrap();
    let options = Options {
        mail: mail.then(identity),
        ..Options::default()
    };
    let (parlor, admin) = chat_core::testing::open_with_admin(&url, options)
        .await
        .unwrap();
    Desk {
        parlor,
        url,
        admin,
        _dir: dir,
    }
}

async fn ticket(d: &Desk, alias: &str, email: &str) -> Ticket {
    let team = d
        .parlor
        .teams()
        .create(
            &d.admin,
            TeamInput {
                name: format!("Team {alias}"),
                assignment: Assignment::Manual,
                email_alias: alias.into(),
                ..TeamInput::default()
            },
        )
        .await
        .unwrap();
    d.parlor
        .tickets()
        .create(
            &d.admin,
            NewTicket {
                team: team.id,
                title: "Printer <b>on fire</b>".into(),
                description: "It smokes.".into(),
                customer: Customer {
                    name: "Dee".into(),
                    email: email.into(),
                    visitor: None,
                },
                priority: Priority::High,
                tags: vec![],
                source: TicketSource::Api,
                conversation: None,
                request_id: None,
            },
        )
        .await
        .unwrap()
}

fn input(body: &str, request: &str) -> EntryInput {
    EntryInput {
        body: body.into(),
        request_id: Some(request.into()),
    }
}

#[tokio::test]
async fn a_reply_is_stored_with_its_mail_and_a_note_is_not_mailed() {
    let d = desk(true).await;
    let t = ticket(&d, "billing", "dee@customer.test").await;
    let thread = d.parlor.ticket_thread();
    let note = thread
        .note(&d.admin, t.number, input("Check the warranty", "n1"))
        .await
        .unwrap();
    assert_eq!(note.kind, EntryKind::Note);
    assert_eq!(note.delivery, None);
    let reply = thread
        .reply(&d.admin, t.number, input("We are on it.", "r1"))
        .await
        .unwrap();
    assert_eq!(reply.kind, EntryKind::Reply);
    assert_eq!(
        reply.delivery,
        Some(Delivery::Queued {
            attempts: 0,
            error: None
        })
    );
    // A retried click: the same entry, no second mail.
    let again = thread
        .reply(&d.admin, t.number, input("We are on it.", "r1"))
        .await
        .unwrap();
    assert_eq!(again.id, reply.id);

    let claimed = d.parlor.mail_outbox().claim(10).await.unwrap();
    assert_eq!(claimed.len(), 1, "one mail, the note sent nothing");
    let mail = &claimed[0].mail;
    assert_eq!(mail.to.email, "dee@customer.test");
    assert_eq!(mail.from.email, "billing@parlor.test");
    assert_eq!(mail.from.name, "Team billing");
    assert_eq!(
        mail.subject,
        format!("[#{}] Printer <b>on fire</b>", t.number.0)
    );
    assert!(mail.text.starts_with("We are on it.\n\n-- \n"));
    assert!(!mail.text.contains("warranty"), "a note never goes out");
    assert_eq!(Some(mail.message_id.clone()), reply.message_id);
    assert!(mail.message_id.ends_with("@parlor.test"));
    assert_eq!(claimed[0].attempts, 1);

    d.parlor.mail_outbox().sent(&claimed[0]).await.unwrap();
    let entries = thread.entries(&d.admin, t.number).await.unwrap();
    assert_eq!(entries.len(), 2);
    assert!(matches!(entries[1].delivery, Some(Delivery::Sent { .. })));

    // The next reply threads under the first.
    thread
        .reply(&d.admin, t.number, input("Fixed.", "r2"))
        .await
        .unwrap();
    let next = d.parlor.mail_outbox().claim(10).await.unwrap();
    assert_eq!(next[0].mail.in_reply_to, reply.message_id);
    assert_eq!(next[0].mail.references, vec![mail.message_id.clone()]);
}

#[tokio::test]
async fn failures_are_retried_later_or_given_up_and_shown() {
    let d = desk(true).await;
    let t = ticket(&d, "help", "dee@customer.test").await;
    let thread = d.parlor.ticket_thread();
    let outbox = d.parlor.mail_outbox();
    thread
        .reply(&d.admin, t.number, input("One", "a"))
        .await
        .unwrap();
    let first = outbox.claim(10).await.unwrap();
    outbox
        .failed(
            &first[0],
            &SendFailure::Transient("connection refused".into()),
        )
        .await
        .unwrap();
    // Not due yet, and nothing else for that recipient may overtake it.
    thread
        .reply(&d.admin, t.number, input("Two", "b"))
        .await
        .unwrap();
    assert!(outbox.claim(10).await.unwrap().is_empty());
    let entries = thread.entries(&d.admin, t.number).await.unwrap();
    assert_eq!(
        entries[0].delivery,
        Some(Delivery::Queued {
            attempts: 1,
            error: Some("connection refused".into())
        })
    );

    let other = ticket(&d, "sales", "eve@customer.test").await;
    thread
        .reply(&d.admin, other.number, input("Hi Eve", "c"))
        .await
        .unwrap();
    let eve = outbox.claim(10).await.unwrap();
    assert_eq!(eve.len(), 1, "another recipient is not held up");
    outbox
        .failed(&eve[0], &SendFailure::Permanent("550 no such user".into()))
        .await
        .unwrap();
    let entries = thread.entries(&d.admin, other.number).await.unwrap();
    assert_eq!(
        entries[0].delivery,
        Some(Delivery::Failed {
            error: "550 no such user".into()
        })
    );
}

#[tokio::test]
async fn a_claimed_mail_has_one_sender() {
    let d = desk(true).await;
    let t = ticket(&d, "ops", "dee@customer.test").await;
    for (i, body) in ["a", "b", "c"].iter().enumerate() {
        let other = ticket(&d, &format!("ops{i}"), &format!("c{i}@customer.test")).await;
        d.parlor
            .ticket_thread()
            .reply(&d.admin, other.number, input(body, &format!("x{i}")))
            .await
            .unwrap();
    }
    d.parlor
        .ticket_thread()
        .reply(&d.admin, t.number, input("d", "y"))
        .await
        .unwrap();
    // A second node on the same database.
    let other = Parlor::open_with(
        &d.url,
        Options {
            mail: Some(identity()),
            ..Options::default()
        },
    )
    .await
    .unwrap();
    let (a, b) = tokio::join!(
        d.parlor.mail_outbox().claim(3),
        other.mail_outbox().claim(3)
    );
    let (a, b) = (a.unwrap(), b.unwrap());
    // A claim racing another may come back short; what it left is claimed
    // on the next round, and nothing is ever claimed twice.
    let rest = d.parlor.mail_outbox().claim(4).await.unwrap();
    let all: Vec<_> = a.iter().chain(&b).chain(&rest).map(|m| m.id).collect();
    let mut ids = all.clone();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), all.len(), "no mail claimed twice");
    assert_eq!(ids.len(), 4);
}

#[tokio::test]
async fn replies_need_mail_set_up_and_an_address() {
    let off = desk(false).await;
    let t = ticket(&off, "x", "dee@customer.test").await;
    let refused = off
        .parlor
        .ticket_thread()
        .reply(&off.admin, t.number, input("Hello", "r"))
        .await
        .unwrap_err();
    assert!(matches!(refused, Error::NotPermitted(_)), "{refused:?}");
    // A note still works.
    off.parlor
        .ticket_thread()
        .note(&off.admin, t.number, input("Hello", "n"))
        .await
        .unwrap();

    let on = desk(true).await;
    let t = ticket(&on, "y", "").await;
    let refused = on
        .parlor
        .ticket_thread()
        .reply(&on.admin, t.number, input("Hello", "r"))
        .await
        .unwrap_err();
    assert!(matches!(refused, Error::Validation(_)), "{refused:?}");
    let missing = on
        .parlor
        .ticket_thread()
        .note(&on.admin, TicketNumber(t.number.0 + 99), input("x", "n"))
        .await
        .unwrap_err();
    assert!(matches!(missing, Error::NotFound("ticket")), "{missing:?}");
    assert!(on.parlor.mail_outbox().claim(10).await.unwrap().is_empty());
}
