//! The connection-level rules, tried as a client written from
//! docs/protocol.md would: close codes, timeouts, pings, caps per address,
//! resume points, channel-bound tokens, the upload budget, and a shutdown
//! that also closes sockets that never said `hello`.

use crate::common::ws::{uuid, Ws};
use crate::common::{start, start_with, TestServer};
use futures::{SinkExt, StreamExt};
use parlor_protocol::live::{LiveErrorCode, ServerFrame};
use parlor_protocol::{CloseReason, Seq};
use reqwest::StatusCode;
use serde_json::json;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio_tungstenite::tungstenite::protocol::frame::coding::{Data, OpCode};
use tokio_tungstenite::tungstenite::protocol::frame::Frame;
use tokio_tungstenite::tungstenite::Message;

/// The code of the close frame that ends `ws`, skipping frames before it.
async fn close_code(ws: &mut Ws) -> Option<u16> {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    loop {
        match tokio::time::timeout_at(deadline, ws.0.next()).await {
            Err(_) => panic!("no close within 10 s"),
            Ok(Some(Ok(Message::Close(frame)))) => return frame.map(|f| u16::from(f.code)),
            Ok(Some(Ok(_))) => continue,
            Ok(Some(Err(_)) | None) => return None,
        }
    }
}

fn error_code(frame: ServerFrame) -> (LiveErrorCode, String) {
    match frame {
        ServerFrame::Error { code, message, .. } => (code, message),
        other => panic!("expected an error, got {other:?}"),
    }
}

/// A visitor of the default channel who said hello: the socket and token.
async fn visitor(s: &TestServer) -> (Ws, String) {
    let mut ws = Ws::open(s, "/widget/v1/live", None).await;
    let channel = s.default_channel().await;
    ws.send(json!({"type": "hello", "channel_id": channel, "token": null}))
        .await;
    let ServerFrame::Welcome { token, .. } = ws.recv().await else {
        panic!("welcome first")
    };
    (ws, token)
}

#[tokio::test(flavor = "multi_thread")]
async fn every_close_carries_a_documented_code() {
    let s = start().await;

    // A frame over 64 KiB: 1009.
    let (mut big, _) = visitor(&s).await;
    big.raw(vec![0u8; 70 * 1024]).await;
    assert_eq!(close_code(&mut big).await, Some(CloseReason::TooBig.code()));

    // A text frame that is not UTF-8: 1007.
    let (mut garbled, _) = visitor(&s).await;
    let frame = Frame::message(vec![0x00, 0xff, 0xfe], OpCode::Data(Data::Text), true);
    garbled.0.send(Message::Frame(frame)).await.unwrap();
    assert_eq!(
        close_code(&mut garbled).await,
        Some(CloseReason::InvalidUtf8.code())
    );

    // An unknown token: the error frame, then 4001.
    let mut stranger = Ws::open(&s, "/widget/v1/live", None).await;
    let channel = s.default_channel().await;
    stranger
        .send(json!({"type": "hello", "channel_id": channel, "token": "forged"}))
        .await;
    assert_eq!(error_code(stranger.recv().await).0, LiveErrorCode::BadToken);
    assert_eq!(
        close_code(&mut stranger).await,
        Some(CloseReason::BadToken.code())
    );

    // A channel that does not exist (or a page it refuses): 4003.
    let mut lost = Ws::open(&s, "/widget/v1/live", None).await;
    lost.send(json!({"type": "hello", "channel_id": uuid(), "token": null}))
        .await;
    assert_eq!(error_code(lost.recv().await).0, LiveErrorCode::NotFound);
    assert_eq!(
        close_code(&mut lost).await,
        Some(CloseReason::Refused.code())
    );

    // A bad frame is answered in words a client's developer can act on,
    // and the connection stays.
    let (mut clumsy, _) = visitor(&s).await;
    clumsy.send(json!({"type": "dance"})).await;
    let (code, message) = error_code(clumsy.recv().await);
    assert_eq!(code, LiveErrorCode::BadFrame);
    assert!(message.contains("dance"), "{message}");
    for internal in ["Could not reach", "deserializ", "line 1", "column"] {
        assert!(!message.contains(internal), "{message}");
    }
    clumsy
        .send(json!({"type": "send", "message_id": uuid(), "body": "still here"}))
        .await;
    clumsy.acked().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn hello_must_arrive_within_a_few_seconds() {
    let s = start().await;
    let mut silent = Ws::open(&s, "/widget/v1/live", None).await;
    let started = Instant::now();
    // Longer than `recv` waits: the frame comes after 5 s.
    let first = tokio::time::timeout(Duration::from_secs(10), silent.0.next()).await;
    let Ok(Some(Ok(Message::Binary(bytes)))) = first else {
        panic!("expected a frame, got {first:?}")
    };
    let (code, message) = error_code(serde_json::from_slice(&bytes[1..]).unwrap());
    assert_eq!(code, LiveErrorCode::HelloFirst);
    assert!(message.contains("5 s"), "{message}");
    assert_eq!(
        close_code(&mut silent).await,
        Some(CloseReason::Policy.code())
    );
    let waited = started.elapsed();
    assert!(
        waited >= Duration::from_secs(4) && waited < Duration::from_secs(8),
        "{waited:?}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn quiet_sockets_are_pinged_and_closed_when_no_pong_comes() {
    let dir = Arc::new(tempfile::tempdir().unwrap());
    let s = start_with(dir, &[("PARLOR_PING_SECS", "1".into())]).await;

    // A client that answers pings (reading answers them) stays.
    let (mut lively, _) = visitor(&s).await;
    let until = tokio::time::Instant::now() + Duration::from_millis(3500);
    let mut pinged = false;
    while let Ok(next) = tokio::time::timeout_at(until, lively.0.next()).await {
        match next {
            Some(Ok(Message::Ping(_))) => pinged = true,
            other => panic!("unexpected {other:?}"),
        }
    }
    assert!(pinged, "a quiet socket is pinged");
    lively
        .send(json!({"type": "send", "message_id": uuid(), "body": "alive"}))
        .await;
    lively.acked().await;

    // One that never reads (so never answers) is closed with 1008.
    let (mut deaf, _) = visitor(&s).await;
    tokio::time::sleep(Duration::from_millis(3500)).await;
    assert_eq!(
        close_code(&mut deaf).await,
        Some(CloseReason::Policy.code())
    );
}

/// A raw HTTP/1.1 connection.
async fn tcp(s: &TestServer) -> tokio::net::TcpStream {
    tokio::net::TcpStream::connect(s.addr).await.unwrap()
}

/// Whether the server closed `conn` (a read sees the end, or a reset).
async fn closed_within(conn: &mut tokio::net::TcpStream, limit: Duration) -> bool {
    let mut buf = [0u8; 1024];
    let deadline = tokio::time::Instant::now() + limit;
    loop {
        match tokio::time::timeout_at(deadline, conn.read(&mut buf)).await {
            Err(_) => return false,
            Ok(Ok(0) | Err(_)) => return true,
            Ok(Ok(_)) => continue,
        }
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn headers_sent_a_byte_at_a_time_time_out() {
    let dir = Arc::new(tempfile::tempdir().unwrap());
    let s = start_with(dir, &[("PARLOR_HEADER_TIMEOUT_SECS", "1".into())]).await;
    let mut slow = tcp(&s).await;
    let started = Instant::now();
    let request = b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-Slow: aaaaaaaaaaaaaaaaaaaaaaaa";
    let mut cut = false;
    for byte in request {
        if slow.write_all(&[*byte]).await.is_err() {
            cut = true;
            break;
        }
        if closed_within(&mut slow, Duration::from_millis(250)).await {
            cut = true;
            break;
        }
    }
    assert!(cut, "the connection outlived its header deadline");
    assert!(started.elapsed() < Duration::from_secs(4));

    // A whole request in time is answered.
    let mut quick = tcp(&s).await;
    quick
        .write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        .await
        .unwrap();
    let mut answer = String::new();
    quick.read_to_string(&mut answer).await.unwrap();
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
}

#[tokio::test(flavor = "multi_thread")]
async fn one_address_has_a_cap_on_sockets_and_on_requests_in_progress() {
    let dir = Arc::new(tempfile::tempdir().unwrap());
    let s = start_with(
        dir,
        &[
            ("PARLOR_SOCKETS_PER_ADDRESS", "3".into()),
            ("PARLOR_REQUESTS_PER_ADDRESS", "2".into()),
        ],
    )
    .await;
    let mut open = Vec::new();
    for _ in 0..3 {
        open.push(visitor(&s).await.0);
    }
    let url = format!("ws://{}/widget/v1/live", s.addr);
    match tokio_tungstenite::connect_async(url.as_str()).await {
        Err(tokio_tungstenite::tungstenite::Error::Http(res)) => {
            assert_eq!(res.status(), StatusCode::TOO_MANY_REQUESTS);
            assert!(res.headers().contains_key("retry-after"));
        }
        other => panic!("a fourth socket from one address: {other:?}"),
    }
    // A closed socket frees its slot.
    let mut first = open.remove(0);
    first.0.close(None).await.unwrap();
    drop(first);
    let mut reopened = None;
    for _ in 0..50 {
        if let Ok((ws, _)) = tokio_tungstenite::connect_async(url.as_str()).await {
            reopened = Some(ws);
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert!(reopened.is_some(), "the freed slot is taken again");

    // Two requests whose bodies never finish hold both request slots.
    let mut held = Vec::new();
    for _ in 0..2 {
        let mut conn = tcp(&s).await;
        conn.write_all(
            b"POST /api/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 100\r\n\r\nemail=",
        )
        .await
        .unwrap();
        held.push(conn);
    }
    tokio::time::sleep(Duration::from_millis(200)).await;
    let res = s.client.get(s.url("/healthz")).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(res.headers()["retry-after"], "5");
    drop(held);
    let mut ok = false;
    for _ in 0..50 {
        let res = s.client.get(s.url("/healthz")).send().await.unwrap();
        if res.status() == StatusCode::OK {
            ok = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert!(ok, "requests are answered again once the others end");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_resume_point_beyond_the_newest_message_gets_resync() {
    let s = start().await;
    let (mut v, token) = visitor(&s).await;
    for body in ["one", "two"] {
        v.send(json!({"type": "send", "message_id": uuid(), "body": body}))
            .await;
    }
    let (conversation, _) = v.acked().await;
    let (_, seq) = v.acked().await;
    assert_eq!(seq, Seq(2));
    drop(v);

    let channel = s.default_channel().await;
    let mut back = Ws::open(&s, "/widget/v1/live", None).await;
    back.send(
        json!({"type": "hello", "channel_id": channel, "token": token,
        "conversation_id": conversation, "last_seq": 57}),
    )
    .await;
    assert!(matches!(back.recv().await, ServerFrame::Welcome { .. }));
    let resync: ServerFrame = back.recv().await;
    assert_eq!(
        resync,
        ServerFrame::Resync {
            conversation_id: conversation,
            last_seq: Some(Seq(2)),
        }
    );
    assert_eq!(
        close_code(&mut back).await,
        Some(CloseReason::Resync.code())
    );

    // Resuming from where the conversation really ends works.
    let mut again = Ws::open(&s, "/widget/v1/live", None).await;
    again
        .send(
            json!({"type": "hello", "channel_id": channel, "token": token,
        "conversation_id": conversation, "last_seq": 2}),
        )
        .await;
    assert!(matches!(again.recv().await, ServerFrame::Welcome { .. }));
    again
        .send(json!({"type": "send", "message_id": uuid(), "body": "three"}))
        .await;
    assert_eq!(again.acked().await, (conversation, Seq(3)));
}

#[tokio::test(flavor = "multi_thread")]
async fn a_visitor_token_is_valid_only_for_its_own_channel() {
    let s = start().await;
    let (_v, token) = visitor(&s).await;
    // Taken now: once "Elsewhere" exists, the first channel may be either
    // (both made within the same second).
    let home = s.default_channel().await;
    let admin = s.admin().await;
    let other = s
        .state
        .parlor
        .create_channel(&admin, "Elsewhere")
        .await
        .unwrap();

    let mut elsewhere = Ws::open(&s, "/widget/v1/live", None).await;
    elsewhere
        .send(json!({"type": "hello", "channel_id": other.id, "token": token}))
        .await;
    assert_eq!(
        error_code(elsewhere.recv().await).0,
        LiveErrorCode::BadToken
    );
    assert_eq!(
        close_code(&mut elsewhere).await,
        Some(CloseReason::BadToken.code())
    );

    let upload = |channel: parlor_protocol::ChannelId| {
        s.client
            .post(s.url(&format!("/widget/v1/channels/{channel}/files?name=a.txt")))
            .bearer_auth(&token)
            .body("hello")
            .send()
    };
    assert_eq!(
        upload(other.id).await.unwrap().status(),
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(upload(home).await.unwrap().status(), StatusCode::CREATED);
}

#[tokio::test(flavor = "multi_thread")]
async fn uploads_beyond_the_bytes_in_flight_get_503_with_retry_after() {
    let dir = Arc::new(tempfile::tempdir().unwrap());
    let s = start_with(dir, &[("PARLOR_UPLOAD_BYTES_IN_FLIGHT", "15000".into())]).await;
    let (_v, token) = visitor(&s).await;
    let channel = s.default_channel().await;
    let path = format!("/widget/v1/channels/{channel}/files?name=a.txt");

    // An upload in progress holds 10,000 of the 15,000 bytes.
    let mut slow = tcp(&s).await;
    let head = format!(
        "POST {path} HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {token}\r\nContent-Length: 10000\r\n\r\nhello"
    );
    slow.write_all(head.as_bytes()).await.unwrap();
    tokio::time::sleep(Duration::from_millis(300)).await;

    let upload = || {
        s.client
            .post(s.url(&path))
            .bearer_auth(&token)
            .body("x".repeat(10_000))
            .send()
    };
    let busy = upload().await.unwrap();
    assert_eq!(busy.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(busy.headers()["retry-after"], "5");
    let body: serde_json::Value = busy.json().await.unwrap();
    assert_eq!(body["code"], "busy");

    // Once it is done, the next upload is taken.
    slow.write_all(&[b'x'; 9995]).await.unwrap();
    let mut answer = vec![0u8; 512];
    let n = slow.read(&mut answer).await.unwrap();
    assert!(answer[..n].starts_with(b"HTTP/1.1 201"));
    assert_eq!(upload().await.unwrap().status(), StatusCode::CREATED);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_shutdown_also_closes_sockets_that_never_said_hello() {
    let s = start().await;
    let mut silent = Ws::open(&s, "/widget/v1/live", None).await;
    let (mut talking, _) = visitor(&s).await;
    talking
        .send(json!({"type": "send", "message_id": uuid(), "body": "hi"}))
        .await;
    let (conversation, _) = talking.acked().await;
    // Let the silent socket's session start waiting for its hello.
    tokio::time::sleep(Duration::from_millis(200)).await;

    let started = Instant::now();
    s.state.parlor.begin_shutdown();
    assert_eq!(
        close_code(&mut silent).await,
        Some(CloseReason::GoingAway.code())
    );
    let resync = talking
        .until(|f: &ServerFrame| matches!(f, ServerFrame::Resync { .. }).then(|| f.clone()))
        .await;
    assert_eq!(
        resync,
        ServerFrame::Resync {
            conversation_id: conversation,
            last_seq: None
        }
    );
    assert_eq!(
        close_code(&mut talking).await,
        Some(CloseReason::GoingAway.code())
    );
    assert!(s.state.parlor.drained(Duration::from_secs(2)).await);
    assert!(started.elapsed() < Duration::from_secs(2));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn fifty_tabs_sending_their_first_message_at_once_share_one_conversation() {
    let s = start().await;
    let (first, token) = visitor(&s).await;
    drop(first);
    let channel = s.default_channel().await;
    let mut tabs = Vec::new();
    for _ in 0..50 {
        let mut tab = Ws::open(&s, "/widget/v1/live", None).await;
        tab.send(json!({"type": "hello", "channel_id": channel, "token": token}))
            .await;
        assert!(matches!(tab.recv().await, ServerFrame::Welcome { .. }));
        tabs.push(tab);
    }
    // Every tab sends its first message at the same moment.
    let barrier = Arc::new(tokio::sync::Barrier::new(tabs.len()));
    let sent = tabs.into_iter().map(|mut tab| {
        let barrier = barrier.clone();
        tokio::spawn(async move {
            barrier.wait().await;
            tab.send(json!({"type": "send", "message_id": uuid(), "body": "first"}))
                .await;
            tab.acked().await.0
        })
    });
    let mut conversations = std::collections::HashSet::new();
    for tab in sent.collect::<Vec<_>>() {
        conversations.insert(tab.await.unwrap());
    }
    assert_eq!(conversations.len(), 1, "{conversations:?}");
}
