//! Read receipts over real sockets, both ways. The visitor hears `read`
//! when an operator reads their messages (live, and again after a replay);
//! operators see how far the visitor has read in the conversation's row
//! (`visitor_read_seq`). Markers only move forward and never past the last
//! message; a visitor cannot mark another visitor's conversation.

use crate::common::start;
use crate::common::ws::Ws;
use parlor_protocol::inbox::InboxFrame;
use parlor_protocol::live::ServerFrame;
use parlor_protocol::{ConversationId, MessageId, Seq};
use serde_json::json;

fn id() -> MessageId {
    MessageId(uuid::Uuid::new_v4())
}

/// The next `read` the visitor hears.
async fn visitor_told_read(v: &mut Ws) -> (ConversationId, Seq) {
    v.until(|f: &ServerFrame| match f {
        ServerFrame::Read {
            conversation_id,
            seq,
        } => Some((*conversation_id, *seq)),
        _ => None,
    })
    .await
}

/// The next row of `conv` whose visitor receipt is at least `at`.
async fn row_read(op: &mut Ws, conv: ConversationId, at: Seq) -> Seq {
    op.until(|f: &InboxFrame| match f {
        InboxFrame::Summary { conversation }
            if conversation.id == conv && conversation.visitor_read_seq >= at =>
        {
            Some(conversation.visitor_read_seq)
        }
        _ => None,
    })
    .await
}

/// A new visitor of the default channel and their token.
async fn visitor(s: &crate::common::TestServer) -> (Ws, String) {
    let mut v = Ws::open(s, "/widget/v1/live", None).await;
    v.send(json!({"type": "hello", "channel_id": s.default_channel().await, "token": null}))
        .await;
    match v.recv().await {
        ServerFrame::Welcome { token, .. } => (v, token),
        other => panic!("expected welcome, got {other:?}"),
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn each_side_sees_what_the_other_has_read() {
    let s = start().await;
    let (_ann, cookie) = s.operator("Ann").await;
    let (mut inbox, _) = s.inbox(&cookie).await;
    let (mut v, token) = visitor(&s).await;

    for body in ["hello?", "anyone there?"] {
        v.send(json!({"type": "send", "message_id": id(), "body": body}))
            .await;
    }
    let (conv, _) = v.acked().await;
    let (_, second) = v.acked().await;
    assert_eq!(second, Seq(2));

    // Ann opens it and reads the first message, then both.
    inbox
        .send(json!({"type": "open", "conversation_id": conv, "last_seq": null}))
        .await;
    inbox
        .send(json!({"type": "read", "conversation_id": conv, "seq": 1}))
        .await;
    assert_eq!(visitor_told_read(&mut v).await, (conv, Seq(1)));
    // Beyond the last message counts as the last message.
    inbox
        .send(json!({"type": "read", "conversation_id": conv, "seq": 99}))
        .await;
    assert_eq!(visitor_told_read(&mut v).await, (conv, Seq(2)));
    // Going back, or repeating, tells nobody anything.
    inbox
        .send(json!({"type": "read", "conversation_id": conv, "seq": 1}))
        .await;
    let frames = v.drain().await;
    assert!(
        !frames.iter().any(|f| f["type"] == "read"),
        "no read receipt for an old marker: {frames:?}"
    );

    // Ann answers twice; the visitor reads the first answer, then both.
    for body in ["Hi! Looking now.", "Found it."] {
        inbox
            .send(
                json!({"type": "send", "conversation_id": conv, "message_id": id(), "body": body}),
            )
            .await;
    }
    // The visitor has both (a receipt only names messages one has).
    v.until(|f: &ServerFrame| match f {
        ServerFrame::Message { message } if message.seq == Seq(4) => Some(()),
        _ => None,
    })
    .await;
    v.send(json!({"type": "read", "seq": 3})).await;
    assert_eq!(row_read(&mut inbox, conv, Seq(3)).await, Seq(3));
    v.send(json!({"type": "read", "seq": 1000})).await;
    assert_eq!(row_read(&mut inbox, conv, Seq(4)).await, Seq(4));

    // The snapshot of a new inbox carries the receipt.
    let (_again, snapshot) = s.inbox(&cookie).await;
    let InboxFrame::Snapshot { conversations, .. } = snapshot else {
        unreachable!()
    };
    let row = conversations.iter().find(|c| c.id == conv).unwrap();
    assert_eq!(row.visitor_read_seq, Seq(4));

    // A visitor who comes back hears, after the replay, how far the team
    // has read (Ann's answers moved the marker to her last message).
    drop(v);
    let mut back = Ws::open(&s, "/widget/v1/live", None).await;
    back.send(
        json!({"type": "hello", "channel_id": s.default_channel().await, "token": token,
        "conversation_id": conv, "last_seq": 4}),
    )
    .await;
    assert_eq!(visitor_told_read(&mut back).await, (conv, Seq(4)));
}

#[tokio::test(flavor = "multi_thread")]
async fn nobody_marks_what_is_not_theirs() {
    let s = start().await;
    let (_ann, cookie) = s.operator("Ann").await;
    let (mut inbox, _) = s.inbox(&cookie).await;
    let (mut v, _) = visitor(&s).await;
    v.send(json!({"type": "send", "message_id": id(), "body": "hi"}))
        .await;
    let (conv, _) = v.acked().await;

    // Another visitor's receipt goes to their own conversation (none yet).
    let (mut other, _) = visitor(&s).await;
    other.send(json!({"type": "read", "seq": 1})).await;
    other
        .send(json!({"type": "send", "message_id": id(), "body": "me too"}))
        .await;
    other.acked().await;

    // An operator of another channel cannot mark it read.
    let admin = s.admin().await;
    let elsewhere = s
        .state
        .parlor
        .create_channel(&admin, "Elsewhere")
        .await
        .unwrap();
    let (bo, bo_cookie) = s.operator("Bo").await;
    let default = s.default_channel().await;
    s.state
        .parlor
        .set_channel_operator(&admin, default, bo.id, false)
        .await
        .unwrap();
    s.state
        .parlor
        .set_channel_operator(&admin, elsewhere.id, bo.id, true)
        .await
        .unwrap();
    let (mut bo_inbox, _) = s.inbox(&bo_cookie).await;
    bo_inbox
        .send(json!({"type": "read", "conversation_id": conv, "seq": 1}))
        .await;
    let refused = bo_inbox
        .until(|f: &InboxFrame| match f {
            InboxFrame::Error { code, .. } => Some(*code),
            _ => None,
        })
        .await;
    assert_eq!(refused, parlor_protocol::live::LiveErrorCode::NotFound);
    let frames = v.drain().await;
    assert!(
        !frames.iter().any(|f| f["type"] == "read"),
        "the visitor hears no receipt: {frames:?}"
    );
    // The visitor's own conversation shows nobody's receipt yet.
    inbox
        .send(json!({"type": "open", "conversation_id": conv, "last_seq": null}))
        .await;
    let rows = s.state.parlor.inbox(&chat_core::Access::All).await.unwrap();
    let row = rows.iter().find(|c| c.conversation.id == conv).unwrap();
    assert_eq!(row.conversation.visitor_read_seq, Seq(0));
    assert_eq!(row.conversation.read_seq, Seq(0));
}
