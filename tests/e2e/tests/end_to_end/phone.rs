//! The simulated phones against real clients: a phone's group text reaches every companion of
//! every member (sender key created once, handed out in per-device SKDMs); an echo account
//! answers a client's text in the client's chat.
use wazap::binary::Jid;
use wazap::types::{MessageContent, MessageInfo};
use wazap::Event;
use wazap_e2e::{
    create_account, http, link_companion, link_companion_with_welcome, wait_for, Companion,
};

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

async fn phone_sends(
    sandbox: &wazap_sandbox::SandboxHandle,
    from: &str,
    to: &str,
    text: &str,
) -> String {
    let body = serde_json::json!({ "from": from, "to": to, "text": text });
    let (status, value) = http(sandbox.local_addr(), "POST", "/control/send", Some(&body)).await;
    assert_eq!(status, 200, "send: {value}");
    value["id"].as_str().expect("id").to_owned()
}

/// Waits until the phone of `phone` has `text` in its inbox (the phone worker runs apart).
async fn inbox_has(
    sandbox: &wazap_sandbox::SandboxHandle,
    phone: &str,
    text: &str,
) -> serde_json::Value {
    wazap_e2e::bounded(async {
        loop {
            let path = format!("/control/inbox?phone={phone}");
            let (status, inbox) = http(sandbox.local_addr(), "GET", &path, None).await;
            assert_eq!(status, 200, "{inbox}");
            if let Some(e) = inbox.as_array().and_then(|l| l.iter().find(|e| e["text"] == text)) {
                return e.clone();
            }
            tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        }
    })
    .await
}

#[tokio::test]
async fn a_phone_text_to_a_group_reaches_every_member_device() {
    let sandbox = wazap_e2e::sandbox().await;
    let phones = ["15550020001", "15550020002", "15550020003"];
    for phone in phones {
        create_account(&sandbox, phone).await;
    }
    let mut devices = Vec::new();
    for phone in phones {
        devices.push(link_companion(&sandbox, phone).await);
        devices.push(link_companion(&sandbox, phone).await);
    }
    let body = serde_json::json!({ "creator": phones[0], "subject": "Team", "participants": &phones[1..] });
    let (status, value) = http(sandbox.local_addr(), "POST", "/control/groups", Some(&body)).await;
    assert_eq!(status, 201, "group: {value}");
    let group: Jid = value["jid"].as_str().unwrap().parse().unwrap();

    for text in ["hello team", "hello again"] {
        let id = phone_sends(&sandbox, phones[0], &group.to_string(), text).await;
        for (i, device) in devices.iter_mut().enumerate() {
            let (info, content) = message_with_text(device, text).await;
            assert_eq!(info.id, id);
            assert_eq!(info.chat, group);
            assert!(info.is_group);
            assert_eq!((info.sender.user.as_str(), info.sender.device), (phones[0], 0));
            assert_eq!(info.is_from_me, i < 2, "device {i}");
            assert_eq!(content.kind(), "text");
        }
        // The other members' phones decrypt it too.
        for phone in &phones[1..] {
            let entry = inbox_has(&sandbox, phone, text).await;
            assert_eq!(entry["chat"], group.to_string());
            assert_eq!(entry["id"], id.as_str());
        }
    }

    // A member's companion answers in the group; the sending phone decrypts it.
    devices[2].client.send_text(group.clone(), "answer from 2").await.expect("send");
    let entry = inbox_has(&sandbox, phones[0], "answer from 2").await;
    assert_eq!(entry["chat"], group.to_string());
}

#[tokio::test]
async fn an_echo_account_answers_a_client_in_its_chat() {
    let sandbox = wazap_e2e::sandbox().await;
    let (bot, user) = ("15550021001", "15550021002");
    let body = serde_json::json!({ "phone": bot, "push_name": "Echo", "echo": true });
    let (status, value) =
        http(sandbox.local_addr(), "POST", "/control/accounts", Some(&body)).await;
    assert_eq!(status, 201, "{value}");
    let bot_lid: Jid = value["lid"].as_str().expect("lid").parse().expect("lid jid");
    create_account(&sandbox, user).await;
    let mut client = link_companion(&sandbox, user).await;
    let mut other = link_companion(&sandbox, user).await;
    let bot_jid = Jid::pn(bot.to_owned());
    client.client.send_text(bot_jid.clone(), "ping").await.expect("send");

    // The echo comes from the bot's phone, in the chat with the bot, to every device of the user.
    for device in [&mut client, &mut other] {
        let (info, content) = wait_for(&mut device.events, |e| {
            matches!(e, Event::Message { info, message }
                if !info.is_from_me && message.text() == Some("ping"))
        })
        .await
        .into_message();
        assert_eq!(info.chat, bot_jid);
        assert_eq!((info.sender.user.as_str(), info.sender.device), (bot, 0));
        assert_eq!(content.kind(), "text");
    }

    // By LID too.
    client.client.send_text(bot_lid, "ping by lid").await.expect("send by lid");
    let (info, _) = wait_for(&mut client.events, |e| {
        matches!(e, Event::Message { info, message }
            if !info.is_from_me && message.text() == Some("ping by lid"))
    })
    .await
    .into_message();
    assert_eq!(info.sender.device, 0);
}

trait IntoMessage {
    fn into_message(self) -> (MessageInfo, MessageContent);
}

impl IntoMessage for Event {
    fn into_message(self) -> (MessageInfo, MessageContent) {
        match self {
            Event::Message { info, message } => (*info, *message),
            other => panic!("not a message: {other:?}"),
        }
    }
}

/// GET `path` from the sandbox's media host; the body bytes.
async fn download(sandbox: &wazap_sandbox::SandboxHandle, path: &str) -> Vec<u8> {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut stream = tokio::net::TcpStream::connect(sandbox.local_addr()).await.expect("connect");
    let request = format!("GET {path} HTTP/1.1\r\nHost: sandbox\r\nConnection: close\r\n\r\n");
    stream.write_all(request.as_bytes()).await.expect("write");
    let mut response = Vec::new();
    wazap_e2e::bounded(stream.read_to_end(&mut response)).await.expect("read");
    let head_end = response.windows(4).position(|w| w == b"\r\n\r\n").expect("head") + 4;
    let head = String::from_utf8_lossy(&response[..head_end]).to_string();
    assert!(head.starts_with("HTTP/1.1 200"), "{head}");
    assert!(!head.to_ascii_lowercase().contains("chunked"), "{head}");
    response[head_end..].to_vec()
}

/// Downloads, decrypts (history media keys) and inflates the blob a notification announces.
async fn history_blob(
    sandbox: &wazap_sandbox::SandboxHandle,
    n: &wazap::proto::HistorySyncNotification,
) -> wazap::proto::HistorySync {
    use prost::Message as _;
    use std::io::Read;
    let path = n.direct_path.as_deref().expect("direct path");
    let blob = download(sandbox, path).await;
    let key: [u8; 32] = n.media_key.as_deref().expect("media key").try_into().expect("32 bytes");
    let expected = wazap::crypto::media::Expected {
        file_enc_sha256: n.file_enc_sha256.as_deref().map(|h| h.try_into().expect("32 bytes")),
        file_sha256: n.file_sha256.as_deref().map(|h| h.try_into().expect("32 bytes")),
    };
    let compressed = wazap::crypto::media::decrypt(
        &blob,
        &key,
        wazap::crypto::media::MediaType::History,
        expected,
    )
    .expect("the blob decrypts and its hashes match");
    assert_eq!(Some(compressed.len() as u64), n.file_length);
    let mut plain = Vec::new();
    flate2::read::ZlibDecoder::new(compressed.as_slice()).read_to_end(&mut plain).expect("zlib");
    wazap::proto::HistorySync::decode(plain.as_slice()).expect("a HistorySync")
}

#[tokio::test]
async fn a_new_companion_gets_app_state_keys_and_the_history() {
    use wazap::proto::{protocol_message::Type, HistorySyncType};
    let sandbox = wazap_e2e::sandbox().await;
    let (alice, bob) = ("15550022001", "15550022002");
    for (phone, name) in [(alice, "Alice"), (bob, "Bob")] {
        let body = serde_json::json!({ "phone": phone, "push_name": name });
        let (status, value) =
            http(sandbox.local_addr(), "POST", "/control/accounts", Some(&body)).await;
        assert_eq!(status, 201, "{value}");
    }
    let body =
        serde_json::json!({ "creator": alice, "subject": "Book club", "participants": [bob] });
    let (status, value) = http(sandbox.local_addr(), "POST", "/control/groups", Some(&body)).await;
    assert_eq!(status, 201, "{value}");
    let group = value["jid"].as_str().unwrap().to_owned();
    // Bob's phone writes to Alice's phone before Alice links a companion.
    let said = phone_sends(&sandbox, bob, alice, "see you at eight").await;
    inbox_has(&sandbox, alice, "see you at eight").await;

    // Each peer message is one `protocol` message event (never a user text).
    let (_companion, welcome) = link_companion_with_welcome(&sandbox, alice).await;
    let mut key_shares = Vec::new();
    let mut notifications = Vec::new();
    for (info, content) in welcome {
        assert_eq!(content.kind(), "protocol", "{content:?}");
        assert!(content.text().is_none());
        assert!(info.is_from_me);
        assert_eq!((info.sender.user.as_str(), info.sender.device), (alice, 0));
        let raw = content.proto.clone();
        let protocol = raw.protocol_message.expect("a protocol message");
        match protocol.r#type() {
            Type::AppStateSyncKeyShare => {
                key_shares.push(protocol.app_state_sync_key_share.unwrap())
            }
            Type::HistorySyncNotification => {
                notifications.push(protocol.history_sync_notification.unwrap())
            }
            other => panic!("unexpected protocol message {other:?}"),
        }
    }
    assert_eq!((key_shares.len(), notifications.len()), (1, 2));
    let keys = &key_shares[0].keys;
    assert!(!keys.is_empty());
    for key in keys {
        assert_eq!(key.key_id.as_ref().and_then(|k| k.key_id.as_ref()).map(Vec::len), Some(6));
        let data = key.key_data.as_ref().expect("key data");
        assert_eq!(data.key_data.as_ref().map(Vec::len), Some(32));
        assert!(data.fingerprint.is_some() && data.timestamp.is_some_and(|t| t > 0));
    }
    // The bootstrap comes first, then the push names.
    assert_eq!(notifications[0].sync_type(), HistorySyncType::InitialBootstrap);
    assert_eq!(notifications[1].sync_type(), HistorySyncType::PushName);

    let bootstrap = history_blob(&sandbox, &notifications[0]).await;
    assert_eq!(bootstrap.sync_type(), HistorySyncType::InitialBootstrap);
    let chat = |id: &str| bootstrap.conversations.iter().find(|c| c.id.as_deref() == Some(id));
    let with_bob = chat(&format!("{bob}@s.whatsapp.net")).expect("the chat with Bob");
    let message = with_bob.messages[0].message.as_ref().expect("a message");
    let key = message.key.as_ref().expect("key");
    assert_eq!(key.id.as_deref(), Some(said.as_str()));
    assert_eq!(key.from_me, Some(false));
    assert_eq!(
        message.message.as_ref().and_then(|m| m.conversation.as_deref()),
        Some("see you at eight")
    );
    let club = chat(&group).expect("the group chat");
    assert_eq!(club.name.as_deref(), Some("Book club"));
    assert_eq!(club.participant.len(), 2);
    assert!(bootstrap
        .phone_number_to_lid_mappings
        .iter()
        .any(|m| m.pn_jid.as_deref() == Some(&format!("{bob}@s.whatsapp.net")[..])
            && m.lid_jid.as_deref().is_some_and(|l| l.ends_with("@lid"))));

    let names = history_blob(&sandbox, &notifications[1]).await;
    assert_eq!(names.sync_type(), HistorySyncType::PushName);
    let bob_name = names
        .pushnames
        .iter()
        .find(|p| p.id.as_deref() == Some(&format!("{bob}@s.whatsapp.net")[..]))
        .and_then(|p| p.pushname.as_deref());
    assert_eq!(bob_name, Some("Bob"));

    // A second companion gets the same app state keys (the phone keeps them per account).
    let (_second, welcome) = link_companion_with_welcome(&sandbox, alice).await;
    let again = welcome
        .iter()
        .find_map(|(_, content)| {
            let raw = content.proto.clone();
            raw.protocol_message?.app_state_sync_key_share
        })
        .expect("a key share");
    assert_eq!(
        again.keys.iter().map(|k| k.key_id.clone()).collect::<Vec<_>>(),
        keys.iter().map(|k| k.key_id.clone()).collect::<Vec<_>>()
    );
}
