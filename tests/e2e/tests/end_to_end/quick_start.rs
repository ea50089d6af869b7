//! The README's Rust quick start (examples/echo_bot.rs, compiled into this test) against the
//! sandbox: it pairs, a simulated phone writes to it, the echo and the read receipt reach that
//! phone's inbox, and it keeps running.
use std::sync::Arc;
use std::time::Duration;

use serde_json::{json, Value};
use wazap::store::MemoryDeviceStore;
use wazap::{Client, Event};
use wazap_e2e::{bounded, config, create_account, http, next_qr, sandbox, scan_qr, wait_for};

#[allow(dead_code)] // its `main` is the example's
#[path = "../../examples/echo_bot.rs"]
mod example;

#[tokio::test]
async fn the_echo_bot_answers_a_phone() {
    let sandbox = sandbox().await;
    let (bot, friend) = ("15550017001", "15550017002");
    create_account(&sandbox, bot).await;
    create_account(&sandbox, friend).await;
    let client = Client::new(Arc::new(MemoryDeviceStore::new()), config(&sandbox));
    let mut events = client.events();
    let running = tokio::spawn(example::echo_bot(client.clone()));
    let qr = next_qr(&mut events).await;
    scan_qr(sandbox.local_addr(), bot, &qr).await;
    wait_for(&mut events, |e| *e == Event::Connected).await;

    let addr = sandbox.local_addr();
    let body = json!({ "from": friend, "to": bot, "text": "ping" });
    let (status, sent) = http(addr, "POST", "/control/send", Some(&body)).await;
    assert_eq!(status, 200, "{sent}");
    let ping = sent["id"].as_str().expect("id").to_owned();
    let inbox = bounded(async {
        loop {
            let (_, inbox) =
                http(addr, "GET", &format!("/control/inbox?phone={friend}"), None).await;
            let entries = inbox.as_array().cloned().unwrap_or_default();
            let echoed = entries.iter().any(|e| e["kind"] == "text" && e["text"] == "ping");
            let read = entries
                .iter()
                .any(|e| e["kind"] == "receipt" && e["text"] == "read" && e["id"] == ping.as_str());
            if echoed && read {
                return entries;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    })
    .await;
    let echo: &Value = inbox.iter().find(|e| e["kind"] == "text").expect("echo");
    assert_eq!(echo["chat"], format!("{bot}@s.whatsapp.net"));

    assert!(!running.is_finished(), "the bot stopped early: {:?}", running.await);
    running.abort();
    client.disconnect().await;
}
