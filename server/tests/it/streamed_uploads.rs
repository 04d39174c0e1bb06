//! Uploads and downloads a bounded chunk at a time: a file of many chunks
//! comes back byte for byte with its length, and an upload cut off mid-body
//! leaves neither an attachment nor any chunk behind (while it streams, its
//! chunks are already stored). Runs on SQLite, or PostgreSQL with
//! `PARLOR_TEST_POSTGRES`.

use crate::common::{start, TestServer};
use parlor_protocol::live::ServerFrame;
use parlor_protocol::WireAttachment;
use reqwest::StatusCode;
use serde_json::json;
use std::time::Duration;

/// Rows in `table` of the server's database.
async fn rows(s: &TestServer, table: &str) -> i64 {
    let url = crate::common::database_url(s.dir.path()).await;
    let sql = format!("SELECT COUNT(*) FROM {table}");
    if url.starts_with("postgres") {
        let pool = sqlx::PgPool::connect(&url).await.unwrap();
        sqlx::query_scalar(&sql).fetch_one(&pool).await.unwrap()
    } else {
        let pool = sqlx::SqlitePool::connect(&url).await.unwrap();
        sqlx::query_scalar(&sql).fetch_one(&pool).await.unwrap()
    }
}

async fn visitor_token(s: &TestServer) -> String {
    let mut ws = crate::common::ws::Ws::open(s, "/widget/v1/live", None).await;
    let channel = s.default_channel().await;
    ws.send(json!({"type": "hello", "channel_id": channel, "token": null}))
        .await;
    let ServerFrame::Welcome { token, .. } = ws.recv().await else {
        panic!("welcome first")
    };
    token
}

/// About 3 MB of UTF-8 text whose two-byte characters fall across chunk
/// boundaries.
fn long_text() -> Vec<u8> {
    "Grüße aus Köln, ça va? ½\n".repeat(120_000).into_bytes()
}

#[tokio::test(flavor = "multi_thread")]
async fn a_file_of_many_chunks_round_trips_byte_for_byte() {
    let s = start().await;
    let token = visitor_token(&s).await;
    let channel = s.default_channel().await;
    let text = long_text();
    let res = s
        .client
        .post(s.url(&format!(
            "/widget/v1/channels/{channel}/files?name=long.txt"
        )))
        .bearer_auth(&token)
        .body(text.clone())
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::CREATED);
    let file: WireAttachment = res.json().await.unwrap();
    assert_eq!(file.size, text.len() as u64);
    assert_eq!(file.content_type, "text/plain; charset=utf-8");
    let chunks = text
        .len()
        .div_ceil(chat_core::attachments::ATTACHMENT_CHUNK_BYTES);
    assert!(chunks > 10);
    assert_eq!(rows(&s, "attachment_chunks").await, chunks as i64);

    let res = s
        .client
        .get(s.url(&format!("/widget/v1/files/{}", file.id)))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(
        res.headers()["content-length"].to_str().unwrap(),
        text.len().to_string()
    );
    assert_eq!(res.bytes().await.unwrap().as_ref(), text.as_slice());

    // A PNG header then 3 MB of other bytes, through the operator's side.
    let admin =
        crate::common::sign_in(&s.base, "admin@test.example", crate::common::PASSWORD).await;
    let (mut v, _) = s.visitor().await;
    v.send(json!({"type": "send", "message_id": uuid::Uuid::new_v4(), "body": "hi"}))
        .await;
    let (conversation, _) = v.acked().await;
    let mut png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x06\0\0\0".to_vec();
    png.extend((0..3_000_000u32).map(|n| (n.wrapping_mul(2_654_435_761) >> 13) as u8));
    let res = s
        .client
        .post(s.url(&format!(
            "/api/inbox/files?conversation={conversation}&name=big.png"
        )))
        .header("cookie", &admin)
        .body(png.clone())
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::CREATED);
    let file: WireAttachment = res.json().await.unwrap();
    assert!(file.image);
    let res = s
        .client
        .get(s.url(&format!("/api/files/{}", file.id)))
        .header("cookie", &admin)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(
        res.headers()["content-length"].to_str().unwrap(),
        png.len().to_string()
    );
    assert_eq!(res.bytes().await.unwrap().as_ref(), png.as_slice());
}

/// Polls `rows` until `want` says yes, for up to 10 s.
async fn eventually(s: &TestServer, table: &str, want: impl Fn(i64) -> bool) -> i64 {
    for _ in 0..200 {
        let n = rows(s, table).await;
        if want(n) {
            return n;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    rows(s, table).await
}

#[tokio::test(flavor = "multi_thread")]
async fn an_upload_cut_off_mid_body_leaves_nothing() {
    use tokio::io::AsyncWriteExt;
    let s = start().await;
    let token = visitor_token(&s).await;
    let channel = s.default_channel().await;
    let text = long_text();
    let mut tcp = tokio::net::TcpStream::connect(s.addr).await.unwrap();
    let head = format!(
        "POST /widget/v1/channels/{channel}/files?name=cut.txt HTTP/1.1\r\nHost: {}\r\n\
         Authorization: Bearer {token}\r\nContent-Type: text/plain\r\n\
         Content-Length: {}\r\n\r\n",
        s.addr,
        text.len()
    );
    tcp.write_all(head.as_bytes()).await.unwrap();
    tcp.write_all(&text[..1_000_000]).await.unwrap();
    // Stored while it streams in, and invisible meanwhile.
    let stored = eventually(&s, "attachment_chunks", |n| n >= 3).await;
    assert!(stored >= 3, "{stored} chunks stored while streaming");
    assert_eq!(
        s.state.parlor.sweep_unsent_attachments().await.unwrap(),
        0,
        "the pending upload is fresh"
    );
    drop(tcp);
    assert_eq!(eventually(&s, "attachment_chunks", |n| n == 0).await, 0);
    assert_eq!(eventually(&s, "attachments", |n| n == 0).await, 0);
}
