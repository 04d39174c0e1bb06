//! Helpdesk teams and tickets through their services, on SQLite and on
//! PostgreSQL (when configured): stages, assignment, who sees what,
//! filters, and changes that do not undo each other.

use chat_core::Parlor;
use parlor_domain::{
    Assignment, ChannelId, Customer, Field, NewTicket, NewUser, Priority, Role, StageInput, Team,
    TeamInput, TicketChange, TicketFilter, TicketNumber, TicketSort, TicketSource, User,
};

struct Desk {
    parlor: Parlor,
    admin: User,
    ann: User,
    bob: User,
    cy: User,
    channel: ChannelId,
    _dir: tempfile::TempDir,
}

async fn desk() -> Desk {
    let dir = tempfile::tempdir().unwrap();
    let (_url, parlor, channel) = crate::messages::setup(&dir).await;
    let admin = parlor
        .sign_in("a@example.com", "admin-password")
        .await
        .unwrap()
        .user;
    let mut users = Vec::new();
    for name in ["Ann", "Bob", "Cy"] {
        let user = parlor
            .create_user(
                &admin,
                NewUser {
                    email: format!("{}@example.com", name.to_lowercase()),
                    display_name: name.into(),
                    password: "a-long-password".into(),
                    role: Role::Operator,
                },
            )
            .await
            .unwrap();
        users.push(user);
    }
    let cy = users.pop().unwrap();
    let bob = users.pop().unwrap();
    let ann = users.pop().unwrap();
    Desk {
        parlor,
        admin,
        ann,
        bob,
        cy,
        channel,
        _dir: dir,
    }
}

fn team_input(name: &str, members: &[&User], assignment: Assignment) -> TeamInput {
    TeamInput {
        name: name.into(),
        assignment,
        members: members.iter().map(|u| u.id).collect(),
        web_form: true,
        ..TeamInput::default()
    }
}

fn ticket(team: &Team, title: &str, priority: Priority) -> NewTicket {
    NewTicket {
        team: team.id,
        title: title.into(),
        description: "details".into(),
        customer: Customer {
            name: "Dee".into(),
            email: "dee@example.com".into(),
            visitor: None,
        },
        priority,
        tags: vec![],
        source: TicketSource::Form,
        conversation: None,
        request_id: None,
    }
}

#[tokio::test]
async fn teams_get_default_stages_and_admins_edit_them_without_losing_tickets() {
    let d = desk().await;
    let teams = d.parlor.teams();
    assert!(matches!(
        teams
            .create(&d.ann, team_input("Support", &[], Assignment::Manual))
            .await,
        Err(chat_core::Error::Forbidden)
    ));
    let team = teams
        .create(
            &d.admin,
            team_input(" Support ", &[&d.ann], Assignment::Manual),
        )
        .await
        .unwrap();
    assert_eq!(team.name, "Support");
    let names: Vec<_> = team.stages.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(
        names,
        ["New", "In progress", "On hold", "Solved", "Cancelled"]
    );

    // The same name again, in other case, is refused beside the field.
    let again = teams
        .create(&d.admin, team_input("SUPPORT", &[], Assignment::Manual))
        .await
        .unwrap_err();
    let chat_core::Error::Validation(v) = again else {
        panic!("{again:?}")
    };
    assert!(v.for_field(Field::Name).is_some());

    // A ticket in "On hold": that stage can be renamed and moved, not dropped.
    let t = d
        .parlor
        .tickets()
        .create(&d.ann, ticket(&team, "Printer", Priority::Low))
        .await
        .unwrap();
    let on_hold = team.stages[2].id;
    d.parlor
        .tickets()
        .change(
            &d.ann,
            t.number,
            TicketChange {
                stage: Some(on_hold),
                ..TicketChange::default()
            },
        )
        .await
        .unwrap();
    let mut input = TeamInput {
        stages: team.input().stages,
        ..team_input("Support", &[&d.ann], Assignment::Manual)
    };
    input.stages.swap(1, 2);
    input.stages[1].name = "Waiting for customer".into();
    input.stages.push(StageInput {
        id: None,
        name: "Escalated".into(),
        closes: false,
    });
    let edited = teams
        .update(&d.admin, team.id, input.clone())
        .await
        .unwrap();
    let names: Vec<_> = edited.stages.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "New",
            "Waiting for customer",
            "In progress",
            "Solved",
            "Cancelled",
            "Escalated"
        ]
    );
    assert_eq!(edited.stages[1].id, on_hold);

    input.stages.remove(1);
    let refused = teams.update(&d.admin, team.id, input).await.unwrap_err();
    assert!(
        matches!(refused, chat_core::Error::Validation(_)),
        "{refused:?}"
    );
    assert_eq!(
        d.parlor
            .tickets()
            .get(&d.ann, t.number)
            .await
            .unwrap()
            .stage,
        on_hold
    );
    assert!(matches!(
        teams.delete(&d.admin, team.id).await,
        Err(chat_core::Error::NotPermitted(_))
    ));
}

#[tokio::test]
async fn live_chat_without_a_channel_creates_one_and_channels_find_their_teams() {
    let d = desk().await;
    let teams = d.parlor.teams();
    let mut first = team_input("Billing", &[], Assignment::Manual);
    first.live_chat = true;
    let billing = teams.create(&d.admin, first).await.unwrap();
    assert_eq!(billing.channels.len(), 1);
    let made = d
        .parlor
        .channel(&d.admin, billing.channels[0])
        .await
        .unwrap();
    assert_eq!(made.settings.name, "Billing");

    // Two teams link the default channel: the admin's order decides.
    for name in ["Sales", "Returns"] {
        let mut input = team_input(name, &[], Assignment::Manual);
        input.live_chat = true;
        input.channels = vec![d.channel];
        teams.create(&d.admin, input).await.unwrap();
    }
    let linked = teams.for_channel(d.channel).await.unwrap();
    let all = teams.list(&d.ann).await.unwrap();
    let names: Vec<_> = linked
        .iter()
        .map(|id| all.iter().find(|t| t.id == *id).unwrap().name.as_str())
        .collect();
    assert_eq!(names, ["Sales", "Returns"]);
}

#[tokio::test]
async fn round_robin_takes_turns_and_balanced_evens_out() {
    let d = desk().await;
    let teams = d.parlor.teams();
    let tickets = d.parlor.tickets();
    let rr = teams
        .create(
            &d.admin,
            team_input("Turns", &[&d.ann, &d.bob, &d.cy], Assignment::RoundRobin),
        )
        .await
        .unwrap();
    let mut got = Vec::new();
    for i in 0..6 {
        let t = tickets
            .receive(ticket(&rr, &format!("t{i}"), Priority::Low))
            .await
            .unwrap();
        got.push(t.assignee.unwrap());
    }
    assert_eq!(
        got,
        [d.ann.id, d.bob.id, d.cy.id, d.ann.id, d.bob.id, d.cy.id]
    );

    // Many at once still take turns: each member gets the same share.
    let mut tasks = tokio::task::JoinSet::new();
    for i in 0..30 {
        let tickets = tickets.clone();
        let new = ticket(&rr, &format!("burst {i}"), Priority::Low);
        tasks.spawn(async move { tickets.receive(new).await });
    }
    let mut shares = std::collections::HashMap::new();
    while let Some(done) = tasks.join_next().await {
        *shares
            .entry(done.unwrap().unwrap().assignee.unwrap())
            .or_insert(0) += 1;
    }
    assert_eq!(shares.values().copied().collect::<Vec<_>>(), [10, 10, 10]);

    let balanced = teams
        .create(
            &d.admin,
            team_input("Even", &[&d.ann, &d.bob], Assignment::Balanced),
        )
        .await
        .unwrap();
    let first = tickets
        .receive(ticket(&balanced, "b1", Priority::Low))
        .await
        .unwrap();
    let second = tickets
        .receive(ticket(&balanced, "b2", Priority::Low))
        .await
        .unwrap();
    assert_ne!(first.assignee, second.assignee);
    // Closing the first one's ticket frees that member for the next.
    let solved = balanced.stages.iter().find(|s| s.closes).unwrap().id;
    let closed = tickets
        .change(
            &d.admin,
            first.number,
            TicketChange {
                stage: Some(solved),
                ..TicketChange::default()
            },
        )
        .await
        .unwrap();
    assert!(closed.closed_at.is_some());
    let third = tickets
        .receive(ticket(&balanced, "b3", Priority::Low))
        .await
        .unwrap();
    assert_eq!(third.assignee, first.assignee);
}

#[tokio::test]
async fn operators_see_their_teams_tickets_and_lists_filter_and_sort() {
    let d = desk().await;
    let teams = d.parlor.teams();
    let tickets = d.parlor.tickets();
    let support = teams
        .create(
            &d.admin,
            team_input("Support", &[&d.ann], Assignment::Manual),
        )
        .await
        .unwrap();
    let sales = teams
        .create(&d.admin, team_input("Sales", &[&d.bob], Assignment::Manual))
        .await
        .unwrap();
    let low = tickets
        .receive(ticket(&support, "Invoice 50% off_by one", Priority::Low))
        .await
        .unwrap();
    let urgent = tickets
        .receive(ticket(&support, "Site down", Priority::Urgent))
        .await
        .unwrap();
    let other = tickets
        .receive(ticket(&sales, "Quote", Priority::High))
        .await
        .unwrap();

    // Ann sees Support's tickets, urgent first; Bob's is "not found" to her.
    let listed = tickets
        .list(&d.ann, &TicketFilter::default())
        .await
        .unwrap();
    let numbers: Vec<_> = listed.iter().map(|t| t.number).collect();
    assert_eq!(numbers, [urgent.number, low.number]);
    assert!(matches!(
        tickets.get(&d.ann, other.number).await,
        Err(chat_core::Error::NotFound("ticket"))
    ));
    assert!(matches!(
        tickets
            .create(&d.ann, ticket(&sales, "not mine", Priority::Low))
            .await,
        Err(chat_core::Error::NotPermitted(_))
    ));
    assert_eq!(
        tickets
            .list(&d.admin, &TicketFilter::default())
            .await
            .unwrap()
            .len(),
        3
    );

    // Stars, tags and assignment, then the filters that use them.
    let changed = tickets
        .change(
            &d.ann,
            low.number,
            TicketChange {
                priority: Some(Priority::High),
                tags: Some(vec!["Billing".into(), " billing".into(), "VIP".into()]),
                assignee: Some(Some(d.ann.id)),
                ..TicketChange::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(changed.tags, ["billing", "vip"]);
    assert_eq!(changed.version, low.version + 1);
    let not_member = tickets
        .change(
            &d.ann,
            low.number,
            TicketChange {
                assignee: Some(Some(d.bob.id)),
                ..TicketChange::default()
            },
        )
        .await;
    assert!(matches!(not_member, Err(chat_core::Error::Validation(_))));

    let find = |f: TicketFilter| {
        let tickets = tickets.clone();
        let ann = d.ann.clone();
        async move {
            tickets
                .list(&ann, &f)
                .await
                .unwrap()
                .into_iter()
                .map(|t| t.number)
                .collect::<Vec<TicketNumber>>()
        }
    };
    assert_eq!(
        find(TicketFilter {
            assignee: Some(d.ann.id),
            ..TicketFilter::default()
        })
        .await,
        [low.number]
    );
    assert_eq!(
        find(TicketFilter {
            unassigned: true,
            ..TicketFilter::default()
        })
        .await,
        [urgent.number]
    );
    assert_eq!(
        find(TicketFilter {
            tag: Some("VIP".into()),
            ..TicketFilter::default()
        })
        .await,
        [low.number]
    );
    // `%` and `_` are themselves, words are all required, `#n` is a number.
    assert_eq!(
        find(TicketFilter {
            text: Some("50% OFF_BY".into()),
            ..TicketFilter::default()
        })
        .await,
        [low.number]
    );
    assert!(find(TicketFilter {
        text: Some("5_% down".into()),
        ..TicketFilter::default()
    })
    .await
    .is_empty());
    assert_eq!(
        find(TicketFilter {
            text: Some(urgent.number.to_string()),
            ..TicketFilter::default()
        })
        .await,
        [urgent.number]
    );
    assert_eq!(
        find(TicketFilter {
            sort: TicketSort::Oldest,
            priority: Some(Priority::High),
            ..TicketFilter::default()
        })
        .await,
        [low.number]
    );

    let counts = tickets.counts(&d.ann).await.unwrap();
    assert_eq!((counts.mine, counts.unassigned), (1, 1));
    let counts = tickets.counts(&d.admin).await.unwrap();
    assert_eq!((counts.mine, counts.unassigned), (0, 2));

    // Closed tickets leave the default list, and come back on reopening.
    let solved = support.stages.iter().find(|s| s.closes).unwrap().id;
    tickets
        .change(
            &d.ann,
            urgent.number,
            TicketChange {
                stage: Some(solved),
                ..TicketChange::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(find(TicketFilter::default()).await, [low.number]);
    let reopened = tickets
        .change(
            &d.ann,
            urgent.number,
            TicketChange {
                stage: Some(support.stages[0].id),
                ..TicketChange::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(reopened.closed_at, None);
}

#[tokio::test]
async fn concurrent_changes_to_different_fields_all_stay() {
    let d = desk().await;
    let team = d
        .parlor
        .teams()
        .create(
            &d.admin,
            team_input("Support", &[&d.ann, &d.bob], Assignment::Manual),
        )
        .await
        .unwrap();
    let tickets = d.parlor.tickets();
    let t = tickets
        .receive(ticket(&team, "Printer", Priority::Low))
        .await
        .unwrap();
    let (a, b, c) = tokio::join!(
        tickets.change(
            &d.ann,
            t.number,
            TicketChange {
                priority: Some(Priority::Urgent),
                ..TicketChange::default()
            }
        ),
        tickets.change(
            &d.bob,
            t.number,
            TicketChange {
                title: Some("Printer on fire".into()),
                ..TicketChange::default()
            }
        ),
        tickets.change(
            &d.ann,
            t.number,
            TicketChange {
                stage: Some(team.stages[1].id),
                ..TicketChange::default()
            }
        ),
    );
    a.unwrap();
    b.unwrap();
    c.unwrap();
    let now = tickets.get(&d.ann, t.number).await.unwrap();
    assert_eq!(now.priority, Priority::Urgent);
    assert_eq!(now.title, "Printer on fire");
    assert_eq!(now.stage, team.stages[1].id);
    assert_eq!(now.version, t.version + 3);
}

#[tokio::test]
async fn outside_intake_needs_its_way_in_and_bad_input_is_refused() {
    let d = desk().await;
    let mut input = team_input("Quiet", &[], Assignment::Manual);
    input.web_form = false;
    let quiet = d.parlor.teams().create(&d.admin, input).await.unwrap();
    assert!(matches!(
        d.parlor
            .tickets()
            .receive(ticket(&quiet, "hello", Priority::Low))
            .await,
        Err(chat_core::Error::NotFound("team"))
    ));
    let open = d
        .parlor
        .teams()
        .create(&d.admin, team_input("Open", &[], Assignment::Manual))
        .await
        .unwrap();
    let mut bad = ticket(&open, "<script>alert(1)</script>", Priority::Low);
    bad.customer.email = "not an address".into();
    let refused = d.parlor.tickets().receive(bad.clone()).await.unwrap_err();
    assert!(matches!(refused, chat_core::Error::Validation(_)));
    // Markup is text: stored exactly as typed, for the views to escape.
    bad.customer.email = "dee@example.com".into();
    let stored = d.parlor.tickets().receive(bad).await.unwrap();
    assert_eq!(stored.title, "<script>alert(1)</script>");
}

#[tokio::test]
async fn words_match_inside_words_in_any_case_and_follow_edits() {
    let d = desk().await;
    let team = d
        .parlor
        .teams()
        .create(
            &d.admin,
            team_input("Support", &[&d.ann], Assignment::Manual),
        )
        .await
        .unwrap();
    let tickets = d.parlor.tickets();
    let printer = tickets
        .create(
            &d.ann,
            ticket(&team, "Der Drucker ÜBERHITZT", Priority::Low),
        )
        .await
        .unwrap();
    let mut quoted = ticket(&team, "Says \"hi\" to me", Priority::Low);
    quoted.customer.email = "zoë@example.com".into();
    let quoted = tickets.create(&d.ann, quoted).await.unwrap();
    let ann = &d.ann;
    let find = |text: &str| {
        let f = TicketFilter {
            text: Some(text.into()),
            ..TicketFilter::default()
        };
        async move {
            tickets
                .list(ann, &f)
                .await
                .unwrap()
                .into_iter()
                .map(|t| t.number)
                .collect::<Vec<TicketNumber>>()
        }
    };
    // Inside a word, in another case, every word required. (Non-ASCII
    // letters fold too on SQLite, and on PostgreSQL as its locale does.)
    assert_eq!(find("ruck").await, [printer.number]);
    assert_eq!(find("ÜBERhitzt drucker").await, [printer.number]);
    assert!(find("drucker quietscht").await.is_empty());
    // Short words, quotes, and the customer's address.
    assert_eq!(find("dR").await, [printer.number]);
    assert_eq!(find("\"hi\"").await, [quoted.number]);
    assert_eq!(find("zoë@EXAMPLE").await, [quoted.number]);
    // An edit is found by its new words only.
    tickets
        .change(
            &d.ann,
            printer.number,
            TicketChange {
                title: Some("Printer overheats".into()),
                ..TicketChange::default()
            },
        )
        .await
        .unwrap();
    assert!(find("drucker").await.is_empty());
    assert_eq!(find("overheat").await, [printer.number]);
    // A stage change keeps it findable.
    let closes = team.stages.iter().find(|s| s.closes).unwrap().id;
    tickets
        .change(
            &d.ann,
            printer.number,
            TicketChange {
                stage: Some(closes),
                ..TicketChange::default()
            },
        )
        .await
        .unwrap();
    let closed = TicketFilter {
        text: Some("overheat".into()),
        include_closed: true,
        ..TicketFilter::default()
    };
    assert_eq!(tickets.list(&d.ann, &closed).await.unwrap().len(), 1);
}
