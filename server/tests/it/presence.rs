//! Operator presence and the offline form, over real sockets: an operator's
//! status follows their inbox connections and their choice; visitors of
//! their channels hear whether anyone is online, and without anyone they
//! leave a message that the inbox lists as an offline message.

use crate::common::ws::{uuid, Ws};
use crate::common::{start_with, TestServer, PASSWORD};
use parlor_protocol::inbox::{Availability, InboxFrame};
use parlor_protocol::live::{LiveErrorCode, ServerFrame};
use parlor_protocol::Display;
use serde_json::json;
use std::sync::Arc;

/// A server where a closed inbox keeps its status for `grace` seconds.
async fn start_grace(grace: u32) -> TestServer {
    let dir = Arc::new(tempfile::tempdir().unwrap());
    start_with(dir, &[("PARLOR_PRESENCE_GRACE_SECS", grace.to_string())]).await
}

async fn start() -> TestServer {
    start_grace(1).await
}

async fn availability(v: &mut Ws) -> bool {
    v.until(|f: &ServerFrame| match f {
        ServerFrame::Availability { online } => Some(*online),
        _ => None,
    })
    .await
}

/// The next `presence` frame that says `user` is `wanted`, and the choice
/// it carried (earlier frames may still tell of the connection).
async fn status_of(op: &mut Ws, user: i64, wanted: Availability) -> Option<Availability> {
    op.until(|f: &InboxFrame| match f {
        InboxFrame::Presence {
            user_id,
            availability,
            chosen,
            ..
        } if *user_id == user && *availability == wanted => Some(*chosen),
        _ => None,
    })
    .await
}

async fn display(s: &TestServer) -> Display {
    let channel = s.default_channel().await;
    s.client
        .get(s.url(&format!("/widget/v1/channels/{channel}/display?path=/")))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap()
}

#[tokio::test(flavor = "multi_thread")]
async fn visitors_hear_when_an_operator_comes_goes_away_and_leaves() {
    let s = start().await;
    let (bo, cookie) = s.operator("Bo").await;
    let (mut v, online) = s.visitor().await;
    assert!(!online, "no inbox is open yet");
    assert!(!display(&s).await.online);

    let (mut op, snapshot) = s.inbox(&cookie).await;
    let InboxFrame::Snapshot { chosen, team, .. } = snapshot else {
        unreachable!()
    };
    assert_eq!(chosen, Availability::Online);
    let me = team.iter().find(|m| m.user_id == bo.id.0).unwrap();
    assert_eq!(me.availability, Availability::Online, "{team:?}");
    assert!(availability(&mut v).await, "Bo's inbox opened");
    assert!(display(&s).await.online);

    // Away by choice: the visitor is told at once, Bo's inbox hears its own
    // choice.
    op.send(json!({"type": "set_availability", "availability": "away"}))
        .await;
    assert!(!availability(&mut v).await);
    assert_eq!(
        status_of(&mut op, bo.id.0, Availability::Away).await,
        Some(Availability::Away)
    );
    op.send(json!({"type": "set_availability", "availability": "online"}))
        .await;
    assert!(availability(&mut v).await);

    // Closing the last inbox: online for the grace period, then away. Cy
    // (of another channel) watches the team.
    let (cy, cy_cookie) = s.operator("Cy").await;
    let admin_user = s.admin().await;
    s.state
        .parlor
        .set_channel_operator(&admin_user, s.default_channel().await, cy.id, false)
        .await
        .unwrap();
    let (mut watcher, _) = s.inbox(&cy_cookie).await;
    drop(op);
    assert!(!availability(&mut v).await);
    // Teammates see Bo away; the choice is Bo's own business.
    assert_eq!(
        status_of(&mut watcher, bo.id.0, Availability::Away).await,
        None
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_reconnect_within_the_grace_period_changes_nothing() {
    let s = start_grace(5).await;
    let (_bo, cookie) = s.operator("Bo").await;
    let (op, _) = s.inbox(&cookie).await;
    let (mut v, online) = s.visitor().await;
    assert!(online);
    drop(op);
    let (_op, _) = s.inbox(&cookie).await;
    // Two refreshes later nothing was said to the visitor.
    tokio::time::sleep(std::time::Duration::from_millis(4_200)).await;
    v.quiet().await;
    assert!(display(&s).await.online);
}

#[tokio::test(flavor = "multi_thread")]
async fn signing_out_goes_offline_and_signing_in_comes_back() {
    let s = start().await;
    let (bo, cookie) = s.operator("Bo").await;
    let (mut op, _) = s.inbox(&cookie).await;
    let (mut v, _) = s.visitor().await;
    let out = s
        .client
        .post(s.url("/api/logout"))
        .header("cookie", &cookie)
        .send()
        .await
        .unwrap();
    assert!(
        out.status().is_success() || out.status().is_redirection(),
        "{out:?}"
    );
    assert!(!availability(&mut v).await);
    status_of(&mut op, bo.id.0, Availability::Offline).await;
    let again = crate::common::sign_in(&s.base, "bo@test.example", "Bo-password-1").await;
    let (_op, snapshot) = s.inbox(&again).await;
    let InboxFrame::Snapshot { chosen, .. } = snapshot else {
        unreachable!()
    };
    assert_eq!(chosen, Availability::Online);
    assert!(availability(&mut v).await);
}

#[tokio::test(flavor = "multi_thread")]
async fn an_operator_of_another_channel_does_not_count() {
    let s = start().await;
    let parlor = &s.state.parlor;
    let admin = s.admin().await;
    let (cy, cookie) = s.operator("Cy").await;
    parlor
        .set_channel_operator(&admin, s.default_channel().await, cy.id, false)
        .await
        .unwrap();
    let (_op, _) = s.inbox(&cookie).await;
    let (_v, online) = s.visitor().await;
    assert!(!online, "Cy does not work in this channel");
}

#[tokio::test(flavor = "multi_thread")]
async fn the_offline_form_checks_the_contact_and_lands_in_the_inbox() {
    let s = start().await;
    let (mut v, online) = s.visitor().await;
    assert!(!online);

    let bad = uuid();
    v.send(
        json!({"type": "leave_message", "message_id": bad, "name": "Ann",
        "email": "not an email", "body": "Call me back"}),
    )
    .await;
    let refused = v
        .until(|f: &ServerFrame| match f {
            ServerFrame::Error {
                code, message_id, ..
            } => Some((*code, message_id.map(|m| m.0.to_string()))),
            _ => None,
        })
        .await;
    assert_eq!(refused, (LiveErrorCode::InvalidMessage, Some(bad)));

    let id = uuid();
    let form = json!({"type": "leave_message", "message_id": id, "name": " Ann ",
        "email": "Ann@Example.com", "body": "Call me back <b>please</b>"});
    v.send(form.clone()).await;
    let (conversation, seq) = v.acked().await;
    // Resent after a lost ack: the same message, nothing new.
    v.send(form).await;
    assert_eq!(v.acked().await, (conversation, seq));

    // Whoever opens the inbox later sees it, marked and with the contact.
    let cookie = crate::common::sign_in(&s.base, "admin@test.example", PASSWORD).await;
    let (_op, snapshot) = s.inbox(&cookie).await;
    let InboxFrame::Snapshot { conversations, .. } = snapshot else {
        unreachable!()
    };
    let left = conversations.iter().find(|c| c.id == conversation).unwrap();
    assert!(left.offline);
    assert_eq!(left.visitor_name, "Ann");
    assert_eq!(left.visitor.email.as_deref(), Some("ann@example.com"));
    assert_eq!(
        left.last_body.as_deref(),
        Some("Call me back <b>please</b>")
    );
    assert!(!left.visitor.verified);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_chat_started_normally_is_not_an_offline_message() {
    let s = start().await;
    let (mut v, _) = s.visitor().await;
    v.send(json!({"type": "send", "message_id": uuid(), "body": "hello"}))
        .await;
    let (conversation, _) = v.acked().await;
    let summary = s
        .state
        .parlor
        .inbox(&chat_core::Access::All)
        .await
        .unwrap()
        .into_iter()
        .find(|c| c.conversation.id == conversation)
        .unwrap();
    assert!(!summary.conversation.offline);
}
