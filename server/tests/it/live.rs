//! The visitor's live connection, spoken by a plain WebSocket client written
//! against docs/protocol.md: each message is a tag byte (0 = frame, 1 =
//! error) and JSON.

use crate::common::ws::{uuid, Ws};
use crate::common::{start, start_in, TestServer};
use parlor_protocol::live::{LiveErrorCode, ServerFrame, WireAuthor};
use parlor_protocol::{ConversationId, Seq};
use serde_json::{json, Value};

/// A visitor's socket: the shared client, read as visitor frames.
struct Client(Ws);

impl Client {
    async fn connect(s: &TestServer) -> Self {
        Self(Ws::open(s, "/widget/v1/live", None).await)
    }

    async fn raw(&mut self, bytes: Vec<u8>) {
        self.0.raw(bytes).await;
    }

    async fn send(&mut self, frame: Value) {
        self.0.send(frame).await;
    }

    async fn recv(&mut self) -> ServerFrame {
        self.0.recv().await
    }

    async fn hello(
        &mut self,
        s: &TestServer,
        token: Option<&str>,
        conv: Option<ConversationId>,
        last: u64,
    ) -> (String, Option<ConversationId>) {
        let channel = s.default_channel().await;
        self.send(json!({"type": "hello", "channel_id": channel, "token": token, "conversation_id": conv, "last_seq": last}))
            .await;
        match self.recv().await {
            ServerFrame::Welcome {
                token,
                conversation_id,
                ..
            } => (token, conversation_id),
            other => panic!("expected welcome, got {other:?}"),
        }
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn send_ack_then_resume_and_resend_after_reconnect() {
    let s = start().await;
    let mut c = Client::connect(&s).await;
    let (token, conv) = c.hello(&s, None, None, 0).await;
    assert!(conv.is_none());
    let m1 = uuid();
    c.send(json!({"type": "send", "message_id": m1, "body": " hello "}))
        .await;
    let ServerFrame::Ack {
        conversation_id,
        seq,
        ..
    } = c.recv().await
    else {
        panic!()
    };
    assert_eq!(seq, Seq(1));
    let ServerFrame::Message { message } = c.recv().await else {
        panic!()
    };
    assert_eq!(
        (message.seq, message.body.as_str(), &message.author),
        (Seq(1), "hello", &WireAuthor::Visitor)
    );
    drop(c);

    // A reload: same token, the conversation, and the last seq it saw (none).
    let mut c = Client::connect(&s).await;
    let (_, conv) = c.hello(&s, Some(&token), Some(conversation_id), 0).await;
    assert_eq!(conv, Some(conversation_id));
    let ServerFrame::Message { message } = c.recv().await else {
        panic!()
    };
    assert_eq!(message.seq, Seq(1));
    // The ack was lost, so the client resends: same seq, nothing new stored.
    c.send(json!({"type": "send", "message_id": m1, "body": "hello"}))
        .await;
    assert!(matches!(
        c.recv().await,
        ServerFrame::Ack { seq: Seq(1), .. }
    ));
    c.send(json!({"type": "send", "message_id": uuid(), "body": "second"}))
        .await;
    assert!(matches!(
        c.recv().await,
        ServerFrame::Ack { seq: Seq(2), .. }
    ));
    let ServerFrame::Message { message } = c.recv().await else {
        panic!()
    };
    assert_eq!(
        message.seq,
        Seq(2),
        "the resend produced no message of its own"
    );

    // Resuming from seq 1 replays exactly what came after.
    let mut c2 = Client::connect(&s).await;
    c2.hello(&s, Some(&token), Some(conversation_id), 1).await;
    let ServerFrame::Message { message } = c2.recv().await else {
        panic!()
    };
    assert_eq!((message.seq, message.body.as_str()), (Seq(2), "second"));
}

#[tokio::test(flavor = "multi_thread")]
async fn a_second_tab_sees_messages_live() {
    let s = start().await;
    let mut a = Client::connect(&s).await;
    let (token, _) = a.hello(&s, None, None, 0).await;
    a.send(json!({"type": "send", "message_id": uuid(), "body": "one"}))
        .await;
    let ServerFrame::Ack {
        conversation_id, ..
    } = a.recv().await
    else {
        panic!()
    };
    let mut b = Client::connect(&s).await;
    b.hello(&s, Some(&token), Some(conversation_id), 1).await;
    a.send(json!({"type": "send", "message_id": uuid(), "body": "two"}))
        .await;
    let ServerFrame::Message { message } = b.recv().await else {
        panic!()
    };
    assert_eq!((message.seq, message.body.as_str()), (Seq(2), "two"));
}

#[tokio::test(flavor = "multi_thread")]
async fn bad_input_gets_typed_errors_and_the_connection_stays_usable() {
    let s = start().await;
    let mut c = Client::connect(&s).await;
    let code = |f: ServerFrame| match f {
        ServerFrame::Error { code, .. } => code,
        other => panic!("expected an error, got {other:?}"),
    };
    c.send(json!({"type": "send", "message_id": uuid(), "body": "too early"}))
        .await;
    assert_eq!(code(c.recv().await), LiveErrorCode::HelloFirst);
    c.raw(b"\0{not json".to_vec()).await;
    assert_eq!(code(c.recv().await), LiveErrorCode::BadFrame);
    c.send(json!({"type": "dance"})).await;
    assert_eq!(code(c.recv().await), LiveErrorCode::BadFrame);

    c.hello(&s, None, None, 0).await;
    c.send(json!({"type": "send", "message_id": uuid(), "body": "   "}))
        .await;
    assert_eq!(code(c.recv().await), LiveErrorCode::InvalidMessage);
    c.send(json!({"type": "send", "message_id": uuid(), "body": "x".repeat(4001)}))
        .await;
    assert_eq!(code(c.recv().await), LiveErrorCode::InvalidMessage);
    c.send(json!({"type": "send", "message_id": uuid(), "body": "fine"}))
        .await;
    assert!(matches!(
        c.recv().await,
        ServerFrame::Ack { seq: Seq(1), .. }
    ));

    // A flood is refused past the burst; nothing refused is stored.
    let mut limited = 0;
    let mut acked = 1;
    for _ in 0..40 {
        c.send(json!({"type": "send", "message_id": uuid(), "body": "flood"}))
            .await;
    }
    while acked + limited < 41 {
        match c.recv().await {
            ServerFrame::Ack { seq, .. } => {
                acked += 1;
                assert_eq!(seq, Seq(acked));
            }
            ServerFrame::Error {
                code: LiveErrorCode::RateLimited,
                ..
            } => limited += 1,
            ServerFrame::Message { .. } => {}
            other => panic!("{other:?}"),
        }
    }
    assert!(limited > 0, "the burst limit was never reached");
}

#[tokio::test(flavor = "multi_thread")]
async fn another_visitors_conversation_looks_like_none() {
    let s = start().await;
    let mut alice = Client::connect(&s).await;
    alice.hello(&s, None, None, 0).await;
    alice
        .send(json!({"type": "send", "message_id": uuid(), "body": "private"}))
        .await;
    let ServerFrame::Ack {
        conversation_id, ..
    } = alice.recv().await
    else {
        panic!()
    };

    let mut answers = Vec::new();
    for target in [conversation_id, ConversationId(uuid::Uuid::new_v4())] {
        let mut mallory = Client::connect(&s).await;
        let channel = s.default_channel().await;
        mallory
            .send(json!({"type": "hello", "channel_id": channel, "token": null, "conversation_id": target, "last_seq": 0}))
            .await;
        let err = mallory.recv().await;
        let welcome = mallory.recv().await;
        assert!(matches!(
            welcome,
            ServerFrame::Welcome {
                conversation_id: None,
                ..
            }
        ));
        answers.push(err);
    }
    assert_eq!(answers[0], answers[1]);
    assert!(matches!(
        answers[0],
        ServerFrame::Error {
            code: LiveErrorCode::NotFound,
            ..
        }
    ));
}

#[tokio::test(flavor = "multi_thread")]
async fn a_restart_loses_no_acknowledged_message() {
    let s = start().await;
    let mut c = Client::connect(&s).await;
    let (token, _) = c.hello(&s, None, None, 0).await;
    let mut sent = Vec::new();
    let mut conversation = None;
    for i in 0..5 {
        let id = uuid();
        c.send(json!({"type": "send", "message_id": id, "body": format!("m{i}")}))
            .await;
        loop {
            match c.recv().await {
                ServerFrame::Ack {
                    conversation_id,
                    seq,
                    ..
                } => {
                    conversation = Some(conversation_id);
                    sent.push((id, seq));
                    break;
                }
                ServerFrame::Message { .. } => {}
                other => panic!("{other:?}"),
            }
        }
    }
    drop(c);
    let s = start_in(s.stop()).await;

    let mut c = Client::connect(&s).await;
    c.hello(&s, Some(&token), conversation, 0).await;
    for (i, (_, seq)) in sent.iter().enumerate() {
        let ServerFrame::Message { message } = c.recv().await else {
            panic!()
        };
        assert_eq!((message.seq, message.body.clone()), (*seq, format!("m{i}")));
    }
    // A send whose ack was lost in the restart is resent: still stored once.
    let (last_id, last_seq) = sent.last().unwrap().clone();
    c.send(json!({"type": "send", "message_id": last_id, "body": "m4"}))
        .await;
    assert!(matches!(c.recv().await, ServerFrame::Ack { seq, .. } if seq == last_seq));
}

/// Sets the default channel's conversations mode as an admin would.
async fn set_mode(s: &TestServer, mode: parlor_protocol::ConversationMode) {
    let admin = s.admin().await;
    let id = s.default_channel().await;
    let channel = s.state.parlor.channel(&admin, id).await.unwrap();
    let mut input = parlor_domain::ChannelSettingsInput::from(&channel.settings);
    input.conversation_mode = mode;
    s.state
        .parlor
        .update_channel(&admin, id, input)
        .await
        .unwrap();
}

/// The next `switched`, skipping the echo of the visitor's own messages.
async fn switched(c: &mut Client) -> Option<ConversationId> {
    c.0.until(|f: &ServerFrame| match f {
        ServerFrame::Switched { conversation_id } => Some(*conversation_id),
        _ => None,
    })
    .await
}

async fn say(c: &mut Client, body: &str) -> (ConversationId, Seq) {
    c.send(json!({"type": "send", "message_id": uuid(), "body": body}))
        .await;
    c.0.acked().await
}

#[tokio::test(flavor = "multi_thread")]
async fn one_active_mode_keeps_every_message_in_one_conversation() {
    let s = start().await;
    let mut c = Client::connect(&s).await;
    c.hello(&s, None, None, 0).await;
    let (first, _) = say(&mut c, "first").await;
    // Leaving the conversation does not start another one: the next
    // message joins the open conversation.
    c.send(json!({"type": "switch", "conversation_id": null}))
        .await;
    assert_eq!(switched(&mut c).await, None);
    assert_eq!(say(&mut c, "second").await, (first, Seq(2)));
}

#[tokio::test(flavor = "multi_thread")]
async fn multiple_mode_lists_starts_and_switches_conversations() {
    let s = start().await;
    set_mode(&s, parlor_protocol::ConversationMode::Multiple).await;
    let mut c = Client::connect(&s).await;
    c.hello(&s, None, None, 0).await;
    let (a, _) = say(&mut c, "about my order").await;
    c.send(json!({"type": "switch", "conversation_id": null}))
        .await;
    assert_eq!(switched(&mut c).await, None);
    let (b, seq) = say(&mut c, "a new question").await;
    assert_ne!(a, b);
    assert_eq!(seq, Seq(1));

    c.send(json!({"type": "list"})).await;
    let conversations =
        c.0.until(|f: &ServerFrame| match f {
            ServerFrame::Conversations { conversations } => Some(conversations.clone()),
            _ => None,
        })
        .await;
    let listed: Vec<_> = conversations
        .iter()
        .map(|x| (x.id, x.closed, x.last_body.clone().unwrap()))
        .collect();
    assert_eq!(
        listed,
        vec![
            (b, false, "a new question".to_string()),
            (a, false, "about my order".to_string())
        ]
    );

    // Back to the first: `switched`, then its messages from the start.
    c.send(json!({"type": "switch", "conversation_id": a}))
        .await;
    assert_eq!(switched(&mut c).await, Some(a));
    let ServerFrame::Message { message } = c.recv().await else {
        panic!("expected the replay")
    };
    assert_eq!(
        (message.conversation_id, message.body.as_str()),
        (a, "about my order")
    );
    assert_eq!(say(&mut c, "still there?").await, (a, Seq(2)));

    // Another visitor's conversation looks like none at all.
    let mut other = Client::connect(&s).await;
    other.hello(&s, None, None, 0).await;
    other
        .send(json!({"type": "switch", "conversation_id": a}))
        .await;
    assert!(matches!(
        other.recv().await,
        ServerFrame::Error {
            code: LiveErrorCode::NotFound,
            ..
        }
    ));
}

/// The conversation's row as an operator's inbox lists it.
async fn in_inbox(
    s: &TestServer,
    id: ConversationId,
) -> parlor_protocol::inbox::ConversationSummary {
    let cookie =
        crate::common::sign_in(&s.base, "admin@test.example", crate::common::PASSWORD).await;
    let mut inbox = Ws::open(s, "/api/inbox/live", Some(&cookie)).await;
    let parlor_protocol::inbox::InboxFrame::Snapshot { conversations, .. } = inbox.recv().await
    else {
        panic!("the first frame is the snapshot")
    };
    conversations.into_iter().find(|c| c.id == id).unwrap()
}

fn frame_of<T: Clone>(
    pick: impl Fn(&ServerFrame) -> Option<T>,
) -> impl FnMut(&ServerFrame) -> Option<T> {
    move |f| pick(f)
}

async fn identified(c: &mut Client) -> (bool, Option<String>) {
    c.0.until(frame_of(|f| match f {
        ServerFrame::Identified { verified, token } => Some((*verified, token.clone())),
        _ => None,
    }))
    .await
}

async fn listed(c: &mut Client) -> Vec<ConversationId> {
    c.send(json!({"type": "list"})).await;
    c.0.until(frame_of(|f| match f {
        ServerFrame::Conversations { conversations } => {
            Some(conversations.iter().map(|x| x.id).collect::<Vec<_>>())
        }
        _ => None,
    }))
    .await
}

#[tokio::test(flavor = "multi_thread")]
async fn a_signed_identity_joins_history_across_devices_and_a_bad_one_stays_anonymous() {
    let s = start().await;
    set_mode(&s, parlor_protocol::ConversationMode::Multiple).await;
    let secret = s.identity_secret().await;
    assert_eq!(secret.len(), 64, "a fresh 256-bit secret per channel");
    let signature = chat_core::identity::sign(&secret, "u-42");
    let identify = |sig: &str| json!({"type": "identify", "external_id": "u-42", "name": "Ann", "email": "ann@shop.test", "signature": sig});

    // The laptop identifies, then writes.
    let mut laptop = Client::connect(&s).await;
    laptop.hello(&s, None, None, 0).await;
    laptop.send(identify(&signature)).await;
    assert_eq!(identified(&mut laptop).await, (true, None));
    let (on_laptop, _) = say(&mut laptop, "from the laptop").await;
    laptop
        .send(json!({"type": "field", "key": "plan", "value": "Pro"}))
        .await;

    // The phone wrote before it identified; then its history joins hers.
    let mut phone = Client::connect(&s).await;
    let (phone_token, _) = phone.hello(&s, None, None, 0).await;
    let (on_phone, _) = say(&mut phone, "from the phone").await;
    phone.send(identify(&signature.to_uppercase())).await;
    let (verified, token) = identified(&mut phone).await;
    assert!(verified);
    let token = token.expect("a token for the person first seen on the laptop");
    assert_ne!(token, phone_token);
    let mut both = listed(&mut phone).await;
    both.sort();
    let mut expected = vec![on_laptop, on_phone];
    expected.sort();
    assert_eq!(both, expected);
    // The new token speaks for her from now on; so does the laptop's.
    let mut again = Client::connect(&s).await;
    again.hello(&s, Some(&token), None, 0).await;
    assert_eq!(listed(&mut again).await.len(), 2);
    assert_eq!(listed(&mut laptop).await.len(), 2);

    // Operators see who it is, verified, with the custom field.
    let summary = in_inbox(&s, on_laptop).await;
    assert_eq!(summary.visitor_name, "Ann");
    assert_eq!(summary.visitor.name.as_deref(), Some("Ann"));
    assert_eq!(summary.visitor.email.as_deref(), Some("ann@shop.test"));
    assert!(summary.visitor.verified);
    assert_eq!(
        summary.visitor.fields.get("plan").map(String::as_str),
        Some("Pro")
    );

    // With signatures required, a wrong one is anonymous: nothing joins,
    // and what it claimed is kept apart, as an unverified claim only.
    s.state
        .parlor
        .identities()
        .set_required(&s.admin().await, s.default_channel().await, true)
        .await
        .unwrap();
    let mut stranger = Client::connect(&s).await;
    stranger.hello(&s, None, None, 0).await;
    let (theirs, _) = say(&mut stranger, "who am I").await;
    stranger
        .send(identify(&chat_core::identity::sign("guessed", "u-42")))
        .await;
    assert_eq!(identified(&mut stranger).await, (false, None));
    assert_eq!(listed(&mut stranger).await, vec![theirs]);
    stranger
        .send(json!({"type": "identify", "external_id": "u-42", "name": "Mallory"}))
        .await;
    assert_eq!(identified(&mut stranger).await, (false, None));
    let summary = in_inbox(&s, theirs).await;
    assert_eq!(
        summary.visitor,
        parlor_protocol::inbox::WireVisitor {
            claim: Some(parlor_protocol::inbox::WireClaim {
                external_id: "u-42".into(),
                name: Some("Mallory".into()),
                email: None,
            }),
            ..Default::default()
        }
    );
    assert!(summary.visitor_name.starts_with("Visitor "));
}

#[tokio::test(flavor = "multi_thread")]
async fn with_several_departments_the_visitor_picks_one_first() {
    let s = start().await;
    let admin = s.admin().await;
    let channel = s.default_channel().await;
    let updated = s
        .state
        .parlor
        .update_channel_departments(&admin, channel, "Sales\nSupport")
        .await
        .unwrap();
    let support = updated.departments.0[1].id;
    let mut c = Client::connect(&s).await;
    c.hello(&s, None, None, 0).await;
    let first = uuid();
    c.send(json!({"type": "send", "message_id": first, "body": "hello?"}))
        .await;
    let refused =
        c.0.until(frame_of(|f| match f {
            ServerFrame::Error { code, message, .. } => Some((*code, message.clone())),
            _ => None,
        }))
        .await;
    assert_eq!(refused.0, LiveErrorCode::InvalidMessage);
    assert!(refused.1.contains("choose a department"), "{}", refused.1);
    // An unknown department counts as none; a real one starts the chat.
    c.send(json!({"type": "department", "id": 999})).await;
    c.send(json!({"type": "send", "message_id": first, "body": "hello?"}))
        .await;
    c.0.until(frame_of(|f| {
        matches!(f, ServerFrame::Error { .. }).then_some(())
    }))
    .await;
    c.send(json!({"type": "department", "id": support})).await;
    let (conversation, _) = say(&mut c, "my order is late").await;
    assert_eq!(
        in_inbox(&s, conversation).await.department.as_deref(),
        Some("Support")
    );
}
