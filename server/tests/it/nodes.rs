//! Two Parlor processes on two ports sharing one PostgreSQL database: the
//! deployment of docs/deploy.md, minus the load balancer. A visitor on one
//! node and an operator on the other chat live; the visitor resumes on the
//! other node; a node that loses its event connection catches up; SIGTERM
//! tells a node's clients to reconnect and the process exits cleanly.
//!
//! The second test puts Debian's nginx in front, running
//! docs/deploy/nginx.conf as it is (with this test's ports).
//!
//! Needs PostgreSQL (`PARLOR_TEST_POSTGRES`) and nginx; without them the
//! tests say they were skipped, and on CI they fail instead.

use crate::common::ws::{uuid, Ws};
use crate::common::{fake_assets, sign_in, PASSWORD};
use parlor_protocol::inbox::InboxFrame;
use parlor_protocol::live::{ServerFrame, WireAuthor};
use parlor_protocol::{ChannelId, ConversationId, Seq};
use serde_json::json;
use sqlx::Connection;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// A `parlor` process, killed if the test ends without stopping it.
struct Node {
    child: Child,
    addr: SocketAddr,
}

/// A loopback address nobody listens on right now.
fn free_addr() -> SocketAddr {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
}

/// Waits until `base`/readyz answers 200.
async fn wait_ready(base: &str) {
    let deadline = Instant::now() + Duration::from_secs(30);
    let url = format!("{base}/readyz");
    loop {
        if let Ok(res) = reqwest::get(&url).await {
            if res.status().is_success() {
                return;
            }
        }
        assert!(Instant::now() < deadline, "{base} never ready");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Sends SIGTERM to `child` and waits for it to exit.
fn terminate(child: &mut Child) -> std::process::ExitStatus {
    let pid = child.id().to_string();
    assert!(Command::new("kill")
        .args(["-TERM", &pid])
        .status()
        .unwrap()
        .success());
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            return status;
        }
        assert!(
            Instant::now() < deadline,
            "pid {pid} did not exit after SIGTERM"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

impl Node {
    /// A node named `name` (its connections' application_name).
    async fn start(db: &str, name: &str, dir: &Path) -> Node {
        let addr = free_addr();
        let (site, widget) = fake_assets(dir);
        let child = Command::new(env!("CARGO_BIN_EXE_parlor"))
            .env("PARLOR_ADDR", addr.to_string())
            .env(
                "PARLOR_DATABASE_URL",
                format!("{db}&application_name={name}"),
            )
            .env("PARLOR_ADMIN_EMAIL", "admin@test.example")
            .env("PARLOR_ADMIN_PASSWORD", PASSWORD)
            .env("PARLOR_SITE_ROOT", site)
            .env("PARLOR_WIDGET_DIR", widget)
            .env("PARLOR_LOG", "warn")
            .stdout(Stdio::null())
            .spawn()
            .unwrap();
        let node = Node { child, addr };
        node.wait_ready().await;
        node
    }

    fn base(&self) -> String {
        format!("http://{}", self.addr)
    }

    async fn wait_ready(&self) {
        wait_ready(&self.base()).await
    }

    fn terminate(&mut self) -> std::process::ExitStatus {
        terminate(&mut self.child)
    }
}

impl Drop for Node {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

async fn visitor_hello(
    addr: SocketAddr,
    channel: ChannelId,
    token: Option<&str>,
    conversation: Option<ConversationId>,
    last_seq: Option<Seq>,
) -> (Ws, String) {
    let mut v = Ws::connect(addr, "/widget/v1/live", None).await;
    v.send(json!({"type": "hello", "channel_id": channel, "token": token,
        "conversation_id": conversation, "last_seq": last_seq, "page_url": "https://shop.example/"}))
        .await;
    let ServerFrame::Welcome { token, .. } = v.recv().await else {
        panic!("welcome first")
    };
    (v, token)
}

/// The next operator message the visitor gets (its own come back too).
async fn next_answer(v: &mut Ws) -> (Seq, String) {
    v.until(|f: &ServerFrame| match f {
        ServerFrame::Message { message }
            if matches!(message.author, WireAuthor::Operator { .. }) =>
        {
            Some((message.seq, message.body.clone()))
        }
        _ => None,
    })
    .await
}

/// The body of message `seq` when the operator's open conversation gets it.
async fn operator_message(op: &mut Ws, seq: Seq) -> String {
    op.until(|f: &InboxFrame| match f {
        InboxFrame::Message { message } if message.seq == seq => Some(message.body.clone()),
        _ => None,
    })
    .await
}

#[tokio::test(flavor = "multi_thread")]
async fn two_nodes_share_live_conversations() {
    let Some(base) = chat_core::testing::postgres() else {
        return chat_core::testing::skip_without_postgres("two_nodes_share_live_conversations");
    };
    let db = chat_core::testing::fresh_schema(&base).await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    // The first node sets up the empty database; the second joins it.
    let mut a = Node::start(&db, "node-a", dir.path()).await;
    let b = Node::start(&db, "node-b", dir.path()).await;
    let store = chat_core::store::open(&db).await.unwrap();
    let channel = store.list_channels().await.unwrap()[0].id;

    // An operator on B, a visitor on A.
    let cookie = sign_in(&b.base(), "admin@test.example", PASSWORD).await;
    let mut op = Ws::connect(b.addr, "/api/inbox/live", Some(&cookie)).await;
    let InboxFrame::Snapshot { .. } = op.recv().await else {
        panic!("snapshot first")
    };
    let (mut v, token) = visitor_hello(a.addr, channel, None, None, None).await;
    v.send(json!({"type": "send", "message_id": uuid(), "body": "hello from node A"}))
        .await;
    let (conv, _) = v.acked().await;

    // B's inbox hears of it live, and opens it.
    let (seq, preview) = op
        .until(|f: &InboxFrame| match f {
            InboxFrame::Activity {
                conversation_id,
                seq,
                preview,
                ..
            } if *conversation_id == conv => Some((*seq, preview.clone())),
            _ => None,
        })
        .await;
    assert_eq!((seq, preview.as_str()), (Seq(1), "hello from node A"));
    op.send(json!({"type": "open", "conversation_id": conv, "last_seq": null}))
        .await;
    assert_eq!(operator_message(&mut op, Seq(1)).await, "hello from node A");

    // Typing on A shows on B.
    v.send(json!({"type": "typing", "typing": true})).await;
    let typing = op
        .until(|f: &InboxFrame| match f {
            InboxFrame::Typing { typing, .. } => Some(*typing),
            _ => None,
        })
        .await;
    assert!(typing);

    // The answer from B reaches the visitor on A.
    let answer = uuid();
    op.send(json!({"type": "send", "conversation_id": conv, "message_id": answer, "body": "hi from node B"}))
        .await;
    assert_eq!(next_answer(&mut v).await, (Seq(2), "hi from node B".into()));

    // So do its edits; a text too long for a notification travels by
    // reference and is read from the database.
    for body in ["hi from node B, edited".to_string(), "😀".repeat(4000)] {
        op.send(
            json!({"type": "edit", "conversation_id": conv, "message_id": answer, "body": body}),
        )
        .await;
        let edited = v
            .until(|f: &ServerFrame| match f {
                ServerFrame::Edited { message } => Some(message.clone()),
                _ => None,
            })
            .await;
        assert_eq!((edited.seq, edited.body.as_str()), (Seq(2), body.as_str()));
        assert!(edited.edited_at.is_some());
    }

    // A's event connection is cut while B answers again: A catches up.
    let schema = db.rsplit('=').next().unwrap();
    let listen = format!("LISTEN \"{}\"", chat_core::bus::channel_name(schema));
    let mut admin = sqlx::PgConnection::connect(&db).await.unwrap();
    let cut: i64 = sqlx::query_scalar(
        "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity
          WHERE query = $1 AND application_name = 'node-a'",
    )
    .bind(&listen)
    .fetch_one(&mut admin)
    .await
    .unwrap();
    assert_eq!(cut, 1, "node A listens once");
    op.send(json!({"type": "send", "conversation_id": conv, "message_id": uuid(), "body": "while the bus was down"}))
        .await;
    assert_eq!(
        next_answer(&mut v).await,
        (Seq(3), "while the bus was down".into())
    );
    // Node A counted the loss and the events it got from B.
    let metrics = reqwest::get(format!("{}/metrics", a.base()))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let value = |name: &str| -> f64 {
        let line = metrics.lines().find(|l| l.starts_with(name));
        line.and_then(|l| l.rsplit(' ').next()?.parse().ok())
            .unwrap_or_else(|| panic!("{name} in {metrics}"))
    };
    assert!(value("parlor_bus_resyncs_total") >= 1.0);
    assert!(value("parlor_bus_events_total{direction=\"received\"}") >= 2.0);

    // The visitor reconnects to the other node and resumes where it was.
    drop(v);
    let (mut v, _) = visitor_hello(b.addr, channel, Some(&token), Some(conv), Some(Seq(1))).await;
    assert_eq!(next_answer(&mut v).await.0, Seq(2));
    assert_eq!(next_answer(&mut v).await.0, Seq(3));
    v.send(json!({"type": "send", "message_id": uuid(), "body": "now on node B"}))
        .await;
    assert_eq!(operator_message(&mut op, Seq(4)).await, "now on node B");

    // SIGTERM on A: its live clients are told to reconnect, and it exits 0.
    let (mut on_a, _) =
        visitor_hello(a.addr, channel, Some(&token), Some(conv), Some(Seq(4))).await;
    // Nothing to replay; the team's read receipt (their answer at 3), then
    // silence.
    assert!(matches!(
        on_a.recv::<ServerFrame>().await,
        ServerFrame::Read { seq: Seq(3), .. }
    ));
    on_a.quiet().await;
    let status = a.terminate();
    assert!(
        matches!(on_a.recv::<ServerFrame>().await, ServerFrame::Resync { .. }),
        "resync before the socket closes"
    );
    assert!(status.success(), "{status:?}");
    // B goes on serving.
    b.wait_ready().await;
}

/// nginx running docs/deploy/nginx.conf with this test's ports.
struct Nginx {
    child: Child,
    addr: SocketAddr,
}

impl Nginx {
    fn binary() -> Option<PathBuf> {
        let path = PathBuf::from(
            std::env::var("PARLOR_TEST_NGINX").unwrap_or_else(|_| "/usr/sbin/nginx".into()),
        );
        path.exists().then_some(path)
    }

    async fn start(binary: &Path, nodes: [SocketAddr; 2], dir: &Path) -> Nginx {
        let addr = free_addr();
        let shipped = include_str!("../../../docs/deploy/nginx.conf");
        let site = shipped
            .replace("127.0.0.1:3001", &nodes[0].to_string())
            .replace("127.0.0.1:3002", &nodes[1].to_string())
            .replace("127.0.0.1:8000", &addr.to_string());
        for a in [nodes[0], nodes[1], addr] {
            assert!(
                site.contains(&a.to_string()),
                "the shipped config changed shape"
            );
        }
        std::fs::write(dir.join("parlor.conf"), site).unwrap();
        // As root, nginx's workers would run as `nobody`, who cannot enter
        // the test's private directory.
        let root = Command::new("id").arg("-u").output().unwrap().stdout == b"0\n";
        let d = dir.display();
        let main = format!(
            "{user}daemon off; worker_processes 1; pid {d}/nginx.pid; error_log {d}/error.log warn;
             events {{ worker_connections 1024; }}
             http {{
                 access_log off;
                 client_body_temp_path {d}/body; proxy_temp_path {d}/proxy;
                 fastcgi_temp_path {d}/fastcgi; uwsgi_temp_path {d}/uwsgi; scgi_temp_path {d}/scgi;
                 include {d}/parlor.conf;
             }}",
            user = if root { "user root;" } else { "" },
        );
        std::fs::write(dir.join("nginx.conf"), main).unwrap();
        let child = Command::new(binary)
            .arg("-p")
            .arg(dir)
            .arg("-e")
            .arg(dir.join("error.log"))
            .arg("-c")
            .arg(dir.join("nginx.conf"))
            .spawn()
            .unwrap();
        let nginx = Nginx { child, addr };
        wait_ready(&format!("http://{addr}")).await;
        nginx
    }
}

impl Drop for Nginx {
    fn drop(&mut self) {
        // SIGTERM, not SIGKILL: the master takes its workers down with it.
        let _ = terminate(&mut self.child);
    }
}

/// A visitor's message and the operator's answer, both ways through `at`.
/// Whether someone is online, as the visitor's next `availability` says.
async fn availability(v: &mut Ws) -> bool {
    v.until(|f: &ServerFrame| match f {
        ServerFrame::Availability { online } => Some(*online),
        _ => None,
    })
    .await
}

#[tokio::test(flavor = "multi_thread")]
async fn two_nodes_share_operator_presence() {
    let Some(base) = chat_core::testing::postgres() else {
        return chat_core::testing::skip_without_postgres("two_nodes_share_operator_presence");
    };
    let db = chat_core::testing::fresh_schema(&base).await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let a = Node::start(&db, "node-a", dir.path()).await;
    let b = Node::start(&db, "node-b", dir.path()).await;
    let store = chat_core::store::open(&db).await.unwrap();
    let channel = store.list_channels().await.unwrap()[0].id;

    // A visitor on A, before anyone is online.
    let mut v = Ws::connect(a.addr, "/widget/v1/live", None)
        .await
        .with_presence();
    v.send(json!({"type": "hello", "channel_id": channel, "token": null}))
        .await;
    let ServerFrame::Welcome { online, .. } = v.recv().await else {
        panic!("welcome first")
    };
    assert!(!online);

    // The admin (the channel's operator) opens the inbox on B.
    let cookie = sign_in(&b.base(), "admin@test.example", PASSWORD).await;
    let mut op = Ws::connect(b.addr, "/api/inbox/live", Some(&cookie)).await;
    let InboxFrame::Snapshot { .. } = op.recv().await else {
        panic!("snapshot first")
    };
    assert!(availability(&mut v).await);
    op.send(json!({"type": "set_availability", "availability": "away"}))
        .await;
    assert!(!availability(&mut v).await);
    let display: serde_json::Value =
        reqwest::get(format!("{}/widget/v1/channels/{channel}/display", a.base()))
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
    assert_eq!(display["online"], false);
}

async fn exchange(at: SocketAddr, op: &mut Ws, v: &mut Ws, conv: ConversationId, n: u32) {
    v.send(json!({"type": "send", "message_id": uuid(), "body": format!("question {n}")}))
        .await;
    op.until(|f: &InboxFrame| match f {
        InboxFrame::Message { message } if message.body == format!("question {n}") => Some(()),
        _ => None,
    })
    .await;
    op.send(json!({"type": "send", "conversation_id": conv, "message_id": uuid(), "body": format!("answer {n}")}))
        .await;
    let answer = next_answer(v).await.1;
    assert_eq!(answer, format!("answer {n}"), "through {at}");
}

#[tokio::test(flavor = "multi_thread")]
async fn two_nodes_behind_nginx() {
    let Some(base) = chat_core::testing::postgres() else {
        return chat_core::testing::skip_without_postgres("two_nodes_behind_nginx");
    };
    let Some(binary) = Nginx::binary() else {
        return chat_core::testing::skip(
            "two_nodes_behind_nginx",
            "no nginx (/usr/sbin/nginx or PARLOR_TEST_NGINX)",
        );
    };
    let db = chat_core::testing::fresh_schema(&base).await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let mut a = Node::start(&db, "node-a", dir.path()).await;
    let b = Node::start(&db, "node-b", dir.path()).await;
    let nginx = Nginx::start(&binary, [a.addr, b.addr], dir.path()).await;
    let front = nginx.addr;
    let store = chat_core::store::open(&db).await.unwrap();
    let channel = store.list_channels().await.unwrap()[0].id;

    // Sign-in, the inbox and the widget all through nginx, on whichever
    // nodes it picks.
    let cookie = sign_in(&format!("http://{front}"), "admin@test.example", PASSWORD).await;
    let inbox = |cookie: String| async move {
        let mut op = Ws::connect(front, "/api/inbox/live", Some(&cookie)).await;
        let InboxFrame::Snapshot { .. } = op.recv().await else {
            panic!("snapshot first")
        };
        op
    };
    let mut op = inbox(cookie.clone()).await;
    let (mut v, token) = visitor_hello(front, channel, None, None, None).await;
    v.send(json!({"type": "send", "message_id": uuid(), "body": "hello"}))
        .await;
    let (conv, _) = v.acked().await;
    op.send(json!({"type": "open", "conversation_id": conv, "last_seq": null}))
        .await;
    exchange(front, &mut op, &mut v, conv, 1).await;

    // Node A stops (a rolling restart): both sides reconnect through nginx,
    // which now reaches node B only, and carry on.
    assert!(a.terminate().success());
    drop((op, v));
    let mut op = inbox(cookie).await;
    op.send(json!({"type": "open", "conversation_id": conv, "last_seq": null}))
        .await;
    let (mut v, _) = visitor_hello(front, channel, Some(&token), Some(conv), Some(Seq(3))).await;
    exchange(front, &mut op, &mut v, conv, 2).await;
    b.wait_ready().await;
}

/// A ticket made on one node (the public form) and changed on the other
/// (the app's API) shows on both nodes' helpdesk screens.
#[tokio::test(flavor = "multi_thread")]
async fn two_nodes_share_ticket_changes() {
    use parlor_protocol::desk::DeskFrame;

    let Some(base) = chat_core::testing::postgres() else {
        return chat_core::testing::skip_without_postgres("two_nodes_share_ticket_changes");
    };
    let db = chat_core::testing::fresh_schema(&base).await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let a = Node::start(&db, "node-a", dir.path()).await;
    let b = Node::start(&db, "node-b", dir.path()).await;
    let store = chat_core::store::open(&db).await.unwrap();
    let input = parlor_domain::TeamInput {
        name: "Support".into(),
        web_form: true,
        ..Default::default()
    }
    .parse()
    .unwrap();
    let team = store.insert_team(&input, 0).await.unwrap();

    let cookie_b = sign_in(&b.base(), "admin@test.example", PASSWORD).await;
    let mut desk_b = Ws::connect(b.addr, "/api/helpdesk/live", Some(&cookie_b)).await;
    assert_eq!(desk_b.recv::<DeskFrame>().await, DeskFrame::Ready);
    let cookie_a = sign_in(&a.base(), "admin@test.example", PASSWORD).await;
    let mut desk_a = Ws::connect(a.addr, "/api/helpdesk/live", Some(&cookie_a)).await;
    assert_eq!(desk_a.recv::<DeskFrame>().await, DeskFrame::Ready);

    // A customer sends the form on A: B's screen hears of the ticket.
    let form = [
        ("request", uuid()),
        ("name", "Dee".to_string()),
        ("email", "dee@customer.test".to_string()),
        ("subject", "Lost parcel".to_string()),
        ("message", "Where is it?".to_string()),
        ("website", String::new()),
    ];
    let client = reqwest::Client::new();
    let sent = client
        .post(format!("{}/help/{}/new?lang=en", a.base(), team.id.0))
        .form(&form)
        .send()
        .await
        .unwrap();
    assert_eq!(sent.status(), 200);
    let DeskFrame::Ticket { number } = desk_b.recv::<DeskFrame>().await else {
        panic!("a ticket frame")
    };
    assert_eq!(
        desk_a.recv::<DeskFrame>().await,
        DeskFrame::Ticket { number }
    );

    // Changed on B: A's screen hears of it.
    let changed = client
        .post(format!("{}/api/helpdesk/tickets/change", b.base()))
        .header("cookie", &cookie_b)
        .json(&json!({"number": number, "change": {"priority": "high"}}))
        .send()
        .await
        .unwrap();
    assert_eq!(changed.status(), 200);
    assert_eq!(
        desk_a.recv::<DeskFrame>().await,
        DeskFrame::Ticket { number }
    );
    assert_eq!(
        desk_b.recv::<DeskFrame>().await,
        DeskFrame::Ticket { number }
    );
}
