//! Routing, end to end over real sockets: new conversations go to the
//! least busy online operator of the channel (round robin among equals),
//! never beyond their maximum of chats; the rest wait in line and their
//! visitors hear their place; a freed slot takes the next in line; and two
//! operators taking the same conversation at once leave one owner.

use crate::common::ws::{uuid, Ws};
use crate::common::{start, TestServer};
use parlor_domain::{User, UserId};
use parlor_protocol::inbox::InboxFrame;
use parlor_protocol::live::{LiveErrorCode, ServerFrame};
use parlor_protocol::ConversationId;
use serde_json::json;

/// A visitor who sent a first message: their socket, conversation, and
/// the place in line they heard before the `ack` (if they wait).
async fn waiting(s: &TestServer, text: &str) -> (Ws, ConversationId, Option<u32>) {
    let (mut v, _) = s.visitor().await;
    v.send(json!({"type": "send", "message_id": uuid(), "body": text}))
        .await;
    let mut place = None;
    let conversation = v
        .until(|f: &ServerFrame| match f {
            ServerFrame::Queue { position } => {
                place = *position;
                None
            }
            ServerFrame::Ack {
                conversation_id, ..
            } => Some(*conversation_id),
            _ => None,
        })
        .await;
    (v, conversation, place)
}

async fn conversation(s: &TestServer, text: &str) -> (Ws, ConversationId) {
    let (v, c, _) = waiting(s, text).await;
    (v, c)
}

/// The next place in line the visitor hears (`None`: an operator has it).
async fn place(v: &mut Ws) -> Option<u32> {
    v.until(|f: &ServerFrame| match f {
        ServerFrame::Queue { position } => Some(*position),
        _ => None,
    })
    .await
}

/// Operators of the default channel with their inboxes open (online), and
/// the admin (its first operator) out of the way.
async fn team(s: &TestServer, names: &[&str]) -> Vec<(User, Ws)> {
    s.admin_stepped_out().await;
    let mut team = Vec::new();
    for name in names {
        let (user, cookie) = s.operator(name).await;
        let (inbox, _) = s.inbox(&cookie).await;
        team.push((user, inbox));
    }
    team
}

#[tokio::test(flavor = "multi_thread")]
async fn new_conversations_go_round_the_least_busy_operators() {
    let s = start().await;
    let team = team(&s, &["Ann", "Bo", "Cy"]).await;
    let mut owners = Vec::new();
    let mut visitors = Vec::new();
    for i in 0..6 {
        let (v, c) = conversation(&s, &format!("hello {i}")).await;
        owners.push(s.owner(c).await.expect("routed at once"));
        visitors.push(v);
    }
    let ids: Vec<UserId> = team.iter().map(|(u, _)| u.id).collect();
    // Equally busy each time: a full round, then the same round again.
    assert_eq!(
        owners[..3]
            .iter()
            .collect::<std::collections::HashSet<_>>()
            .len(),
        3
    );
    assert_eq!(owners[3..], owners[..3], "{owners:?} among {ids:?}");

    // Ann closes both of hers: she is the least busy, and gets the next two.
    let ann = owners[0];
    let parlor = &s.state.parlor;
    for o in &owners {
        if *o == ann {
            let id = parlor
                .inbox(&chat_core::Access::All)
                .await
                .unwrap()
                .into_iter()
                .filter(|c| {
                    c.conversation.assignee == Some(ann)
                        && c.conversation.status == parlor_domain::ConversationStatus::Open
                })
                .map(|c| c.conversation.id)
                .next()
                .unwrap();
            parlor
                .close_conversation(&chat_core::Access::All, id)
                .await
                .unwrap();
        }
    }
    for i in 0..2 {
        let (_v, c) = conversation(&s, &format!("again {i}")).await;
        assert_eq!(s.owner(c).await, Some(ann));
    }
    drop(team);
}

#[tokio::test(flavor = "multi_thread")]
async fn full_operators_leave_visitors_in_line_until_a_slot_frees() {
    let s = start().await;
    let team = team(&s, &["Ann", "Bo"]).await;
    let admin = s.admin().await;
    for (user, _) in &team {
        s.state
            .parlor
            .set_max_chats(&admin, user.id, 1)
            .await
            .unwrap();
    }
    let (_v1, first) = conversation(&s, "one").await;
    let (_v2, second) = conversation(&s, "two").await;
    assert!(s.owner(first).await.is_some() && s.owner(second).await.is_some());
    assert_ne!(s.owner(first).await, s.owner(second).await);

    let (mut v3, third, at) = waiting(&s, "three").await;
    assert_eq!(at, Some(1));
    assert_eq!(s.owner(third).await, None);
    let (mut v4, fourth, at) = waiting(&s, "four").await;
    assert_eq!(at, Some(2));

    // The first conversation ends: its operator takes the next in line.
    let freed = s.owner(first).await;
    s.state
        .parlor
        .close_conversation(&chat_core::Access::All, first)
        .await
        .unwrap();
    assert_eq!(place(&mut v3).await, None);
    assert_eq!(s.owner(third).await, freed);
    assert_eq!(place(&mut v4).await, Some(1));
    assert_eq!(s.owner(fourth).await, None);

    assert!(matches!(
        s.state.parlor.set_max_chats(&admin, team[0].0.id, 0).await,
        Err(chat_core::Error::Validation(_))
    ));
    // More room for one operator: the last one waiting is routed.
    let (bo, _) = &team[1];
    s.state
        .parlor
        .set_max_chats(&admin, bo.id, 3)
        .await
        .unwrap();
    assert_eq!(place(&mut v4).await, None);
    assert_eq!(s.owner(fourth).await, Some(bo.id));
}

#[tokio::test(flavor = "multi_thread")]
async fn nobody_online_leaves_conversations_unassigned() {
    let s = start().await;
    let mut team = team(&s, &["Ann"]).await;
    let (_, ann) = &mut team[0];
    ann.send(json!({"type": "set_availability", "availability": "away"}))
        .await;
    // Her own change, not an earlier frame about someone's presence.
    ann.until(|f: &InboxFrame| {
        matches!(
            f,
            InboxFrame::Presence {
                availability: parlor_protocol::inbox::Availability::Away,
                ..
            }
        )
        .then_some(())
    })
    .await;
    let (_v, c) = conversation(&s, "anyone?").await;
    assert_eq!(s.owner(c).await, None);
    // Back online: what waited is hers.
    ann.send(json!({"type": "set_availability", "availability": "online"}))
        .await;
    let summary = ann
        .until(|f: &InboxFrame| match f {
            InboxFrame::Summary { conversation }
                if conversation.id == c && conversation.assignee.is_some() =>
            {
                Some(conversation.clone())
            }
            _ => None,
        })
        .await;
    assert_eq!(summary.assignee.unwrap().name, "Ann");
}

#[tokio::test(flavor = "multi_thread")]
async fn two_operators_taking_at_once_leave_one_owner() {
    let s = start().await;
    let mut team = team(&s, &["Ann", "Bo"]).await;
    for (user, _) in &team {
        s.state
            .parlor
            .set_availability(user, parlor_domain::Availability::Away)
            .await
            .unwrap();
    }
    for round in 0..5 {
        let (_v, c) = conversation(&s, &format!("take me {round}")).await;
        assert_eq!(s.owner(c).await, None, "away: not routed");
        let take = json!({"type": "take", "conversation_id": c});
        let (first, second) = team.split_at_mut(1);
        tokio::join!(
            first[0].1.send(take.clone()),
            second[0].1.send(take.clone())
        );
        let mut owner_now = None;
        for _ in 0..100 {
            owner_now = s.owner(c).await;
            if owner_now.is_some() {
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        }
        let owner_now = owner_now.expect("someone has it");
        // The loser hears `taken`; the winner hears nothing but the summary.
        let loser = team
            .iter_mut()
            .find(|(u, _)| u.id != owner_now)
            .map(|(_, inbox)| inbox)
            .unwrap();
        let code = loser
            .until(|f: &InboxFrame| match f {
                InboxFrame::Error { code, .. } => Some(*code),
                _ => None,
            })
            .await;
        assert_eq!(code, LiveErrorCode::Taken, "round {round}");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn answering_a_waiting_visitor_takes_them_out_of_line() {
    let s = start().await;
    let mut team = team(&s, &["Ann"]).await;
    let admin = s.admin().await;
    let ann = team[0].0.id;
    s.state.parlor.set_max_chats(&admin, ann, 1).await.unwrap();
    let (_v1, _first) = conversation(&s, "one").await;
    let (mut v2, second, at) = waiting(&s, "two").await;
    assert_eq!(at, Some(1));
    let (mut v3, _third, at) = waiting(&s, "three").await;
    assert_eq!(at, Some(2));

    // Ann answers the first in line from her inbox, over her limit.
    let inbox = &mut team[0].1;
    inbox
        .send(json!({"type": "send", "conversation_id": second,
            "message_id": uuid(), "body": "I am here"}))
        .await;
    assert_eq!(place(&mut v2).await, None, "the notice clears");
    assert_eq!(s.owner(second).await, Some(ann));
    assert_eq!(place(&mut v3).await, Some(1), "the next moves up");
}
