//! An open inbox follows changes to who operates which channel, without a
//! reconnection: an operator added to a channel gets a snapshot with its
//! conversations and then its messages; one removed gets a snapshot
//! without them and hears nothing more of it. Departments edited by an
//! admin reach open inboxes (their transfer choices) the same way.

use crate::common::start;
use crate::common::ws::Ws;
use parlor_protocol::inbox::InboxFrame;
use parlor_protocol::live::ServerFrame;
use parlor_protocol::{ConversationId, MessageId};
use serde_json::json;

fn id() -> MessageId {
    MessageId(uuid::Uuid::new_v4())
}

/// The next snapshot: the conversations it lists and the channels' names.
async fn next_snapshot(inbox: &mut Ws) -> (Vec<ConversationId>, Vec<String>) {
    inbox
        .until(|f: &InboxFrame| match f {
            InboxFrame::Snapshot {
                conversations,
                channels,
                ..
            } => Some((
                conversations.iter().map(|c| c.id).collect(),
                channels.iter().map(|c| c.name.clone()).collect(),
            )),
            _ => None,
        })
        .await
}

#[tokio::test(flavor = "multi_thread")]
async fn an_open_inbox_follows_who_operates_the_channel() {
    let s = start().await;
    let parlor = &s.state.parlor;
    let admin = s.admin().await;
    let channel = s.default_channel().await;
    let (ann, cookie) = s.operator("Ann").await;
    parlor
        .set_channel_operator(&admin, channel, ann.id, false)
        .await
        .unwrap();
    let (mut inbox, snapshot) = s.inbox(&cookie).await;
    let InboxFrame::Snapshot { channels, .. } = snapshot else {
        unreachable!()
    };
    assert!(channels.is_empty(), "Ann operates no channel yet");

    let (mut v, _) = s.visitor().await;
    v.send(json!({"type": "send", "message_id": id(), "body": "hello"}))
        .await;
    let (conv, _) = v.acked().await;

    // Added: a snapshot with the channel and its conversation, then its
    // messages live.
    parlor
        .set_channel_operator(&admin, channel, ann.id, true)
        .await
        .unwrap();
    let (conversations, channels) = next_snapshot(&mut inbox).await;
    assert!(conversations.contains(&conv), "{conversations:?}");
    assert_eq!(channels, ["Website"]);
    v.send(json!({"type": "send", "message_id": id(), "body": "still there?"}))
        .await;
    let preview = inbox
        .until(|f: &InboxFrame| match f {
            InboxFrame::Activity {
                conversation_id,
                preview,
                ..
            } if *conversation_id == conv => Some(preview.clone()),
            _ => None,
        })
        .await;
    assert_eq!(preview, "still there?");

    // A department added by an admin reaches the transfer choices.
    parlor
        .update_channel_departments(&admin, channel, "Sales\nSupport")
        .await
        .unwrap();
    let departments = inbox
        .until(|f: &InboxFrame| match f {
            InboxFrame::Snapshot { channels, .. } => Some(
                channels[0]
                    .departments
                    .iter()
                    .map(|d| d.name.clone())
                    .collect::<Vec<_>>(),
            ),
            _ => None,
        })
        .await;
    assert_eq!(departments, ["Sales", "Support"]);

    // Removed: a snapshot without them, and nothing more of the channel.
    parlor
        .set_channel_operator(&admin, channel, ann.id, false)
        .await
        .unwrap();
    let (conversations, channels) = next_snapshot(&mut inbox).await;
    assert!(conversations.is_empty(), "{conversations:?}");
    assert!(channels.is_empty());
    v.send(json!({"type": "send", "message_id": id(), "body": "secret"}))
        .await;
    let _: ServerFrame = v.recv().await;
    let frames = inbox.drain().await;
    assert!(
        !frames.iter().any(|f| f.to_string().contains("secret")),
        "{frames:?}"
    );
    inbox
        .send(json!({"type": "open", "conversation_id": conv, "last_seq": null}))
        .await;
    let refused = inbox
        .until(|f: &InboxFrame| match f {
            InboxFrame::Error { code, .. } => Some(*code),
            _ => None,
        })
        .await;
    assert_eq!(refused, parlor_protocol::live::LiveErrorCode::NotFound);
}
