//! Teams' website forms through their service, on SQLite and on PostgreSQL
//! (when configured): the editor is for admins, a team with the form off
//! has none, a submission opens a ticket with its confirmation mail queued
//! in the same transaction, a retried submission opens nothing new, and
//! one address is limited.

use chat_core::help_forms::{Submitted, FORM_SUBMISSIONS};
use chat_core::ticket_thread::MailIdentity;
use chat_core::{Error, Options};
use parlor_domain::help_form::texts_for;
use parlor_domain::{
    Assignment, EntryKind, FieldKind, FormAnswers, FormField, HelpForm, NewUser, Role, TeamInput,
    TicketSource,
};

fn answers() -> FormAnswers {
    FormAnswers {
        name: "Dee".into(),
        email: "dee@customer.test".into(),
        subject: "Kettle <b>leaks</b>".into(),
        message: "Water everywhere".into(),
        fields: vec!["Kettle".into()],
    }
}

#[tokio::test]
async fn a_submission_opens_a_ticket_with_its_confirmation() {
    let dir = tempfile::tempdir().unwrap();
    let url = chat_core::testing::database_url(dir.path()).await.unwrap();
    let options = Options {
        mail: Some(MailIdentity {
            address: "desk@parlor.test".into(),
            name: "Desk".into(),
        }),
        ..Options::default()
    };
    let (parlor, admin) = chat_core::testing::open_with_admin(&url, options)
        .await
        .unwrap();
    let forms = parlor.help_forms();
    let team = parlor
        .teams()
        .create(
            &admin,
            TeamInput {
                name: "Support".into(),
                assignment: Assignment::Manual,
                email_alias: "help".into(),
                ..TeamInput::default()
            },
        )
        .await
        .unwrap();
    let en = texts_for(&["en"]);
    assert!(
        matches!(forms.public(team.id).await, Err(Error::NotFound(_))),
        "the form is off"
    );
    let mut input = TeamInput {
        name: "Support".into(),
        email_alias: "help".into(),
        web_form: true,
        ..TeamInput::default()
    };
    input.stages = team
        .stages
        .iter()
        .map(|s| parlor_domain::StageInput {
            id: Some(s.id),
            name: s.name.clone(),
            closes: s.closes,
        })
        .collect();
    parlor.teams().update(&admin, team.id, input).await.unwrap();

    // Only admins edit the fields.
    let operator = parlor
        .create_user(
            &admin,
            NewUser {
                email: "op@example.com".into(),
                display_name: "Op".into(),
                password: "a-long-password".into(),
                role: Role::Operator,
            },
        )
        .await
        .unwrap();
    let form = HelpForm {
        fields: vec![FormField {
            kind: FieldKind::Choice,
            label: "Product".into(),
            choices: vec!["Kettle".into(), "Toaster".into()],
            required: true,
            ..FormField::default()
        }],
    };
    assert!(matches!(
        forms.save(&operator, team.id, form.clone()).await,
        Err(Error::Forbidden)
    ));
    forms.save(&admin, team.id, form.clone()).await.unwrap();
    assert_eq!(forms.public(team.id).await.unwrap().form, form);

    // Bad answers: nothing made.
    let mut bad = answers();
    bad.fields = vec!["Fridge".into()];
    let refused = forms
        .submit(team.id, &bad, "req-0", en, None)
        .await
        .unwrap();
    assert!(matches!(refused, Submitted::Invalid(_)), "{refused:?}");

    let made = forms
        .submit(team.id, &answers(), "req-1", en, None)
        .await
        .unwrap();
    let Submitted::Ticket { number, email } = made else {
        panic!("{made:?}");
    };
    assert_eq!(email, "dee@customer.test");
    // Sent again (a reload of the answer page): the same ticket.
    let again = forms
        .submit(team.id, &answers(), "req-1", en, None)
        .await
        .unwrap();
    assert_eq!(
        again,
        Submitted::Ticket {
            number,
            email: email.clone()
        }
    );
    let ticket = parlor.tickets().get(&admin, number).await.unwrap();
    assert_eq!(ticket.source, TicketSource::Form);
    assert_eq!(ticket.title, "Kettle <b>leaks</b>");
    assert_eq!(ticket.description, "Water everywhere\n\nProduct: Kettle");
    let entries = parlor
        .ticket_thread()
        .entries(&admin, number)
        .await
        .unwrap();
    assert_eq!(entries.len(), 1);
    assert_eq!(entries[0].kind, EntryKind::Customer);
    let mails = parlor.mail_outbox().claim(10).await.unwrap();
    assert_eq!(mails.len(), 1, "one confirmation");
    let mail = &mails[0].mail;
    assert_eq!(mail.to.email, "dee@customer.test");
    assert_eq!(mail.from.email, "help@parlor.test");
    assert_eq!(
        mail.subject,
        format!("[#{}] We received your request", number.0)
    );
    assert!(mail.text.contains(&format!("ticket #{}", number.0)));
    assert!(!mail.text.contains("Water"), "nothing typed goes out");
    assert_eq!(entries[0].message_id.as_ref(), Some(&mail.message_id));

    // One address: FORM_SUBMISSIONS, then no more.
    let addr = "192.0.2.7".parse().unwrap();
    for i in 0..FORM_SUBMISSIONS {
        let ok = forms
            .submit(team.id, &answers(), &format!("r{i}"), en, Some(addr))
            .await
            .unwrap();
        assert!(matches!(ok, Submitted::Ticket { .. }));
    }
    let limited = forms
        .submit(team.id, &answers(), "r-last", en, Some(addr))
        .await
        .unwrap();
    assert_eq!(limited, Submitted::TooMany);
    let other = forms
        .submit(
            team.id,
            &answers(),
            "r-other",
            en,
            Some("192.0.2.8".parse().unwrap()),
        )
        .await
        .unwrap();
    assert!(matches!(other, Submitted::Ticket { .. }));
}
