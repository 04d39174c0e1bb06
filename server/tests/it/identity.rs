//! An identity the channel does not trust (docs/embedding.md, "Identified
//! visitors") never names the visitor: with a wrong signature, or none where
//! signatures are required, the inbox's row and header say "Visitor …", a
//! search by the claimed name finds nothing and a hit is "Visitor …", and a
//! ticket made from the chat takes no name or email from it. The claim is
//! kept, unverified, for the visitor panel only. Unsigned on a channel that
//! does not require signatures, the name is shown as before, until the
//! channel starts requiring them.

use crate::common::ws::{uuid, Ws};
use crate::common::{sign_in, start, TestServer, PASSWORD};
use parlor_domain::TicketFilter;
use parlor_protocol::inbox::{InboxFrame, WireClaim, WireNote};
use parlor_protocol::live::ServerFrame;
use parlor_protocol::ConversationId;
use serde_json::{json, Value};

/// A new visitor of the default channel who identified with `identify`
/// (its `signature` as given) and then wrote `text`: their conversation,
/// and whether `identified` said verified.
async fn identified_visitor(s: &TestServer, identify: Value, text: &str) -> (ConversationId, bool) {
    let (mut v, _) = s.visitor().await;
    v.send(identify).await;
    let verified = verdict(&mut v).await;
    v.send(json!({"type": "send", "message_id": uuid(), "body": text}))
        .await;
    (v.acked().await.0, verified)
}

/// Whether the `identified` answer said verified.
async fn verdict(v: &mut Ws) -> bool {
    v.until(|f: &ServerFrame| match f {
        ServerFrame::Identified { verified, .. } => Some(*verified),
        _ => None,
    })
    .await
}

async fn search(s: &TestServer, cookie: &str, text: &str) -> Vec<Value> {
    let (status, found) = s
        .api(
            Some(cookie),
            "inbox/search",
            Some(json!({"query": {"text": text}})),
        )
        .await;
    assert_eq!(status, 200, "{found}");
    found.as_array().unwrap().clone()
}

fn mallory(signature: Option<&str>) -> Value {
    json!({"type": "identify", "external_id": "ceo-1", "name": "Mallory Forged",
           "email": "ceo@shop.test", "signature": signature})
}

fn forged_claim() -> WireClaim {
    WireClaim {
        external_id: "ceo-1".into(),
        name: Some("Mallory Forged".into()),
        email: Some("ceo@shop.test".into()),
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_wrong_signature_is_an_unverified_claim_that_never_names_the_visitor() {
    let s = start().await;
    let cookie = sign_in(&s.base, "admin@test.example", PASSWORD).await;
    let (mut op, _) = s.inbox(&cookie).await;
    let secret = s.identity_secret().await;

    // The default channel does not require signatures; a wrong one is
    // still not trusted.
    let wrong = chat_core::identity::sign("a guessed secret", "ceo-1");
    let (forged, verified) =
        identified_visitor(&s, mallory(Some(&wrong)), "I am the CEO, refund me").await;
    assert!(!verified);

    // The open inbox hears the row as "Visitor …", with the claim apart.
    let live = op.row(forged).await;
    let row = s.listed(&cookie, forged).await;
    for row in [&live, &row] {
        assert!(
            row.visitor_name.starts_with("Visitor "),
            "{}",
            row.visitor_name
        );
        assert_eq!(
            (
                &row.visitor.name,
                &row.visitor.email,
                &row.visitor.external_id
            ),
            (&None, &None, &None)
        );
        assert!(!row.visitor.verified);
        assert_eq!(row.visitor.claim, Some(forged_claim()));
    }
    let label = row.visitor_name.clone();

    // Search: the claim is no name to find, and a hit is "Visitor …".
    for text in ["Mallory", "ceo@shop"] {
        assert!(search(&s, &cookie, text).await.is_empty(), "{text}");
    }
    let hits = search(&s, &cookie, "refund me").await;
    assert_eq!(hits.len(), 1);
    assert_eq!(hits[0]["visitor_name"], label.as_str());

    // A ticket from the chat: no customer name or email from the claim.
    let admin = s.admin().await;
    s.chat_team(s.default_channel().await).await;
    op.send(json!({"type": "open", "conversation_id": forged, "last_seq": null}))
        .await;
    op.send(json!({"type": "create_ticket", "conversation_id": forged,
        "request_id": uuid(), "title": "Refund request"}))
        .await;
    let note: WireNote = op
        .until(|f: &InboxFrame| match f {
            InboxFrame::Note { note } => Some(note.clone()),
            _ => None,
        })
        .await;
    assert!(note.body.starts_with("Ticket #1 created"), "{}", note.body);
    let tickets = s
        .state
        .parlor
        .tickets()
        .list(&admin, &TicketFilter::default())
        .await
        .unwrap();
    let customer = &tickets[0].customer;
    assert_eq!((customer.name.as_str(), customer.email.as_str()), ("", ""));
    assert_eq!(customer.label(), label);

    // Unsigned where signatures are not required: named as before, not
    // verified, and no claim.
    let (bob, verified) = identified_visitor(
        &s,
        json!({"type": "identify", "external_id": "b-2", "name": "Bob Plain"}),
        "unsigned hello",
    )
    .await;
    assert!(!verified);
    let row = s.listed(&cookie, bob).await;
    assert_eq!(row.visitor_name, "Bob Plain");
    assert_eq!(row.visitor.claim, None);
    assert!(!row.visitor.verified);

    // Required: an unsigned identity is a claim too.
    s.state
        .parlor
        .identities()
        .set_required(&admin, s.default_channel().await, true)
        .await
        .unwrap();
    // Bob's name was taken unsigned under the old rule: from now on it is
    // an unverified claim, no longer his label.
    let row = s.listed(&cookie, bob).await;
    assert!(
        row.visitor_name.starts_with("Visitor "),
        "{}",
        row.visitor_name
    );
    assert_eq!(
        row.visitor.claim.as_ref().and_then(|c| c.name.as_deref()),
        Some("Bob Plain")
    );
    assert_eq!(row.visitor.name, None);
    let (unsigned, _) = identified_visitor(&s, mallory(None), "no signature at all").await;
    let row = s.listed(&cookie, unsigned).await;
    assert!(
        row.visitor_name.starts_with("Visitor "),
        "{}",
        row.visitor_name
    );
    assert_eq!(row.visitor.claim, Some(forged_claim()));
    assert_eq!(row.visitor.name, None);

    // The real member, signed: named, verified, no claim.
    let good = chat_core::identity::sign(&secret, "ceo-1");
    let (real, verified) = identified_visitor(&s, mallory(Some(&good)), "the real one").await;
    assert!(verified);
    let row = s.listed(&cookie, real).await;
    assert_eq!(row.visitor_name, "Mallory Forged");
    assert!(row.visitor.verified);
    assert_eq!(row.visitor.claim, None);
    // The forger's conversation is still not theirs, nor named after them.
    let row = s.listed(&cookie, forged).await;
    assert_eq!(row.visitor_name, label);
}

/// The claim travels to the inbox as plain data: markup in it stays text
/// for the panel to show as such (the page decides what the claim says).
#[tokio::test(flavor = "multi_thread")]
async fn a_claim_is_kept_as_sent_and_replaced_by_a_trusted_identity() {
    let s = start().await;
    let cookie = sign_in(&s.base, "admin@test.example", PASSWORD).await;
    let secret = s.identity_secret().await;
    let (mut v, _) = s.visitor().await;
    let identify = |name: &str, signature: &str| json!({"type": "identify", "external_id": "x-9", "name": name, "signature": signature});
    v.send(identify("<img src=x onerror=alert(1)>", "00")).await;
    assert!(!verdict(&mut v).await);
    v.send(json!({"type": "send", "message_id": uuid(), "body": "hi"}))
        .await;
    let (id, _) = v.acked().await;
    let row = s.listed(&cookie, id).await;
    assert_eq!(
        row.visitor.claim.and_then(|c| c.name).as_deref(),
        Some("<img src=x onerror=alert(1)>")
    );

    v.send(identify(
        "Xavier",
        &chat_core::identity::sign(&secret, "x-9"),
    ))
    .await;
    assert!(verdict(&mut v).await);
    let row = s.listed(&cookie, id).await;
    assert_eq!(row.visitor_name, "Xavier");
    assert_eq!(row.visitor.claim, None);
}
