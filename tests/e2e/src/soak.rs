//! A soak under faults: two wazap clients (A1, B1: companions of accounts A and B) and a
//! simulated phone (account C, no companion) exchange texts, 1:1 and in a group of the three,
//! in every direction, while the sandbox injects faults (`POST /control/faults`). Every text
//! names its sender, chat and sequence number (`soak a>b 17`, `soak c>g 3`), so each receiver
//! can tell whether it got every message exactly once (by id) and in order per chat.
//!
//! Halfway, B1 loses A1's sender key for the group (as after restoring an old backup): A1's
//! next group message cannot be decrypted there, B1 asks for it again with a retry receipt and
//! A1 answers under the session they have (no new session, no identity change). The sandbox
//! counts the retry receipts it relayed.
//!
//! Used by the suite (a bounded run) and by `examples/soak.rs` (the long run).
use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use futures_util::future::join_all;
use serde_json::{json, Value};
use tokio::sync::Notify;
use wazap::binary::Jid;
use wazap::store::DeviceStore;
use wazap::Event;
use wazap_sandbox::SandboxHandle;

use crate::{create_account, http, inbox, link_companion, Companion};

/// What a run does.
#[derive(Debug, Clone)]
pub struct SoakConfig {
    /// Rounds of traffic; each round every party sends one text to each of its two 1:1 chats
    /// and one to the group (9 messages).
    pub rounds: usize,
    /// The faults in force during the traffic (a `POST /control/faults` body).
    pub faults: Value,
    /// Account numbers start with this (distinct per run in one sandbox).
    pub phone_prefix: String,
    /// Bound on waiting for the last messages to arrive.
    pub settle: Duration,
}

impl SoakConfig {
    /// The faults: connections dropped every 500 ms, every frame delayed, a share of
    /// stanzas delivered twice.
    pub fn under_faults(rounds: usize, seed: u64) -> Self {
        Self {
            rounds,
            faults: json!({
                "drop_every_ms": 500,
                "delay_ms": 10,
                "duplicate_delivery_ratio": 0.1,
                "seed": seed,
            }),
            phone_prefix: "1555090".into(),
            settle: Duration::from_secs(60),
        }
    }
}

/// What a run measured.
#[derive(Debug, Clone, Default)]
pub struct SoakReport {
    /// Messages sent (each send answered by the server).
    pub sent: usize,
    /// Sends that failed (an error to the caller).
    pub failed_sends: usize,
    /// Deliveries expected (a group message counts once per receiving party).
    pub expected: usize,
    /// Deliveries that arrived exactly once.
    pub delivered_once: usize,
    pub lost: usize,
    /// Deliveries that arrived more than once (by id).
    pub doubled: usize,
    /// Messages that came after a later one of the same sender in the same chat.
    pub out_of_order: usize,
    /// `UndecryptableMessage` events (placeholders while a retry is under way).
    pub placeholders: usize,
    /// Placeholders whose message never came.
    pub undecryptable: usize,
    /// `IdentityChange` events (a session started over with a new identity).
    pub identity_changes: usize,
    /// `Disconnected` events seen by the two clients.
    pub disconnects: usize,
    /// Retry receipts the sandbox relayed.
    pub retry_receipts: u64,
    /// `GET /control/faults` after the traffic.
    pub faults: Value,
    pub elapsed: Duration,
}

impl std::fmt::Display for SoakReport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let injected = &self.faults["injected"];
        write!(
            f,
            "sent {} (failed {}), deliveries expected {}, once {}, lost {}, doubled {}, out of \
             order {}; placeholders {} (unresolved {}), identity changes {}; disconnects {}, \
             retry receipts {}; injected: drops {}, duplicates {}, delayed frames {}; resent \
             by clients {}; {:.1} s",
            self.sent,
            self.failed_sends,
            self.expected,
            self.delivered_once,
            self.lost,
            self.doubled,
            self.out_of_order,
            self.placeholders,
            self.undecryptable,
            self.identity_changes,
            self.disconnects,
            self.retry_receipts,
            injected["connections_dropped"],
            injected["stanzas_duplicated"],
            injected["frames_delayed"],
            self.faults["observed"]["messages_resent"],
            self.elapsed.as_secs_f64()
        )
    }
}

/// What one client's event task saw.
#[derive(Default)]
struct Log {
    /// (id, text) of every `soak` message, in arrival order.
    messages: Vec<(String, String)>,
    placeholders: Vec<String>,
    identity_changes: usize,
    disconnects: usize,
}

struct Watched {
    log: Arc<Mutex<Log>>,
    changed: Arc<Notify>,
}

impl Watched {
    fn start(mut events: wazap::client::Events) -> Self {
        let log = Arc::new(Mutex::new(Log::default()));
        let changed = Arc::new(Notify::new());
        let (task_log, task_changed) = (log.clone(), changed.clone());
        tokio::spawn(async move {
            while let Some(event) = events.recv().await {
                let mut log = task_log.lock().unwrap();
                match event {
                    Event::Message { info, message } => {
                        if let Some(text) = message.text().filter(|t| t.starts_with("soak ")) {
                            log.messages.push((info.id.clone(), text.to_owned()));
                        }
                    }
                    Event::UndecryptableMessage { info, .. } => log.placeholders.push(info.id),
                    Event::IdentityChange { .. } => log.identity_changes += 1,
                    Event::Disconnected { .. } => log.disconnects += 1,
                    _ => continue,
                }
                drop(log);
                task_changed.notify_waiters();
            }
        });
        Self { log, changed }
    }

    fn has_all(&self, ids: &[&String]) -> bool {
        let log = self.log.lock().unwrap();
        ids.iter().all(|id| log.messages.iter().any(|(got, _)| got == *id))
    }

    /// Waits until every id in `ids` arrived, at most `limit`; whether they all did.
    async fn wait_for_all(&self, ids: &[&String], limit: Duration) -> bool {
        let deadline = tokio::time::Instant::now() + limit;
        loop {
            let notified = self.changed.notified();
            if self.has_all(ids) {
                return true;
            }
            if tokio::time::timeout_at(deadline, notified).await.is_err() {
                return self.has_all(ids);
            }
        }
    }
}

/// One message sent: its id and text.
#[derive(Debug, Clone)]
struct Sent {
    id: String,
    text: String,
}

/// The parties: `a` and `b` are clients, `c` the phone.
const PARTIES: [char; 3] = ['a', 'b', 'c'];

/// Who receives a text of `route` (`"a>b"` or `"a>g"`).
fn receivers(route: &str) -> Vec<char> {
    let (from, to) = route.split_once('>').expect("route");
    let from = from.chars().next().expect("sender");
    match to {
        "g" => PARTIES.iter().copied().filter(|p| *p != from).collect(),
        other => vec![other.chars().next().expect("receiver")],
    }
}

/// The route and sequence number of a soak text.
fn parse(text: &str) -> Option<(String, usize)> {
    let mut words = text.split(' ').skip(1);
    let route = words.next()?.to_owned();
    let seq = words.next()?.parse().ok()?;
    Some((route, seq))
}

async fn phone_send(sandbox: &SandboxHandle, from: &str, to: &str, text: &str) -> Option<String> {
    let body = json!({ "from": from, "to": to, "text": text });
    let (status, value) = http(sandbox.local_addr(), "POST", "/control/send", Some(&body)).await;
    (status == 200).then(|| value["id"].as_str().unwrap_or_default().to_owned())
}

async fn client_send(client: &wazap::Client, to: Jid, text: &str) -> Option<String> {
    match client.send_text(to, text).await {
        Ok(sent) => Some(sent.id),
        Err(e) => {
            eprintln!("soak: send of {text:?} failed: {e}");
            None
        }
    }
}

/// B1 forgets A1's sender key in `group` (every name it could be under).
fn lose_sender_key(b1: &Companion, group: &Jid, a1: &Companion) {
    let device = b1.store.load_device().expect("device").expect("paired");
    let signal = b1.store.signal_store(&device).expect("signal store");
    let mut senders = vec![a1.jid.clone()];
    if let Some(lid) = a1.client.lid() {
        senders.push(lid.with_device(a1.jid.device));
    }
    for sender in senders {
        let name = wazap::message::sender_key_name(group, &sender);
        signal
            .store_sender_key(&name, &wazap::signal::SenderKeyRecord::new())
            .expect("sender key forgotten");
    }
}

/// Keeps a sent message under its route (or counts a failed send).
fn record(
    sent: &mut BTreeMap<String, Vec<Sent>>,
    failed: &mut usize,
    route: String,
    text: String,
    id: Option<String>,
) {
    match id {
        Some(id) => sent.entry(route).or_default().push(Sent { id, text }),
        None => *failed += 1,
    }
}

/// Runs a soak in `sandbox` (ephemeral, in this process).
pub async fn run(sandbox: &SandboxHandle, config: &SoakConfig) -> SoakReport {
    let numbers: HashMap<char, String> = PARTIES
        .iter()
        .map(|p| (*p, format!("{}{:04}", config.phone_prefix, *p as u32 - 'a' as u32 + 1)))
        .collect();
    for p in PARTIES {
        create_account(sandbox, &numbers[&p]).await;
    }
    let a1 = link_companion(sandbox, &numbers[&'a']).await;
    let b1 = link_companion(sandbox, &numbers[&'b']).await;
    let body = json!({
        "creator": numbers[&'a'], "subject": "Soak",
        "participants": [numbers[&'b'], numbers[&'c']],
    });
    let (status, value) = http(sandbox.local_addr(), "POST", "/control/groups", Some(&body)).await;
    assert_eq!(status, 201, "group: {value}");
    let group: Jid = value["jid"].as_str().expect("jid").parse().expect("group jid");
    let jid_of = |p: char| Jid::pn(numbers[&p].clone());

    let (mut a1, mut b1) = (a1, b1);
    let a1_events = std::mem::replace(&mut a1.events, a1.client.events());
    let b1_events = std::mem::replace(&mut b1.events, b1.client.events());
    let watched: HashMap<char, Watched> =
        [('a', Watched::start(a1_events)), ('b', Watched::start(b1_events))].into();

    let (status, view) =
        http(sandbox.local_addr(), "POST", "/control/faults", Some(&config.faults)).await;
    assert_eq!(status, 200, "faults: {view}");
    let began = Instant::now();
    let mut sent: BTreeMap<String, Vec<Sent>> = BTreeMap::new();
    let mut failed_sends = 0;
    for round in 0..config.rounds {
        if round == config.rounds / 2 {
            // The retry path: B1 cannot decrypt A1's next group message and asks again. B1
            // first gets what is on its way (a group message of A1 still in transit would
            // need a retry too, and arrive after later ones).
            let on_the_way: Vec<&String> = sent
                .iter()
                .filter(|(route, _)| receivers(route).contains(&'b'))
                .flat_map(|(_, list)| list.iter().map(|s| &s.id))
                .collect();
            watched[&'b'].wait_for_all(&on_the_way, config.settle).await;
            lose_sender_key(&b1, &group, &a1);
            let text = format!("soak a>g {round}");
            let id = client_send(&a1.client, group.clone(), &text).await;
            if let Some(id) = &id {
                watched[&'b'].wait_for_all(&[id], config.settle).await;
            }
            record(&mut sent, &mut failed_sends, "a>g".into(), text, id);
        }
        let text = |route: &str| format!("soak {route} {round}");
        let routes_a = ["a>b", "a>c", "a>g"];
        let routes_b = ["b>a", "b>c", "b>g"];
        let routes_c = ["c>a", "c>b", "c>g"];
        let skip_a_group = round == config.rounds / 2;
        let sends_a = routes_a.iter().filter(|r| !(skip_a_group && **r == "a>g")).map(|route| {
            let to = match *route {
                "a>b" => jid_of('b'),
                "a>c" => jid_of('c'),
                _ => group.clone(),
            };
            let (client, text, route) = (a1.client.clone(), text(route), route.to_string());
            async move { (route, text.clone(), client_send(&client, to, &text).await) }
        });
        let sends_b = routes_b.iter().map(|route| {
            let to = match *route {
                "b>a" => jid_of('a'),
                "b>c" => jid_of('c'),
                _ => group.clone(),
            };
            let (client, text, route) = (b1.client.clone(), text(route), route.to_string());
            async move { (route, text.clone(), client_send(&client, to, &text).await) }
        });
        let sends_c = routes_c.iter().map(|route| {
            let to = match *route {
                "c>a" => numbers[&'a'].clone(),
                "c>b" => numbers[&'b'].clone(),
                _ => group.to_string(),
            };
            let (text, route, from) = (text(route), route.to_string(), numbers[&'c'].clone());
            async move { (route, text.clone(), phone_send(sandbox, &from, &to, &text).await) }
        });
        let (a, b, c) = tokio::join!(join_all(sends_a), join_all(sends_b), join_all(sends_c));
        for (route, text, id) in a.into_iter().chain(b).chain(c) {
            record(&mut sent, &mut failed_sends, route, text, id);
        }
    }

    // Everything sent must arrive; then the faults stop and a marker per chat shows that
    // nothing more (a late duplicate) is on its way.
    for p in ['a', 'b'] {
        let ids: Vec<&String> = sent
            .iter()
            .filter(|(route, _)| receivers(route).contains(&p))
            .flat_map(|(_, list)| list.iter().map(|s| &s.id))
            .collect();
        watched[&p].wait_for_all(&ids, config.settle).await;
    }
    let elapsed = began.elapsed();
    let (_, faults) = http(sandbox.local_addr(), "GET", "/control/faults", None).await;
    http(sandbox.local_addr(), "DELETE", "/control/faults", None).await;
    let end = config.rounds + 1;
    let markers = [
        ("b>a", client_send(&b1.client, jid_of('a'), &format!("soak b>a {end}")).await),
        ("a>b", client_send(&a1.client, jid_of('b'), &format!("soak a>b {end}")).await),
        (
            "c>g",
            phone_send(sandbox, &numbers[&'c'], &group.to_string(), &format!("soak c>g {end}"))
                .await,
        ),
    ];
    for (route, id) in markers {
        let id = id.expect("marker sent without faults");
        for p in receivers(route).into_iter().filter(|p| *p != 'c') {
            assert!(watched[&p].wait_for_all(&[&id], config.settle).await, "marker {route}");
        }
    }
    // The phone's inbox: every soak text it got.
    let phone_texts: Vec<(String, String)> = inbox(sandbox, &numbers[&'c'])
        .await
        .into_iter()
        .filter(|e| e["kind"] != "receipt")
        .filter_map(|e| {
            let text = e["text"].as_str()?.to_owned();
            text.starts_with("soak ")
                .then(|| (e["id"].as_str().unwrap_or_default().to_owned(), text))
        })
        .collect();

    let mut report = SoakReport {
        sent: sent.values().map(Vec::len).sum(),
        failed_sends,
        faults: faults.clone(),
        retry_receipts: faults["observed"]["retry_receipts"].as_u64().unwrap_or(0),
        elapsed,
        ..SoakReport::default()
    };
    for p in PARTIES {
        let got: Vec<(String, String)> = match watched.get(&p) {
            Some(w) => {
                let log = w.log.lock().unwrap();
                report.placeholders += log.placeholders.len();
                report.identity_changes += log.identity_changes;
                report.disconnects += log.disconnects;
                report.undecryptable += log
                    .placeholders
                    .iter()
                    .filter(|id| !log.messages.iter().any(|(got, _)| got == *id))
                    .count();
                log.messages.clone()
            }
            None => phone_texts.clone(),
        };
        let mut counts: HashMap<&str, usize> = HashMap::new();
        for (id, _) in &got {
            *counts.entry(id.as_str()).or_default() += 1;
        }
        for (route, list) in &sent {
            if !receivers(route).contains(&p) {
                continue;
            }
            for message in list {
                report.expected += 1;
                match counts.get(message.id.as_str()).copied().unwrap_or(0) {
                    0 => {
                        report.lost += 1;
                        eprintln!("soak: {p} never got {:?} ({})", message.text, message.id);
                    }
                    1 => report.delivered_once += 1,
                    _ => report.doubled += 1,
                }
            }
        }
        // Order per chat and sender: the sequence numbers of first arrivals only rise.
        let mut last: HashMap<String, usize> = HashMap::new();
        let mut first_seen = std::collections::HashSet::new();
        for (id, text) in &got {
            if !first_seen.insert(id.clone()) {
                continue;
            }
            let Some((route, seq)) = parse(text) else { continue };
            if let Some(before) = last.insert(route.clone(), seq) {
                if seq <= before {
                    report.out_of_order += 1;
                    eprintln!("soak: {p} got {route} {seq} after {before}");
                }
            }
        }
    }
    a1.client.disconnect().await;
    b1.client.disconnect().await;
    report
}
