//! The helpdesk screens' live connection, `/api/helpdesk/live`, over a real
//! socket as docs/protocol.md describes it: a screen hears which of its
//! teams' tickets changed (a field, the thread, a move to another team),
//! never another team's; a change of members makes every screen read again.

use crate::common::ws::Ws;
use crate::common::{sign_in, start};
use parlor_domain::{Customer, NewTicket, Priority, TeamInput, TicketSource};
use parlor_protocol::desk::DeskFrame;
use serde_json::json;

async fn desk(s: &crate::common::TestServer, cookie: &str) -> Ws {
    let mut ws = Ws::open(s, "/api/helpdesk/live", Some(cookie)).await;
    assert_eq!(ws.recv::<DeskFrame>().await, DeskFrame::Ready);
    ws
}

#[tokio::test(flavor = "multi_thread")]
async fn screens_hear_their_teams_ticket_changes_and_nothing_else() {
    let s = start().await;
    let admin = s.admin().await;
    let (ann, ann_cookie) = s.operator("Ann").await;
    let (bob, bob_cookie) = s.operator("Bob").await;
    let admin_cookie = sign_in(&s.base, "admin@test.example", crate::common::PASSWORD).await;
    let teams = s.state.parlor.teams();
    let team = |name: &str, members| TeamInput {
        name: name.into(),
        members,
        ..TeamInput::default()
    };
    let support = teams
        .create(&admin, team("Support", vec![ann.id]))
        .await
        .unwrap();
    let billing = teams.create(&admin, team("Billing", vec![])).await.unwrap();

    // Signed out: no connection.
    let url = format!("ws://{}/api/helpdesk/live", s.addr);
    assert!(tokio_tungstenite::connect_async(url).await.is_err());

    let mut ann_desk = desk(&s, &ann_cookie).await;
    let mut bob_desk = desk(&s, &bob_cookie).await;
    let mut admin_desk = desk(&s, &admin_cookie).await;

    let ticket = s
        .state
        .parlor
        .tickets()
        .create(
            &admin,
            NewTicket {
                team: support.id,
                title: "Printer".into(),
                description: String::new(),
                customer: Customer::default(),
                priority: Priority::Low,
                tags: vec![],
                source: TicketSource::Api,
                conversation: None,
                request_id: None,
            },
        )
        .await
        .unwrap();
    let number = ticket.number.0;
    let created = DeskFrame::Ticket { number };
    assert_eq!(ann_desk.recv::<DeskFrame>().await, created);
    assert_eq!(admin_desk.recv::<DeskFrame>().await, created);

    // A change through the app's API; a note on its thread.
    let (status, _) = s
        .api(
            Some(&ann_cookie),
            "helpdesk/tickets/change",
            Some(json!({"number": number, "change": {"priority": "urgent"}})),
        )
        .await;
    assert_eq!(status, 200);
    assert_eq!(ann_desk.recv::<DeskFrame>().await, created);
    assert_eq!(admin_desk.recv::<DeskFrame>().await, created);
    let (status, body) = s
        .api(
            Some(&ann_cookie),
            "helpdesk/tickets/note",
            Some(json!({"number": number, "entry": {"body": "called them", "request_id": null}})),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(ann_desk.recv::<DeskFrame>().await, created);

    // Moved to Billing: Ann's screens drop it, and hear so.
    let (status, body) = s
        .api(
            Some(&admin_cookie),
            "helpdesk/tickets/change",
            Some(json!({"number": number, "change": {"team": billing.id}})),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(ann_desk.recv::<DeskFrame>().await, created);
    // Bob works in no team: he heard of none of it.
    bob_desk.quiet().await;
    // Now Billing's: a change there no longer reaches Ann.
    s.state
        .parlor
        .tickets()
        .change(
            &admin,
            ticket.number,
            parlor_domain::TicketChange {
                title: Some("Printer, billed".into()),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    admin_desk
        .until(|f: &DeskFrame| (*f == created).then_some(()))
        .await;
    ann_desk.quiet().await;

    // Bob joins Billing: every screen reads again, and Bob hears Billing now.
    teams
        .update(
            &admin,
            billing.id,
            TeamInput {
                members: vec![bob.id],
                ..billing.input()
            },
        )
        .await
        .unwrap();
    assert_eq!(bob_desk.recv::<DeskFrame>().await, DeskFrame::Resync);
    assert_eq!(ann_desk.recv::<DeskFrame>().await, DeskFrame::Resync);
    s.state
        .parlor
        .tickets()
        .change(
            &admin,
            ticket.number,
            parlor_domain::TicketChange {
                priority: Some(Priority::Low),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(bob_desk.recv::<DeskFrame>().await, created);
    ann_desk.quiet().await;
}
