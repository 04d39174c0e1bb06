//! Internal notes: operators of the channel see them live and when they open
//! the conversation; the visitor's connection never carries one, live or in
//! a replay, and an operator of another channel cannot add one.

use crate::common::start;
use crate::common::ws::{uuid, Ws};
use parlor_protocol::inbox::{InboxFrame, WireNote};
use parlor_protocol::live::{LiveErrorCode, ServerFrame};
use serde_json::json;

async fn note_frame(op: &mut crate::common::ws::Ws) -> WireNote {
    op.until(|f: &InboxFrame| match f {
        InboxFrame::Note { note } => Some(note.clone()),
        _ => None,
    })
    .await
}

#[tokio::test(flavor = "multi_thread")]
async fn notes_reach_the_team_and_never_the_visitor() {
    let s = start().await;
    let (_bo, bo_cookie) = s.operator("Bo").await;
    let admin_cookie =
        crate::common::sign_in(&s.base, "admin@test.example", crate::common::PASSWORD).await;
    let (mut ann, _) = s.inbox(&admin_cookie).await;
    let (mut bo, _) = s.inbox(&bo_cookie).await;

    // A visitor who sees every frame there is.
    let channel = s.default_channel().await;
    let mut v = Ws::open(&s, "/widget/v1/live", None).await.with_presence();
    v.send(json!({"type": "hello", "channel_id": channel, "token": null}))
        .await;
    let ServerFrame::Welcome { token, .. } = v.recv().await else {
        panic!("welcome first")
    };
    v.send(json!({"type": "send", "message_id": uuid(), "body": "my order is late"}))
        .await;
    let (conv, _) = v.acked().await;
    for op in [&mut ann, &mut bo] {
        op.send(json!({"type": "open", "conversation_id": conv, "last_seq": null}))
            .await;
    }

    let id = uuid();
    let note = json!({"type": "note", "conversation_id": conv, "note_id": id,
        "body": "VIP customer <b>check</b> order 1042"});
    ann.send(note.clone()).await;
    let seen_by_bo = note_frame(&mut bo).await;
    assert_eq!(seen_by_bo.body, "VIP customer <b>check</b> order 1042");
    assert_eq!(seen_by_bo.author, "Administrator");
    assert_eq!(
        note_frame(&mut ann).await,
        seen_by_bo,
        "the author hears it too"
    );
    // Sent again (a lost connection): stored once. (An inbox may hear a
    // note twice when it opened the conversation just then: by `id`, it is
    // the same note.)
    ann.send(note).await;
    ann.send(json!({"type": "note", "conversation_id": conv, "note_id": uuid(), "body": "second"}))
        .await;
    let second = ann
        .until(|f: &InboxFrame| match f {
            InboxFrame::Note { note } if note.body == "second" => Some(note.clone()),
            _ => None,
        })
        .await;
    assert_eq!(second.after_seq, seen_by_bo.after_seq);

    // The visitor heard nothing of it (their own message came back once)…
    let echo: ServerFrame = v.recv().await;
    assert!(matches!(echo, ServerFrame::Message { .. }), "{echo:?}");
    v.quiet().await;
    drop(v);
    // …and coming back, the replay is their one message and nothing else.
    let mut again = Ws::open(&s, "/widget/v1/live", None).await.with_presence();
    again
        .send(
            json!({"type": "hello", "channel_id": channel, "token": token,
            "conversation_id": conv, "last_seq": 0}),
        )
        .await;
    assert!(matches!(again.recv().await, ServerFrame::Welcome { .. }));
    let ServerFrame::Message { message } = again.recv().await else {
        panic!("the replay")
    };
    assert_eq!(message.body, "my order is late");
    again.quiet().await;
    // The resend stored nothing: two notes.
    assert_eq!(s.state.parlor.notes().of(conv).await.unwrap().len(), 2);

    // Opening the conversation later brings its notes after the messages.
    let (mut later, _) = s.inbox(&bo_cookie).await;
    later
        .send(json!({"type": "open", "conversation_id": conv, "last_seq": null}))
        .await;
    let mut ids = vec![
        note_frame(&mut later).await.id,
        note_frame(&mut later).await.id,
    ];
    ids.sort_by_key(|id| id.0);
    let mut expected = vec![seen_by_bo.id, second.id];
    expected.sort_by_key(|id| id.0);
    assert_eq!(ids, expected);
}

#[tokio::test(flavor = "multi_thread")]
async fn only_the_channels_operators_may_add_notes() {
    let s = start().await;
    let (mut v, _) = s.visitor().await;
    v.send(json!({"type": "send", "message_id": uuid(), "body": "hello"}))
        .await;
    let (conv, _) = v.acked().await;
    let (cy, cookie) = s.operator("Cy").await;
    let admin = s.admin().await;
    s.state
        .parlor
        .set_channel_operator(&admin, s.default_channel().await, cy.id, false)
        .await
        .unwrap();
    let (mut op, _) = s.inbox(&cookie).await;
    op.send(json!({"type": "note", "conversation_id": conv, "note_id": uuid(), "body": "sneaky"}))
        .await;
    let code = op
        .until(|f: &InboxFrame| match f {
            InboxFrame::Error { code, .. } => Some(*code),
            _ => None,
        })
        .await;
    assert_eq!(code, LiveErrorCode::NotFound);
    assert!(s.state.parlor.notes().of(conv).await.unwrap().is_empty());
}

#[tokio::test(flavor = "multi_thread")]
async fn a_mention_reaches_the_colleague_named_even_elsewhere_in_the_inbox() {
    let s = start().await;
    let (_bo, bo_cookie) = s.operator("Bo").await;
    let (_cy, cy_cookie) = s.operator("Cy").await;
    let admin_cookie =
        crate::common::sign_in(&s.base, "admin@test.example", crate::common::PASSWORD).await;
    let (mut ann, _) = s.inbox(&admin_cookie).await;
    let (mut bo, _) = s.inbox(&bo_cookie).await;
    let (mut cy, _) = s.inbox(&cy_cookie).await;
    let (mut v, _) = s.visitor().await;
    v.send(json!({"type": "send", "message_id": uuid(), "body": "refund?"}))
        .await;
    let (conv, _) = v.acked().await;
    ann.send(json!({"type": "open", "conversation_id": conv, "last_seq": null}))
        .await;
    ann.send(
        json!({"type": "note", "conversation_id": conv, "note_id": uuid(),
        "body": "@bo can you approve this?"}),
    )
    .await;
    // Bo has not opened it, and is told.
    let mentioned = bo
        .until(|f: &InboxFrame| match f {
            InboxFrame::Mentioned { note } => Some(note.clone()),
            InboxFrame::Note { .. } => panic!("not opened: no note frame"),
            _ => None,
        })
        .await;
    assert_eq!(mentioned.conversation_id, conv);
    assert_eq!(mentioned.author, "Administrator");
    // Neither Cy (not named) nor the author hears a mention.
    for op in [&mut cy, &mut ann] {
        for f in op.drain().await {
            assert_ne!(f["type"], "mentioned", "{f}");
        }
    }
}
