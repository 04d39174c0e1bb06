//! The ticket list and Kanban under a large desk: signs in as staff and asks
//! for the lists the Tickets page asks for (over the app's HTTP API, as the
//! page does), one after another, and reports each shape's p50, p95 and
//! worst time. The desk is seeded by `bench/tickets.sh`.

use std::time::{Duration, Instant};

/// What the page asks for, by name: the filter as the API takes it.
fn shapes(team: i64) -> Vec<(&'static str, serde_json::Value)> {
    let base = serde_json::json!({
        "assignee": null, "mine": false, "unassigned": false, "team": null, "stage": null,
        "priority": null, "tag": null, "text": null, "include_closed": false,
        "sort": "updated", "limit": 0,
    });
    let with = |changes: serde_json::Value| {
        let mut f = base.clone();
        if let (Some(f), Some(c)) = (f.as_object_mut(), changes.as_object()) {
            for (k, v) in c {
                f.insert(k.clone(), v.clone());
            }
        }
        f
    };
    vec![
        (
            "all open (the list's first page)",
            with(serde_json::json!({})),
        ),
        (
            "one team (the Kanban)",
            with(serde_json::json!({"team": team})),
        ),
        ("unassigned", with(serde_json::json!({"unassigned": true}))),
        (
            "urgent only",
            with(serde_json::json!({"priority": "urgent"})),
        ),
        ("newest first", with(serde_json::json!({"sort": "created"}))),
        (
            "a word in one ticket in seven",
            with(serde_json::json!({"text": "printer"})),
        ),
        // Nothing matches: every open ticket is read.
        (
            "a word no ticket has",
            with(serde_json::json!({"text": "zebra"})),
        ),
        ("by number", with(serde_json::json!({"text": "#54321"}))),
        (
            "closed too, oldest first",
            with(serde_json::json!({"include_closed": true, "sort": "oldest"})),
        ),
    ]
}

fn arg(name: &str) -> Option<String> {
    let mut args = std::env::args();
    while let Some(a) = args.next() {
        if a == name {
            return args.next();
        }
    }
    None
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let url = arg("--url").unwrap_or_else(|| "http://127.0.0.1:3200".into());
    let email = arg("--email").ok_or("--email")?;
    let password = arg("--password").ok_or("--password")?;
    let team: i64 = arg("--team").unwrap_or_else(|| "1".into()).parse()?;
    let requests: usize = arg("--requests").unwrap_or_else(|| "200".into()).parse()?;
    let client = reqwest::Client::builder().cookie_store(true).build()?;
    let login = client
        .post(format!("{url}/api/login"))
        .header("accept", "application/json")
        .form(&[("email", email.as_str()), ("password", password.as_str())])
        .send()
        .await?;
    if !login.status().is_success() {
        return Err(format!("sign-in failed: {}", login.status()).into());
    }
    println!("| query | rows | p50 | p95 | worst |");
    println!("|---|---:|---:|---:|---:|");
    for (name, filter) in shapes(team) {
        let body = serde_json::json!({ "filter": filter });
        let ask = || async {
            let started = Instant::now();
            let res = client
                .post(format!("{url}/api/helpdesk/tickets"))
                .header("accept", "application/json")
                .json(&body)
                .send()
                .await?;
            if !res.status().is_success() {
                return Err(format!("{name}: {} {}", res.status(), res.text().await?).into());
            }
            let rows = res.json::<Vec<serde_json::Value>>().await?.len();
            Ok::<_, Box<dyn std::error::Error>>((started.elapsed(), rows))
        };
        // Warm the caches the way a working day does.
        for _ in 0..10 {
            ask().await?;
        }
        let mut times = Vec::with_capacity(requests);
        let mut rows = 0;
        for _ in 0..requests {
            let (t, n) = ask().await?;
            times.push(t);
            rows = n;
        }
        times.sort();
        let ms = |d: Duration| format!("{:.1} ms", d.as_secs_f64() * 1000.0);
        println!(
            "| {name} | {rows} | {} | {} | {} |",
            ms(percentile(&times, 0.5)),
            ms(percentile(&times, 0.95)),
            ms(times[times.len() - 1])
        );
    }
    Ok(())
}
