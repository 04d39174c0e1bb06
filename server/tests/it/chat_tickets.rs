//! The inbox's helpdesk commands over the real socket, as docs/protocol.md
//! describes them: `create_ticket` (the composer's `/ticket`) makes one
//! ticket per request id with the transcript, and leaves its number as a
//! note for the team; `search_tickets` answers this operator only; a line
//! that looks like a command is never sent to the visitor.

use crate::common::start;
use crate::common::ws::{uuid, Ws};
use parlor_domain::{TicketFilter, TicketSource};
use parlor_protocol::inbox::{InboxFrame, TicketLink, WireNote};
use parlor_protocol::live::{LiveErrorCode, ServerFrame};
use serde_json::json;

async fn found(op: &mut Ws) -> (String, Vec<TicketLink>) {
    op.until(|f: &InboxFrame| match f {
        InboxFrame::TicketsFound { query, tickets, .. } => Some((query.clone(), tickets.clone())),
        _ => None,
    })
    .await
}

#[tokio::test(flavor = "multi_thread")]
async fn ticket_from_a_chat_search_and_commands_never_reach_the_visitor() {
    let s = start().await;
    let admin = s.admin().await;
    let cookie =
        crate::common::sign_in(&s.base, "admin@test.example", crate::common::PASSWORD).await;
    let (mut op, _) = s.inbox(&cookie).await;

    let channel = s.default_channel().await;
    let mut v = Ws::open(&s, "/widget/v1/live", None).await;
    v.send(json!({"type": "hello", "channel_id": channel, "token": null}))
        .await;
    let ServerFrame::Welcome { .. } = v.recv().await else {
        panic!("welcome first")
    };
    v.send(json!({"type": "send", "message_id": uuid(), "body": "my printer <b>smokes</b>"}))
        .await;
    let (conv, _) = v.acked().await;
    let _echo: ServerFrame = v.recv().await;
    op.send(json!({"type": "open", "conversation_id": conv, "last_seq": null}))
        .await;

    // No team takes this channel's chats yet: refused, nothing made.
    let first = uuid();
    op.send(json!({"type": "create_ticket", "conversation_id": conv,
        "request_id": first, "title": "Printer on fire"}))
        .await;
    let (code, text, id) = crate::common::ws::inbox_refusal(&mut op).await;
    assert_eq!(code, LiveErrorCode::Forbidden);
    assert!(text.contains("no helpdesk team"), "{text}");
    assert_eq!(id.map(|m| m.0.to_string()), Some(first.clone()));

    let team = s.chat_team(channel).await;

    // Made once, however often the command is resent.
    let request = uuid();
    let command = json!({"type": "create_ticket", "conversation_id": conv,
        "request_id": request, "title": "Printer on fire"});
    op.send(command.clone()).await;
    let note: WireNote = op
        .until(|f: &InboxFrame| match f {
            InboxFrame::Note { note } => Some(note.clone()),
            _ => None,
        })
        .await;
    assert_eq!(note.body, "Ticket #1 created: Printer on fire");
    op.send(command).await;
    op.send(json!({"type": "search_tickets", "conversation_id": conv, "query": "printer"}))
        .await;
    let (query, tickets) = found(&mut op).await;
    assert_eq!(query, "printer");
    assert_eq!(
        tickets,
        [TicketLink {
            number: 1,
            title: "Printer on fire".into(),
            closed: false
        }]
    );
    let all = s
        .state
        .parlor
        .tickets()
        .list(&admin, &TicketFilter::default())
        .await
        .unwrap();
    assert_eq!(all.len(), 1);
    let ticket = &all[0];
    assert_eq!(ticket.team, team.id);
    assert_eq!(ticket.source, TicketSource::Chat);
    assert_eq!(ticket.conversation, Some(conv));
    assert!(ticket.customer.visitor.is_some());
    assert_eq!(ticket.description, "Visitor: my printer <b>smokes</b>");

    op.send(json!({"type": "search_tickets", "conversation_id": conv, "query": "#1"}))
        .await;
    assert_eq!(found(&mut op).await.1.len(), 1);
    op.send(json!({"type": "search_tickets", "conversation_id": conv, "query": "toaster"}))
        .await;
    assert!(found(&mut op).await.1.is_empty());

    // A mistyped command sent as a reply is refused, and not stored.
    let typo = uuid();
    op.send(
        json!({"type": "send", "conversation_id": conv, "message_id": typo,
        "body": "/clsoe"}),
    )
    .await;
    let (code, text, id) = crate::common::ws::inbox_refusal(&mut op).await;
    assert_eq!(code, LiveErrorCode::InvalidMessage);
    assert!(text.contains("/clsoe is not a command"), "{text}");
    assert_eq!(id.map(|m| m.0.to_string()), Some(typo));
    // Text that merely starts with a slash is a reply like any other.
    op.send(
        json!({"type": "send", "conversation_id": conv, "message_id": uuid(),
        "body": "/etc/hosts needs a line"}),
    )
    .await;
    let reply = v
        .until(|f: &ServerFrame| match f {
            ServerFrame::Message { message } => Some(message.body.clone()),
            _ => None,
        })
        .await;
    assert_eq!(reply, "/etc/hosts needs a line");

    // The visitor heard nothing else: no note, no ticket, no command.
    v.quiet().await;
}
