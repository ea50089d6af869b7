//! The wazap peer of the interop suites (`tests/interop/`): a wazap client that another
//! language's test drives over stdin/stdout, so that unmodified whatsmeow or Baileys talk to a
//! real wazap client through the sandbox.
//!
//! A contract (the whatsmeow and Baileys suites depend on it; keep these names):
//! `interop_peer --ws URL --root-key HEX --control URL --phone PHONE --store PATH`
//! - connects; an unpaired store is paired by QR through the control API (`POST {control}/pair`
//!   with the first QR code), as the account's phone would scan it;
//! - prints one JSON line per event on stdout: `{"event": <the core's Event JSON>}`;
//! - reads JSON lines on stdin, `{"id":N,"call":"<name>","args":{...}}`, and answers each with
//!   `{"id":N,"ok":<json>}` or `{"id":N,"error":"..."}` (calls run concurrently);
//! - exits when stdin closes (after disconnecting);
//! - logs the core's warnings and errors on stderr (`RUST_LOG` filters).
//!
//! Calls: `info` → `{jid, lid}`; `send_text {to, text}` and `send_image {to, path, mimetype,
//! caption}` → `{id, timestamp}`; `download {message}` (a `message` event's `message`) →
//! `{base64, len}`; `mark_read {ids, chat, sender}`; `send_chat_state {chat, state, media}`
//! (`composing`/`paused`, `audio` or none); `send_presence {presence}`
//! (`available`/`unavailable`); `subscribe_presence {jid}`; any other name goes to
//! `Client::request` (`create_group {name, participants}`, `group_info {group}`…).
use std::io::Write;
use std::net::SocketAddr;
use std::sync::Arc;

use base64::Engine;
use serde::Deserialize;
use serde_json::{json, Value};
use wazap::binary::Jid;
use wazap::client::{ChatState, ChatStateMedia, Presence};
use wazap::crypto::PublicKey;
use wazap::media::MediaKind;
use wazap::store::SqliteStore;
use wazap::types::MessageContent;
use wazap::{Client, ClientConfig, Event};

struct Args {
    ws: String,
    root_key: String,
    control: String,
    phone: String,
    store: String,
}

const USAGE: &str =
    "usage: interop_peer --ws URL --root-key HEX --control URL --phone PHONE --store PATH";

fn parse_args() -> Result<Args, String> {
    let mut values = std::collections::HashMap::new();
    let mut args = std::env::args().skip(1);
    while let Some(flag) = args.next() {
        let value = args.next().ok_or(format!("{flag} needs a value"))?;
        values.insert(flag, value);
    }
    let mut take = |flag: &str| values.remove(flag).ok_or(format!("missing {flag}"));
    let args = Args {
        ws: take("--ws")?,
        root_key: take("--root-key")?,
        control: take("--control")?,
        phone: take("--phone")?,
        store: take("--store")?,
    };
    match values.keys().next() {
        Some(unknown) => Err(format!("unknown argument {unknown}")),
        None => Ok(args),
    }
}

/// One line on stdout (events and answers share it; a line is written whole).
fn print_line(value: &Value) {
    let mut out = std::io::stdout().lock();
    let _ = writeln!(out, "{value}");
    let _ = out.flush();
}

/// The control API's address and path prefix, from `http://HOST:PORT/PREFIX`.
fn control_address(url: &str) -> Result<(SocketAddr, String), String> {
    let rest = url.strip_prefix("http://").ok_or("--control must be an http:// URL")?;
    let (host, prefix) = rest.split_once('/').unwrap_or((rest, ""));
    let addr = host.parse().map_err(|e| format!("--control host {host:?}: {e}"))?;
    Ok((addr, format!("/{}", prefix.trim_end_matches('/')).replace("//", "/")))
}

/// The phone scans `qr` (`POST {control}/pair`).
async fn scan(control: &(SocketAddr, String), phone: &str, qr: &str) -> Result<(), String> {
    let body = json!({ "phone": phone, "qr": qr });
    let path = format!("{}/pair", control.1.trim_end_matches('/'));
    let (status, answer) = wazap_e2e::http(control.0, "POST", &path, Some(&body)).await;
    if status != 200 {
        return Err(format!("POST {path}: {status} {answer}"));
    }
    Ok(())
}

fn arg<T: for<'de> Deserialize<'de>>(call: &str, args: &Value) -> Result<T, String> {
    serde_json::from_value(args.clone()).map_err(|e| format!("{call}: {e}"))
}

fn address(text: &str) -> Result<Jid, String> {
    Jid::parse_address(text).map_err(|e| e.to_string())
}

#[derive(Deserialize)]
struct SendText {
    to: String,
    text: String,
}

#[derive(Deserialize)]
struct SendImage {
    to: String,
    path: String,
    mimetype: Option<String>,
    caption: Option<String>,
}

#[derive(Deserialize)]
struct Download {
    message: MessageContent,
}

#[derive(Deserialize)]
struct MarkRead {
    ids: Vec<String>,
    chat: String,
    sender: Option<String>,
}

#[derive(Deserialize)]
struct SendChatState {
    chat: String,
    state: String,
    media: Option<String>,
}

#[derive(Deserialize)]
struct SendPresence {
    presence: String,
}

#[derive(Deserialize)]
struct Subscribe {
    jid: String,
}

async fn call(client: &Client, name: &str, args: Value) -> Result<Value, String> {
    let error = |e: wazap::ClientError| e.to_string();
    Ok(match name {
        "info" => json!({
            "jid": client.jid().map(|j| j.to_string()),
            "lid": client.lid().map(|j| j.to_string()),
        }),
        "send_text" => {
            let a: SendText = arg(name, &args)?;
            json!(client.send_text(address(&a.to)?, &a.text).await.map_err(error)?)
        }
        "send_image" => {
            let a: SendImage = arg(name, &args)?;
            let data = std::fs::read(&a.path).map_err(|e| format!("{}: {e}", a.path))?;
            let kind = MediaKind::Image { caption: a.caption };
            let sent = client
                .send_media(address(&a.to)?, data, a.mimetype.as_deref(), kind, None)
                .await
                .map_err(error)?;
            json!(sent)
        }
        "download" => {
            let a: Download = arg(name, &args)?;
            let message = a.message.decode().map_err(|e| format!("message.raw: {e}"))?;
            let data = client.download_message(&message).await.map_err(error)?;
            let encoded = base64::engine::general_purpose::STANDARD.encode(&data);
            json!({ "base64": encoded, "len": data.len() })
        }
        "mark_read" => {
            let a: MarkRead = arg(name, &args)?;
            let sender = a.sender.as_deref().map(address).transpose()?;
            client.mark_read(&a.ids, address(&a.chat)?, sender).await.map_err(error)?;
            Value::Null
        }
        "send_chat_state" => {
            let a: SendChatState = arg(name, &args)?;
            let state = match a.state.as_str() {
                "composing" => ChatState::Composing,
                "paused" => ChatState::Paused,
                other => return Err(format!("state {other:?}: composing or paused")),
            };
            let media = match a.media.as_deref() {
                None | Some("") | Some("text") => ChatStateMedia::Text,
                Some("audio") => ChatStateMedia::Audio,
                Some(other) => return Err(format!("media {other:?}: audio or none")),
            };
            client.send_chat_presence(address(&a.chat)?, state, media).await.map_err(error)?;
            Value::Null
        }
        "send_presence" => {
            let a: SendPresence = arg(name, &args)?;
            let presence = match a.presence.as_str() {
                "available" => Presence::Available,
                "unavailable" => Presence::Unavailable,
                other => return Err(format!("presence {other:?}: available or unavailable")),
            };
            client.send_presence(presence).await.map_err(error)?;
            Value::Null
        }
        "subscribe_presence" => {
            let a: Subscribe = arg(name, &args)?;
            client.subscribe_presence(address(&a.jid)?).await.map_err(error)?;
            Value::Null
        }
        _ => {
            let answer =
                client.request(name, &args.to_string()).await.map_err(|e| e.to_string())?;
            serde_json::from_str(&answer).map_err(|e| e.to_string())?
        }
    })
}

/// Prints every event; the first QR code of an unpaired store goes to the phone.
async fn forward_events(
    mut events: wazap::client::Events,
    pair: Option<((SocketAddr, String), String)>,
) {
    let mut pair = pair;
    while let Some(event) = events.recv().await {
        if let (Event::Qr { code, .. }, Some((control, phone))) = (&event, pair.take()) {
            let code = code.clone();
            tokio::spawn(async move {
                if let Err(e) = scan(&control, &phone, &code).await {
                    eprintln!("interop_peer: pairing by QR failed: {e}");
                    std::process::exit(1);
                }
            });
        }
        match serde_json::to_value(&event) {
            Ok(value) => print_line(&json!({ "event": value })),
            Err(e) => eprintln!("interop_peer: event not serializable: {e}"),
        }
    }
}

/// Stdin's lines, read on a thread of their own (the channel closes with stdin).
fn stdin_lines() -> tokio::sync::mpsc::UnboundedReceiver<String> {
    let (tx, rx) = tokio::sync::mpsc::unbounded_channel();
    std::thread::spawn(move || {
        for line in std::io::stdin().lines().map_while(Result::ok) {
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    rx
}

async fn run(args: Args) -> Result<(), String> {
    let root = hex::decode(&args.root_key).map_err(|e| format!("--root-key: {e}"))?;
    let mut config = ClientConfig {
        url: args.ws.clone(),
        trusted_root: PublicKey::from_bytes(&root).map_err(|e| format!("--root-key: {e}"))?,
        device_name: "wazap interop peer".to_owned(),
        ..ClientConfig::default()
    };
    // A first prekey batch of 50, as the end-to-end suites use: 812 took seconds to store.
    config.pre_keys.initial_batch = 50;
    let control = control_address(&args.control)?;
    let store = SqliteStore::open(&args.store).map_err(|e| format!("{}: {e}", args.store))?;
    let client = Client::new(Arc::new(store.account("peer")), config);
    let pair = client.jid().is_none().then(|| (control, args.phone.clone()));
    let events = tokio::spawn(forward_events(client.events(), pair));
    client.connect().await.map_err(|e| format!("connect: {e}"))?;

    let mut lines = stdin_lines();
    let mut calls = tokio::task::JoinSet::new();
    while let Some(line) = lines.recv().await {
        if line.trim().is_empty() {
            continue;
        }
        let request: Value = match serde_json::from_str(&line) {
            Ok(v) => v,
            Err(e) => {
                print_line(&json!({ "id": null, "error": format!("not JSON: {e}") }));
                continue;
            }
        };
        let client = client.clone();
        calls.spawn(async move {
            let id = request.get("id").cloned().unwrap_or(Value::Null);
            let name = request.get("call").and_then(Value::as_str).unwrap_or_default().to_owned();
            let args = request.get("args").cloned().unwrap_or_else(|| json!({}));
            match call(&client, &name, args).await {
                Ok(ok) => print_line(&json!({ "id": id, "ok": ok })),
                Err(error) => print_line(&json!({ "id": id, "error": error })),
            }
        });
    }
    while calls.join_next().await.is_some() {}
    client.disconnect().await;
    events.abort();
    Ok(())
}

fn main() {
    // The core's warnings and errors on stderr (`RUST_LOG` for more), where the suites look.
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn"));
    tracing_subscriber::fmt().with_writer(std::io::stderr).with_env_filter(filter).init();
    let args = match parse_args() {
        Ok(args) => args,
        Err(e) => {
            eprintln!("interop_peer: {e}\n{USAGE}");
            std::process::exit(2);
        }
    };
    match wazap::runtime::block_on(run(args)) {
        Ok(Ok(())) => {}
        Ok(Err(e)) => {
            eprintln!("interop_peer: {e}");
            std::process::exit(1);
        }
        Err(e) => {
            eprintln!("interop_peer: {e}");
            std::process::exit(1);
        }
    }
}
