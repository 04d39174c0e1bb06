//! The `Store` contract, checked directly on whichever backend the run uses
//! (SQLite, or PostgreSQL when `PARLOR_TEST_POSTGRES` is set): the details
//! the services rely on and that differ easily between SQL dialects.

use chat_core::store::{self, Appended, ChannelPart, NewMessage, NewUserRecord, StoreError};
use chat_core::Store;
use parlor_domain::rules::{parse_rules, DisplayChoice};
use parlor_domain::{
    Author, ChannelId, ChannelIdentity, ChannelRules, ChannelSettings, ConversationId, Embedding,
    MessageId, Role, RuleInput, Seq, VisitorId, VisitorProfile,
};
use std::sync::Arc;
use uuid::Uuid;

async fn open(dir: &tempfile::TempDir) -> Arc<dyn Store> {
    let url = chat_core::testing::database_url(dir.path()).await.unwrap();
    store::open(&url).await.unwrap()
}

/// A new channel "Shop" with no operators and no allowed site.
async fn shop(s: &Arc<dyn Store>) -> ChannelId {
    let channel = ChannelId(Uuid::new_v4());
    s.insert_channel(
        channel,
        &ChannelSettings::new_named("Shop"),
        &Embedding::default(),
        &ChannelIdentity::default(),
        &[],
        1,
    )
    .await
    .unwrap();
    channel
}

fn user(email: &str, name: &str) -> NewUserRecord {
    NewUserRecord {
        email: email.into(),
        display_name: name.into(),
        role: Role::Operator,
        password_hash: "x".into(),
    }
}

#[tokio::test]
async fn users_are_unique_by_email_and_listed_by_name_ignoring_case() {
    let dir = tempfile::tempdir().unwrap();
    let s = open(&dir).await;
    let b = s.insert_user(&user("b@x.test", "bob")).await.unwrap();
    let a = s.insert_user(&user("a@x.test", "Alice")).await.unwrap();
    assert_ne!(a.id, b.id);
    assert!(matches!(
        s.insert_user(&user("a@x.test", "Again")).await,
        Err(StoreError::Conflict("user"))
    ));
    let names: Vec<_> = s
        .list_users()
        .await
        .unwrap()
        .into_iter()
        .map(|u| u.display_name)
        .collect();
    assert_eq!(names, ["Alice", "bob"]);
    assert_eq!(s.get_user(a.id).await.unwrap().unwrap(), a);
}

#[tokio::test]
async fn operators_read_markers_and_appends_follow_the_rules() {
    let dir = tempfile::tempdir().unwrap();
    let s = open(&dir).await;
    let op = s.insert_user(&user("op@x.test", "Op")).await.unwrap();
    let channel = shop(&s).await;
    // Adding an operator twice, or removing one twice, is fine.
    for member in [true, true] {
        s.set_channel_operator(channel, op.id, member)
            .await
            .unwrap();
    }
    assert_eq!(s.operator_channels(op.id).await.unwrap(), [channel]);
    assert!(matches!(
        s.set_channel_operator(ChannelId(Uuid::new_v4()), op.id, true)
            .await,
        Err(StoreError::NotFound(_))
    ));

    let visitor = VisitorId(Uuid::new_v4());
    s.insert_visitor(visitor, channel, "token-hash", 1)
        .await
        .unwrap();
    assert_eq!(
        s.visitor_by_token("token-hash").await.unwrap(),
        Some((visitor, Some(channel)))
    );
    assert!(matches!(
        s.insert_conversation(
            ConversationId(Uuid::new_v4()),
            ChannelId(Uuid::new_v4()),
            visitor,
            1
        )
        .await,
        Err(StoreError::NotFound("channel"))
    ));
    let c = ConversationId(Uuid::new_v4());
    s.insert_conversation(c, channel, visitor, 1).await.unwrap();
    for (i, author) in [Author::Visitor, Author::Visitor, Author::Visitor]
        .into_iter()
        .enumerate()
    {
        let m = s
            .append_message(&NewMessage {
                id: MessageId(Uuid::new_v4()),
                conversation: c,
                author,
                body: "hi",
                now: 2,
                attachment: None,
            })
            .await
            .unwrap();
        assert_eq!(m.message().seq, Seq(i as u64 + 1));
    }
    let unread =
        |s: Arc<dyn Store>| async move { s.conversation_summary(c).await.unwrap().unwrap().unread };
    assert_eq!(unread(s.clone()).await, 3);
    // The read marker moves forward only, and never past the last message.
    s.mark_read(c, Seq(2)).await.unwrap();
    assert_eq!(unread(s.clone()).await, 1);
    s.mark_read(c, Seq(1)).await.unwrap();
    assert_eq!(unread(s.clone()).await, 1);
    s.mark_read(c, Seq(99)).await.unwrap();
    assert_eq!(unread(s.clone()).await, 0);

    // An operator's answer assigns the conversation to them.
    s.append_message(&NewMessage {
        id: MessageId(Uuid::new_v4()),
        conversation: c,
        author: Author::Operator { user: op.id },
        body: "hello",
        now: 3,
        attachment: None,
    })
    .await
    .unwrap();
    let summary = s.conversation_summary(c).await.unwrap().unwrap();
    assert_eq!(summary.conversation.assignee, Some(op.id));
    assert_eq!(summary.assignee_name.as_deref(), Some("Op"));
    assert_eq!(summary.conversation.last_seq, Seq(4));
    assert_eq!(
        s.conversation_summaries(Some(&[channel]), 10)
            .await
            .unwrap()
            .len(),
        1
    );
    assert!(s
        .conversation_summaries(Some(&[ChannelId(Uuid::new_v4())]), 10)
        .await
        .unwrap()
        .is_empty());
    assert!(s
        .conversation_summaries(Some(&[]), 10)
        .await
        .unwrap()
        .is_empty());

    // Closed: a new message is refused, and nothing is stored.
    assert!(s.close_conversation(c, 4).await.unwrap());
    assert!(!s.close_conversation(c, 5).await.unwrap());
    assert!(matches!(
        s.append_message(&NewMessage {
            id: MessageId(Uuid::new_v4()),
            conversation: c,
            author: Author::Visitor,
            body: "late",
            now: 5,
            attachment: None,
        })
        .await,
        Err(StoreError::Closed)
    ));
    assert_eq!(s.messages_after(c, Seq(0), 100).await.unwrap().len(), 4);
    assert_eq!(s.messages_after(c, Seq(2), 1).await.unwrap()[0].seq, Seq(3));
}

/// Many appends at once land in shared batches: each conversation's numbers
/// stay gap-free in arrival order, and a resend in the same batch as its
/// original gets the original.
#[tokio::test(flavor = "multi_thread")]
async fn concurrent_appends_and_resends_batch_without_gaps_or_doubles() {
    let dir = tempfile::tempdir().unwrap();
    let s = open(&dir).await;
    let channel = shop(&s).await;
    let visitor = VisitorId(Uuid::new_v4());
    s.insert_visitor(visitor, channel, "t", 1).await.unwrap();
    let mut conversations = Vec::new();
    for _ in 0..3 {
        let c = ConversationId(Uuid::new_v4());
        s.insert_conversation(c, channel, visitor, 1).await.unwrap();
        conversations.push(c);
    }
    let ids: Vec<MessageId> = (0..120).map(|_| MessageId(Uuid::new_v4())).collect();
    // Every message is sent twice at the same moment.
    let sends = ids.iter().enumerate().flat_map(|(i, id)| {
        let c = conversations[i % 3];
        [(c, *id), (c, *id)]
    });
    let tasks: Vec<_> = sends
        .map(|(c, id)| {
            let s = s.clone();
            tokio::spawn(async move {
                s.append_message(&NewMessage {
                    id,
                    conversation: c,
                    author: Author::Visitor,
                    body: "same",
                    now: 2,
                    attachment: None,
                })
                .await
                .unwrap()
            })
        })
        .collect();
    let mut seq_of = std::collections::HashMap::new();
    for t in tasks {
        let m = t.await.unwrap().message().clone();
        let first = *seq_of.entry(m.id).or_insert(m.seq);
        assert_eq!(first, m.seq, "a resend gets the original's seq");
    }
    for c in conversations {
        let stored = s.messages_after(c, Seq(0), 1000).await.unwrap();
        let seqs: Vec<u64> = stored.iter().map(|m| m.seq.0).collect();
        assert_eq!(seqs, (1..=40).collect::<Vec<_>>(), "gap-free, once each");
        assert_eq!(
            s.get_conversation(c).await.unwrap().unwrap().last_seq,
            Seq(40)
        );
    }
}

#[tokio::test]
async fn rules_and_allowed_sites_are_stored_whole() {
    let dir = tempfile::tempdir().unwrap();
    let s = open(&dir).await;
    let channel = shop(&s).await;
    let stored = s.get_channel(channel).await.unwrap().unwrap();
    assert_eq!(stored.rules, ChannelRules::default());
    assert!(!stored.embedding.is_configured());

    let rules = parse_rules(&[RuleInput {
        display: DisplayChoice::Open,
        open_after: "4".into(),
        url_regex: "^/help".into(),
        countries: "fr, be".into(),
    }])
    .unwrap();
    let updated = s
        .update_channel_part(channel, ChannelPart::Rules(&rules), 2)
        .await
        .unwrap();
    assert_eq!(updated.rules, rules);
    let embedding = Embedding::parse("shop.example.com\n*.example.org", false).unwrap();
    let updated = s
        .update_channel_part(channel, ChannelPart::Embedding(&embedding), 3)
        .await
        .unwrap();
    assert_eq!(updated.embedding, embedding);
    assert_eq!(updated.rules, rules, "one column does not touch the other");
    let again = s.get_channel(channel).await.unwrap().unwrap();
    assert_eq!((again.rules, again.embedding), (rules, embedding));

    let missing = ChannelId(Uuid::new_v4());
    assert!(matches!(
        s.update_channel_part(missing, ChannelPart::Rules(&ChannelRules::default()), 4)
            .await,
        Err(StoreError::NotFound("channel"))
    ));
}

/// Channels made before rules and allowed sites existed get the columns'
/// defaults on upgrade: no rules, and any site (so no embed breaks).
#[tokio::test]
async fn channels_from_before_the_upgrade_accept_any_site() {
    let dir = tempfile::tempdir().unwrap();
    let url = chat_core::testing::database_url(dir.path()).await.unwrap();
    let s = store::open(&url).await.unwrap();
    let id = Uuid::new_v4();
    // A row as the previous version wrote it, without the new columns.
    let param = if url.starts_with("sqlite:") {
        "$1"
    } else {
        "CAST($1 AS uuid)"
    };
    let insert = format!(
        "INSERT INTO channels (id, name, window_title, notification_text, button_color,
             header_color, welcome_message, input_placeholder, created_at, updated_at)
         VALUES ({param}, 'Old', 'Chat', '', '#112233', '#112233', '', '', 1, 1)"
    );
    if url.starts_with("sqlite:") {
        let pool = sqlx::SqlitePool::connect(&url).await.unwrap();
        sqlx::query(&insert)
            .bind(id.to_string())
            .execute(&pool)
            .await
            .unwrap();
    } else {
        let pool = sqlx::PgPool::connect(&url).await.unwrap();
        sqlx::query(&insert)
            .bind(id.to_string())
            .execute(&pool)
            .await
            .unwrap();
    }
    let old = s.get_channel(ChannelId(id)).await.unwrap().unwrap();
    assert_eq!(old.rules, ChannelRules::default());
    assert!(old.embedding.in_app);
    assert!(old.embedding.allows(Some("https://anywhere.example")));
}

#[tokio::test]
async fn presence_counts_a_connection_only_while_its_node_is_heard_from() {
    use parlor_domain::Availability;
    let dir = tempfile::tempdir().unwrap();
    let s = open(&dir).await;
    let ann = s.insert_user(&user("a@x.test", "Ann")).await.unwrap();
    let bo = s.insert_user(&user("b@x.test", "Bo")).await.unwrap();
    let channel = shop(&s).await;
    s.set_channel_operator(channel, bo.id, true).await.unwrap();
    assert_eq!(s.channel_members().await.unwrap(), [(channel, bo.id)]);

    // Ann connected on two nodes; node-1 went quiet at 100, node-2 beats on.
    s.set_presence("node-1", ann.id, true, 100).await.unwrap();
    s.set_presence("node-2", ann.id, true, 100).await.unwrap();
    s.presence_heartbeat("node-2", 200).await.unwrap();
    // Bo left node-1 at 150, and chose away.
    s.set_presence("node-1", bo.id, true, 120).await.unwrap();
    s.set_presence("node-1", bo.id, false, 150).await.unwrap();
    s.set_availability(bo.id, Availability::Away).await.unwrap();

    let facts = |list: Vec<store::StaffPresence>| {
        list.into_iter()
            .map(|p| (p.name, p.facts.chosen, p.facts.connected, p.facts.last_seen))
            .collect::<Vec<_>>()
    };
    assert_eq!(
        facts(s.staff_presence(190).await.unwrap()),
        [
            ("Ann".to_string(), Availability::Online, true, Some(200)),
            ("Bo".to_string(), Availability::Away, false, Some(150)),
        ]
    );
    // Node-2 is not heard from after 200 either: Ann no longer counts.
    assert!(!s.staff_presence(201).await.unwrap()[0].facts.connected);
    // A heartbeat refreshes its node's connected rows only.
    s.presence_heartbeat("node-1", 300).await.unwrap();
    let now = facts(s.staff_presence(250).await.unwrap());
    assert_eq!((now[0].2, now[0].3), (true, Some(300)));
    assert_eq!((now[1].2, now[1].3), (false, Some(150)));
}

/// An edit replaces the text and keeps the one it replaced, in its own
/// message only; reads (replay, the list's last message, a resend) carry the
/// new text; edits at once each record the text they replaced.
#[tokio::test(flavor = "multi_thread")]
async fn edits_keep_the_previous_text_and_take_turns() {
    let dir = tempfile::tempdir().unwrap();
    let s = open(&dir).await;
    let op = s.insert_user(&user("op@x.test", "Op")).await.unwrap();
    let channel = shop(&s).await;
    let visitor = VisitorId(Uuid::new_v4());
    s.insert_visitor(visitor, channel, "t", 1).await.unwrap();
    let c = ConversationId(Uuid::new_v4());
    s.insert_conversation(c, channel, visitor, 1).await.unwrap();
    let first = NewMessage {
        id: MessageId(Uuid::new_v4()),
        conversation: c,
        author: Author::Operator { user: op.id },
        body: "Helo",
        now: 2,
        attachment: None,
    };
    s.append_message(&first).await.unwrap();
    let id = first.id;
    assert_eq!(s.get_message(c, id).await.unwrap().unwrap().edited_at, None);

    // Another conversation, or no such message: nothing.
    let elsewhere = ConversationId(Uuid::new_v4());
    assert_eq!(s.get_message(elsewhere, id).await.unwrap(), None);
    assert_eq!(
        s.edit_message(id, elsewhere, "x", Some(op.id), 3)
            .await
            .unwrap(),
        None
    );
    let nowhere = MessageId(Uuid::new_v4());
    assert_eq!(
        s.edit_message(nowhere, c, "x", Some(op.id), 3)
            .await
            .unwrap(),
        None
    );

    let edited = s
        .edit_message(id, c, "Hello", Some(op.id), 3)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        (edited.body.as_str(), edited.edited_at, edited.seq),
        ("Hello", Some(3), Seq(1))
    );
    // The same text again changes and records nothing.
    let same = s
        .edit_message(id, c, "Hello", Some(op.id), 4)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(same, edited);
    s.edit_message(id, c, "Hello!", None, 5).await.unwrap();
    let trail: Vec<_> = s
        .message_edits(id)
        .await
        .unwrap()
        .into_iter()
        .map(|e| (e.previous_body, e.edited_by, e.edited_at, e.conversation))
        .collect();
    assert_eq!(
        trail,
        [
            ("Helo".to_string(), Some(op.id), 3, c),
            ("Hello".to_string(), None, 5, c)
        ]
    );
    assert!(s.message_edits(nowhere).await.unwrap().is_empty());

    // Reads carry the new text; a later append is not edited.
    s.append_message(&NewMessage {
        id: MessageId(Uuid::new_v4()),
        conversation: c,
        author: Author::Visitor,
        body: "thanks",
        now: 6,
        attachment: None,
    })
    .await
    .unwrap();
    let replay = s.messages_after(c, Seq(0), 10).await.unwrap();
    assert_eq!(
        replay
            .iter()
            .map(|m| (m.body.as_str(), m.edited_at))
            .collect::<Vec<_>>(),
        [("Hello!", Some(5)), ("thanks", None)]
    );
    let resent = s.append_message(&first).await.unwrap();
    assert!(
        matches!(&resent, Appended::Existing(m) if m.body == "Hello!"),
        "{resent:?}"
    );
    let last = s.conversation_summary(c).await.unwrap().unwrap();
    assert_eq!(last.last_message.unwrap().edited_at, None);
    s.edit_message(replay[1].id, c, "thank you", None, 7)
        .await
        .unwrap();
    let last = s.conversation_summary(c).await.unwrap().unwrap();
    let last = last.last_message.unwrap();
    assert_eq!((last.body.as_str(), last.edited_at), ("thank you", Some(7)));

    // Edits at once take turns: each records the text it replaced, so the
    // trail and the final text hold every text exactly once.
    let tasks: Vec<_> = (0..12)
        .map(|i| {
            let s = s.clone();
            tokio::spawn(async move {
                s.edit_message(id, c, &format!("text {i}"), Some(op.id), 10)
                    .await
                    .unwrap()
                    .unwrap()
            })
        })
        .collect();
    for t in tasks {
        t.await.unwrap();
    }
    let mut texts: Vec<String> = s
        .message_edits(id)
        .await
        .unwrap()
        .into_iter()
        .map(|e| e.previous_body)
        .collect();
    texts.push(s.get_message(c, id).await.unwrap().unwrap().body);
    texts.sort();
    let mut expected: Vec<String> = ["Helo", "Hello", "Hello!"]
        .into_iter()
        .map(String::from)
        .chain((0..12).map(|i| format!("text {i}")))
        .collect();
    expected.sort();
    assert_eq!(texts, expected);
}

#[tokio::test]
async fn an_unsigned_identity_is_demoted_only_while_it_is_still_held_unverified() {
    let dir = tempfile::tempdir().unwrap();
    let s = open(&dir).await;
    let channel = shop(&s).await;
    let (bob, carol) = (VisitorId(Uuid::new_v4()), VisitorId(Uuid::new_v4()));
    s.insert_visitor(bob, channel, "b", 1).await.unwrap();
    s.insert_visitor(carol, channel, "c", 1).await.unwrap();
    let unsigned = |name: &str, id: &str| VisitorProfile {
        name: Some(name.into()),
        external_id: Some(id.into()),
        ..VisitorProfile::default()
    };
    s.save_visitor_profile(bob, &unsigned("Bob", "b-1"))
        .await
        .unwrap();
    s.save_visitor_profile(carol, &unsigned("Carol", "c-1"))
        .await
        .unwrap();
    let listed = s.unsigned_identities(channel).await.unwrap();
    assert_eq!(listed.len(), 2);

    // Between the read and the demotion: Carol signs in, Bob gains a field.
    let carol_signed = VisitorProfile {
        verified: true,
        ..unsigned("Carol", "c-1")
    };
    s.save_visitor_profile(carol, &carol_signed).await.unwrap();
    let mut bob_now = unsigned("Bob", "b-1");
    bob_now.fields.insert("plan".into(), "pro".into());
    s.save_visitor_profile(bob, &bob_now).await.unwrap();

    for (visitor, mut profile) in listed {
        let external_id = profile.external_id.clone().unwrap();
        assert!(profile.distrust_unsigned());
        s.demote_unsigned_identity(visitor, &external_id, &profile)
            .await
            .unwrap();
    }
    let bob_after = s.visitor_profile(bob).await.unwrap();
    assert_eq!(
        (bob_after.name.as_deref(), bob_after.external_id.as_deref()),
        (None, None)
    );
    assert_eq!(
        bob_after.claim.as_ref().and_then(|c| c.name.as_deref()),
        Some("Bob")
    );
    assert_eq!(
        bob_after.fields.get("plan").map(String::as_str),
        Some("pro"),
        "a demotion leaves the custom fields alone"
    );
    assert_eq!(
        s.visitor_profile(carol).await.unwrap(),
        carol_signed,
        "a visitor who signed in meanwhile keeps it"
    );
    assert!(s.unsigned_identities(channel).await.unwrap().is_empty());
}
