//! Bounded load on the visitor live endpoint, written against
//! docs/protocol.md only. It holds `--idle` visitor connections open, reads
//! the server's resident memory before and after, then has `--senders`
//! visitors send `--rate` messages a second in total for `--seconds`, timing
//! each send to its `ack` (which the server gives only after a durable commit).
//!
//! live-load --url ws://127.0.0.1:3200/widget/v1/live --channel <uuid> \
//!           --pid <server pid> --idle 2000 --rate 200 --seconds 10

use futures::{SinkExt, StreamExt};
use serde_json::{json, Value};
use std::collections::HashMap;
use std::time::{Duration, Instant};
use tokio_tungstenite::tungstenite::Message;

type Ws =
    tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

struct Args {
    url: String,
    channel: String,
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

/// Sends one message every `period` for `seconds`, returning send→ack times
/// with when each send started.
async fn sender(
    url: String,
    channel: String,
    period: Duration,
    offset: Duration,
    seconds: u64,
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
        send(
            &mut ws,
            json!({"type": "send", "message_id": id, "body": "load"}),
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

    // Each sender stays under the per-connection rate limit (5/s).
    let per_sender = 4u32;
    let senders = a.rate.div_ceil(per_sender).max(1);
    let period = Duration::from_secs_f64(f64::from(senders) / f64::from(a.rate));
    let started = Instant::now();
    let runs = futures::future::join_all((0..senders).map(|i| {
        let offset = period.mul_f64(f64::from(i) / f64::from(senders));
        sender(a.url.clone(), a.channel.clone(), period, offset, a.seconds)
    }))
    .await;
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
    drop(idle);
    Ok(())
}
