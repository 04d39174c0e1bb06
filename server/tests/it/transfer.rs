//! Transfers over real sockets: to a colleague (who owns it at once, even
//! when full), to a department (routed among its members, or waiting in
//! line), with a note that becomes a line of the team's history and never
//! reaches the visitor. Refused: someone outside the channel, a department
//! the channel lacks, a closed conversation, an operator of another channel.

use crate::common::start;
use crate::common::ws::{uuid, Ws};
use parlor_protocol::inbox::{InboxFrame, WireNote};
use parlor_protocol::live::{LiveErrorCode, ServerFrame};
use parlor_protocol::ConversationId;
use serde_json::{json, Value};

async fn transfer_line(op: &mut Ws) -> WireNote {
    op.until(|f: &InboxFrame| match f {
        InboxFrame::Note { note } if note.transfer_to.is_some() => Some(note.clone()),
        _ => None,
    })
    .await
}

async fn refused(op: &mut Ws) -> (LiveErrorCode, String) {
    op.until(|f: &InboxFrame| match f {
        InboxFrame::Error { code, message, .. } => Some((*code, message.clone())),
        _ => None,
    })
    .await
}

fn transfer(conversation: ConversationId, to: Value, note: &str) -> Value {
    json!({"type": "transfer", "conversation_id": conversation, "note_id": uuid(),
        "to": to, "note": note})
}

#[tokio::test(flavor = "multi_thread")]
async fn a_conversation_moves_to_a_colleague_with_a_note_the_visitor_never_sees() {
    let s = start().await;
    let admin = s.admin_stepped_out().await;
    let parlor = &s.state.parlor;
    let (ann, ann_cookie) = s.operator("Ann").await;
    let (bo, bo_cookie) = s.operator("Bo").await;
    parlor.set_max_chats(&admin, bo.id, 1).await.unwrap();
    let (mut ann_inbox, snapshot) = s.inbox(&ann_cookie).await;
    let InboxFrame::Snapshot { channels, .. } = snapshot else {
        unreachable!()
    };
    assert_eq!(channels.len(), 1, "the snapshot lists Ann's channel");
    assert!(channels[0].operators.contains(&bo.id.0));

    // Bo is full with a chat of his own; Ann has the next.
    let (mut bo_inbox, _) = s.inbox(&bo_cookie).await;
    let (_first, _) = s.visitor().await;
    let (mut v, _) = s.visitor().await;
    v.send(json!({"type": "send", "message_id": uuid(), "body": "refund please"}))
        .await;
    let (conv, _) = v.acked().await;
    let (mut v2, _) = s.visitor().await;
    v2.send(json!({"type": "send", "message_id": uuid(), "body": "hello"}))
        .await;
    let (other, _) = v2.acked().await;
    let (mine, his) = if s.owner(conv).await == Some(ann.id) {
        (conv, other)
    } else {
        (other, conv)
    };
    assert_eq!(s.owner(his).await, Some(bo.id));
    assert_eq!(s.owner(mine).await, Some(ann.id));
    for op in [&mut ann_inbox, &mut bo_inbox] {
        op.send(json!({"type": "open", "conversation_id": mine, "last_seq": null}))
            .await;
    }

    // To Bo, with a note: his now although he is full.
    let note = "Wants a refund <b>for order 7</b>";
    let frame = transfer(mine, json!({"kind": "operator", "user_id": bo.id.0}), note);
    ann_inbox.send(frame.clone()).await;
    let line = transfer_line(&mut bo_inbox).await;
    assert_eq!(line.transfer_to.as_deref(), Some("Bo"));
    assert_eq!(line.body, note);
    assert_eq!(line.author, "Ann");
    assert_eq!(transfer_line(&mut ann_inbox).await, line);
    assert_eq!(s.owner(mine).await, Some(bo.id));
    // A resend changes nothing again.
    ann_inbox.send(frame).await;
    let again = ann_inbox.drain().await;
    assert!(
        !again.iter().any(|f| f["type"] == "note"),
        "a resend adds no line: {again:?}"
    );
    assert_eq!(parlor.notes().of(mine).await.unwrap().len(), 1);

    // Transferring it to Bo again is refused with a reason.
    ann_inbox
        .send(transfer(
            mine,
            json!({"kind": "operator", "user_id": bo.id.0}),
            "",
        ))
        .await;
    let (code, message) = refused(&mut ann_inbox).await;
    assert_eq!(code, LiveErrorCode::InvalidMessage);
    assert!(message.contains("theirs already"), "{message}");

    // The visitors heard nothing of it.
    for visitor in [&mut v, &mut v2] {
        for f in visitor.drain().await {
            assert!(
                !f.to_string().contains("for order 7"),
                "the note reached a visitor: {f}"
            );
        }
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_department_gets_it_through_its_members_and_bad_targets_are_refused() {
    let s = start().await;
    let admin = s.admin_stepped_out().await;
    let parlor = &s.state.parlor;
    let channel = s.default_channel().await;
    let departments = parlor
        .update_channel_departments(&admin, channel, "Sales\nBilling")
        .await
        .unwrap()
        .departments;
    let billing = departments
        .0
        .iter()
        .find(|d| d.name == "Billing")
        .unwrap()
        .id;
    let (ann, ann_cookie) = s.operator("Ann").await;
    let (cy, cy_cookie) = s.operator("Cy").await;
    let (dee, dee_cookie) = s.operator("Dee").await;
    parlor
        .set_department_member(&admin, channel, billing, dee.id, true)
        .await
        .unwrap();
    let (mut ann_inbox, _) = s.inbox(&ann_cookie).await;
    let (_cy_inbox, _) = s.inbox(&cy_cookie).await;

    // A visitor of Sales, routed to Ann or Cy (Dee is not online yet).
    let (mut v, _) = s.visitor().await;
    v.send(json!({"type": "department", "id": departments.0[0].id}))
        .await;
    v.send(json!({"type": "send", "message_id": uuid(), "body": "an invoice question"}))
        .await;
    let (conv, _) = v.acked().await;
    let first = s.owner(conv).await.unwrap();
    assert!(first == ann.id || first == cy.id);

    // To Billing, whose one member is offline: it waits, the visitor first
    // in line, and nobody but Dee gets it.
    ann_inbox
        .send(transfer(
            conv,
            json!({"kind": "department", "department_id": billing}),
            "invoice",
        ))
        .await;
    let place = v
        .until(|f: &ServerFrame| match f {
            ServerFrame::Queue { position } => Some(*position),
            _ => None,
        })
        .await;
    assert_eq!(place, Some(1));
    assert_eq!(s.owner(conv).await, None);
    let summary = ann_inbox
        .until(|f: &InboxFrame| match f {
            InboxFrame::Summary { conversation }
                if conversation.id == conv
                    && conversation.department.as_deref() == Some("Billing") =>
            {
                Some(conversation.clone())
            }
            _ => None,
        })
        .await;
    assert_eq!(summary.assignee, None, "it waits for Billing");
    // Dee comes online: it is hers.
    let (_dee_inbox, _) = s.inbox(&dee_cookie).await;
    let mut routed = None;
    for _ in 0..100 {
        routed = s.owner(conv).await;
        if routed.is_some() {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert_eq!(routed, Some(dee.id));

    // Refused: someone who does not operate the channel, a department the
    // channel lacks.
    let outsider = parlor
        .create_user(
            &admin,
            parlor_domain::NewUser {
                email: "eve@test.example".into(),
                display_name: "Eve".into(),
                password: "Eve-password-1".into(),
                role: parlor_domain::Role::Operator,
            },
        )
        .await
        .unwrap();
    for (to, why) in [
        (
            json!({"kind": "operator", "user_id": outsider.id.0}),
            "do not operate",
        ),
        (
            json!({"kind": "department", "department_id": 99}),
            "no such department",
        ),
    ] {
        ann_inbox.send(transfer(conv, to, "")).await;
        let (code, message) = refused(&mut ann_inbox).await;
        assert_eq!(code, LiveErrorCode::InvalidMessage);
        assert!(message.contains(why), "{message}");
    }
    // Joining a department takes an operator of the channel.
    assert!(parlor
        .set_department_member(&admin, channel, billing, outsider.id, true)
        .await
        .is_err());

    // Closed: nothing moves.
    parlor
        .close_conversation(&chat_core::Access::All, conv)
        .await
        .unwrap();
    ann_inbox
        .send(transfer(
            conv,
            json!({"kind": "operator", "user_id": ann.id.0}),
            "",
        ))
        .await;
    assert_eq!(refused(&mut ann_inbox).await.0, LiveErrorCode::Ended);
    assert_eq!(s.owner(conv).await, Some(dee.id));
}

#[tokio::test(flavor = "multi_thread")]
async fn an_operator_of_another_channel_cannot_transfer() {
    let s = start().await;
    let admin = s.admin().await;
    let parlor = &s.state.parlor;
    let (mut v, _) = s.visitor().await;
    v.send(json!({"type": "send", "message_id": uuid(), "body": "hi"}))
        .await;
    let (conv, _) = v.acked().await;
    let other = parlor.create_channel(&admin, "Elsewhere").await.unwrap();
    let (zed, zed_cookie) = s.operator("Zed").await;
    parlor
        .set_channel_operator(&admin, s.default_channel().await, zed.id, false)
        .await
        .unwrap();
    parlor
        .set_channel_operator(&admin, other.id, zed.id, true)
        .await
        .unwrap();
    let (mut zed_inbox, _) = s.inbox(&zed_cookie).await;
    zed_inbox
        .send(transfer(
            conv,
            json!({"kind": "operator", "user_id": zed.id.0}),
            "mine now",
        ))
        .await;
    assert_eq!(refused(&mut zed_inbox).await.0, LiveErrorCode::NotFound);
    assert!(parlor.notes().of(conv).await.unwrap().is_empty());
}
