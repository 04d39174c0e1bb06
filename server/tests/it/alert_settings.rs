//! Each operator's alert settings through the admin app's server functions
//! (`/api/alerts/get`, `/api/alerts/set`): the defaults until they save,
//! kept per operator, nobody changes another's (admins neither), and
//! signed out gets nothing. Also the inbox's `queued` flag on a row, which
//! raises the "visitor waiting" alert: set for a conversation routing could
//! not place, and never on the first sight of one it did place.

use crate::common::ws::{uuid, Ws};
use crate::common::{start, TestServer};
use parlor_domain::{AlertKind, AlertSettings, AlertWay};
use parlor_protocol::inbox::InboxFrame;
use parlor_protocol::live::ServerFrame;
use parlor_protocol::ConversationId;
use serde_json::{json, Value};

/// Calls `/api/alerts/{endpoint}` (see `TestServer::api`).
async fn call(
    s: &TestServer,
    cookie: Option<&str>,
    endpoint: &str,
    body: Option<Value>,
) -> (u16, Value) {
    s.api(cookie, &format!("alerts/{endpoint}"), body).await
}

async fn get(s: &TestServer, cookie: &str) -> AlertSettings {
    let (status, body) = call(s, Some(cookie), "get", None).await;
    assert_eq!(status, 200, "{body}");
    serde_json::from_value(body).unwrap()
}

#[tokio::test(flavor = "multi_thread")]
async fn each_operator_keeps_their_own_alert_settings() {
    let s = start().await;
    let (ann, ann_cookie) = s.operator("Ann").await;
    let (bo, bo_cookie) = s.operator("Bo").await;
    assert_eq!(get(&s, &ann_cookie).await, AlertSettings::default());

    // Ann: no sound for messages, sound while the tab is visible.
    let mut mine = AlertSettings::default();
    mine.choice_mut(AlertKind::Message)
        .set(AlertWay::Sound, false);
    mine.sound_when_visible = true;
    let (status, body) = call(
        &s,
        Some(&ann_cookie),
        "set",
        Some(json!({ "settings": mine })),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(get(&s, &ann_cookie).await, mine);
    assert_eq!(
        get(&s, &bo_cookie).await,
        AlertSettings::default(),
        "Bo's are his own"
    );
    // Over the services too.
    assert_eq!(s.state.parlor.alerts().settings(&ann).await.unwrap(), mine);

    // Nobody sets another's: not Bo, not an admin.
    let admin = s.admin().await;
    for actor in [&bo, &admin] {
        let err = s
            .state
            .parlor
            .alerts()
            .set_settings(actor, ann.id, &AlertSettings::default())
            .await
            .unwrap_err();
        assert!(matches!(err, chat_core::Error::NotPermitted(_)), "{err:?}");
    }
    assert_eq!(get(&s, &ann_cookie).await, mine, "unchanged");

    // A body naming someone else changes only the caller's own.
    let mut other = AlertSettings::default();
    other.queued.title = false;
    let (status, _) = call(
        &s,
        Some(&bo_cookie),
        "set",
        Some(json!({ "settings": other, "user": ann.id.0 })),
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(get(&s, &ann_cookie).await, mine);
    assert_eq!(get(&s, &bo_cookie).await, other);

    // Settings as an older client sends them: the missing kinds default.
    let (status, body) = call(
        &s,
        Some(&bo_cookie),
        "set",
        Some(json!({ "settings": { "message": { "sound": false } } })),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    let partial = get(&s, &bo_cookie).await;
    assert!(!partial.message.sound);
    assert!(partial.message.notification);
    assert_eq!(partial.queued, Default::default());

    // Signed out: nothing.
    let (status, _) = call(&s, None, "get", None).await;
    assert_eq!(status, 401);
    let (status, _) = call(&s, None, "set", Some(json!({ "settings": mine }))).await;
    assert_eq!(status, 401);
}

/// A visitor's first message; their socket and conversation.
async fn visitor_writes(s: &TestServer, text: &str) -> (Ws, ConversationId) {
    let (mut v, _) = s.visitor().await;
    v.send(json!({"type": "send", "message_id": uuid(), "body": text}))
        .await;
    let id = v
        .until(|f: &ServerFrame| match f {
            ServerFrame::Ack {
                conversation_id, ..
            } => Some(*conversation_id),
            _ => None,
        })
        .await;
    (v, id)
}

#[tokio::test(flavor = "multi_thread")]
async fn a_conversation_nobody_has_room_for_shows_as_queued() {
    let s = start().await;
    let admin = s.admin_stepped_out().await;
    let (ann, ann_cookie) = s.operator("Ann").await;
    s.state
        .parlor
        .set_max_chats(&admin, ann.id, 1)
        .await
        .unwrap();
    let (mut inbox, _) = s.inbox(&ann_cookie).await;

    // The first goes to Ann: the inbox's first sight of it is assigned.
    let (_v1, first) = visitor_writes(&s, "first").await;
    let seen = inbox.row(first).await;
    assert_eq!(seen.assignee.map(|a| a.user_id), Some(ann.id.0));
    assert!(!seen.queued);

    // Ann is full: the second waits, and says so from the first sight.
    let (_v2, second) = visitor_writes(&s, "second").await;
    let seen = inbox.row(second).await;
    assert!(seen.assignee.is_none());
    assert!(seen.queued, "{seen:?}");

    // A fresh snapshot says so too.
    let (_, snapshot) = s.inbox(&ann_cookie).await;
    let InboxFrame::Snapshot { conversations, .. } = snapshot else {
        unreachable!()
    };
    let queued: Vec<_> = conversations
        .iter()
        .filter(|c| c.queued)
        .map(|c| c.id)
        .collect();
    assert_eq!(queued, [second]);

    // Ann closes the first: the second is hers, no longer waiting.
    inbox
        .send(json!({"type": "close", "conversation_id": first}))
        .await;
    let seen = inbox
        .until(|f: &InboxFrame| match f {
            InboxFrame::Summary { conversation }
                if conversation.id == second && conversation.assignee.is_some() =>
            {
                Some((**conversation).clone())
            }
            _ => None,
        })
        .await;
    assert!(!seen.queued);
}
