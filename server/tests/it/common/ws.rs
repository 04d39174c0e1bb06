//! A WebSocket client that speaks docs/protocol.md's framing (a tag byte,
//! then JSON), shared by the live and inbox tests.

use super::TestServer;
use futures::{SinkExt, StreamExt};
use parlor_protocol::inbox::{ConversationSummary, InboxFrame};
use parlor_protocol::live::ServerFrame;
use parlor_protocol::{ConversationId, Seq};
use serde::de::DeserializeOwned;
use serde_json::Value;
use std::time::Duration;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::Message;

pub struct Ws(
    pub tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>,
    /// Whether `recv` returns presence frames (a visitor's `availability`
    /// and place in line, an inbox's `presence`). Operators come and go
    /// during most tests; only the presence and routing tests look.
    pub bool,
);

/// Frames about who is online, which `recv` skips unless asked for.
const PRESENCE_FRAMES: [&str; 3] = ["availability", "presence", "queue"];

impl Ws {
    pub async fn open(s: &TestServer, path: &str, cookie: Option<&str>) -> Self {
        Self::connect(s.addr, path, cookie).await
    }

    /// A socket to the server on `addr`.
    pub async fn connect(addr: std::net::SocketAddr, path: &str, cookie: Option<&str>) -> Self {
        let cookie = cookie.map(|c| ("cookie", c));
        Self::connect_with(addr, path, cookie.as_slice()).await
    }

    /// A socket to the server on `addr`, with these request headers (a
    /// browser's `Origin`, a `cookie`).
    pub async fn connect_with(
        addr: std::net::SocketAddr,
        path: &str,
        headers: &[(&'static str, &str)],
    ) -> Self {
        let mut req = format!("ws://{addr}{path}").into_client_request().unwrap();
        for (name, value) in headers {
            req.headers_mut().insert(*name, value.parse().unwrap());
        }
        let (ws, _) = tokio_tungstenite::connect_async(req).await.unwrap();
        Self(ws, false)
    }

    /// Sends bytes as they are (for malformed frames).
    pub async fn raw(&mut self, bytes: Vec<u8>) {
        self.0.send(Message::Binary(bytes.into())).await.unwrap();
    }

    /// Sends a frame: tag byte 0, then the JSON.
    pub async fn send(&mut self, frame: Value) {
        let mut bytes = vec![0u8];
        bytes.extend(serde_json::to_vec(&frame).unwrap());
        self.raw(bytes).await;
    }

    /// The next frame, within 5 s; a transport error (tag 1) fails the test.
    pub async fn recv<T: DeserializeOwned>(&mut self) -> T {
        loop {
            let msg = tokio::time::timeout(Duration::from_secs(5), self.0.next())
                .await
                .expect("a frame within 5 s")
                .expect("the socket is open")
                .unwrap();
            let bytes = match msg {
                Message::Binary(b) => b.to_vec(),
                Message::Ping(_) | Message::Pong(_) => continue,
                other => panic!("unexpected {other:?}"),
            };
            assert_eq!(bytes[0], 0, "a frame, not a transport error: {bytes:?}");
            let value: Value = serde_json::from_slice(&bytes[1..]).unwrap();
            let kind = value["type"].as_str().unwrap_or_default();
            if !self.1 && PRESENCE_FRAMES.contains(&kind) {
                continue;
            }
            return serde_json::from_value(value).unwrap();
        }
    }

    /// The next frame that `pick` accepts; others (list updates, echoes) are skipped.
    pub async fn until<T: DeserializeOwned + std::fmt::Debug, R>(
        &mut self,
        mut pick: impl FnMut(&T) -> Option<R>,
    ) -> R {
        for _ in 0..50 {
            let frame: T = self.recv().await;
            if let Some(r) = pick(&frame) {
                return r;
            }
        }
        panic!("no matching frame in 50");
    }

    /// The next list row an inbox hears of for conversation `id` for which
    /// `pick` gives a value; other frames and rows are skipped.
    pub async fn row_where<R>(
        &mut self,
        id: ConversationId,
        mut pick: impl FnMut(&ConversationSummary) -> Option<R>,
    ) -> R {
        self.until(|f: &InboxFrame| match f {
            InboxFrame::Summary { conversation } if conversation.id == id => pick(conversation),
            _ => None,
        })
        .await
    }

    /// The next list row an inbox hears of for conversation `id`.
    pub async fn row(&mut self, id: ConversationId) -> ConversationSummary {
        self.row_where(id, |row| Some(row.clone())).await
    }

    /// The conversation and `seq` of the next visitor `ack`.
    pub async fn acked(&mut self) -> (ConversationId, Seq) {
        self.until(|f: &ServerFrame| match f {
            ServerFrame::Ack {
                conversation_id,
                seq,
                ..
            } => Some((*conversation_id, *seq)),
            _ => None,
        })
        .await
    }

    /// From now on `recv` returns presence frames too.
    pub fn with_presence(mut self) -> Self {
        self.1 = true;
        self
    }

    /// Nothing but presence frames (unless asked for) arrives for a short
    /// while.
    pub async fn quiet(&mut self) {
        let deadline = tokio::time::Instant::now() + Duration::from_millis(300);
        loop {
            let next = tokio::time::timeout_at(deadline, self.0.next()).await;
            let Ok(Some(Ok(Message::Binary(bytes)))) = &next else {
                assert!(next.is_err(), "expected silence, got {next:?}");
                return;
            };
            let value: Value = serde_json::from_slice(&bytes[1..]).unwrap_or_default();
            let kind = value["type"].as_str().unwrap_or_default();
            assert!(
                !self.1 && PRESENCE_FRAMES.contains(&kind),
                "expected silence, got {value}"
            );
        }
    }
}

impl Ws {
    /// Every frame that arrives within a short while, whatever it is.
    #[allow(dead_code)] // not every test binary drains
    pub async fn drain(&mut self) -> Vec<Value> {
        let deadline = tokio::time::Instant::now() + Duration::from_millis(300);
        let mut frames = Vec::new();
        while let Ok(Some(Ok(msg))) = tokio::time::timeout_at(deadline, self.0.next()).await {
            if let Message::Binary(bytes) = msg {
                frames.push(serde_json::from_slice(&bytes[1..]).unwrap_or_default());
            }
        }
        frames
    }
}

/// The next error an inbox gets: its code, text and `message_id`.
pub async fn inbox_refusal(
    op: &mut Ws,
) -> (
    parlor_protocol::live::LiveErrorCode,
    String,
    Option<parlor_protocol::MessageId>,
) {
    op.until(|f: &parlor_protocol::inbox::InboxFrame| match f {
        parlor_protocol::inbox::InboxFrame::Error {
            code,
            message,
            message_id,
        } => Some((*code, message.clone(), *message_id)),
        _ => None,
    })
    .await
}

pub fn uuid() -> String {
    uuid::Uuid::new_v4().to_string()
}
