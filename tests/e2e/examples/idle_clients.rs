//! Measures the client at scale against a sandbox running as a separate process (so its memory
//! is not counted): N accounts are created and N clients (in-memory stores) paired and logged in;
//! then it reports the marginal memory per idle logged-in client, the connect+login time of a
//! paired client, and the reconnect time after the server restarts.
//!
//! ```text
//! cargo build -p wazap-sandbox && cargo run -p wazap-e2e --example idle_clients -- 1000
//! ```
//! Options after N: `--batch K` (first prekey batch, default 812), `--parallel P` (pairings in
//! flight, default 64), `--no-restart` (skip the restart measurement, and so the sandbox's
//! persistence, for large N). The sandbox binary is found next to this example's directory
//! (`target/debug/wazap-sandbox`) or at `$WAZAP_SANDBOX`.
use std::io::{BufRead, BufReader};
use std::net::SocketAddr;
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use tokio::sync::Semaphore;
use wazap::crypto::PublicKey;
use wazap::store::MemoryDeviceStore;
use wazap::{Client, ClientConfig, Event};
use wazap_e2e::{http, next_qr, scan_qr, wait_for};

fn rss_kib() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or(0)
}

struct SandboxProcess {
    child: Child,
    ws_url: String,
    addr: SocketAddr,
    root: PublicKey,
}

impl Drop for SandboxProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn sandbox_binary() -> std::path::PathBuf {
    if let Ok(path) = std::env::var("WAZAP_SANDBOX") {
        return path.into();
    }
    let exe = std::env::current_exe().expect("current exe");
    exe.parent().and_then(|p| p.parent()).expect("target dir").join("wazap-sandbox")
}

/// Starts the sandbox binary; with `data`, its state persists there (needed to restart it).
fn start_sandbox(listen: &str, data: Option<&std::path::Path>) -> SandboxProcess {
    let mut command = Command::new(sandbox_binary());
    command.args(["--listen", listen]);
    if let Some(data) = data {
        command.arg("--data").arg(data);
    }
    let mut child = command
        .env("RUST_LOG", "error")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("start the sandbox binary (cargo build -p wazap-sandbox)");
    let mut line = String::new();
    BufReader::new(child.stdout.take().expect("stdout")).read_line(&mut line).expect("ready line");
    let ready: serde_json::Value = serde_json::from_str(&line).expect("ready JSON");
    let ws_url = ready["ws_url"].as_str().expect("ws_url").to_owned();
    let addr = ws_url
        .trim_start_matches("ws://")
        .trim_end_matches("/ws/chat")
        .parse()
        .expect("sandbox address");
    let root_hex = ready["root_public_key"].as_str().expect("root key");
    let root_bytes: Vec<u8> = (0..root_hex.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&root_hex[i..i + 2], 16).expect("hex"))
        .collect();
    let root = PublicKey::from_bytes(&root_bytes).expect("32-byte root key");
    SandboxProcess { child, ws_url, addr, root }
}

/// Creates account `i` and pairs a new client with it by QR; returns once it is logged in.
async fn pair(addr: SocketAddr, i: u32, config: ClientConfig) -> (Client, wazap::client::Events) {
    let phone = format!("1555{i:07}");
    let body = serde_json::json!({ "phone": phone });
    let (status, _) = http(addr, "POST", "/control/accounts", Some(&body)).await;
    assert_eq!(status, 201);
    let client = Client::new(Arc::new(MemoryDeviceStore::new()), config);
    let mut events = client.events();
    client.connect().await.expect("connect");
    let qr = next_qr(&mut events).await;
    scan_qr(addr, &phone, &qr).await;
    wait_for(&mut events, |e| *e == Event::Connected).await;
    (client, events)
}

fn arg(args: &[String], flag: &str, default: u32) -> u32 {
    args.iter()
        .position(|a| a == flag)
        .and_then(|i| args.get(i + 1))
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let n: u32 = args.first().and_then(|a| a.parse().ok()).unwrap_or(100);
    let batch = arg(&args, "--batch", 812);
    let parallel = arg(&args, "--parallel", 64) as usize;
    let data = std::env::temp_dir().join(format!("wazap-idle-{}", std::process::id()));
    std::fs::create_dir_all(&data).unwrap();
    // Persisting the sandbox's state rewrites its file on every change, which slows pairing
    // down quadratically: only the restart measurement needs it.
    let restart = !args.iter().any(|a| a == "--no-restart");
    let sandbox = start_sandbox("127.0.0.1:0", restart.then_some(data.as_path()));
    let mut config = ClientConfig {
        url: sandbox.ws_url.clone(),
        trusted_root: sandbox.root,
        ..ClientConfig::default()
    };
    config.pre_keys.initial_batch = batch;
    config.reconnect.max_delay = Duration::from_secs(5);

    // Warm up the runtime and allocator with one client, then take the baseline.
    let addr = sandbox.addr;
    let warm = pair(addr, 0, config.clone()).await;
    tokio::time::sleep(Duration::from_millis(200)).await;
    let base = rss_kib();

    let started = Instant::now();
    let gate = Arc::new(Semaphore::new(parallel));
    let mut tasks = tokio::task::JoinSet::new();
    for i in 1..=n {
        let (gate, config) = (gate.clone(), config.clone());
        tasks.spawn(async move {
            let _permit = gate.acquire().await.expect("semaphore");
            pair(addr, i, config).await
        });
    }
    let mut clients = Vec::with_capacity(n as usize);
    while let Some(done) = tasks.join_next().await {
        clients.push(done.expect("pairing task"));
    }
    let pairing = started.elapsed();
    tokio::time::sleep(Duration::from_secs(1)).await;
    let loaded = rss_kib();
    let connected = clients.iter().filter(|(c, _)| c.is_logged_in()).count();
    println!("clients logged in: {connected} of {n} (first prekey batch {batch})");
    println!(
        "pairing all: {:.1} s ({:.1} ms per client, {parallel} in flight)",
        pairing.as_secs_f64(),
        pairing.as_secs_f64() * 1000.0 / n as f64
    );
    println!("RSS: baseline {base} KiB, with {n} idle clients {loaded} KiB");
    println!(
        "marginal memory per idle logged-in client: {:.1} KiB",
        (loaded.saturating_sub(base)) as f64 / n as f64
    );

    // connect+login of a paired client (login payload, success, prekey count, passive).
    let samples = clients.len().min(50);
    let mut total = Duration::ZERO;
    for (client, events) in clients.iter_mut().take(samples) {
        client.disconnect().await;
        let t = Instant::now();
        client.connect().await.expect("reconnect");
        wait_for(events, |e| *e == Event::Connected).await;
        total += t.elapsed();
    }
    println!(
        "connect+login (paired, mean of {samples}): {:.1} ms",
        total.as_secs_f64() * 1000.0 / samples as f64
    );

    if !restart {
        return;
    }
    // Reconnect after a drop: the sandbox restarts on the same port with its saved state.
    let listen = sandbox.addr.to_string();
    drop(sandbox);
    let dropped = Instant::now();
    let sandbox = start_sandbox(&listen, Some(&data));
    let restarted = dropped.elapsed();
    wait_for(&mut clients[0].1, |e| *e == Event::Connected).await;
    println!(
        "reconnect after a drop: first client logged in again {:.0} ms after the drop (server down {:.0} ms; backoff base 1 s with jitter)",
        dropped.elapsed().as_secs_f64() * 1000.0,
        restarted.as_secs_f64() * 1000.0
    );
    let t = Instant::now();
    for (_, events) in clients.iter_mut().skip(1) {
        wait_for(events, |e| *e == Event::Connected).await;
    }
    println!("all {n} clients logged in again {:.1} s later", t.elapsed().as_secs_f64());
    assert!(clients.iter().all(|(c, _)| c.is_logged_in()));
    drop(warm);
    drop(clients);
    drop(sandbox);
    let _ = std::fs::remove_dir_all(&data);
}
