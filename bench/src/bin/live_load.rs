//! Bounded load on the live endpoints, written against docs/protocol.md only.
//! It holds `--idle` visitor connections open, reads the server's resident
//! memory before and after, signs in as an operator whose inbox follows every
//! conversation, then has visitors send `--rate` messages a second in total
//! for `--seconds`. Each message is timed twice: send → `ack` (given only
//! after a durable commit) and send → arrival in the operator's inbox.
//!
//! With `--operator-url`, the operator signs in and follows the inbox on
//! another node than the visitors' (`--url`), so the second time crosses
//! nodes.
//!
//! `--flood <seconds>` adds a throughput phase after the paced one:
//! `--flood-visitors` new connections on `--url` each keep up to
//! `--flood-window` messages unacknowledged and send as fast as the acks and
//! the documented per-connection limit (5 a second) allow. The limit caps
//! what one connection may send, so the offered load is at most 5 ×
//! visitors a second: many visitors with a small window (6,000 × 1) rather
//! than a few with a large one, which the limit would hold to 5 a second
//! each. The figures are acked messages a second (durable) and messages a
//! second that reached the operator (relayed).
//!
//! live-load --url ws://127.0.0.1:3200 --channel <uuid> --pid <server pid> \
//!           --email admin@… --password … --idle 2000 --rate 200 --seconds 10 \
//!           [--operator-url ws://127.0.0.1:3201] [--operator-pid <pid>] \
//!           [--flood 5 --flood-visitors 6000 --flood-window 1] [--label "…"]

use futures::{SinkExt, StreamExt};
use serde_json::{json, Value};
use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio_tungstenite::tungstenite::Message;

type Ws =
    tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

/// The per-connection limit of docs/protocol.md (`rate_limited`).
const RATE_PER_SEC: f64 = 5.0;
const RATE_BURST: f64 = 20.0;
/// Both this client and the server hold every socket; their descriptor
/// limit is 20,000 here.
const MAX_SOCKETS: usize = 19_000;
/// How long any one step (a connection, an ack, a sign-in) may take.
const STEP: Duration = Duration::from_secs(10);

struct Args {
    /// The visitors' node, `ws://host:port`.
    url: String,
    /// The operator's node (default: `url`).
    operator_url: String,
    channel: String,
    email: String,
    password: String,
    pid: u32,
    operator_pid: u32,
    idle: usize,
    rate: u32,
    seconds: u64,
    flood: u64,
    flood_visitors: usize,
    flood_window: usize,
    label: String,
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
    let url = get("url")?;
    let a = Args {
        operator_url: map.get("operator-url").cloned().unwrap_or(url.clone()),
        url,
        channel: get("channel")?,
        email: get("email")?,
        password: get("password")?,
        pid: num("pid", 0)? as u32,
        operator_pid: num("operator-pid", 0)? as u32,
        idle: num("idle", 1000)? as usize,
        rate: num("rate", 100)? as u32,
        seconds: num("seconds", 10)?,
        flood: num("flood", 0)?,
        flood_visitors: num("flood-visitors", 6000)? as usize,
        flood_window: num("flood-window", 1)?.max(1) as usize,
        label: map.get("label").cloned().unwrap_or_default(),
    };
    let flooders = if a.flood > 0 { a.flood_visitors } else { 0 };
    let sockets = a.idle + (senders(a.rate) as usize).max(flooders) + 1;
    if sockets > MAX_SOCKETS {
        return Err(format!(
            "{sockets} sockets at once (idle + max(senders, flood visitors) + operator); at most {MAX_SOCKETS}"
        ));
    }
    Ok(a)
}

/// Paced senders stay under the per-connection limit: 4 messages a second.
const PER_SENDER: u32 = 4;
fn senders(rate: u32) -> u32 {
    rate.div_ceil(PER_SENDER).max(1)
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

/// User + system CPU time of a process, in clock ticks (100 a second).
fn cpu_ticks(pid: u32) -> Option<u64> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // The command name may hold spaces; the fields after it do not.
    let mut fields = stat.rsplit_once(')')?.1.split_whitespace();
    let utime: u64 = fields.nth(11)?.parse().ok()?;
    let stime: u64 = fields.next()?.parse().ok()?;
    Some(utime + stime)
}

/// CPU time in clock ticks (100 a second) of the servers, this client and
/// the whole machine (busy: neither idle, waiting for I/O nor stolen).
#[derive(Default)]
struct Cpu {
    node1: Option<u64>,
    node2: Option<u64>,
    client: Option<u64>,
    busy: Option<u64>,
    steal: Option<u64>,
    cores: usize,
}

impl Cpu {
    fn sample(a: &Args) -> Self {
        let of = |pid: u32| if pid == 0 { None } else { cpu_ticks(pid) };
        // /proc/stat: cpu user nice system idle iowait irq softirq steal …
        let machine: Option<Vec<u64>> = std::fs::read_to_string("/proc/stat").ok().and_then(|s| {
            let line = s.lines().next()?.strip_prefix("cpu ")?.to_string();
            line.split_whitespace()
                .take(8)
                .map(|v| v.parse().ok())
                .collect()
        });
        let m = machine.filter(|m| m.len() == 8);
        Cpu {
            node1: of(a.pid),
            node2: of(a.operator_pid).filter(|_| a.operator_pid != a.pid),
            client: cpu_ticks(std::process::id()),
            busy: m.as_ref().map(|m| m[0] + m[1] + m[2] + m[5] + m[6]),
            steal: m.as_ref().map(|m| m[7]),
            cores: std::thread::available_parallelism().map_or(1, |n| n.get()),
        }
    }

    /// One table row: CPU shares over `secs` seconds.
    fn print(&self, phase: &str, secs: f64) {
        let share = |t: Option<u64>| t.map_or("-".into(), |t| format!("{:.0} %", t as f64 / secs));
        let nodes = match self.node2 {
            Some(n2) => format!("{} / {}", share(self.node1), share(Some(n2))),
            None => share(self.node1),
        };
        println!(
            "| {phase}: CPU of {} / this client; machine busy, stolen (100 % = one core of {}) | {nodes} / {}; {}, {} |",
            if self.node2.is_some() { "node 1 / node 2" } else { "the server" },
            self.cores,
            share(self.client),
            share(self.busy),
            share(self.steal),
        );
    }

    fn since(&self, before: &Cpu) -> Cpu {
        let d = |a: Option<u64>, b: Option<u64>| Some(a?.saturating_sub(b?));
        Cpu {
            node1: d(self.node1, before.node1),
            node2: d(self.node2, before.node2),
            client: d(self.client, before.client),
            busy: d(self.busy, before.busy),
            steal: d(self.steal, before.steal),
            cores: self.cores,
        }
    }
}

async fn within<T>(
    what: &str,
    f: impl std::future::Future<Output = Result<T, String>>,
) -> Result<T, String> {
    tokio::time::timeout(STEP, f)
        .await
        .map_err(|_| format!("{what}: no answer within {} s", STEP.as_secs()))?
}

fn frame(v: &Value) -> Message {
    let mut bytes = vec![0u8];
    bytes.extend(serde_json::to_vec(v).unwrap_or_default());
    Message::Binary(bytes.into())
}

async fn send(ws: &mut Ws, v: Value) -> Result<(), String> {
    ws.send(frame(&v)).await.map_err(|e| e.to_string())
}

/// The next tag-0 frame. Cancel-safe: a frame is consumed only when returned.
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
    within("visitor hello", async {
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
    })
    .await
}

/// Waits for the ack of `id`, skipping other frames (its own message echoed
/// back); an `error` is returned as one.
async fn ack(ws: &mut Ws, id: &str) -> Result<(), String> {
    within("ack", async {
        loop {
            let v = recv(ws).await?;
            if v["type"] == "ack" && v["message_id"] == id {
                return Ok(());
            }
            if v["type"] == "error" {
                return Err(format!("server refused a message: {v}"));
            }
        }
    })
    .await
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
    let response = within("sign-in", async {
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
        Ok(response)
    })
    .await?;
    response
        .lines()
        .find_map(|l| {
            let (name, value) = l.split_once(':')?;
            name.eq_ignore_ascii_case("set-cookie")
                .then(|| value.trim().split(';').next().unwrap_or("").to_string())
        })
        .ok_or_else(|| format!("sign-in failed: {}", response.lines().next().unwrap_or("")))
}

/// What the operator waits for and what it saw. Bodies are unique; the
/// phase is their first word (`load`, `flood`).
#[derive(Default)]
struct Tracker {
    /// Body → when it was first sent, until the operator sees it.
    sent: HashMap<String, Instant>,
    /// (flood phase, sent, arrived at the operator).
    seen: Vec<(bool, Instant, Instant)>,
}
type Shared = Arc<Mutex<Tracker>>;

fn lock(t: &Shared) -> Result<std::sync::MutexGuard<'_, Tracker>, String> {
    t.lock().map_err(|_| "poisoned".to_string())
}

fn track(t: &Shared, body: &str, at: Instant) -> Result<(), String> {
    lock(t)?.sent.insert(body.to_string(), at);
    Ok(())
}

/// Messages of a phase the operator has not seen.
fn unseen(t: &Shared, prefix: &str) -> Result<usize, String> {
    Ok(lock(t)?
        .sent
        .keys()
        .filter(|b| b.starts_with(prefix))
        .count())
}

/// Waits (at most `max`) until the operator has seen every message of a phase.
async fn settle(t: &Shared, prefix: &str, max: Duration) -> Result<(), String> {
    let until = Instant::now() + max;
    while unseen(t, prefix)? > 0 && Instant::now() < until {
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    Ok(())
}

/// The operator's inbox: records, for every visitor message in the tracker,
/// its arrival here. After a `resync` (the inbox fell behind) it reconnects,
/// as the admin app does, at most 5 times; returns how many times.
async fn operator(
    url: String,
    cookie: String,
    tracker: Shared,
    ready: tokio::sync::oneshot::Sender<()>,
    mut stop: tokio::sync::watch::Receiver<bool>,
) -> Result<u32, String> {
    use tokio_tungstenite::tungstenite::client::IntoClientRequest;
    let mut ready = Some(ready);
    let mut resyncs = 0;
    loop {
        let mut req = format!("{url}/api/inbox/live")
            .into_client_request()
            .map_err(|e| e.to_string())?;
        req.headers_mut()
            .insert("cookie", cookie.parse().map_err(|_| "bad cookie")?);
        let mut ws = within("operator inbox", async {
            let (mut ws, _) = tokio_tungstenite::connect_async_with_config(req, None, true)
                .await
                .map_err(|e| e.to_string())?;
            match recv(&mut ws).await? {
                v if v["type"] == "snapshot" => Ok(ws),
                v => Err(format!("expected snapshot, got {v}")),
            }
        })
        .await?;
        if let Some(ready) = ready.take() {
            let _ = ready.send(());
        }
        loop {
            tokio::select! {
                v = recv(&mut ws) => {
                    let v = v?;
                    let at = Instant::now();
                    // Conversations the operator has not opened come as
                    // `activity` with a preview; each body is unique.
                    let body = match v["type"].as_str() {
                        Some("message") => v["message"]["body"].as_str(),
                        Some("activity") => v["preview"].as_str(),
                        Some("resync") => break,
                        _ => None,
                    };
                    if let Some(body) = body {
                        let mut t = lock(&tracker)?;
                        if let Some(sent) = t.sent.remove(body) {
                            t.seen.push((body.starts_with("flood"), sent, at));
                        }
                    }
                }
                _ = stop.changed() => return Ok(resyncs),
            }
        }
        resyncs += 1;
        if resyncs > 5 {
            return Err("the operator fell behind (resync) more than 5 times".into());
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
    tracker: Shared,
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
        track(&tracker, &body, t0)?;
        send(
            &mut ws,
            json!({"type": "send", "message_id": id, "body": body}),
        )
        .await?;
        ack(&mut ws, &id).await?;
        times.push((t0, t0.elapsed()));
    }
    Ok(times)
}

/// A flood visitor: connected, with a conversation (one message acked), so
/// the flood measures messages, not first-run work.
async fn flood_visitor(url: &str, channel: &str) -> Result<Ws, String> {
    let mut ws = visitor(url, channel).await?;
    let id = uuid::Uuid::new_v4().to_string();
    send(
        &mut ws,
        json!({"type": "send", "message_id": id, "body": format!("warm {id}")}),
    )
    .await?;
    ack(&mut ws, &id).await?;
    Ok(ws)
}

#[derive(Default)]
struct FloodRun {
    /// (acked at, send → ack).
    acks: Vec<(Instant, Duration)>,
    /// Sends the server refused with `rate_limited` (resent later).
    limited: u32,
    /// Unacked when the drain time ran out.
    unacked: usize,
}

/// Keeps up to `window` messages unacked from `start` to `end`, sending as
/// soon as the window and the per-connection limit allow; then waits for the
/// last acks until `deadline`. `phase` (0..1) staggers the first send, so the
/// visitors do not all send at the same instant.
async fn flooder(
    mut ws: Ws,
    times: (Instant, Instant, Instant),
    window: usize,
    phase: f64,
    tracker: Shared,
) -> Result<FloodRun, String> {
    let (start, end, deadline) = times;
    let mut run = FloodRun::default();
    // id → (body, first sent); `retry` holds ids refused as rate_limited.
    let mut in_flight: HashMap<String, (String, Instant)> = HashMap::new();
    let mut retry: VecDeque<String> = VecDeque::new();
    // A token bucket like the server's, but starting empty: the rate the
    // flood measures is one the server allows for as long as it lasts.
    let mut tokens = phase;
    let mut at = start;
    tokio::time::sleep_until(start.into()).await;
    loop {
        let now = Instant::now();
        if now >= deadline || (now >= end && in_flight.is_empty()) {
            break;
        }
        tokens = (tokens + now.duration_since(at).as_secs_f64() * RATE_PER_SEC).min(RATE_BURST);
        at = now;
        let wants = |in_flight: &HashMap<_, _>, retry: &VecDeque<_>| {
            !retry.is_empty() || (now < end && in_flight.len() < window)
        };
        while tokens >= 1.0 && wants(&in_flight, &retry) {
            tokens -= 1.0;
            let (id, body) = match retry.pop_front() {
                Some(id) => {
                    let body = in_flight.get(&id).map(|(b, _)| b.clone());
                    (id, body.ok_or("a retry without its message")?)
                }
                None => {
                    let id = uuid::Uuid::new_v4().to_string();
                    let body = format!("flood {id}");
                    let t0 = Instant::now();
                    track(&tracker, &body, t0)?;
                    in_flight.insert(id.clone(), (body.clone(), t0));
                    (id, body)
                }
            };
            send(
                &mut ws,
                json!({"type": "send", "message_id": id, "body": body}),
            )
            .await?;
        }
        let wake = if wants(&in_flight, &retry) {
            now + Duration::from_secs_f64((1.0 - tokens).max(0.0) / RATE_PER_SEC)
        } else if now < end {
            end
        } else {
            deadline
        };
        tokio::select! {
            _ = tokio::time::sleep_until(wake.min(deadline).into()) => {}
            v = recv(&mut ws) => {
                let v = v?;
                let id = v["message_id"].as_str().unwrap_or("");
                match v["type"].as_str() {
                    Some("ack") => {
                        if let Some((_, t0)) = in_flight.remove(id) {
                            run.acks.push((Instant::now(), t0.elapsed()));
                        }
                    }
                    Some("error") if v["code"] == "rate_limited" && in_flight.contains_key(id) => {
                        run.limited += 1;
                        retry.push_back(id.to_string());
                    }
                    Some("error" | "resync") => return Err(format!("during the flood: {v}")),
                    _ => {}
                }
            }
        }
    }
    run.unacked = in_flight.len();
    Ok(run)
}

/// "p50 ms / p99 ms", as every latency row shows them.
fn p50_p99(v: &[Duration]) -> String {
    format!("{:.2} ms / {:.2} ms", pct(v, 0.50), pct(v, 0.99))
}

fn pct(v: &[Duration], p: f64) -> f64 {
    v.get(((v.len() as f64 * p) as usize).min(v.len().saturating_sub(1)))
        .map_or(0.0, |d| d.as_secs_f64() * 1000.0)
}

/// Opens `n` connections with `open`, 100 at a time.
async fn open_many<F, Fut>(n: usize, open: F) -> Result<Vec<Ws>, String>
where
    F: Fn() -> Fut,
    Fut: std::future::Future<Output = Result<Ws, String>>,
{
    let mut all = Vec::with_capacity(n);
    while all.len() < n {
        let batch = futures::future::join_all((all.len()..n.min(all.len() + 100)).map(|_| open()));
        for ws in batch.await {
            all.push(ws?);
        }
    }
    Ok(all)
}

#[tokio::main]
async fn main() -> Result<(), String> {
    let a = args()?;
    let before = rss_kib(a.pid);
    let opened = Instant::now();
    let idle = open_many(a.idle, || visitor(&a.url, &a.channel)).await?;
    let open_secs = opened.elapsed().as_secs_f64();
    tokio::time::sleep(Duration::from_secs(1)).await;
    let after = rss_kib(a.pid);

    // Sign-in goes to the operator's node (sessions are in the shared
    // database, so either would do).
    let cookie = sign_in(&a.operator_url, &a.email, &a.password).await?;
    let tracker: Shared = Default::default();
    let (ready, is_ready) = tokio::sync::oneshot::channel();
    let (stop, stopped) = tokio::sync::watch::channel(false);
    let inbox = tokio::spawn(operator(
        a.operator_url.clone(),
        cookie,
        tracker.clone(),
        ready,
        stopped,
    ));
    if is_ready.await.is_err() {
        return Err(match inbox.await {
            Ok(Err(e)) => format!("the operator did not connect: {e}"),
            _ => "the operator did not connect".into(),
        });
    }

    let senders = senders(a.rate);
    let period = Duration::from_secs_f64(f64::from(senders) / f64::from(a.rate.max(1)));
    let started = Instant::now();
    let cpu0 = Cpu::sample(&a);
    let runs = futures::future::join_all((0..senders).map(|i| {
        let offset = period.mul_f64(f64::from(i) / f64::from(senders));
        sender(
            a.url.clone(),
            a.channel.clone(),
            period,
            offset,
            a.seconds,
            tracker.clone(),
        )
    }))
    .await;
    let paced_cpu = Cpu::sample(&a).since(&cpu0);
    let paced_secs = started.elapsed().as_secs_f64();
    // Let the last messages reach the inbox.
    settle(&tracker, "load", Duration::from_secs(2)).await?;
    let lost = unseen(&tracker, "load")?;
    let mut all: Vec<(Instant, Duration)> = Vec::new();
    for r in runs {
        all.extend(r?);
    }

    let flood = if a.flood > 0 {
        Some(flood(&a, &tracker).await?)
    } else {
        None
    };

    let _ = stop.send(true);
    let resyncs = inbox.await.map_err(|e| e.to_string())??;
    let seen = std::mem::take(&mut lock(&tracker)?.seen);
    let mut relayed: Vec<Duration> = seen
        .iter()
        .filter(|(f, _, _)| !f)
        .map(|(_, s, r)| r.duration_since(*s))
        .collect();
    relayed.sort();
    let mut relayed_steady: Vec<Duration> = seen
        .iter()
        .filter(|(f, s, _)| !f && *s >= started + Duration::from_secs(1))
        .map(|(_, s, r)| r.duration_since(*s))
        .collect();
    relayed_steady.sort();
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
    let held = idle.len();
    println!("| figure | {} |", a.label);
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
        "| send → ack latency p50 / p99, all | {} |",
        p50_p99(&times)
    );
    println!(
        "| send → ack latency p50 / p99, after the first second | {} |",
        p50_p99(&steady)
    );
    let path = if a.operator_url == a.url {
        "visitor → operator"
    } else {
        "visitor → operator, across nodes"
    };
    println!(
        "| {path} latency p50 / p99 | {} ({} messages, {lost} not seen) |",
        p50_p99(&relayed),
        relayed.len()
    );
    println!(
        "| {path} latency p50 / p99, after the first second | {} |",
        p50_p99(&relayed_steady)
    );
    paced_cpu.print("paced", paced_secs);
    if let Some(f) = flood {
        f.print(&a, &seen);
    }
    if resyncs > 0 {
        println!("| operator inbox resyncs (reconnected) | {resyncs} |");
    }
    drop(idle);
    Ok(())
}

struct Flood {
    start: Instant,
    end: Instant,
    open_secs: f64,
    runs: Vec<FloodRun>,
    failed: Vec<String>,
    unseen: usize,
    /// CPU used during the flood.
    cpu: Cpu,
}

async fn flood(a: &Args, tracker: &Shared) -> Result<Flood, String> {
    let opened = Instant::now();
    let conns = open_many(a.flood_visitors, || flood_visitor(&a.url, &a.channel)).await?;
    let open_secs = opened.elapsed().as_secs_f64();
    let start = Instant::now() + Duration::from_millis(200);
    let end = start + Duration::from_secs(a.flood);
    let deadline = end + STEP;
    let n = conns.len();
    let cpu0 = Cpu::sample(a);
    let tasks: Vec<_> = conns
        .into_iter()
        .enumerate()
        .map(|(i, ws)| {
            tokio::spawn(flooder(
                ws,
                (start, end, deadline),
                a.flood_window,
                i as f64 / n as f64,
                tracker.clone(),
            ))
        })
        .collect();
    // CPU over the flood itself, not the drain after it.
    tokio::time::sleep_until(end.into()).await;
    let cpu = Cpu::sample(a).since(&cpu0);
    let mut runs = Vec::new();
    let mut failed = Vec::new();
    for t in tasks {
        match t.await.map_err(|e| e.to_string()).and_then(|r| r) {
            Ok(r) => runs.push(r),
            Err(e) => failed.push(e),
        }
    }
    settle(tracker, "flood", Duration::from_secs(5)).await?;
    Ok(Flood {
        start,
        end,
        open_secs,
        runs,
        failed,
        unseen: unseen(tracker, "flood")?,
        cpu,
    })
}

impl Flood {
    fn print(&self, a: &Args, seen: &[(bool, Instant, Instant)]) {
        let secs = self.end.duration_since(self.start).as_secs_f64();
        let inside = |t: &Instant| *t >= self.start && *t <= self.end;
        let mut acks: Vec<Duration> = self
            .runs
            .iter()
            .flat_map(|r| r.acks.iter().map(|(_, d)| *d))
            .collect();
        acks.sort();
        let acked_inside = self
            .runs
            .iter()
            .flat_map(|r| r.acks.iter())
            .filter(|(t, _)| inside(t))
            .count();
        let limited: u32 = self.runs.iter().map(|r| r.limited).sum();
        let unacked: usize = self.runs.iter().map(|r| r.unacked).sum();
        let flood_seen: Vec<_> = seen.iter().filter(|(f, _, _)| *f).collect();
        let relayed_inside = flood_seen.iter().filter(|(_, _, r)| inside(r)).count();
        let mut relay: Vec<Duration> = flood_seen
            .iter()
            .map(|(_, s, r)| r.duration_since(*s))
            .collect();
        relay.sort();
        let n = a.flood_visitors;
        println!(
            "| flood: visitors × window | {n} × {} (opened in {:.1} s), at most 5 msg/s each: offered ≤ {} msg/s |",
            a.flood_window,
            self.open_secs,
            (n as f64 * RATE_PER_SEC) as u64
        );
        println!(
            "| flood: acked (durable) msg/s over {secs:.0} s | {:.0} ({} acked in all, {unacked} unacked at the end, {limited} refused rate_limited) |",
            acked_inside as f64 / secs,
            acks.len()
        );
        println!(
            "| flood: relayed msg/s (reached the operator) over {secs:.0} s | {:.0} ({} seen in all, {} not seen) |",
            relayed_inside as f64 / secs,
            relay.len(),
            self.unseen
        );
        println!(
            "| flood: send → ack latency p50 / p99 | {} |",
            p50_p99(&acks)
        );
        println!(
            "| flood: visitor → operator latency p50 / p99 | {} |",
            p50_p99(&relay)
        );
        self.cpu.print("flood", secs);
        if let Some(e) = self.failed.first() {
            println!(
                "| flood: visitors that failed | {} (first: {}) |",
                self.failed.len(),
                e.replace('|', "\\|")
            );
        }
    }
}
