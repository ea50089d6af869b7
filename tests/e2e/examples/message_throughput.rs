//! Messages per second between two clients through the in-process sandbox on loopback, and
//! the send-to-receive latency (p50, p99). Run: `cargo run --release -p wazap-e2e --example
//! message_throughput -- [messages] [--rate R]` (default 5,000 messages as one burst; with
//! `--rate`, the sends are paced at R per second, so latency is the path's and not the queue's).
use std::collections::HashMap;
use std::time::{Duration, Instant};

use futures_util::future::join_all;
use wazap::binary::Jid;
use wazap::Event;
use wazap_e2e::{create_account, link_companion, sandbox};

#[tokio::main]
async fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let n: usize = args.first().and_then(|a| a.parse().ok()).unwrap_or(5_000);
    let rate: Option<f64> = args
        .iter()
        .position(|a| a == "--rate")
        .map(|i| args.get(i + 1).and_then(|r| r.parse().ok()).expect("--rate takes messages/s"));
    let sandbox = sandbox().await;
    let (a, b) = ("15550090001", "15550090002");
    create_account(&sandbox, a).await;
    create_account(&sandbox, b).await;
    let a1 = link_companion(&sandbox, a).await;
    let mut b1 = link_companion(&sandbox, b).await;
    let to = Jid::pn(b.to_owned());
    // Warm up: sessions and device lists.
    a1.client.send_text(to.clone(), "warm-up").await.expect("warm-up");
    loop {
        if let Some(Event::Message { .. }) = b1.events.recv().await {
            break;
        }
    }

    let start = Instant::now();
    let sent_at: HashMap<usize, Instant> = HashMap::new();
    let sent_at = std::sync::Arc::new(std::sync::Mutex::new(sent_at));
    let receiver = tokio::spawn({
        let sent_at = sent_at.clone();
        async move {
            let mut latencies = Vec::with_capacity(n);
            while latencies.len() < n {
                let Some(Event::Message { message, .. }) = b1.events.recv().await else {
                    continue;
                };
                let now = Instant::now();
                let Some(i) = message.text().and_then(|t| t.parse::<usize>().ok()) else {
                    continue;
                };
                if let Some(t0) = sent_at.lock().unwrap().get(&i) {
                    latencies.push(now - *t0);
                }
            }
            (Instant::now(), latencies)
        }
    });
    let sends = (0..n).map(|i| {
        let (client, to, sent_at) = (&a1.client, to.clone(), sent_at.clone());
        async move {
            if let Some(rate) = rate {
                let due = start + Duration::from_secs_f64(i as f64 / rate);
                tokio::time::sleep_until(due.into()).await;
            }
            sent_at.lock().unwrap().insert(i, Instant::now());
            client.send_text(to, &i.to_string()).await
        }
    });
    let results = join_all(sends).await;
    let failed = results.iter().filter(|r| r.is_err()).count();
    let (end, mut latencies) =
        tokio::time::timeout(Duration::from_secs(600), receiver).await.expect("in time").unwrap();
    let elapsed = end - start;
    latencies.sort();
    let pct = |p: f64| latencies[((latencies.len() as f64 * p) as usize).min(latencies.len() - 1)];
    let mode = match rate {
        Some(rate) => format!("paced at {rate}/s"),
        None => "one burst".to_owned(),
    };
    println!(
        "{n} messages in {:.2?} ({failed} failed): {:.0} msg/s; send-to-receive p50 {:.2?}, p99 {:.2?} ({mode})",
        elapsed,
        n as f64 / elapsed.as_secs_f64(),
        pct(0.50),
        pct(0.99)
    );
}
