//! History sync from the client's side: the client downloads the blobs its phone announces
//! from the sandbox's media host (hosts from `media_conn`), decrypts, inflates and decodes
//! them, saves their LID pairs and emits `HistorySync` events; `Client::download` verifies
//! what it fetches.
use wazap::binary::Jid;
use wazap::crypto::media::MediaError;
use wazap::media::{MediaRef, TransferError};
use wazap::proto::{protocol_message::Type, HistorySyncNotification};
use wazap::types::HistorySync;
use wazap::{ClientError, Event};
use wazap_e2e::{http, link_companion_with_welcome, wait_for, wait_for_inbox, Companion};

async fn create(sandbox: &wazap_sandbox::SandboxHandle, phone: &str, name: &str) {
    let body = serde_json::json!({ "phone": phone, "push_name": name });
    let (status, value) =
        http(sandbox.local_addr(), "POST", "/control/accounts", Some(&body)).await;
    assert_eq!(status, 201, "{value}");
}

async fn history_event(c: &mut Companion) -> HistorySync {
    match wait_for(&mut c.events, |e| matches!(e, Event::HistorySync(_))).await {
        Event::HistorySync(sync) => *sync,
        _ => unreachable!(),
    }
}

/// Links a companion to `phone`; its history-sync notifications, in the order they came.
async fn companion_with_notifications(
    sandbox: &wazap_sandbox::SandboxHandle,
    phone: &str,
) -> (Companion, Vec<HistorySyncNotification>) {
    let (companion, welcome) = link_companion_with_welcome(sandbox, phone).await;
    let notifications = welcome
        .iter()
        .filter_map(|(_, content)| {
            let message = content.proto.clone();
            let protocol = message.protocol_message?;
            (protocol.r#type() == Type::HistorySyncNotification)
                .then_some(protocol.history_sync_notification?)
        })
        .collect();
    (companion, notifications)
}

#[tokio::test]
async fn a_new_companion_receives_its_history_as_events() {
    let sandbox = wazap_e2e::sandbox().await;
    let (alice, bob) = ("15550031001", "15550031002");
    create(&sandbox, alice, "Alice").await;
    create(&sandbox, bob, "Bob").await;
    let body = serde_json::json!({ "creator": alice, "subject": "Chess", "participants": [bob] });
    let (status, value) = http(sandbox.local_addr(), "POST", "/control/groups", Some(&body)).await;
    assert_eq!(status, 201, "{value}");
    let group = value["jid"].as_str().unwrap().to_owned();
    let body = serde_json::json!({ "from": bob, "to": alice, "text": "rematch tonight?" });
    let (status, value) = http(sandbox.local_addr(), "POST", "/control/send", Some(&body)).await;
    assert_eq!(status, 200, "{value}");
    let said = value["id"].as_str().unwrap().to_owned();
    wait_for_inbox(&sandbox, alice, |e| e["text"] == "rematch tonight?").await;

    let (mut companion, notifications) = companion_with_notifications(&sandbox, alice).await;
    assert_eq!(notifications.len(), 2);
    let bob_pn: Jid = format!("{bob}@s.whatsapp.net").parse().unwrap();

    // The bootstrap first, as the phone sent it.
    let bootstrap = history_event(&mut companion).await;
    assert_eq!(bootstrap.sync_type, "initial_bootstrap");
    let with_bob = bootstrap
        .conversations
        .iter()
        .find(|c| c.chat == bob_pn.to_string())
        .expect("the chat with Bob");
    let message = &with_bob.messages[0];
    assert_eq!((message.id.as_str(), message.from_me), (said.as_str(), false));
    let content = message.message.as_ref().expect("content");
    assert_eq!(content.text(), Some("rematch tonight?"));
    let chess = bootstrap.conversations.iter().find(|c| c.chat == group).expect("the group");
    assert_eq!(chess.name.as_deref(), Some("Chess"));
    assert_eq!(bootstrap.proto.conversations.len(), bootstrap.conversations.len());
    let pair = bootstrap.lid_mappings.iter().find(|m| m.pn == bob_pn.to_string()).expect("Bob");
    // The pair is in the client's LID map.
    assert_eq!(companion.client.lid_for_pn(&bob_pn).map(|l| l.to_string()), Some(pair.lid.clone()));

    // Then the push names.
    let names = history_event(&mut companion).await;
    assert_eq!(names.sync_type, "push_name");
    let bob_name = names.push_names.iter().find(|p| p.jid == bob_pn.to_string());
    assert_eq!(bob_name.map(|p| p.name.as_str()), Some("Bob"));

    // Fetching a notification by hand gives what the event carried.
    let again = wazap_e2e::bounded(companion.client.download_history_sync(&notifications[0]))
        .await
        .expect("manual download");
    assert_eq!(again, bootstrap);
}

#[tokio::test]
async fn downloads_verify_what_they_fetch() {
    let sandbox = wazap_e2e::sandbox().await;
    let (alice, bob) = ("15550031101", "15550031102");
    create(&sandbox, alice, "Alice").await;
    create(&sandbox, bob, "Bob").await;
    // A chat, so the bootstrap blob is larger than a few AES blocks.
    let body = serde_json::json!({ "from": bob, "to": alice, "text": "a line of history" });
    let (status, value) = http(sandbox.local_addr(), "POST", "/control/send", Some(&body)).await;
    assert_eq!(status, 200, "{value}");
    wait_for_inbox(&sandbox, alice, |e| e["text"] == "a line of history").await;
    let config = wazap::ClientConfig { download_history: false, ..wazap_e2e::config(&sandbox) };
    // With automatic downloads off, only the notifications arrive.
    let store = std::sync::Arc::new(wazap::store::MemoryDeviceStore::new());
    let client = wazap::Client::new(store, config);
    let mut events = client.events();
    wazap_e2e::bounded(client.connect()).await.expect("connect");
    let qr = wazap_e2e::next_qr(&mut events).await;
    wazap_e2e::scan_qr(sandbox.local_addr(), alice, &qr).await;
    let welcome = wazap_e2e::connected_and_welcomed(&mut events).await;
    let notification = welcome
        .iter()
        .find_map(|(_, content)| {
            let message = content.proto.clone();
            message.protocol_message?.history_sync_notification
        })
        .expect("a history sync notification");
    let media = MediaRef::from_history_notification(&notification).expect("downloadable");

    // The real file: decrypted, and its announced length.
    let plain = wazap_e2e::bounded(client.download(&media)).await.expect("download");
    assert_eq!(Some(plain.len() as u64), notification.file_length);

    let fails = |media: MediaRef| {
        let client = client.clone();
        async move {
            match wazap_e2e::bounded(client.download(&media)).await {
                Err(ClientError::Media(e)) => e,
                other => panic!("expected a download error, got {other:?}"),
            }
        }
    };
    // Another key: the MAC does not match.
    let e = fails(MediaRef { media_key: [7; 32], ..media.clone() }).await;
    assert!(matches!(e, TransferError::Media(MediaError::MacMismatch)), "{e}");
    // Bytes that are not the announced file.
    let e = fails(MediaRef { file_enc_sha256: [7; 32], ..media.clone() }).await;
    assert!(matches!(e, TransferError::Media(MediaError::EncHashMismatch)), "{e}");
    let e = fails(MediaRef { file_sha256: Some([7; 32]), ..media.clone() }).await;
    assert!(matches!(e, TransferError::Media(MediaError::PlainHashMismatch)), "{e}");
    // A file the host does not have.
    let gone = MediaRef { direct_path: "/v/sandbox/00.enc?ccb=11-4".into(), ..media.clone() };
    let e = fails(gone).await;
    assert!(matches!(e, TransferError::Status { status: 404 }), "{e}");
    // A host that sends more than the file can be.
    assert!(plain.len() > 64);
    let e = fails(MediaRef { file_length: Some(1), ..media.clone() }).await;
    assert!(matches!(e, TransferError::TooLarge { limit: 26 }), "{e}");
    // A file of another length than announced.
    let longer = Some(plain.len() as u64 + 1);
    let e = fails(MediaRef { file_length: longer, ..media.clone() }).await;
    assert!(matches!(e, TransferError::LengthMismatch { .. }), "{e}");

    // No HistorySync event came by itself.
    while let Some(event) = events.try_recv() {
        assert!(!matches!(event, Event::HistorySync(_)), "{event:?}");
    }
}
