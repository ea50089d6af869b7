//! The simulated phones' messaging, end to end with real Signal sessions: a phone sends a text
//! (POST /control/send) that a companion decrypts; the companion answers, the phone decrypts it
//! (GET /control/inbox) and sends the delivery receipt; an echo account answers by itself.
use crate::common;

use common::*;
use prost::Message as _;
use rand::rngs::OsRng;
use wazap::binary::{Jid, Node};
use wazap::message::{build_retry_receipt, parse_retry_receipt, RetryKeys};
use wazap::proto::Message;
use wazap::signal::{
    decrypt_message, decrypt_pre_key_message, encrypt, generate_pre_keys, pad_message,
    process_pre_key_bundle, unpad_message, verify_signed_pre_key, PreKeyBundle, ProtocolAddress,
    RandomKeys,
};
use wazap::store::{MemorySignalStore, PreKeyStore, SignalStore, SignedPreKeyStore};

fn address(jid: &Jid) -> ProtocolAddress {
    ProtocolAddress::new(jid.signal_user(), u32::from(jid.device))
}

/// A companion with a Signal store whose prekeys it uploaded.
async fn signal_device(
    sandbox: &wazap_sandbox::SandboxHandle,
    phone: &str,
) -> (TestConn, MemorySignalStore, TestDevice) {
    create_account(sandbox, phone, phone).await;
    let device = pair_new_device(sandbox, phone).await;
    let (mut conn, _) = login(sandbox, &device).await;
    let store = MemorySignalStore::new(device.identity.clone(), device.registration_id);
    store.store_signed_pre_key(&device.signed_prekey).unwrap();
    let prekeys = generate_pre_keys(1, 5, &mut OsRng);
    for p in &prekeys {
        store.store_pre_key(p).unwrap();
    }
    let key = |id: u32, public: &[u8; 32]| {
        Node::new("key")
            .child(Node::new("id").bytes(id.to_be_bytes()[1..].to_vec()))
            .child(Node::new("value").bytes(public.to_vec()))
    };
    let skey = Node::new("skey")
        .child(Node::new("id").bytes(device.signed_prekey.id.to_be_bytes()[1..].to_vec()))
        .child(Node::new("value").bytes(device.signed_prekey.key_pair.public.0.to_vec()))
        .child(Node::new("signature").bytes(device.signed_prekey.signature.to_vec()));
    let upload = vec![
        Node::new("registration").bytes(device.registration_id.to_be_bytes().to_vec()),
        Node::new("type").bytes(vec![5]),
        Node::new("identity").bytes(device.identity.public.0.to_vec()),
        Node::new("list").children(prekeys.iter().map(|p| key(p.id, &p.key_pair.public.0))),
        skey,
    ];
    assert_eq!(conn.iq("encrypt", "set", upload).await.attr_str("type"), Some("result"));
    (conn, store, device)
}

fn decrypt(store: &MemorySignalStore, node: &Node) -> Message {
    let from = node.req_jid("from").unwrap();
    let enc = node.child_by_tag("enc").expect("enc");
    let bytes = enc.content_bytes().unwrap();
    let decrypted = match enc.attr_str("type") {
        Some("pkmsg") => decrypt_pre_key_message(store, &address(&from), bytes, &mut RandomKeys),
        _ => decrypt_message(store, &address(&from), bytes, &mut RandomKeys),
    }
    .expect("decrypts");
    let plain = unpad_message(&decrypted.plaintext).unwrap().to_vec();
    store.commit(decrypted.changes).unwrap();
    Message::decode(plain.as_slice()).expect("a Message")
}

fn text_stanza(store: &MemorySignalStore, id: &str, to: &Jid, text: &str) -> Node {
    let plain = Message { conversation: Some(text.to_owned()), ..Default::default() };
    let ct =
        encrypt(store, &address(to), &pad_message(&plain.encode_to_vec(), &mut OsRng)).unwrap();
    Node::new("message")
        .attr("id", id.to_owned())
        .attr("type", "text")
        .attr("to", to.to_non_ad())
        .child(Node::new("participants").child(Node::new("to").attr("jid", to.clone()).child(
            Node::new("enc").attr("v", "2").attr("type", ct.enc_type()).bytes(ct.into_bytes()),
        )))
}

#[tokio::test]
async fn phone_and_companion_exchange_texts() {
    let sandbox = start().await;
    create_account(&sandbox, "15557000001", "Alice").await;
    let (mut bob, store, _device) = signal_device(&sandbox, "15557000002").await;
    let alice_phone = Jid::pn("15557000001");

    let body = serde_json::json!({ "from": "15557000001", "to": "15557000002", "text": "hi Bob" });
    let (status, sent) = http(&sandbox, "POST", "/control/send", Some(&body.to_string())).await;
    assert_eq!(status, 200, "{sent}");
    let id = sent["id"].as_str().unwrap().to_owned();
    assert!(id.starts_with("3EB0"));
    let got = bob.recv_tag("message").await;
    assert_eq!(got.attr_str("id"), Some(id.as_str()));
    assert_eq!(got.req_jid("from").unwrap(), alice_phone);
    assert_eq!(decrypt(&store, &got).conversation.as_deref(), Some("hi Bob"));

    // Bob answers on the session Alice's phone started; the phone decrypts it and says so.
    bob.send(&text_stanza(&store, "R1", &alice_phone, "hi Alice")).await;
    let receipt = bob.recv_tag("receipt").await;
    assert_eq!(receipt.attr_str("id"), Some("R1"));
    assert_eq!(receipt.req_jid("from").unwrap(), alice_phone);
    let (status, inbox) = http(&sandbox, "GET", "/control/inbox?phone=15557000001", None).await;
    assert_eq!(status, 200);
    // Bob's phone also got "hi Bob" and confirmed it: that delivery receipt is in the inbox too.
    let entries = inbox.as_array().expect("list");
    assert!(entries.iter().any(|e| e["kind"] == "receipt" && e["id"] == id.as_str()), "{inbox}");
    let entry = entries.iter().find(|e| e["id"] == "R1").expect("R1 in the inbox");
    assert_eq!(entry["text"], "hi Alice");
    assert_eq!(entry["kind"], "text");
    assert_eq!(entry["chat"], "15557000002@s.whatsapp.net");
    assert_eq!(entry["sender"], "15557000002:1@s.whatsapp.net");

    // Bob's reading shows in Alice's inbox as a receipt.
    let read = Node::new("receipt")
        .attr("id", id.clone())
        .attr("to", alice_phone.clone())
        .attr("type", "read");
    bob.send(&read).await;
    let mut seen = false;
    for _ in 0..50 {
        let (_, inbox) = http(&sandbox, "GET", "/control/inbox?phone=15557000001", None).await;
        if inbox.as_array().unwrap().iter().any(|e| e["kind"] == "receipt" && e["text"] == "read") {
            seen = true;
            break;
        }
        // Receipts produce no answer to wait on; a ping round trip lets the worker run.
        bob.iq("w:p", "get", vec![]).await;
    }
    assert!(seen, "the read receipt reached the phone's inbox");

    let (status, body) = http(&sandbox, "GET", "/control/inbox?phone=15557999999", None).await;
    assert_eq!(status, 404, "{body}");
    let bad = serde_json::json!({ "from": "15557000001", "to": "15557999999", "text": "x" });
    let (status, body) = http(&sandbox, "POST", "/control/send", Some(&bad.to_string())).await;
    assert_eq!(status, 404, "{body}");
}

#[tokio::test]
async fn echo_accounts_answer_texts() {
    let sandbox = start().await;
    let body = serde_json::json!({ "phone": "15557100001", "push_name": "Echo", "echo": true });
    let (status, _) = http(&sandbox, "POST", "/control/accounts", Some(&body.to_string())).await;
    assert_eq!(status, 201);
    let (mut dan, store, _device) = signal_device(&sandbox, "15557100002").await;
    let echo_phone = Jid::pn("15557100001");

    // Dan starts a session with the echo phone from its published bundle.
    let key = Node::new("key")
        .child(Node::new("user").attr("jid", echo_phone.clone()).attr("reason", "identity"));
    let reply = dan.iq("encrypt", "get", vec![key]).await;
    let user = reply.child_by_path(&["list", "user"]).unwrap();
    let bytes =
        |n: &Node, tag: &str| n.child_by_tag(tag).and_then(Node::content_bytes).unwrap().to_vec();
    let id24 = |b: Vec<u8>| b.iter().fold(0u32, |a, x| (a << 8) | u32::from(*x));
    let skey = user.child_by_tag("skey").unwrap();
    let one_time = user.child_by_tag("key").unwrap();
    let bundle = PreKeyBundle {
        registration_id: id24(bytes(user, "registration")),
        device_id: 0,
        pre_key: Some((
            id24(bytes(one_time, "id")),
            wazap::crypto::PublicKey::from_bytes(&bytes(one_time, "value")).unwrap(),
        )),
        signed_pre_key_id: id24(bytes(skey, "id")),
        signed_pre_key: wazap::crypto::PublicKey::from_bytes(&bytes(skey, "value")).unwrap(),
        signed_pre_key_signature: bytes(skey, "signature"),
        identity_key: wazap::crypto::PublicKey::from_bytes(&bytes(user, "identity")).unwrap(),
    };
    process_pre_key_bundle(&store, &address(&echo_phone), &bundle, &mut RandomKeys)
        .expect("bundle");
    dan.send(&text_stanza(&store, "E1", &echo_phone, "ping")).await;
    let echoed = dan.recv_tag("message").await;
    assert_eq!(echoed.req_jid("from").unwrap(), echo_phone);
    assert_eq!(decrypt(&store, &echoed).conversation.as_deref(), Some("ping"));
}

/// The next `<receipt type="retry">` (other nodes are skipped).
async fn retry_receipt(conn: &mut TestConn) -> Node {
    loop {
        let node = conn.recv_tag("receipt").await;
        if node.attr_str("type") == Some("retry") {
            return node;
        }
    }
}

#[tokio::test]
async fn a_device_that_lost_its_session_gets_the_phones_message_again() {
    let sandbox = start().await;
    create_account(&sandbox, "15557200001", "Alice").await;
    let (mut bob, _store, device) = signal_device(&sandbox, "15557200002").await;
    let body = serde_json::json!({ "from": "15557200001", "to": "15557200002", "text": "lost?" });
    let (status, sent) = http(&sandbox, "POST", "/control/send", Some(&body.to_string())).await;
    assert_eq!(status, 200, "{sent}");
    let id = sent["id"].as_str().unwrap().to_owned();
    let got = bob.recv_tag("message").await;
    assert_eq!(got.attr_str("id"), Some(id.as_str()));

    // Bob's store is wiped: a fresh one with his identity, signed prekey and a new prekey,
    // which his retry receipt hands over.
    let fresh = MemorySignalStore::new(device.identity.clone(), device.registration_id);
    fresh.store_signed_pre_key(&device.signed_prekey).unwrap();
    let pre_key = generate_pre_keys(500, 1, &mut OsRng).remove(0);
    fresh.store_pre_key(&pre_key).unwrap();
    let keys = RetryKeys {
        identity: device.identity.public,
        pre_key: &pre_key,
        signed_pre_key: &device.signed_prekey,
        device_identity: &[],
    };
    let retry = build_retry_receipt(&got, 1, device.registration_id, Some(&keys)).unwrap();
    bob.send(&retry).await;

    let again = bob.recv_tag("message").await;
    assert_eq!(again.attr_str("id"), Some(id.as_str()), "the same message");
    let enc = again.child_by_tag("enc").expect("enc");
    assert_eq!((enc.attr_str("type"), enc.attr_str("count")), (Some("pkmsg"), Some("1")));
    assert_eq!(decrypt(&fresh, &again).conversation.as_deref(), Some("lost?"));
}

#[tokio::test]
async fn the_phone_asks_for_a_retry_with_fresh_keys_when_it_cannot_decrypt() {
    let sandbox = start().await;
    create_account(&sandbox, "15557300001", "Alice").await;
    let (mut bob, store, _device) = signal_device(&sandbox, "15557300002").await;
    let alice_phone = Jid::pn("15557300001");

    // Bob writes with a session the phone never had.
    let garbage =
        Node::new("message")
            .attr("id", "G1")
            .attr("type", "text")
            .attr("to", alice_phone.clone())
            .child(Node::new("participants").child(
                Node::new("to").attr("jid", alice_phone.clone()).child(
                    Node::new("enc").attr("v", "2").attr("type", "msg").bytes(vec![0x33; 48]),
                ),
            ));
    bob.send(&garbage).await;
    let retry = retry_receipt(&mut bob).await;
    assert_eq!(retry.attr_str("id"), Some("G1"));
    assert_eq!(retry.req_jid("from").unwrap(), alice_phone);
    let request = parse_retry_receipt(&retry).expect("a well-formed retry receipt");
    assert_eq!(request.count, 1);
    assert_eq!(request.message_id, "G1");
    let bundle = request.bundle.expect("fresh keys");
    assert!(bundle.pre_key.is_some(), "a new one-time prekey");
    assert_eq!(Some(bundle.registration_id), request.registration_id);
    verify_signed_pre_key(
        &bundle.identity_key,
        &bundle.signed_pre_key,
        &bundle.signed_pre_key_signature,
    )
    .expect("the signed prekey verifies");

    // Bob starts a session from those keys and sends again: the phone reads it.
    process_pre_key_bundle(&store, &address(&alice_phone), &bundle, &mut RandomKeys)
        .expect("bundle");
    bob.send(&text_stanza(&store, "G1", &alice_phone, "second try")).await;
    let mut seen = false;
    for _ in 0..50 {
        let (_, inbox) = http(&sandbox, "GET", "/control/inbox?phone=15557300001", None).await;
        if inbox.as_array().unwrap().iter().any(|e| e["id"] == "G1" && e["text"] == "second try") {
            seen = true;
            break;
        }
        bob.iq("w:p", "get", vec![]).await;
    }
    assert!(seen, "the phone decrypted the message sent again");
}

#[tokio::test]
async fn the_phone_sends_to_a_group_with_one_sender_key() {
    use wazap::signal::{
        group_decrypt, process_sender_key_distribution, SenderKeyDistributionMessage, SenderKeyName,
    };
    use wazap::store::StoreChanges;
    let sandbox = start().await;
    create_account(&sandbox, "15557400001", "Alice").await;
    let (mut bob, store, _device) = signal_device(&sandbox, "15557400002").await;
    let body = serde_json::json!({
        "creator": "15557400001", "subject": "Team", "participants": ["15557400002"]
    });
    let (status, group) = http(&sandbox, "POST", "/control/groups", Some(&body.to_string())).await;
    assert_eq!(status, 201, "{group}");
    let group: Jid = group["jid"].as_str().unwrap().parse().unwrap();
    let alice_phone = Jid::pn("15557400001");

    let send = |text: &str| {
        serde_json::json!({ "from": "15557400001", "to": group.to_string(), "text": text })
            .to_string()
    };
    let (status, sent) = http(&sandbox, "POST", "/control/send", Some(&send("first"))).await;
    assert_eq!(status, 200, "{sent}");
    let first = loop {
        let node = bob.recv_tag("message").await;
        if node.attr_str("id") == sent["id"].as_str() {
            break node;
        }
    };
    assert_eq!(first.req_jid("from").unwrap(), group);
    assert_eq!(first.req_jid("participant").unwrap(), alice_phone);
    let types: Vec<&str> =
        first.children_by_tag("enc").filter_map(|e| e.attr_str("type")).collect();
    assert_eq!(types, ["pkmsg", "skmsg"], "the key for Bob's device, then the text");

    // The per-device part hands over the phone's sender key.
    let direct = Node::new("message")
        .attr("from", alice_phone.clone())
        .child(first.children_by_tag("enc").next().unwrap().clone());
    let skdm = decrypt(&store, &direct).sender_key_distribution_message.expect("an SKDM");
    assert_eq!(skdm.group_id.as_deref(), Some(group.to_string().as_str()));
    let skdm = SenderKeyDistributionMessage::parse(
        skdm.axolotl_sender_key_distribution_message.as_deref().unwrap(),
    )
    .unwrap();
    let name = SenderKeyName::new(group.to_string(), address(&alice_phone));
    let mut changes = StoreChanges::default();
    process_sender_key_distribution(&store, &name, &skdm, &mut changes).unwrap();
    store.commit(changes).unwrap();
    let open = |node: &Node| {
        let sk = node.children_by_tag("enc").find(|e| e.attr_str("type") == Some("skmsg")).unwrap();
        let decrypted = group_decrypt(&store, &name, sk.content_bytes().unwrap()).expect("skmsg");
        let plain = unpad_message(&decrypted.plaintext).unwrap().to_vec();
        store.commit(decrypted.changes).unwrap();
        Message::decode(plain.as_slice()).unwrap().conversation.unwrap()
    };
    assert_eq!(open(&first), "first");

    // The second message reuses the key: no per-device part any more.
    let (status, sent) = http(&sandbox, "POST", "/control/send", Some(&send("second"))).await;
    assert_eq!(status, 200, "{sent}");
    let second = bob.recv_tag("message").await;
    assert_eq!(second.attr_str("id"), sent["id"].as_str());
    let types: Vec<&str> =
        second.children_by_tag("enc").filter_map(|e| e.attr_str("type")).collect();
    assert_eq!(types, ["skmsg"]);
    assert_eq!(open(&second), "second");

    // Not a member: refused.
    create_account(&sandbox, "15557400003", "Carol").await;
    let outsider =
        serde_json::json!({ "from": "15557400003", "to": group.to_string(), "text": "x" });
    let (status, body) = http(&sandbox, "POST", "/control/send", Some(&outsider.to_string())).await;
    assert_eq!(status, 403, "{body}");
}
