//! "One active" means one: several tabs of one visitor sending their first
//! message at the same moment all land in one open conversation, on SQLite
//! and on PostgreSQL (when configured). "Multiple" still starts a new one
//! each time.

use chat_core::Parlor;
use parlor_domain::{ChannelId, ConversationStatus};
use parlor_protocol::ConversationMode;
use std::collections::HashSet;

/// Concurrent first messages, as from this many tabs.
const TABS: usize = 50;
/// Visitors tried in turn.
const ROUNDS: usize = 5;

async fn setup(dir: &tempfile::TempDir, mode: ConversationMode) -> (Parlor, ChannelId) {
    let (_url, parlor, channel) = crate::messages::setup(dir).await;
    let admin = parlor
        .sign_in("a@example.com", "admin-password")
        .await
        .unwrap()
        .user;
    let channel = parlor.channel(&admin, channel).await.unwrap();
    let mut input = parlor_domain::ChannelSettingsInput::from(&channel.settings);
    input.conversation_mode = mode;
    parlor
        .update_channel(&admin, channel.id, input)
        .await
        .unwrap();
    (parlor, channel.id)
}

/// Starts `TABS` conversations for `visitor` at once; their ids.
async fn start_all(
    parlor: &Parlor,
    visitor: parlor_domain::VisitorId,
    channel: ChannelId,
) -> Vec<parlor_domain::ConversationId> {
    let mut tasks = tokio::task::JoinSet::new();
    let barrier = std::sync::Arc::new(tokio::sync::Barrier::new(TABS));
    for _ in 0..TABS {
        let parlor = parlor.clone();
        let barrier = barrier.clone();
        tasks.spawn(async move {
            barrier.wait().await;
            parlor.start_conversation(visitor, channel, None).await
        });
    }
    let mut ids = Vec::new();
    while let Some(started) = tasks.join_next().await {
        ids.push(started.unwrap().unwrap().id);
    }
    ids
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn tabs_starting_at_once_share_one_conversation() {
    let dir = tempfile::tempdir().unwrap();
    let (parlor, channel) = setup(&dir, ConversationMode::OneActive).await;
    // Several visitors in turn: one round may miss a race that another hits.
    for _ in 0..ROUNDS {
        let v = parlor.new_visitor(channel).await.unwrap();
        let ids = start_all(&parlor, v.visitor, channel).await;

        let open: Vec<_> = parlor
            .visitor_conversations(v.visitor, channel)
            .await
            .unwrap()
            .into_iter()
            .filter(|p| p.conversation.status == ConversationStatus::Open)
            .map(|p| p.conversation.id)
            .collect();
        assert_eq!(open.len(), 1, "open conversations: {open:?}");
        let distinct: HashSet<_> = ids.iter().collect();
        assert_eq!(
            distinct,
            HashSet::from([&open[0]]),
            "every tab gets the one open conversation"
        );
        assert_eq!(ids.len(), TABS);

        // Once it is closed, the next first message starts a new one.
        parlor.visitor_end(v.visitor, open[0]).await.unwrap();
        let next = parlor
            .start_conversation(v.visitor, channel, None)
            .await
            .unwrap();
        assert_ne!(next.id, open[0]);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn multiple_mode_starts_a_new_conversation_each_time() {
    let dir = tempfile::tempdir().unwrap();
    let (parlor, channel) = setup(&dir, ConversationMode::Multiple).await;
    let v = parlor.new_visitor(channel).await.unwrap();

    let ids = start_all(&parlor, v.visitor, channel).await;

    let distinct: HashSet<_> = ids.iter().collect();
    assert_eq!(distinct.len(), TABS);
    let listed = parlor
        .visitor_conversations(v.visitor, channel)
        .await
        .unwrap();
    assert_eq!(
        listed
            .iter()
            .filter(|p| p.conversation.status == ConversationStatus::Open)
            .count(),
        TABS
    );
}
