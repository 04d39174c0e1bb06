//! Edited messages over real sockets: an operator corrects their reply, the
//! visitor sees the new text live and in a replay (with `edited_at`), and the
//! previous text stays in the audit trail. Refused: a colleague's message
//! (an admin may), a visitor's message (nobody may), an operator of another
//! channel (`not_found`), a text the message rules refuse. The same text
//! again changes nothing.

use crate::common::start;
use crate::common::ws::{uuid, Ws};
use chat_core::Access;
use parlor_protocol::inbox::InboxFrame;
use parlor_protocol::live::{LiveErrorCode, ServerFrame, WireMessage};
use parlor_protocol::{ConversationId, MessageId, Seq};
use serde_json::json;

fn edit(conversation: ConversationId, message: MessageId, body: &str) -> serde_json::Value {
    json!({"type": "edit", "conversation_id": conversation, "message_id": message, "body": body})
}

async fn visitor_edited(v: &mut Ws) -> WireMessage {
    v.until(|f: &ServerFrame| match f {
        ServerFrame::Edited { message } => Some(message.clone()),
        _ => None,
    })
    .await
}

async fn inbox_edited(op: &mut Ws) -> WireMessage {
    op.until(|f: &InboxFrame| match f {
        InboxFrame::Edited { message } => Some(message.clone()),
        _ => None,
    })
    .await
}

/// No `edited` frame among what arrives for a short while.
async fn no_edit(ws: &mut Ws) {
    let frames = ws.drain().await;
    assert!(
        !frames.iter().any(|f| f["type"] == "edited"),
        "expected no edit, got {frames:?}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn an_operator_edits_their_reply_and_the_visitor_sees_it() {
    let s = start().await;
    let parlor = &s.state.parlor;
    let admin = s.admin().await;
    let (ann, ann_cookie) = s.operator("Ann").await;
    let (_bo, bo_cookie) = s.operator("Bo").await;
    let admin_cookie =
        crate::common::sign_in(&s.base, "admin@test.example", crate::common::PASSWORD).await;
    let (mut ann_inbox, _) = s.inbox(&ann_cookie).await;
    let (mut bo_inbox, _) = s.inbox(&bo_cookie).await;
    let (mut admin_inbox, _) = s.inbox(&admin_cookie).await;

    let channel = s.default_channel().await;
    let mut v = Ws::open(&s, "/widget/v1/live", None).await;
    v.send(json!({"type": "hello", "channel_id": channel, "token": null}))
        .await;
    let ServerFrame::Welcome { token, .. } = v.recv().await else {
        panic!("welcome first")
    };
    let visitors = MessageId(uuid::Uuid::new_v4());
    v.send(json!({"type": "send", "message_id": visitors, "body": "where is my order?"}))
        .await;
    let (conv, _) = v.acked().await;
    for op in [&mut ann_inbox, &mut admin_inbox] {
        op.send(json!({"type": "open", "conversation_id": conv, "last_seq": null}))
            .await;
    }

    // Ann answers, with a typo.
    let reply = MessageId(uuid::Uuid::new_v4());
    ann_inbox
        .send(
            json!({"type": "send", "conversation_id": conv, "message_id": reply,
            "body": "We shipped it yesterdy"}),
        )
        .await;
    let sent = v
        .until(|f: &ServerFrame| match f {
            ServerFrame::Message { message } if message.id == reply => Some(message.clone()),
            _ => None,
        })
        .await;
    assert_eq!((sent.seq, sent.edited_at), (Seq(2), None));

    // She corrects it: the visitor sees the new text, marked edited.
    ann_inbox
        .send(edit(conv, reply, "  We shipped it yesterday <b>ok</b> "))
        .await;
    let seen = visitor_edited(&mut v).await;
    assert_eq!(seen.id, reply);
    assert_eq!(seen.seq, Seq(2));
    assert_eq!(seen.body, "We shipped it yesterday <b>ok</b>");
    assert_eq!(
        seen.author,
        parlor_protocol::live::WireAuthor::Operator { name: "Ann".into() }
    );
    let edited_at = seen.edited_at.expect("edited_at is set");
    assert!(edited_at >= sent.sent_at);
    // Inboxes with the conversation open get the same message (the editor's
    // too); another inbox gets the row, whose last message it is.
    assert_eq!(inbox_edited(&mut ann_inbox).await, seen);
    assert_eq!(inbox_edited(&mut admin_inbox).await, seen);
    let row = bo_inbox
        .until(|f: &InboxFrame| match f {
            InboxFrame::Summary { conversation }
                if conversation.id == conv
                    && conversation.last_body.as_deref() == Some(seen.body.as_str()) =>
            {
                Some(conversation.clone())
            }
            InboxFrame::Edited { message } => panic!("not opened, yet got {message:?}"),
            _ => None,
        })
        .await;
    assert_eq!(row.last_seq, Seq(2));

    // A fresh connection's replay has the new text, with edited_at.
    let mut again = Ws::open(&s, "/widget/v1/live", None).await;
    again
        .send(
            json!({"type": "hello", "channel_id": channel, "token": token,
            "conversation_id": conv, "last_seq": null}),
        )
        .await;
    assert!(matches!(again.recv().await, ServerFrame::Welcome { .. }));
    let replay: Vec<WireMessage> = vec![
        match again.recv().await {
            ServerFrame::Message { message } => message,
            other => panic!("the replay, got {other:?}"),
        },
        match again.recv().await {
            ServerFrame::Message { message } => message,
            other => panic!("the replay, got {other:?}"),
        },
    ];
    assert_eq!(
        replay[0].edited_at, None,
        "the visitor's message is as sent"
    );
    assert_eq!(replay[1], seen);

    // The audit trail keeps the text it had; admins read it, operators not.
    let trail = parlor
        .edits()
        .history(&admin, &Access::All, conv, reply)
        .await
        .unwrap();
    assert_eq!(trail.len(), 1);
    assert_eq!(trail[0].previous_body, "We shipped it yesterdy");
    assert_eq!(trail[0].edited_by, Some(ann.id));
    assert_eq!(trail[0].edited_at, edited_at);
    let ann_access = parlor.inbox_access(&ann).await.unwrap();
    assert!(matches!(
        parlor.edits().history(&ann, &ann_access, conv, reply).await,
        Err(chat_core::Error::Forbidden)
    ));

    // The same text again (trimmed alike) is no edit: no frame, no row.
    ann_inbox
        .send(edit(conv, reply, "We shipped it yesterday <b>ok</b>\n"))
        .await;
    no_edit(&mut v).await;
    no_edit(&mut ann_inbox).await;
    let count = || async {
        parlor
            .edits()
            .history(&admin, &Access::All, conv, reply)
            .await
            .unwrap()
            .len()
    };
    assert_eq!(count().await, 1);

    // Bo may not edit Ann's message…
    bo_inbox.send(edit(conv, reply, "Bo was here")).await;
    let (code, message, id) = crate::common::ws::inbox_refusal(&mut bo_inbox).await;
    assert_eq!((code, id), (LiveErrorCode::Forbidden, Some(reply)));
    assert!(message.contains("its author or an admin"), "{message}");
    no_edit(&mut v).await;
    assert_eq!(count().await, 1);

    // …an admin may.
    admin_inbox
        .send(edit(conv, reply, "We shipped it yesterday."))
        .await;
    let by_admin = visitor_edited(&mut v).await;
    assert_eq!(by_admin.body, "We shipped it yesterday.");
    assert_eq!(
        by_admin.author,
        parlor_protocol::live::WireAuthor::Operator { name: "Ann".into() },
        "still Ann's message"
    );
    let trail = parlor
        .edits()
        .history(&admin, &Access::All, conv, reply)
        .await
        .unwrap();
    assert_eq!(trail.len(), 2);
    assert_eq!(trail[1].previous_body, "We shipped it yesterday <b>ok</b>");
    assert_eq!(trail[1].edited_by, Some(admin.id));

    // Nobody edits the visitor's message, not even an admin.
    for op in [&mut ann_inbox, &mut admin_inbox] {
        op.send(edit(conv, visitors, "I love you")).await;
        let (code, message, id) = crate::common::ws::inbox_refusal(op).await;
        assert_eq!((code, id), (LiveErrorCode::Forbidden, Some(visitors)));
        assert!(message.contains("visitor"), "{message}");
    }
    assert!(parlor
        .edits()
        .history(&admin, &Access::All, conv, visitors)
        .await
        .unwrap()
        .is_empty());

    // A text the message rules refuse, and a message that is not there.
    ann_inbox.send(edit(conv, reply, &"x".repeat(4001))).await;
    let (code, message, id) = crate::common::ws::inbox_refusal(&mut ann_inbox).await;
    assert_eq!((code, id), (LiveErrorCode::InvalidMessage, Some(reply)));
    assert!(message.contains("4000"), "{message}");
    ann_inbox.send(edit(conv, reply, "   ")).await;
    assert_eq!(
        crate::common::ws::inbox_refusal(&mut ann_inbox).await.0,
        LiveErrorCode::InvalidMessage
    );
    let nowhere = MessageId(uuid::Uuid::new_v4());
    ann_inbox.send(edit(conv, nowhere, "hello")).await;
    assert_eq!(
        crate::common::ws::inbox_refusal(&mut ann_inbox).await.0,
        LiveErrorCode::NotFound
    );
    no_edit(&mut v).await;
    assert_eq!(count().await, 2);
    let stored = parlor
        .edits()
        .history(&admin, &Access::All, conv, reply)
        .await
        .unwrap();
    assert_eq!(stored.len(), 2);
}

#[tokio::test(flavor = "multi_thread")]
async fn an_operator_of_another_channel_gets_not_found() {
    let s = start().await;
    let admin = s.admin().await;
    let (ann, ann_cookie) = s.operator("Ann").await;
    let (cy, cy_cookie) = s.operator("Cy").await;
    // Cy wrote in the channel, then left it.
    let (mut v, _) = s.visitor().await;
    v.send(json!({"type": "send", "message_id": uuid(), "body": "hello"}))
        .await;
    let (conv, _) = v.acked().await;
    let (mut cy_inbox, _) = s.inbox(&cy_cookie).await;
    let cys = MessageId(uuid::Uuid::new_v4());
    cy_inbox
        .send(json!({"type": "send", "conversation_id": conv, "message_id": cys, "body": "Hi!"}))
        .await;
    cy_inbox
        .until(|f: &InboxFrame| {
            matches!(f, InboxFrame::Ack { message_id, .. } if *message_id == cys).then_some(())
        })
        .await;
    s.state
        .parlor
        .set_channel_operator(&admin, s.default_channel().await, cy.id, false)
        .await
        .unwrap();
    // Access is fixed when an inbox connects: a new one.
    drop(cy_inbox);
    let (mut cy_inbox, _) = s.inbox(&cy_cookie).await;
    cy_inbox.send(edit(conv, cys, "Hi there!")).await;
    let (code, _, id) = crate::common::ws::inbox_refusal(&mut cy_inbox).await;
    assert_eq!((code, id), (LiveErrorCode::NotFound, Some(cys)));
    no_edit(&mut v).await;
    // Still in the channel, Ann may not edit Cy's message either.
    let (mut ann_inbox, _) = s.inbox(&ann_cookie).await;
    ann_inbox.send(edit(conv, cys, "Hi there!")).await;
    assert_eq!(
        crate::common::ws::inbox_refusal(&mut ann_inbox).await.0,
        LiveErrorCode::Forbidden
    );
    let access = s.state.parlor.inbox_access(&ann).await.unwrap();
    assert!(matches!(
        s.state
            .parlor
            .edits()
            .edit(&ann, &access, conv, cys, "Hi there!")
            .await,
        Err(chat_core::Error::NotPermitted(_))
    ));
    assert!(s
        .state
        .parlor
        .edits()
        .history(&admin, &Access::All, conv, cys)
        .await
        .unwrap()
        .is_empty());
}
