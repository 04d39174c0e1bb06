//! Bounded load on the live endpoints, written against docs/protocol.md only.
//! It holds `--idle` visitor connections open, reads the server's resident
//! memory before and after, signs in as an operator whose inbox follows every
//! conversation, then has visitors send `--rate` messages a second in total
//! for `--seconds`. Each message is timed twice: send → `ack` (given only
//! after a durable commit) and send → arrival in the operator's inbox.
//!
//! live-load --url ws://127.0.0.1:3200 --channel <uuid> --pid <server pid> \
//!           --email admin@… --password … --idle 2000 --rate 200 --seconds 10

use futures::{SinkExt, StreamExt};
use serde_json::{json, Value};
use std::collections::HashMap;
use std::time::{Duration, Instant};
use tokio_tungstenite::tungstenite::Message;

type Ws =
    tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

struct Args {
    /// The server's base, `ws://host:port`.
    url: String,
    channel: String,
    email: String,
    password: String,
    pid: u32,
    idle: usize,
    rate: u32,
    seconds: u64,
}

fn args() -> Result<Args, String> {
    let mut map = HashMap::new();
    let mut it = std::env::args().skip(1);
    while let Some(k) = it.next() {
        let v = it.next().ok_or(format!("{k} needs a value"))?;
        map.insert(k.trim_start_matches("--").to_string(), v);
    }
    let get = |k: &str| map.get(k).cloned().ok_or(format!("--{k} is required"));
    let num = |k: &str, d: u64| -> Result<u64, String> {
        map.get(k).map_or(Ok(d), |v| {
            v.parse().map_err(|_| format!("--{k}: not a number"))
        })
    };
    Ok(Args {
        url: get("url")?,
        channel: get("channel")?,
        email: get("email")?,
        password: get("password")?,
        pid: num("pid", 0)? as u32,
        idle: num("idle", 1000)? as usize,
        rate: num("rate", 100)? as u32,
        seconds: num("seconds", 10)?,
    })
}

fn rss_kib(pid: u32) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmRSS:"))
                .and_then(|l| l.split_whitespace().nth(1)?.parse().ok())
        })
        .unwrap_or(0)
}

async fn send(ws: &mut Ws, frame: Value) -> Result<(), String> {
    let mut bytes = vec![0u8];
    bytes.extend(serde_json::to_vec(&frame).map_err(|e| e.to_string())?);
    ws.send(Message::Binary(bytes.into()))
        .await
        .map_err(|e| e.to_string())
}

async fn recv(ws: &mut Ws) -> Result<Value, String> {
    loop {
        match ws.next().await {
            Some(Ok(Message::Binary(b))) if b.first() == Some(&0) => {
                return serde_json::from_slice(&b[1..]).map_err(|e| e.to_string())
            }
            Some(Ok(Message::Ping(_) | Message::Pong(_))) => continue,
            other => return Err(format!("unexpected {other:?}")),
        }
    }
}

async fn visitor(url: &str, channel: &str) -> Result<Ws, String> {
    // Nagle off, as a browser's WebSocket does for small frames.
    let url = format!("{url}/widget/v1/live");
    let (mut ws, _) = tokio_tungstenite::connect_async_with_config(url, None, true)
        .await
        .map_err(|e| e.to_string())?;
    send(
        &mut ws,
        json!({"type": "hello", "channel_id": channel, "token": null}),
    )
    .await?;
    match recv(&mut ws).await? {
        v if v["type"] == "welcome" => Ok(ws),
        v => Err(format!("expected welcome, got {v}")),
    }
}

/// Signs in over HTTP (a raw request: one form post) and returns the
/// session cookie.
async fn sign_in(url: &str, email: &str, password: &str) -> Result<String, String> {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let host = url.trim_start_matches("ws://");
    let form = format!("email={}&password={}", email.replace('@', "%40"), password);
    let request = format!(
        "POST /api/login HTTP/1.1\r\nHost: {host}\r\nContent-Type: application/x-www-form-urlencoded\r\n\
         Accept: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{form}",
        form.len()
    );
    let mut tcp = tokio::net::TcpStream::connect(host)
        .await
        .map_err(|e| e.to_string())?;
    tcp.write_all(request.as_bytes())
        .await
        .map_err(|e| e.to_string())?;
    let mut response = String::new();
    tcp.read_to_string(&mut response)
        .await
        .map_err(|e| e.to_string())?;
    response
        .lines()
        .find_map(|l| {
            let (name, value) = l.split_once(':')?;
            name.eq_ignore_ascii_case("set-cookie")
                .then(|| value.trim().split(';').next().unwrap_or("").to_string())
        })
        .ok_or_else(|| format!("sign-in failed: {}", response.lines().next().unwrap_or("")))
}

type Pending = std::sync::Arc<std::sync::Mutex<HashMap<String, Instant>>>;

/// The operator's inbox: records, for every visitor message in `pending`
/// (keyed by its unique body), the time from its send to its arrival here.
async fn operator(
    url: String,
    cookie: String,
    pending: Pending,
    ready: tokio::sync::oneshot::Sender<()>,
    stop: tokio::sync::watch::Receiver<bool>,
) -> Result<Vec<Duration>, String> {
    use tokio_tungstenite::tungstenite::client::IntoClientRequest;
    let mut req = format!("{url}/api/inbox/live")
        .into_client_request()
        .map_err(|e| e.to_string())?;
    req.headers_mut()
        .insert("cookie", cookie.parse().map_err(|_| "bad cookie")?);
    let (mut ws, _) = tokio_tungstenite::connect_async_with_config(req, None, true)
        .await
        .map_err(|e| e.to_string())?;
    match recv(&mut ws).await? {
        v if v["type"] == "snapshot" => {}
        v => return Err(format!("expected snapshot, got {v}")),
    }
    let _ = ready.send(());
    let mut times = Vec::new();
    let mut stop = stop;
    loop {
        tokio::select! {
            v = recv(&mut ws) => {
                let v = v?;
                // Conversations the operator has not opened come as
                // `activity` with a preview; each body is unique.
                let body = match v["type"].as_str() {
                    Some("message") => v["message"]["body"].as_str(),
                    Some("activity") => v["preview"].as_str(),
                    _ => None,
                };
                if let Some(body) = body {
                    let sent = pending.lock().map_err(|_| "poisoned")?.remove(body);
                    if let Some(t0) = sent {
                        times.push(t0.elapsed());
                    }
                } else if v["type"] == "resync" {
                    return Err("the operator fell behind (resync)".into());
                }
            }
            _ = stop.changed() => return Ok(times),
        }
    }
}

/// Sends one message every `period` for `seconds`, returning send→ack times
/// with when each send started.
async fn sender(
    url: String,
    channel: String,
    period: Duration,
    offset: Duration,
    seconds: u64,
    pending: Pending,
) -> Result<Vec<(Instant, Duration)>, String> {
    let mut ws = visitor(&url, &channel).await?;
    // Senders start spread over one period, so the total rate is even rather
    // than a burst from every sender at the same instant.
    tokio::time::sleep(offset).await;
    let mut times = Vec::new();
    let end = Instant::now() + Duration::from_secs(seconds);
    let mut tick = tokio::time::interval(period);
    while Instant::now() < end {
        tick.tick().await;
        let id = uuid::Uuid::new_v4().to_string();
        let t0 = Instant::now();
        let body = format!("load {id}");
        pending
            .lock()
            .map_err(|_| "poisoned")?
            .insert(body.clone(), t0);
        send(
            &mut ws,
            json!({"type": "send", "message_id": id, "body": body}),
        )
        .await?;
        loop {
            let v = recv(&mut ws).await?;
            if v["type"] == "ack" && v["message_id"] == id.as_str() {
                times.push((t0, t0.elapsed()));
                break;
            }
            if v["type"] == "error" {
                return Err(format!("server refused a message: {v}"));
            }
        }
    }
    Ok(times)
}

#[tokio::main]
async fn main() -> Result<(), String> {
    let a = args()?;
    let before = rss_kib(a.pid);
    let mut idle = Vec::with_capacity(a.idle);
    let opened = Instant::now();
    for chunk in (0..a.idle).collect::<Vec<_>>().chunks(100) {
        let batch =
            futures::future::join_all(chunk.iter().map(|_| visitor(&a.url, &a.channel))).await;
        for ws in batch {
            idle.push(ws?);
        }
    }
    let open_secs = opened.elapsed().as_secs_f64();
    tokio::time::sleep(Duration::from_secs(1)).await;
    let after = rss_kib(a.pid);

    let cookie = sign_in(&a.url, &a.email, &a.password).await?;
    let pending: Pending = Default::default();
    let (ready, is_ready) = tokio::sync::oneshot::channel();
    let (stop, stopped) = tokio::sync::watch::channel(false);
    let inbox = tokio::spawn(operator(
        a.url.clone(),
        cookie,
        pending.clone(),
        ready,
        stopped,
    ));
    is_ready.await.map_err(|_| "the operator did not connect")?;

    // Each sender stays under the per-connection rate limit (5/s).
    let per_sender = 4u32;
    let senders = a.rate.div_ceil(per_sender).max(1);
    let period = Duration::from_secs_f64(f64::from(senders) / f64::from(a.rate));
    let started = Instant::now();
    let runs = futures::future::join_all((0..senders).map(|i| {
        let offset = period.mul_f64(f64::from(i) / f64::from(senders));
        sender(
            a.url.clone(),
            a.channel.clone(),
            period,
            offset,
            a.seconds,
            pending.clone(),
        )
    }))
    .await;
    // Let the last messages reach the inbox.
    tokio::time::sleep(Duration::from_millis(500)).await;
    let _ = stop.send(true);
    let mut relayed = inbox.await.map_err(|e| e.to_string())??;
    relayed.sort();
    let lost = pending.lock().map_err(|_| "poisoned")?.len();
    let mut all: Vec<(Instant, Duration)> = Vec::new();
    for r in runs {
        all.extend(r?);
    }
    // Steady state leaves out the first second, when every sender is new
    // (its first message also creates its conversation).
    let warm = started + Duration::from_secs(1);
    let mut times: Vec<Duration> = all.iter().map(|(_, d)| *d).collect();
    let mut steady: Vec<Duration> = all
        .iter()
        .filter(|(t, _)| *t >= warm)
        .map(|(_, d)| *d)
        .collect();
    times.sort();
    steady.sort();
    let pct = |v: &[Duration], p: f64| {
        v.get(((v.len() as f64 * p) as usize).min(v.len().saturating_sub(1)))
            .map_or(0.0, |d| d.as_secs_f64() * 1000.0)
    };
    let held = idle.len();
    println!("| figure | value |");
    println!("|---|---:|");
    println!("| idle visitor connections held | {held} (opened in {open_secs:.1} s) |");
    println!("| server RSS before / after | {before} KiB / {after} KiB |");
    if held > 0 && a.pid != 0 {
        println!(
            "| server RSS per idle connection | {:.1} KiB |",
            (after.saturating_sub(before)) as f64 / held as f64
        );
    }
    println!(
        "| messages sent (acked) | {} over {} s by {senders} visitors |",
        times.len(),
        a.seconds
    );
    println!(
        "| send → ack latency p50 / p99, all | {:.2} ms / {:.2} ms |",
        pct(&times, 0.50),
        pct(&times, 0.99)
    );
    println!(
        "| send → ack latency p50 / p99, after the first second | {:.2} ms / {:.2} ms |",
        pct(&steady, 0.50),
        pct(&steady, 0.99)
    );
    println!(
        "| visitor → operator latency p50 / p99 | {:.2} ms / {:.2} ms ({} messages, {lost} not seen) |",
        pct(&relayed, 0.50),
        pct(&relayed, 0.99),
        relayed.len()
    );
    drop(idle);
    Ok(())
}
