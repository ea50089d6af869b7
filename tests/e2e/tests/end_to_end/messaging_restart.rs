//! The messaging caches survive a restart on the same SQLite file: a retry receipt for a
//! message sent before the restart is answered from the stored retry buffer, devices that
//! already hold our group sender key get no second distribution message, and the LID↔phone
//! map is still known.
use std::sync::Arc;

use wazap::binary::Jid;
use wazap::store::{DeviceStore, SqliteStore};
use wazap::types::{MessageContent, MessageInfo};
use wazap::{Client, Event};
use wazap_e2e::{
    bounded, create_account, http, link_companion, link_companion_in, resume, sandbox, wait_for,
    Companion,
};

fn pn(phone: &str) -> Jid {
    Jid::pn(phone.to_owned())
}

/// The next `Message` or `UndecryptableMessage` event.
async fn next_outcome(events: &mut wazap::client::Events) -> Event {
    wait_for(events, |e| matches!(e, Event::Message { .. } | Event::UndecryptableMessage { .. }))
        .await
}

async fn message_with_text(c: &mut Companion, text: &str) -> (MessageInfo, MessageContent) {
    match wait_for(
        &mut c.events,
        |e| matches!(e, Event::Message { message, .. } if message.text() == Some(text)),
    )
    .await
    {
        Event::Message { info, message } => (*info, *message),
        _ => unreachable!(),
    }
}

/// B's companion forgets its session with `peer` (as after restoring an old backup).
fn lose_session(c: &Companion, peer: &Jid) {
    let device = c.store.load_device().unwrap().unwrap();
    let signal = c.store.signal_store(&device).unwrap();
    signal.delete_session(&wazap::message::protocol_address(peer)).unwrap();
}

struct TempDir(std::path::PathBuf);

impl TempDir {
    fn new() -> Self {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or(0);
        let dir = std::env::temp_dir().join(format!("wazap-e2e-{}-{nanos}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("temp dir");
        Self(dir)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

async fn stop(client: Client) {
    bounded(client.disconnect()).await;
    drop(client);
}

#[tokio::test]
async fn retries_sender_keys_and_lids_survive_a_restart_on_sqlite() {
    let sandbox = sandbox().await;
    let (a, b, c) = ("15550017001", "15550017002", "15550017003");
    for phone in [a, b, c] {
        create_account(&sandbox, phone).await;
    }
    let dir = TempDir::new();
    let path = dir.0.join("a.db");
    let store: Arc<dyn DeviceStore> = Arc::new(SqliteStore::open(&path).unwrap().account("a"));
    let (a1, _a_events) = link_companion_in(&sandbox, a, store).await;
    let a_device_lid = a1.lid().expect("lid");
    let mut b1 = link_companion(&sandbox, b).await;
    let mut c1 = link_companion(&sandbox, c).await;
    let b_lid = b1.client.lid().expect("lid").to_non_ad();

    let body = serde_json::json!({ "creator": a, "subject": "Restart", "participants": [b, c] });
    let (status, value) = http(sandbox.local_addr(), "POST", "/control/groups", Some(&body)).await;
    assert_eq!(status, 201, "group: {value}");
    let group: Jid = value["jid"].as_str().expect("jid").parse().expect("group jid");

    bounded(a1.send_text(pn(b), "hello")).await.unwrap();
    message_with_text(&mut b1, "hello").await;
    bounded(a1.send_text(group.clone(), "first in group")).await.unwrap();
    message_with_text(&mut b1, "first in group").await;
    message_with_text(&mut c1, "first in group").await;

    // B goes offline; A sends, then restarts from its SQLite file.
    bounded(b1.client.disconnect()).await;
    let away = bounded(a1.send_text(pn(b), "while you were away")).await.unwrap();
    stop(a1).await;
    let store: Arc<dyn DeviceStore> = Arc::new(SqliteStore::open(&path).unwrap().account("a"));
    let (a1, _a_events) = resume(&sandbox, store).await;

    // The LID map came back from the store, before any traffic about B.
    assert_eq!(a1.lid_for_pn(&pn(b)), Some(b_lid.clone()));
    assert_eq!(a1.pn_for_lid(&b_lid), Some(pn(b)));

    // C lost its session with A: a sender key distribution message sent again would be
    // encrypted with that session and fail. C holds A's sender key, so none is sent and the
    // group message decrypts at once.
    lose_session(&c1, &a_device_lid);
    let sent = bounded(a1.send_text(group.clone(), "second in group")).await.unwrap();
    match next_outcome(&mut c1.events).await {
        Event::Message { info, message } => {
            assert_eq!(info.id, sent.id);
            assert_eq!(message.text(), Some("second in group"));
        }
        other => panic!("expected the group message, got {other:?}"),
    }

    // B lost its session with A too and comes back: the queued message fails, B asks for a
    // retry, and the restarted A answers from its stored retry buffer.
    lose_session(&b1, &a_device_lid);
    bounded(b1.client.connect()).await.expect("reconnect");
    match next_outcome(&mut b1.events).await {
        Event::UndecryptableMessage { info, unavailable: false, .. } => {
            assert_eq!(info.id, away.id)
        }
        other => panic!("expected an undecryptable message first, got {other:?}"),
    }
    let (info, content) = message_with_text(&mut b1, "while you were away").await;
    assert_eq!(info.id, away.id);
    assert_eq!(content.text(), Some("while you were away"));
    // The group message C could read once is not emitted again.
    bounded(a1.send_text(group.clone(), "third in group")).await.unwrap();
    let (info, _) = match next_outcome(&mut c1.events).await {
        Event::Message { info, message } => (*info, *message),
        other => panic!("expected the next group message, got {other:?}"),
    };
    assert_eq!(info.chat, group);
    assert_ne!(info.id, sent.id);
}
