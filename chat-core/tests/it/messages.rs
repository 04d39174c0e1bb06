//! Message delivery guarantees at the service layer, on a real database (SQLite, or PostgreSQL when configured):
//! idempotent sends, gap-free ordering under concurrent senders, durability
//! across a reopen, and visitors kept apart.

use chat_core::{Appended, Error, Parlor};
use parlor_domain::{ChannelId, MessageId, Seq};
use std::collections::HashSet;

/// A fresh database with the first admin (`a@example.com`) and the
/// default channel.
pub(crate) async fn setup(dir: &tempfile::TempDir) -> (String, Parlor, ChannelId) {
    let url = chat_core::testing::database_url(dir.path()).await.unwrap();
    let parlor = Parlor::open(&url).await.unwrap();
    parlor
        .ensure_first_admin("a@example.com", Some("admin-password"))
        .await
        .unwrap();
    let channel = parlor
        .ensure_default_channel(None, None)
        .await
        .unwrap()
        .unwrap();
    (url, parlor, channel.id)
}

/// Lets a visitor keep several open conversations in `channel`.
async fn allow_many(parlor: &Parlor, channel: ChannelId) {
    let admin = parlor
        .sign_in("a@example.com", "admin-password")
        .await
        .unwrap()
        .user;
    let settings = parlor.channel(&admin, channel).await.unwrap().settings;
    let mut input = parlor_domain::ChannelSettingsInput::from(&settings);
    input.conversation_mode = parlor_protocol::ConversationMode::Multiple;
    parlor.update_channel(&admin, channel, input).await.unwrap();
}

fn mid() -> MessageId {
    MessageId(uuid::Uuid::new_v4())
}

#[tokio::test]
async fn a_resend_returns_the_original_and_stores_nothing_new() {
    let dir = tempfile::tempdir().unwrap();
    let (url, parlor, channel) = setup(&dir).await;
    let v = parlor.new_visitor(channel).await.unwrap();
    let conv = parlor
        .start_conversation(v.visitor, channel, None)
        .await
        .unwrap();
    let id = mid();
    let first = parlor
        .visitor_send(v.visitor, conv.id, id, " hello ")
        .await
        .unwrap();
    let Appended::New(original) = first else {
        panic!("{first:?}")
    };
    assert_eq!(original.seq, Seq(1));
    assert_eq!(original.body, "hello");

    let again = parlor
        .visitor_send(v.visitor, conv.id, id, "hello")
        .await
        .unwrap();
    assert_eq!(again, Appended::Existing(original.clone()));

    // Also after a restart of the process (a fresh pool on the same file).
    drop(parlor);
    let parlor = Parlor::open(&url).await.unwrap();
    let after_restart = parlor
        .visitor_send(v.visitor, conv.id, id, "hello")
        .await
        .unwrap();
    assert_eq!(after_restart, Appended::Existing(original));
    let next = parlor
        .visitor_send(v.visitor, conv.id, mid(), "second")
        .await
        .unwrap();
    assert_eq!(next.message().seq, Seq(2), "the resend left no gap");
    let all = parlor
        .visitor_history(v.visitor, conv.id, Seq(0))
        .await
        .unwrap();
    assert_eq!(all.len(), 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_senders_get_gap_free_ordered_sequence_numbers() {
    let dir = tempfile::tempdir().unwrap();
    let (_url, parlor, channel) = setup(&dir).await;
    let v = parlor.new_visitor(channel).await.unwrap();
    let conv = parlor
        .start_conversation(v.visitor, channel, None)
        .await
        .unwrap();
    let mut tasks = Vec::new();
    for i in 0..40 {
        let parlor = parlor.clone();
        let visitor = v.visitor;
        tasks.push(tokio::spawn(async move {
            let id = mid();
            let body = format!("m{i}");
            let first = parlor
                .visitor_send(visitor, conv.id, id, &body)
                .await
                .unwrap();
            // Every other sender retries at once, as a client on a flaky link would.
            if i % 2 == 0 {
                let retry = parlor
                    .visitor_send(visitor, conv.id, id, &body)
                    .await
                    .unwrap();
                assert_eq!(retry.message(), first.message());
            }
            first.message().clone()
        }));
    }
    let mut sent = Vec::new();
    for t in tasks {
        sent.push(t.await.unwrap());
    }
    let history = parlor
        .visitor_history(v.visitor, conv.id, Seq(0))
        .await
        .unwrap();
    let seqs: Vec<u64> = history.iter().map(|m| m.seq.0).collect();
    assert_eq!(seqs, (1..=40).collect::<Vec<_>>());
    let ids: HashSet<_> = history.iter().map(|m| m.id).collect();
    assert_eq!(ids, sent.iter().map(|m| m.id).collect::<HashSet<_>>());

    // Resuming from any point gives exactly the rest, in order.
    let tail = parlor
        .visitor_history(v.visitor, conv.id, Seq(25))
        .await
        .unwrap();
    assert_eq!(
        tail.iter().map(|m| m.seq.0).collect::<Vec<_>>(),
        (26..=40).collect::<Vec<_>>()
    );
}

#[tokio::test]
async fn visitors_cannot_reach_each_others_conversations() {
    let dir = tempfile::tempdir().unwrap();
    let (_url, parlor, channel) = setup(&dir).await;
    let alice = parlor.new_visitor(channel).await.unwrap();
    let mallory = parlor.new_visitor(channel).await.unwrap();
    assert_eq!(parlor.visitor(&alice.token).await.unwrap(), alice.visitor);
    assert!(matches!(
        parlor.visitor("forged").await,
        Err(Error::Unauthenticated)
    ));

    let conv = parlor
        .start_conversation(alice.visitor, channel, None)
        .await
        .unwrap();
    parlor
        .visitor_send(alice.visitor, conv.id, mid(), "private")
        .await
        .unwrap();

    let theirs = parlor
        .visitor_history(mallory.visitor, conv.id, Seq(0))
        .await
        .unwrap_err();
    let missing = parlor
        .visitor_history(
            mallory.visitor,
            parlor_domain::ConversationId(uuid::Uuid::new_v4()),
            Seq(0),
        )
        .await
        .unwrap_err();
    assert_eq!(
        theirs.to_string(),
        missing.to_string(),
        "indistinguishable from not found"
    );
    assert!(matches!(
        parlor
            .visitor_send(mallory.visitor, conv.id, mid(), "hi")
            .await,
        Err(Error::NotFound(_))
    ));
}

#[tokio::test]
async fn bad_messages_are_refused_and_ids_are_not_reused_across_conversations() {
    let dir = tempfile::tempdir().unwrap();
    let (_url, parlor, channel) = setup(&dir).await;
    allow_many(&parlor, channel).await;
    let v = parlor.new_visitor(channel).await.unwrap();
    let a = parlor
        .start_conversation(v.visitor, channel, None)
        .await
        .unwrap();
    let b = parlor
        .start_conversation(v.visitor, channel, None)
        .await
        .unwrap();
    assert_ne!(a.id, b.id);
    assert!(matches!(
        parlor.visitor_send(v.visitor, a.id, mid(), "   ").await,
        Err(Error::Validation(_))
    ));
    let too_long = "x".repeat(parlor_domain::conversation::MAX_MESSAGE_CHARS + 1);
    assert!(matches!(
        parlor.visitor_send(v.visitor, a.id, mid(), &too_long).await,
        Err(Error::Validation(_))
    ));
    let id = mid();
    parlor
        .visitor_send(v.visitor, a.id, id, "in a")
        .await
        .unwrap();
    assert!(parlor
        .visitor_send(v.visitor, b.id, id, "in b")
        .await
        .is_err());
    // Neither refusal consumed a sequence number.
    let next = parlor
        .visitor_send(v.visitor, b.id, mid(), "first in b")
        .await
        .unwrap();
    assert_eq!(next.message().seq, Seq(1));
    assert!(matches!(
        parlor
            .start_conversation(v.visitor, ChannelId(uuid::Uuid::new_v4()), None)
            .await,
        Err(Error::NotFound("channel"))
    ));
}
