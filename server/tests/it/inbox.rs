//! The operator's side, end to end over real sockets: an operator's inbox
//! (`/api/inbox/live`, signed in with the session cookie) and a visitor's
//! widget connection (`/widget/v1/live`), both spoken as docs/protocol.md
//! says: a tag byte, then JSON.

use crate::common::ws::{uuid, Ws};
use crate::common::{start, TestServer, PASSWORD};
use futures::{SinkExt, StreamExt};
use parlor_domain::{NewUser, Role};
use parlor_protocol::inbox::InboxFrame;
use parlor_protocol::live::{LiveErrorCode, ServerFrame, WireAuthor};
use parlor_protocol::{ConversationId, Seq};
use serde_json::{json, Value};
use std::time::Duration;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::Message;

async fn sign_in(s: &TestServer, email: &str, password: &str) -> String {
    crate::common::sign_in(&s.base, email, password).await
}

async fn inbox(s: &TestServer, cookie: &str) -> Ws {
    let mut ws = Ws::open(s, "/api/inbox/live", Some(cookie)).await;
    let InboxFrame::Snapshot { .. } = ws.recv().await else {
        panic!("the first frame is the snapshot")
    };
    ws
}

/// A visitor's socket and the token its `welcome` gave.
struct Visitor {
    ws: Ws,
    token: String,
}

impl Visitor {
    async fn send(&mut self, frame: Value) {
        self.ws.send(frame).await;
    }

    async fn until<R>(&mut self, pick: impl FnMut(&ServerFrame) -> Option<R>) -> R {
        self.ws.until(pick).await
    }
}

/// A visitor who said hello on `page` and sent one message.
async fn visitor_with_message(s: &TestServer, page: &str, body: &str) -> (Visitor, ConversationId) {
    let mut v = Ws::open(s, "/widget/v1/live", None).await;
    let channel = s.default_channel().await;
    v.send(
        json!({"type": "hello", "channel_id": channel, "token": null,
        "conversation_id": null, "last_seq": null, "page_url": page}),
    )
    .await;
    let ServerFrame::Welcome { token, .. } = v.recv().await else {
        panic!()
    };
    let mut v = Visitor { ws: v, token };
    v.send(json!({"type": "send", "message_id": uuid(), "body": body}))
        .await;
    let (conversation, _) = v.ws.acked().await;
    (v, conversation)
}

#[tokio::test(flavor = "multi_thread")]
async fn visitor_and_operator_chat_live_both_ways() {
    let s = start().await;
    let admin = sign_in(&s, "admin@test.example", PASSWORD).await;
    let mut op = inbox(&s, &admin).await;

    let (mut v, conv) = visitor_with_message(&s, "https://shop.example/pricing", "hi there").await;
    // The list learns of the new conversation, with the visitor's page.
    let summary = op.row(conv).await;
    assert_eq!(
        summary.page_url.as_deref(),
        Some("https://shop.example/pricing")
    );
    // Announced once routing placed it: with the admin's inbox open, it is
    // theirs from the first sight.
    assert!(summary.assignee.is_some() && !summary.closed && !summary.queued);
    let (seq, preview) = op
        .until(|f: &InboxFrame| match f {
            InboxFrame::Activity { seq, preview, .. } => Some((*seq, preview.clone())),
            _ => None,
        })
        .await;
    assert_eq!((seq, preview.as_str()), (Seq(1), "hi there"));

    // Opening replays the history.
    op.send(json!({"type": "open", "conversation_id": conv, "last_seq": null}))
        .await;
    let replay = op
        .until(|f: &InboxFrame| match f {
            InboxFrame::Message { message } => Some(message.clone()),
            _ => None,
        })
        .await;
    assert_eq!(replay.seq, Seq(1));

    // Typing, both ways.
    v.send(json!({"type": "typing", "typing": true})).await;
    assert!(
        op.until(|f: &InboxFrame| match f {
            InboxFrame::Typing {
                typing,
                conversation_id,
            } if *conversation_id == conv => Some(*typing),
            _ => None,
        })
        .await
    );
    op.send(json!({"type": "typing", "conversation_id": conv, "typing": true}))
        .await;
    let name = v
        .until(|f: &ServerFrame| match f {
            ServerFrame::Typing {
                name, typing: true, ..
            } => Some(name.clone()),
            _ => None,
        })
        .await;
    assert_eq!(name, "Administrator");

    // The answer is acknowledged, reaches the visitor with the operator's
    // name, and assigns the conversation to whoever answered first.
    let answer = uuid();
    op.send(json!({"type": "send", "conversation_id": conv, "message_id": answer, "body": "Hello! <b>How</b> can I help?"}))
        .await;
    let seq = op
        .until(|f: &InboxFrame| match f {
            InboxFrame::Ack { seq, .. } => Some(*seq),
            _ => None,
        })
        .await;
    assert_eq!(seq, Seq(2));
    let got = v
        .until(|f: &ServerFrame| match f {
            ServerFrame::Message { message } => Some(message.clone()),
            _ => None,
        })
        .await;
    assert_eq!(
        got.author,
        WireAuthor::Operator {
            name: "Administrator".into()
        }
    );
    assert_eq!(got.body, "Hello! <b>How</b> can I help?");
    let assigned = op
        .until(|f: &InboxFrame| match f {
            InboxFrame::Summary { conversation } if conversation.assignee.is_some() => {
                Some(conversation.clone())
            }
            _ => None,
        })
        .await;
    assert_eq!(assigned.assignee.unwrap().name, "Administrator");
    assert_eq!(assigned.unread, 0, "answering reads the conversation");

    // The page moves; operators see it.
    v.send(json!({"type": "page", "url": "https://shop.example/checkout"}))
        .await;
    let page = op
        .until(|f: &InboxFrame| match f {
            InboxFrame::Summary { conversation } => conversation.page_url.clone(),
            _ => None,
        })
        .await;
    assert_eq!(page, "https://shop.example/checkout");

    // Closing: the visitor is told, a late message is refused, and the next
    // one starts a new conversation.
    op.send(json!({"type": "close", "conversation_id": conv}))
        .await;
    v.until(|f: &ServerFrame| match f {
        ServerFrame::Ended { conversation_id } if *conversation_id == conv => Some(()),
        _ => None,
    })
    .await;
    let late = uuid();
    op.send(
        json!({"type": "send", "conversation_id": conv, "message_id": late, "body": "one more"}),
    )
    .await;
    let code = op
        .until(|f: &InboxFrame| match f {
            InboxFrame::Error { code, .. } => Some(*code),
            _ => None,
        })
        .await;
    assert_eq!(code, LiveErrorCode::Ended);
    v.send(json!({"type": "send", "message_id": uuid(), "body": "back again"}))
        .await;
    let (next, seq) = v.ws.acked().await;
    assert_ne!(next, conv, "a new conversation");
    assert_eq!(seq, Seq(1));

    // The traffic shows in /metrics: three messages stored, each timed, and
    // the two connections still open.
    let text = s.get_text("/metrics").await;
    for line in [
        "parlor_messages_total 3",
        "parlor_message_write_seconds_count 3",
        r#"parlor_connections{peer="visitor"} 1"#,
        r#"parlor_connections{peer="operator"} 1"#,
    ] {
        assert!(text.contains(line), "{line} in {text}");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn two_operators_answering_at_once_leave_one_owner() {
    let s = start().await;
    let parlor = &s.state.parlor;
    let admin_user = parlor
        .auth()
        .authenticate(
            &parlor
                .sign_in("admin@test.example", PASSWORD)
                .await
                .unwrap()
                .token,
        )
        .await
        .unwrap();
    let channel = s.default_channel().await;
    let bo = parlor
        .create_user(
            &admin_user,
            NewUser {
                email: "bo@test.example".into(),
                display_name: "Bo".into(),
                password: "bo-password-1".into(),
                role: Role::Operator,
            },
        )
        .await
        .unwrap();
    parlor
        .set_channel_operator(&admin_user, channel, bo.id, true)
        .await
        .unwrap();
    let (mut a, mut b) = (
        inbox(&s, &sign_in(&s, "admin@test.example", PASSWORD).await).await,
        inbox(&s, &sign_in(&s, "bo@test.example", "bo-password-1").await).await,
    );
    // Both away: routing leaves the conversations to whoever answers.
    for user in [&admin_user, &bo] {
        parlor
            .set_availability(user, parlor_domain::Availability::Away)
            .await
            .unwrap();
    }

    for round in 0..5 {
        let (mut v, conv) =
            visitor_with_message(&s, "https://shop.example/", &format!("help {round}")).await;
        let send = |id: String| json!({"type": "send", "conversation_id": conv, "message_id": id, "body": "mine"});
        tokio::join!(a.send(send(uuid())), b.send(send(uuid())));
        let ack = |f: &InboxFrame| matches!(f, InboxFrame::Ack { .. }).then_some(());
        tokio::join!(a.until(ack), b.until(ack));
        let owner = parlor
            .inbox(&chat_core::Access::All)
            .await
            .unwrap()
            .into_iter()
            .find(|c| c.conversation.id == conv)
            .unwrap()
            .assignee_name;
        // The visitor sees seq 2 (the first answer) from its author.
        let first = v
            .until(|f: &ServerFrame| match f {
                ServerFrame::Message { message } if message.seq == Seq(2) => {
                    match &message.author {
                        WireAuthor::Operator { name } => Some(name.clone()),
                        WireAuthor::Visitor => None,
                    }
                }
                _ => None,
            })
            .await;
        // Exactly one owner, and it is whoever's answer got the lower seq.
        assert_eq!(owner.as_deref(), Some(first.as_str()), "round {round}");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn the_inbox_needs_a_session_and_hides_other_channels() {
    let s = start().await;
    // No cookie: no upgrade.
    let url = format!("ws://{}/api/inbox/live", s.addr);
    assert!(tokio_tungstenite::connect_async(url).await.is_err());

    // A cross-site page cannot open it with the operator's cookie.
    let admin = sign_in(&s, "admin@test.example", PASSWORD).await;
    let mut req = format!("ws://{}/api/inbox/live", s.addr)
        .into_client_request()
        .unwrap();
    req.headers_mut().insert("cookie", admin.parse().unwrap());
    req.headers_mut()
        .insert("origin", "http://evil.example".parse().unwrap());
    assert!(tokio_tungstenite::connect_async(req).await.is_err());

    // An operator of no channel sees nothing and cannot open or answer.
    let parlor = &s.state.parlor;
    let admin_user = parlor
        .auth()
        .authenticate(admin.split('=').nth(1).unwrap())
        .await
        .unwrap();
    parlor
        .create_user(
            &admin_user,
            NewUser {
                email: "cy@test.example".into(),
                display_name: "Cy".into(),
                password: "cy-password-1".into(),
                role: Role::Operator,
            },
        )
        .await
        .unwrap();
    let mut cy = Ws::open(
        &s,
        "/api/inbox/live",
        Some(&sign_in(&s, "cy@test.example", "cy-password-1").await),
    )
    .await;
    let InboxFrame::Snapshot { conversations, .. } = cy.recv().await else {
        panic!()
    };
    assert!(conversations.is_empty());
    let (_v, conv) = visitor_with_message(&s, "https://shop.example/", "secret").await;
    cy.quiet().await;
    for frame in [
        json!({"type": "open", "conversation_id": conv, "last_seq": null}),
        json!({"type": "send", "conversation_id": conv, "message_id": uuid(), "body": "hi"}),
        json!({"type": "close", "conversation_id": conv}),
    ] {
        cy.send(frame).await;
        let InboxFrame::Error { code, .. } = cy.recv().await else {
            panic!()
        };
        assert_eq!(code, LiveErrorCode::NotFound);
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_slow_reader_is_cut_off_and_resumes_while_a_fast_one_keeps_up() {
    let s = start().await;
    let admin = sign_in(&s, "admin@test.example", PASSWORD).await;
    let op = inbox(&s, &admin).await;
    let (mut fast, conv) = visitor_with_message(&s, "https://shop.example/", "flood me").await;
    // The same conversation in a second tab (same visitor) that stops reading.
    let token = fast.token.clone();
    let channel = s.default_channel().await;
    let mut slow = Ws::open(&s, "/widget/v1/live", None).await;
    slow.send(
        json!({"type": "hello", "channel_id": channel, "token": token,
        "conversation_id": conv, "last_seq": 1}),
    )
    .await;

    // Far more than the socket buffers and the 256-frame queue hold. The
    // operator answers (each waiting for its ack) while the fast tab reads
    // along; the slow tab reads nothing.
    const N: u64 = 1500;
    let fast_reader = tokio::spawn(async move {
        let mut next = 2;
        while next <= N + 1 {
            let frame: ServerFrame = fast.ws.recv().await;
            match frame {
                // Its own first message comes back after its ack.
                ServerFrame::Message { message } if message.seq == Seq(1) => {}
                ServerFrame::Message { message } => {
                    assert_eq!(message.seq, Seq(next), "in order, no gap");
                    next += 1;
                }
                _ => {}
            }
        }
    });
    // Sends are pipelined; a reader drains the operator's own socket.
    let (mut sink, mut stream) = op.0.split();
    let acks = tokio::spawn(async move {
        let mut acked = 0;
        while acked < N {
            let next = stream.next().await;
            let Some(Ok(Message::Binary(b))) = next else {
                panic!("the operator's socket closed after {acked} acks: {next:?}")
            };
            let frame: InboxFrame = serde_json::from_slice(&b[1..]).unwrap();
            match frame {
                InboxFrame::Ack { .. } => acked += 1,
                InboxFrame::Resync | InboxFrame::Error { .. } => panic!("{frame:?}"),
                _ => {}
            }
        }
    });
    let body = "x".repeat(4000);
    for _ in 0..N {
        let frame =
            json!({"type": "send", "conversation_id": conv, "message_id": uuid(), "body": body});
        let mut bytes = vec![0u8];
        bytes.extend(serde_json::to_vec(&frame).unwrap());
        sink.send(Message::Binary(bytes.into())).await.unwrap();
    }
    acks.await.unwrap();
    fast_reader.await.unwrap();

    // The slow tab now reads: what was queued, then the end of the
    // connection (with `resync` when there was room for it).
    let mut seen = 1;
    loop {
        match tokio::time::timeout(Duration::from_secs(5), slow.0.next()).await {
            Ok(Some(Ok(Message::Binary(b)))) => {
                let frame: ServerFrame = serde_json::from_slice(&b[1..]).unwrap();
                match frame {
                    ServerFrame::Message { message } => {
                        assert_eq!(message.seq, Seq(seen + 1));
                        seen += 1;
                    }
                    // The read receipt comes after the replay.
                    ServerFrame::Welcome { .. }
                    | ServerFrame::Read { .. }
                    | ServerFrame::Resync { .. } => {}
                    other => panic!("unexpected {other:?}"),
                }
            }
            Ok(Some(Ok(Message::Close(_)) | Err(_)) | None) => break,
            Ok(Some(Ok(_))) => {}
            Err(_) => panic!("the slow connection was neither fed nor closed"),
        }
    }
    assert!(seen < N + 1, "the slow reader was cut off (saw {seen})");
    // It resumes from what it saw and gets the rest, without a gap.
    let mut again = Ws::open(&s, "/widget/v1/live", None).await;
    again
        .send(
            json!({"type": "hello", "channel_id": channel, "token": token,
            "conversation_id": conv, "last_seq": seen}),
        )
        .await;
    let ServerFrame::Welcome { .. } = again.recv().await else {
        panic!()
    };
    while seen < N + 1 {
        let ServerFrame::Message { message } = again.recv().await else {
            panic!()
        };
        assert_eq!(message.seq, Seq(seen + 1));
        seen += 1;
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_shutdown_tells_live_clients_to_reconnect_and_drains() {
    let s = start().await;
    let admin = sign_in(&s, "admin@test.example", PASSWORD).await;
    let mut op = inbox(&s, &admin).await;
    let (mut v, conv) = visitor_with_message(&s, "https://shop.example/", "still here?").await;
    s.state.parlor.begin_shutdown();
    v.until(|f: &ServerFrame| match f {
        ServerFrame::Resync {
            conversation_id, ..
        } if *conversation_id == conv => Some(()),
        _ => None,
    })
    .await;
    op.until(|f: &InboxFrame| matches!(f, InboxFrame::Resync).then_some(()))
        .await;
    assert!(
        s.state.parlor.drained(Duration::from_secs(5)).await,
        "every live connection closed"
    );
    // The message acknowledged before the shutdown is stored.
    let text = s.get_text("/metrics").await;
    assert!(text.contains("parlor_messages_total 1"), "{text}");
    assert!(
        text.contains(r#"parlor_connections{peer="visitor"} 0"#),
        "{text}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_visitor_ends_their_conversation() {
    let s = start().await;
    let admin = sign_in(&s, "admin@test.example", PASSWORD).await;
    let mut op = inbox(&s, &admin).await;
    let (mut v, conv) = visitor_with_message(&s, "https://shop.example/", "that's all").await;

    v.send(json!({"type": "end"})).await;
    let ended = v
        .until(|f: &ServerFrame| match f {
            ServerFrame::Ended { conversation_id } => Some(*conversation_id),
            _ => None,
        })
        .await;
    assert_eq!(ended, conv);
    // The inbox sees it closed.
    op.row_where(conv, |row| row.closed.then_some(())).await;

    // Ending with nothing open changes nothing; the next message starts a
    // new conversation.
    v.send(json!({"type": "end"})).await;
    v.send(json!({"type": "send", "message_id": uuid(), "body": "one more thing"}))
        .await;
    let (next, seq) = v.ws.acked().await;
    assert_ne!(next, conv);
    assert_eq!(seq, Seq(1));
}

#[tokio::test(flavor = "multi_thread")]
async fn a_visitor_rates_the_ended_conversation_and_operators_see_it() {
    let s = start().await;
    let admin = sign_in(&s, "admin@test.example", PASSWORD).await;
    let mut op = inbox(&s, &admin).await;
    let (mut v, conv) = visitor_with_message(&s, "https://shop.example/", "thanks!").await;
    let refused = |code| {
        move |f: &ServerFrame| match f {
            ServerFrame::Error {
                code: c, message, ..
            } if *c == code => Some(message.clone()),
            _ => None,
        }
    };

    // Not before the end.
    let rate = json!({"type": "rate", "conversation_id": conv, "rating": "happy"});
    v.send(rate.clone()).await;
    let why = v.until(refused(LiveErrorCode::InvalidMessage)).await;
    assert!(why.contains("once it has ended"), "{why}");

    v.send(json!({"type": "end"})).await;
    v.until(|f: &ServerFrame| matches!(f, ServerFrame::Ended { .. }).then_some(()))
        .await;
    // Too long a comment is refused, and nothing is stored.
    let long = "x".repeat(1001);
    v.send(json!({"type": "rate", "conversation_id": conv, "rating": "unhappy", "comment": long}))
        .await;
    v.until(refused(LiveErrorCode::InvalidMessage)).await;
    v.send(
        json!({"type": "rate", "conversation_id": conv, "rating": "unhappy",
        "comment": "  <b>slow</b> answer  "}),
    )
    .await;
    let rated = v
        .until(|f: &ServerFrame| match f {
            ServerFrame::Rated { conversation_id } => Some(*conversation_id),
            _ => None,
        })
        .await;
    assert_eq!(rated, conv);
    let rating = op.row_where(conv, |row| row.rating.clone()).await;
    assert_eq!(rating.rating, parlor_protocol::live::Rating::Unhappy);
    assert_eq!(rating.comment, "<b>slow</b> answer");

    // Another visitor cannot rate it: it looks like no conversation at all.
    let (mut other, _) = visitor_with_message(&s, "https://shop.example/", "hello").await;
    other.send(rate).await;
    other.until(refused(LiveErrorCode::NotFound)).await;

    // A new inbox connection's snapshot carries the rating.
    let mut again = Ws::open(&s, "/api/inbox/live", Some(&admin)).await;
    let InboxFrame::Snapshot { conversations, .. } = again.recv().await else {
        panic!("the first frame is the snapshot")
    };
    let listed = conversations.into_iter().find(|c| c.id == conv).unwrap();
    assert_eq!(listed.rating.unwrap().comment, "<b>slow</b> answer");
}
