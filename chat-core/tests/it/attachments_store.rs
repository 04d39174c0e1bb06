//! The attachment parts of the `Store` contract on whichever backend the run
//! uses (SQLite, or PostgreSQL with `PARLOR_TEST_POSTGRES`): claiming (the
//! uploader only, once per message, idempotent for a resend), the rate
//! count, and the sweep of uploads never sent.

use chat_core::store::{self, NewMessage, StoreError};
use chat_core::Store;
use parlor_domain::attachments::Uploader;
use parlor_domain::{
    Attachment, AttachmentId, Author, ChannelId, ChannelIdentity, ChannelSettings, ConversationId,
    Embedding, MessageId, VisitorId,
};
use std::sync::Arc;
use uuid::Uuid;

const DAY: i64 = 24 * 60 * 60;

async fn open(dir: &tempfile::TempDir) -> Arc<dyn Store> {
    let url = chat_core::testing::database_url(dir.path()).await.unwrap();
    store::open(&url).await.unwrap()
}

fn file(name: &str) -> Attachment {
    Attachment {
        id: AttachmentId(Uuid::now_v7()),
        name: name.into(),
        content_type: "image/png".into(),
        size: 4,
    }
}

#[tokio::test]
async fn uploads_are_claimed_by_their_uploader_once_and_swept_unsent() {
    let dir = tempfile::tempdir().unwrap();
    let s = open(&dir).await;
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
    let ann = VisitorId(Uuid::new_v4());
    let bob = VisitorId(Uuid::new_v4());
    s.insert_visitor(ann, channel, "hash-ann", 1).await.unwrap();
    s.insert_visitor(bob, channel, "hash-bob", 1).await.unwrap();
    let conv = ConversationId(Uuid::new_v4());
    s.insert_conversation(conv, channel, ann, 1).await.unwrap();
    let now = 10 * DAY;

    let old = file("old.png");
    let fresh = file("fresh.png");
    let sent = file("sent.png");
    s.insert_attachment(&old, Uploader::Visitor(ann), b"\x89PNG", now - 2 * DAY)
        .await
        .unwrap();
    s.insert_attachment(&fresh, Uploader::Visitor(ann), b"\x89PNG", now)
        .await
        .unwrap();
    s.insert_attachment(&sent, Uploader::Visitor(ann), b"\x89PNG", now - 2 * DAY)
        .await
        .unwrap();
    assert_eq!(
        s.uploads_since(Uploader::Visitor(ann), now - 60)
            .await
            .unwrap(),
        1
    );
    assert_eq!(
        s.uploads_since(Uploader::Visitor(bob), now - 60)
            .await
            .unwrap(),
        0
    );

    // Not Bob's to send.
    let m = MessageId(Uuid::new_v4());
    assert!(matches!(
        s.claim_attachment(sent.id, Uploader::Visitor(bob), conv, m)
            .await,
        Err(StoreError::NotFound("attachment"))
    ));
    // Ann's: claimed, and claimed again by a resend of the same message.
    assert_eq!(
        s.claim_attachment(sent.id, Uploader::Visitor(ann), conv, m)
            .await
            .unwrap(),
        sent
    );
    assert_eq!(
        s.claim_attachment(sent.id, Uploader::Visitor(ann), conv, m)
            .await
            .unwrap(),
        sent
    );
    // Not by another message, nor into another conversation.
    assert!(matches!(
        s.claim_attachment(
            sent.id,
            Uploader::Visitor(ann),
            conv,
            MessageId(Uuid::new_v4())
        )
        .await,
        Err(StoreError::NotFound("attachment"))
    ));
    // Until its message is stored, a claim moves with the message: the
    // conversation closed before the append, and the resend starts another.
    let next = ConversationId(Uuid::new_v4());
    s.insert_conversation(next, channel, ann, 1).await.unwrap();
    for to in [next, conv] {
        assert_eq!(
            s.claim_attachment(sent.id, Uploader::Visitor(ann), to, m)
                .await
                .unwrap(),
            sent
        );
    }
    // An old claim whose message never came is swept like an unsent upload.
    let orphan = file("orphan.png");
    s.insert_attachment(&orphan, Uploader::Visitor(ann), b"\x89PNG", now - 2 * DAY)
        .await
        .unwrap();
    s.claim_attachment(
        orphan.id,
        Uploader::Visitor(ann),
        next,
        MessageId(Uuid::new_v4()),
    )
    .await
    .unwrap();
    let stored = s.get_attachment(sent.id).await.unwrap().unwrap();
    assert_eq!(stored.sent_in, Some((conv, ann, channel)));
    assert_eq!(stored.message, Some(m));
    assert_eq!(stored.uploader, Some(Uploader::Visitor(ann)));

    // The message carries the metadata.
    let appended = s
        .append_message(&NewMessage {
            id: m,
            conversation: conv,
            author: Author::Visitor,
            body: "",
            now,
            attachment: Some(&sent),
        })
        .await
        .unwrap();
    assert_eq!(appended.message().attachment.as_ref(), Some(&sent));
    let history = s
        .messages_after(conv, parlor_domain::Seq(0), 10)
        .await
        .unwrap();
    assert_eq!(history[0].attachment.as_ref(), Some(&sent));
    // Stored: it stays where it was sent.
    assert!(matches!(
        s.claim_attachment(sent.id, Uploader::Visitor(ann), next, m)
            .await,
        Err(StoreError::NotFound("attachment"))
    ));

    // A day on, only the unsent old uploads go, bytes and all.
    assert_eq!(s.sweep_attachments(now - DAY).await.unwrap(), 2);
    assert!(s.get_attachment(orphan.id).await.unwrap().is_none());
    assert!(s.get_attachment(old.id).await.unwrap().is_none());
    assert!(s.attachment_bytes(old.id).await.unwrap().is_none());
    assert_eq!(
        s.attachment_bytes(fresh.id).await.unwrap().as_deref(),
        Some(&b"\x89PNG"[..])
    );
    assert!(s.get_attachment(sent.id).await.unwrap().is_some());
}
