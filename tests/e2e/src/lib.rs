//! Helpers of the end-to-end suites: start a sandbox, point a client at it, play the phone over
//! the sandbox's control API (plain HTTP/1.1 on loopback), wait for events with a bound.
pub mod soak;

use std::future::Future;
use std::time::Duration;

use serde_json::Value;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use wazap::client::Events;
use wazap::{ClientConfig, Event};
use wazap_sandbox::{Sandbox, SandboxConfig, SandboxHandle};

/// Bound on any single expected step.
pub const WAIT: Duration = Duration::from_secs(20);

pub async fn bounded<F: Future>(f: F) -> F::Output {
    tokio::time::timeout(WAIT, f).await.expect("test step timed out")
}

pub async fn sandbox() -> SandboxHandle {
    Sandbox::start(SandboxConfig::ephemeral()).await.expect("sandbox starts")
}

/// A client config for `sandbox`: its URL and root key, quick reconnects, small prekey batches.
pub fn config(sandbox: &SandboxHandle) -> ClientConfig {
    let mut config = ClientConfig {
        url: sandbox.ws_url().to_owned(),
        trusted_root: sandbox.root_public_key(),
        device_name: "wazap e2e".to_owned(),
        ..ClientConfig::default()
    };
    config.reconnect.base_delay = Duration::from_millis(50);
    config.reconnect.max_delay = Duration::from_millis(500);
    config.pre_keys.initial_batch = 50;
    config
}

/// An HTTP/1.1 request to the sandbox; returns the status and the JSON body (`Null` if none).
pub async fn http(
    addr: std::net::SocketAddr,
    method: &str,
    path: &str,
    body: Option<&Value>,
) -> (u16, Value) {
    let body = body.map(Value::to_string).unwrap_or_default();
    let exchange = async {
        let mut stream = TcpStream::connect(addr).await.expect("tcp connect");
        let request = format!(
            "{method} {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\nContent-Type: \
             application/json\r\nContent-Length: {}\r\n\r\n{body}",
            body.len()
        );
        stream.write_all(request.as_bytes()).await.expect("write request");
        let mut response = Vec::new();
        stream.read_to_end(&mut response).await.expect("read response");
        response
    };
    let response =
        tokio::time::timeout(Duration::from_secs(60), exchange).await.expect("HTTP in time");
    let text = String::from_utf8(response).expect("UTF-8 response");
    let (head, body) = text.split_once("\r\n\r\n").expect("HTTP head");
    let status = head.split(' ').nth(1).and_then(|s| s.parse().ok()).expect("status");
    let body = if head.to_ascii_lowercase().contains("transfer-encoding: chunked") {
        dechunk(body)
    } else {
        body.to_owned()
    };
    (status, serde_json::from_str(&body).unwrap_or(Value::Null))
}

fn dechunk(mut body: &str) -> String {
    let mut out = String::new();
    while let Some((size, rest)) = body.split_once("\r\n") {
        let size = usize::from_str_radix(size.trim(), 16).unwrap_or(0);
        if size == 0 || rest.len() < size {
            break;
        }
        out.push_str(&rest[..size]);
        body = rest[size..].trim_start_matches("\r\n");
    }
    out
}

/// Creates an account (a phone with its simulated primary device).
pub async fn create_account(sandbox: &SandboxHandle, phone: &str) {
    let body = serde_json::json!({ "phone": phone, "push_name": "E2E" });
    let (status, value) =
        http(sandbox.local_addr(), "POST", "/control/accounts", Some(&body)).await;
    assert_eq!(status, 201, "account creation: {value}");
}

/// The phone scans `qr`; returns the new device JID.
pub async fn scan_qr(addr: std::net::SocketAddr, phone: &str, qr: &str) -> String {
    let body = serde_json::json!({ "phone": phone, "qr": qr });
    let (status, value) = http(addr, "POST", "/control/pair", Some(&body)).await;
    assert_eq!(status, 200, "pair: {value}");
    value["device_jid"].as_str().expect("device_jid").to_owned()
}

/// The phone's user types the pairing `code`; returns the new device JID.
pub async fn enter_code(addr: std::net::SocketAddr, phone: &str, code: &str) -> String {
    let body = serde_json::json!({ "phone": phone, "code": code });
    let (status, value) = http(addr, "POST", "/control/pair-code", Some(&body)).await;
    assert_eq!(status, 200, "pair-code: {value}");
    value["device_jid"].as_str().expect("device_jid").to_owned()
}

/// The account's devices as the sandbox sees them.
pub async fn devices(sandbox: &SandboxHandle, phone: &str) -> Vec<Value> {
    let (status, value) =
        http(sandbox.local_addr(), "GET", &format!("/control/devices?phone={phone}"), None).await;
    assert_eq!(status, 200, "devices: {value}");
    value.as_array().cloned().unwrap_or_default()
}

/// The first event matching `pred` (others are skipped), within [`WAIT`].
pub async fn wait_for<F: FnMut(&Event) -> bool>(events: &mut Events, mut pred: F) -> Event {
    bounded(async {
        loop {
            let event = events.recv().await.expect("client dropped");
            if pred(&event) {
                return event;
            }
        }
    })
    .await
}

/// The next QR code.
pub async fn next_qr(events: &mut Events) -> String {
    match wait_for(events, |e| matches!(e, Event::Qr { .. })).await {
        Event::Qr { code, .. } => code,
        _ => unreachable!(),
    }
}

/// A linked companion: its client, an event subscription and its device JID.
pub struct Companion {
    pub client: wazap::Client,
    pub events: Events,
    pub jid: wazap::binary::Jid,
    pub store: std::sync::Arc<wazap::store::MemoryDeviceStore>,
}

/// How many peer messages a sandbox phone sends each new companion: the app state key share and
/// two history sync notifications (initial bootstrap, push names).
pub const WELCOME_MESSAGES: usize = 3;

/// Links a new in-memory companion to `phone`'s account by QR, waits until it is logged in and
/// has received what the phone sends every new companion ([`WELCOME_MESSAGES`]), so that tests
/// start from a quiet event stream.
pub async fn link_companion(sandbox: &SandboxHandle, phone: &str) -> Companion {
    link_companion_with_welcome(sandbox, phone).await.0
}

/// A peer message from the account's phone, as it welcomes a new companion.
fn is_welcome(event: &Event) -> bool {
    matches!(event, Event::Message { info, message }
        if info.category.as_deref() == Some("peer") && message.kind() == "protocol")
}

/// [`link_companion`], also returning the phone's welcome messages in the order they came
/// (they may arrive before `Connected`: the phone sends them once the companion uploaded its
/// prekeys).
pub async fn link_companion_with_welcome(
    sandbox: &SandboxHandle,
    phone: &str,
) -> (Companion, Vec<(wazap::types::MessageInfo, wazap::types::MessageContent)>) {
    let store = std::sync::Arc::new(wazap::store::MemoryDeviceStore::new());
    let client = wazap::Client::new(store.clone(), config(sandbox));
    let mut events = client.events();
    bounded(client.connect()).await.expect("connect");
    let qr = next_qr(&mut events).await;
    scan_qr(sandbox.local_addr(), phone, &qr).await;
    wait_for(&mut events, |e| matches!(e, Event::PairSuccess { .. })).await;
    let welcome = connected_and_welcomed(&mut events).await;
    let jid = client.jid().expect("paired");
    (Companion { client, events, jid, store }, welcome)
}

/// After a pair success: waits for `Connected` and for the phone's welcome messages, which
/// may come before or after it; returns the latter in arrival order.
pub async fn connected_and_welcomed(
    events: &mut Events,
) -> Vec<(wazap::types::MessageInfo, wazap::types::MessageContent)> {
    let mut connected = false;
    let mut welcome = Vec::new();
    while !connected || welcome.len() < WELCOME_MESSAGES {
        let event = wait_for(events, |e| *e == Event::Connected || is_welcome(e)).await;
        match event {
            Event::Connected => connected = true,
            Event::Message { info, message } => welcome.push((*info, *message)),
            _ => unreachable!(),
        }
    }
    welcome
}

/// The next `Message` event's info and content.
pub async fn next_message(
    events: &mut Events,
) -> (wazap::types::MessageInfo, wazap::types::MessageContent) {
    match wait_for(events, |e| matches!(e, Event::Message { .. })).await {
        Event::Message { info, message } => (*info, *message),
        _ => unreachable!(),
    }
}

/// Links a companion whose device lives in `store` (e.g. an account of a `SqliteStore`);
/// returns the logged-in client and its events.
pub async fn link_companion_in(
    sandbox: &SandboxHandle,
    phone: &str,
    store: std::sync::Arc<dyn wazap::store::DeviceStore>,
) -> (wazap::Client, Events) {
    let client = wazap::Client::new(store, config(sandbox));
    let mut events = client.events();
    bounded(client.connect()).await.expect("connect");
    let qr = next_qr(&mut events).await;
    scan_qr(sandbox.local_addr(), phone, &qr).await;
    wait_for(&mut events, |e| matches!(e, Event::PairSuccess { .. })).await;
    wait_for(&mut events, |e| *e == Event::Connected).await;
    (client, events)
}

/// Starts a client over an already linked `store` (a restart) and waits until it is logged in.
pub async fn resume(
    sandbox: &SandboxHandle,
    store: std::sync::Arc<dyn wazap::store::DeviceStore>,
) -> (wazap::Client, Events) {
    let client = wazap::Client::new(store, config(sandbox));
    let mut events = client.events();
    bounded(client.connect()).await.expect("connect");
    wait_for(&mut events, |e| *e == Event::Connected).await;
    (client, events)
}

/// What `phone`'s simulated phone received and decrypted (`GET /control/inbox`).
pub async fn inbox(sandbox: &SandboxHandle, phone: &str) -> Vec<Value> {
    let (status, value) =
        http(sandbox.local_addr(), "GET", &format!("/control/inbox?phone={phone}"), None).await;
    assert_eq!(status, 200, "inbox: {value}");
    value.as_array().cloned().unwrap_or_default()
}

/// Polls `phone`'s inbox until an entry matches `pred` (the phones report no events), within
/// [`WAIT`]; returns the entry.
pub async fn wait_for_inbox<F: FnMut(&Value) -> bool>(
    sandbox: &SandboxHandle,
    phone: &str,
    mut pred: F,
) -> Value {
    bounded(async {
        loop {
            if let Some(entry) = inbox(sandbox, phone).await.into_iter().find(&mut pred) {
                return entry;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    })
    .await
}
