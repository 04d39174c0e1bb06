//! Mail into the helpdesk, on SQLite and on PostgreSQL (when configured):
//! routing by alias, answers that join their ticket, mail fetched twice,
//! Parlor's own mail, strangers who guess a ticket number, and mail nobody
//! takes yet.

use chat_core::mail_intake::Intake;
use chat_core::ticket_thread::MailIdentity;
use chat_core::{Options, Parlor};
use parlor_domain::{
    Assignment, EntryInput, EntryKind, InboundFile, InboundMail, Mailbox, Team, TeamInput,
    TicketSource, User,
};

struct Desk {
    parlor: Parlor,
    admin: User,
    url: String,
    _dir: tempfile::TempDir,
}

async fn desk() -> Desk {
    let dir = tempfile::tempdir().unwrap();
    let url = chat_core::testing::database_url(dir.path()).await.unwrap();
    let options = Options {
        mail: Some(MailIdentity {
            address: "support@parlor.test".into(),
            name: "Support".into(),
        }),
        ..Options::default()
    };
    let (parlor, admin) = chat_core::testing::open_with_admin(&url, options)
        .await
        .unwrap();
    Desk {
        parlor,
        admin,
        url,
        _dir: dir,
    }
}

async fn team(d: &Desk, name: &str, alias: &str) -> Team {
    d.parlor
        .teams()
        .create(
            &d.admin,
            TeamInput {
                name: name.into(),
                assignment: Assignment::Manual,
                email_alias: alias.into(),
                ..TeamInput::default()
            },
        )
        .await
        .unwrap()
}

fn mail(id: &str, to: &str, subject: &str, text: &str) -> InboundMail {
    InboundMail {
        message_id: id.into(),
        subject: subject.into(),
        from: Mailbox {
            name: "Dee Customer".into(),
            email: "Dee@Customer.test".into(),
        },
        recipients: vec![to.into()],
        text: text.into(),
        ..InboundMail::default()
    }
}

fn opened(i: Intake) -> parlor_domain::TicketNumber {
    match i {
        Intake::Opened(n) => n,
        other => panic!("expected a new ticket, got {other:?}"),
    }
}

#[tokio::test]
async fn mail_opens_tickets_in_the_aliased_team_and_answers_join_them() {
    let d = desk().await;
    let intake = d.parlor.mail_intake();
    assert_eq!(
        intake
            .receive(&mail("m0@x", "a@parlor.test", "Hi", "x"))
            .await
            .unwrap(),
        Intake::NoTeam,
        "no team takes mail yet: it stays in the mailbox"
    );
    let _sales = team(&d, "Sales", "support+sales").await;
    let billing = team(&d, "Billing", "support+billing").await;

    let first = mail(
        "m1@customer.test",
        "support+billing@parlor.test",
        "Invoice <b>42</b>",
        "Charged twice.",
    );
    let n = opened(intake.receive(&first).await.unwrap());
    let ticket = d.parlor.tickets().get(&d.admin, n).await.unwrap();
    assert_eq!(ticket.team, billing.id);
    assert_eq!(ticket.title, "Invoice <b>42</b>");
    assert_eq!(ticket.description, "Charged twice.");
    assert_eq!(ticket.source, TicketSource::Email);
    assert_eq!(ticket.customer.email, "dee@customer.test");
    assert_eq!(ticket.customer.name, "Dee Customer");
    // Fetched again (a crash before the mailbox was told): nothing new.
    assert_eq!(intake.receive(&first).await.unwrap(), Intake::AlreadyIn(n));

    // An answer to the team's reply joins by its headers.
    let reply = d
        .parlor
        .ticket_thread()
        .note(
            &d.admin,
            n,
            EntryInput {
                body: "looking".into(),
                request_id: None,
            },
        )
        .await
        .unwrap();
    assert_eq!(reply.kind, EntryKind::Note);
    let mut answer = mail("m2@customer.test", "someone@else.test", "Re: stuff", "More");
    answer.replying_to = vec!["m1@customer.test".into()];
    assert_eq!(intake.receive(&answer).await.unwrap(), Intake::Joined(n));

    // By the subject's tag, from the customer.
    let tagged = mail(
        "m3@customer.test",
        "x@parlor.test",
        &format!("Re: [#{}] Invoice", n.0),
        "Still waiting",
    );
    assert_eq!(intake.receive(&tagged).await.unwrap(), Intake::Joined(n));
    // A stranger with the same tag opens a ticket of their own.
    let mut stranger = tagged.clone();
    stranger.message_id = "m4@evil.test".into();
    stranger.from.email = "eve@evil.test".into();
    assert_ne!(opened(intake.receive(&stranger).await.unwrap()), n);

    let entries = d.parlor.ticket_thread().entries(&d.admin, n).await.unwrap();
    let bodies: Vec<&str> = entries.iter().map(|e| e.body.as_str()).collect();
    assert_eq!(
        bodies,
        ["Charged twice.", "looking", "More", "Still waiting"]
    );
    assert_eq!(entries[0].kind, EntryKind::Customer);
    assert_eq!(entries[0].author_name, "Dee Customer");
}

#[tokio::test]
async fn unaliased_mail_goes_to_the_first_team_and_programs_are_marked() {
    let d = desk().await;
    let intake = d.parlor.mail_intake();
    let first = team(&d, "Front desk", "help").await;
    team(&d, "Back office", "office").await;
    let mut auto = mail(
        "a1@customer.test",
        "info@parlor.test",
        "Out of office",
        "Away",
    );
    auto.automatic = true;
    let n = opened(intake.receive(&auto).await.unwrap());
    let t = d.parlor.tickets().get(&d.admin, n).await.unwrap();
    assert_eq!(t.team, first.id);
    let entries = d.parlor.ticket_thread().entries(&d.admin, n).await.unwrap();
    assert!(entries[0].automatic);

    // Parlor's own mail, come back: ignored.
    let own = mail(
        "ticket-7.abc@parlor.test",
        "help@parlor.test",
        "[#7] x",
        "y",
    );
    assert_eq!(intake.receive(&own).await.unwrap(), Intake::Own);

    // A forged, unusable From and a huge body still make a ticket.
    let mut junk = mail("j1@x", "office@parlor.test", "", &"long line ".repeat(5000));
    junk.from = Mailbox {
        name: "\u{1b}[31mEvil\r\nBcc: all".into(),
        email: "<script>@".into(),
    };
    junk.attachments = vec![InboundFile {
        name: "a.pdf".into(),
        bytes: b"%PDF-1.4 x".to_vec(),
    }];
    let n = opened(intake.receive(&junk).await.unwrap());
    let t = d.parlor.tickets().get(&d.admin, n).await.unwrap();
    assert_eq!(t.title, "(no subject)");
    assert_eq!(t.customer.email, "");
    assert_eq!(t.customer.name, "[31mEvil Bcc: all");
    assert!(t.description.ends_with("too long to import]"));
    let entries = d.parlor.ticket_thread().entries(&d.admin, n).await.unwrap();
    assert!(entries[0].body.ends_with("too long to import]"));
}

#[tokio::test]
async fn the_customers_answer_reopens_a_closed_ticket_and_an_auto_reply_does_not() {
    let d = desk().await;
    let intake = d.parlor.mail_intake();
    let support = team(&d, "Support", "support").await;
    let solved = support.stages.iter().find(|s| s.closes).unwrap().id;
    let first = support.first_stage().unwrap().id;
    let n = opened(
        intake
            .receive(&mail(
                "r1@customer.test",
                "support@parlor.test",
                "Broken",
                "x",
            ))
            .await
            .unwrap(),
    );
    let mut desk = d.parlor.tickets().follow();
    let close = || async {
        let t = d
            .parlor
            .tickets()
            .change(
                &d.admin,
                n,
                parlor_domain::TicketChange {
                    stage: Some(solved),
                    ..Default::default()
                },
            )
            .await
            .unwrap();
        assert!(t.closed_at.is_some());
    };
    close().await;

    // "Out of office" on the closed ticket: recorded, still closed.
    let mut away = mail("r2@customer.test", "support@parlor.test", "Auto", "away");
    away.replying_to = vec!["r1@customer.test".into()];
    away.automatic = true;
    assert_eq!(intake.receive(&away).await.unwrap(), Intake::Joined(n));
    let t = d.parlor.tickets().get(&d.admin, n).await.unwrap();
    assert!(t.closed_at.is_some(), "an auto-reply reopens nothing");

    // The customer writes again: back in the first stage, open.
    let mut again = mail(
        "r3@customer.test",
        "support@parlor.test",
        "Re: Broken",
        "still",
    );
    again.replying_to = vec!["r1@customer.test".into()];
    assert_eq!(intake.receive(&again).await.unwrap(), Intake::Joined(n));
    let t = d.parlor.tickets().get(&d.admin, n).await.unwrap();
    assert_eq!((t.stage, t.closed_at), (first, None));

    // Every step told the helpdesk's screens: close, auto-reply, reopen
    // and the answer.
    let mut heard = Vec::new();
    while let Ok(event) = desk.try_recv() {
        heard.push(event);
    }
    let ticket = chat_core::events::DeskEvent::Ticket {
        number: n,
        team: support.id,
        was: None,
    };
    assert_eq!(heard, vec![ticket.clone(); 4]);
}

#[tokio::test]
async fn attachments_become_the_tickets_files_once_for_its_team_only() {
    let d = desk().await;
    let intake = d.parlor.mail_intake();
    let support = team(&d, "Support", "support").await;
    let png = {
        let mut b = b"\x89PNG\r\n\x1a\n".to_vec();
        b.resize(300 * 1024, 7);
        b
    };
    let mut first = mail(
        "f1@customer.test",
        "support@parlor.test",
        "Screens",
        "see attached",
    );
    first.attachments = vec![
        InboundFile {
            name: "../../etc/screen.png".into(),
            bytes: png.clone(),
        },
        InboundFile {
            name: "notes\u{202e}txt.exe".into(),
            bytes: b"MZ not really".to_vec(),
        },
    ];
    let n = opened(intake.receive(&first).await.unwrap());
    // Fetched again after a crash: the same files, not twice as many.
    assert_eq!(intake.receive(&first).await.unwrap(), Intake::AlreadyIn(n));
    let mut more: Vec<InboundFile> = (0..60)
        .map(|i| InboundFile {
            name: format!("f{i}.txt"),
            bytes: vec![b'x'; 10],
        })
        .collect();
    more.push(InboundFile::default());
    let mut answer = mail(
        "f2@customer.test",
        "support@parlor.test",
        "Re: Screens",
        "more",
    );
    answer.replying_to = vec!["f1@customer.test".into()];
    answer.attachments = more;
    assert_eq!(intake.receive(&answer).await.unwrap(), Intake::Joined(n));

    let files = d.parlor.ticket_files();
    let list = files.list(&d.admin, n).await.unwrap();
    assert_eq!(list.len(), 2 + parlor_domain::mail::MAX_FILES_PER_MAIL);
    let entries = d.parlor.ticket_thread().entries(&d.admin, n).await.unwrap();
    assert_eq!(list[0].entry, Some(entries[0].id));
    assert_eq!(list[2].entry, Some(entries[1].id));
    assert_eq!(list[0].file.name, "screen.png");
    assert_eq!(list[0].file.content_type, "image/png");
    assert_eq!(list[0].file.size, png.len() as u64);
    assert_eq!(list[1].file.name, "notestxt.exe");
    assert_eq!(list[1].file.content_type, "application/octet-stream");
    // The ones past the limit are named in the entry's text.
    assert!(
        entries[1].body.contains("Attachments not kept"),
        "{}",
        entries[1].body
    );
    assert!(entries[1].body.contains("f59.txt"));
    assert!(!entries[1].body.contains("f49.txt"));

    let (file, body) = files.open(&d.admin, list[0].file.id).await.unwrap();
    assert_eq!(file.name, "screen.png");
    assert_eq!(body.collect().await.unwrap(), png, "every chunk, in order");

    // An operator outside the team: no list, no file.
    let outsider = d
        .parlor
        .create_user(
            &d.admin,
            parlor_domain::NewUser {
                email: "out@parlor.test".into(),
                display_name: "Out".into(),
                password: "outsider-password-1".into(),
                role: parlor_domain::Role::Operator,
            },
        )
        .await
        .unwrap();
    assert!(matches!(
        files.list(&outsider, n).await,
        Err(chat_core::Error::NotFound(_))
    ));
    assert!(matches!(
        files.open(&outsider, list[0].file.id).await,
        Err(chat_core::Error::NotFound("file"))
    ));
    // The sweep of unsent chat uploads leaves ticket files alone, however
    // old.
    let store = chat_core::store::open(&d.url).await.unwrap();
    store
        .attachments()
        .sweep_attachments(i64::MAX)
        .await
        .unwrap();
    assert_eq!(files.list(&d.admin, n).await.unwrap().len(), list.len());
    let _ = support;
}
