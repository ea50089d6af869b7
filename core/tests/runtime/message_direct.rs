//! 1:1 messages between two accounts of two devices each: fan-out to every device and to the
//! sender's other device, replies, reactions, redelivery, tampering, retry receipts.
use crate::message_support;

use message_support::{receive, text_of, wire, Account, World, NOW};
use wazap::binary::Node;
use wazap::message::{
    build_retry_message, build_retry_receipt, decrypt_message, fan_out, message_key,
    parse_retry_receipt, reaction, reply, text, MessageError, QuotedMessage, RetryKeys,
};
use wazap::signal::PreKeyRecord;
use wazap::store::{MemorySignalStore, PreKeyStore, SignedPreKeyStore};

fn world() -> World {
    World {
        accounts: vec![
            Account::new("15550001111", "90000000001", &[0, 3]),
            Account::new("15550002222", "90000000002", &[0, 5]),
        ],
    }
}

fn enc_types(node: &Node) -> Vec<String> {
    node.children_by_tag("enc").map(|e| e.attr_text("type").unwrap().into_owned()).collect()
}

#[test]
fn every_device_of_both_accounts_gets_the_text() {
    let w = world();
    let (a, b) = (&w.accounts[0], &w.accounts[1]);
    let sent = w.send_direct(&a.devices[1], b, &text("hello bob"));

    // B's two devices and A's phone; never the sending device.
    let mut targets: Vec<_> = sent.deliveries.iter().map(|(d, _)| d.to_string()).collect();
    targets.sort();
    assert_eq!(
        targets,
        [
            "15550001111@s.whatsapp.net",
            "15550002222:5@s.whatsapp.net",
            "15550002222@s.whatsapp.net"
        ]
    );
    assert_eq!(sent.stanza.attr_text("type").as_deref(), Some("text"));
    assert!(sent.stanza.attr_text("phash").unwrap().starts_with("2:"));
    assert!(sent.stanza.child_by_tag("device-identity").is_some(), "first messages are pkmsg");

    for device in &b.devices {
        let got = receive(device, sent.delivery(&device.jid)).unwrap();
        assert_eq!(text_of(&got.message), "hello bob");
        assert_eq!(got.info.id, sent.id);
        assert_eq!(got.info.sender, a.devices[1].jid);
        assert_eq!(got.info.chat, a.jid());
        assert!(!got.info.is_from_me && !got.info.is_group);
        assert!(got.flags.device_sent.is_none());
    }
    let phone = receive(&a.devices[0], sent.delivery(&a.devices[0].jid)).unwrap();
    assert_eq!(text_of(&phone.message), "hello bob");
    assert!(phone.info.is_from_me);
    assert_eq!(phone.info.chat, b.jid(), "our own message is in the chat with B");
    let dsm = phone.flags.device_sent.expect("sent to our own device as deviceSentMessage");
    assert_eq!(dsm.destination_jid, "15550002222@s.whatsapp.net");

    // Until B answers, A's messages stay pkmsg (X3DH repeated) with the device identity.
    let again = w.send_direct(&a.devices[1], b, &text("second"));
    assert!(again.stanza.child_by_tag("device-identity").is_some());
    for device in &b.devices {
        let node = again.delivery(&device.jid);
        assert_eq!(enc_types(node), ["pkmsg"]);
        assert_eq!(text_of(&receive(device, node).unwrap().message), "second");
    }
    // B's devices answer; A's sending device reads the answers.
    for device in &b.devices {
        let answer = w.send_direct(device, a, &text("ack"));
        let got = receive(&a.devices[1], answer.delivery(&a.devices[1].jid)).unwrap();
        assert_eq!(text_of(&got.message), "ack");
    }
    // Now A's sessions with B are acknowledged: msg, and no device identity for B's devices.
    let third = w.send_direct(&a.devices[1], b, &text("third"));
    for device in &b.devices {
        let node = third.delivery(&device.jid);
        assert_eq!(enc_types(node), ["msg"]);
        assert!(node.child_by_tag("device-identity").is_none());
        assert_eq!(text_of(&receive(device, node).unwrap().message), "third");
    }
}

#[test]
fn reply_and_reaction_round_trip() {
    let w = world();
    let (a, b) = (&w.accounts[0], &w.accounts[1]);
    let original = text("lunch?");
    let sent = w.send_direct(&a.devices[0], b, &original);
    let got = receive(&b.devices[0], sent.delivery(&b.devices[0].jid)).unwrap();
    let _ = receive(&b.devices[1], sent.delivery(&b.devices[1].jid)).unwrap();
    let _ = receive(&a.devices[1], sent.delivery(&a.devices[1].jid)).unwrap();

    // B replies, quoting and mentioning A.
    let quoted =
        QuotedMessage { id: &got.info.id, sender: &got.info.sender, message: &got.message };
    let answer = reply("@15550001111 yes!", Some(&quoted), &[a.jid()]);
    let sent_reply = w.send_direct(&b.devices[0], a, &answer);
    for device in &a.devices {
        let r = receive(device, sent_reply.delivery(&device.jid)).unwrap();
        let ext = r.message.extended_text_message.as_ref().unwrap();
        assert_eq!(ext.text(), "@15550001111 yes!");
        let ctx = ext.context_info.as_ref().unwrap();
        assert_eq!(ctx.stanza_id(), sent.id);
        assert_eq!(ctx.participant(), "15550001111@s.whatsapp.net");
        assert_eq!(ctx.quoted_message.as_deref().map(text_of), Some("lunch?"));
        assert_eq!(ctx.mentioned_jid, ["15550001111@s.whatsapp.net"]);
    }
    let b_other = receive(&b.devices[1], sent_reply.delivery(&b.devices[1].jid)).unwrap();
    assert_eq!(text_of(&b_other.message), "@15550001111 yes!");

    // A reacts to B's reply; then removes the reaction.
    let key = message_key(&b.jid(), &b.devices[0].jid, &sent_reply.id, false);
    let sent_reaction = w.send_direct(&a.devices[1], b, &reaction(key, "👍", 1_700_000_000_123));
    assert_eq!(sent_reaction.stanza.attr_text("type").as_deref(), Some("reaction"));
    let enc = sent_reaction.stanza.child_by_tag("participants").unwrap().get_children()[0]
        .child_by_tag("enc")
        .unwrap();
    assert_eq!(enc.attr_text("decrypt-fail").as_deref(), Some("hide"));
    let r = receive(&b.devices[0], sent_reaction.delivery(&b.devices[0].jid)).unwrap();
    let reaction_msg = r.message.reaction_message.unwrap();
    assert_eq!(reaction_msg.text(), "👍");
    assert_eq!(reaction_msg.sender_timestamp_ms(), 1_700_000_000_123);
    let target = reaction_msg.key.unwrap();
    assert_eq!((target.id(), target.from_me()), (sent_reply.id.as_str(), false));
    assert_eq!(target.remote_jid(), "15550002222@s.whatsapp.net");

    let key = message_key(&b.jid(), &b.devices[0].jid, &sent_reply.id, false);
    let removal = w.send_direct(&a.devices[1], b, &reaction(key, "", 1_700_000_000_999));
    assert_eq!(removal.stanza.attr_text("edit").as_deref(), Some("7"));
    let r = receive(&b.devices[1], removal.delivery(&b.devices[1].jid));
    // B1 missed the first reaction: its chain skips ahead and still decrypts.
    assert_eq!(r.unwrap().message.reaction_message.unwrap().text(), "");
}

#[test]
fn redelivery_is_a_duplicate_and_tampering_does_not_break_the_session() {
    let w = world();
    let (a, b) = (&w.accounts[0], &w.accounts[1]);
    let bob = &b.devices[0];

    let first = w.send_direct(&a.devices[0], b, &text("one"));
    let node = first.delivery(&bob.jid);
    assert_eq!(text_of(&receive(bob, node).unwrap().message), "one");
    assert!(matches!(receive(bob, node), Err(MessageError::Duplicate)), "pkmsg redelivered");

    let second = w.send_direct(&a.devices[0], b, &text("two"));
    let node = second.delivery(&bob.jid).clone();
    let mut tampered = node.clone();
    let enc = tampered.get_children().iter().position(|c| c.tag == "enc").unwrap();
    let mut bytes = tampered.get_children()[enc].content_bytes().unwrap().to_vec();
    let mid = bytes.len() / 2;
    bytes[mid] ^= 0x40;
    let mut children = tampered.get_children().to_vec();
    children[enc] = children[enc].clone().bytes(bytes);
    tampered = tampered.with_content(children);
    let err = receive(bob, &tampered).unwrap_err();
    assert!(matches!(err, MessageError::DecryptFailed(_)), "{err:?}");
    assert!(err.wants_retry());

    // Nothing was committed: the genuine stanza and later ones still decrypt, once.
    assert_eq!(text_of(&receive(bob, &node).unwrap().message), "two");
    assert!(matches!(receive(bob, &node), Err(MessageError::Duplicate)));
    let third = w.send_direct(&a.devices[0], b, &text("three"));
    assert_eq!(text_of(&receive(bob, third.delivery(&bob.jid)).unwrap().message), "three");

    // B answers over the sessions A started: msg, not pkmsg.
    let back = w.send_direct(bob, a, &text("back"));
    let at_a = back.delivery(&a.devices[0].jid);
    assert_eq!(enc_types(at_a), ["msg"]);
    assert_eq!(text_of(&receive(&a.devices[0], at_a).unwrap().message), "back");
}

#[test]
fn lost_session_is_recovered_by_a_retry_receipt_with_keys() {
    let mut w = world();
    let sender = 0;
    let msg = text("are you there?");
    {
        let (a, b) = (&w.accounts[0], &w.accounts[1]);
        let sent = w.send_direct(&a.devices[sender], b, &msg);
        let _ = receive(&b.devices[0], sent.delivery(&b.devices[0].jid)).unwrap();
        // B answers, so A's later messages to B's phone are plain `msg`.
        let answer = w.send_direct(&b.devices[0], a, &text("warm-up"));
        let _ = receive(&a.devices[sender], answer.delivery(&a.devices[sender].jid)).unwrap();
    }
    // B's phone loses its Signal state (reinstall keeps the identity, loses sessions).
    let fresh = {
        let old = &w.accounts[1].devices[0];
        let store = MemorySignalStore::new(old.identity.clone(), old.registration_id);
        store.store_signed_pre_key(&old.store.load_signed_pre_key(1).unwrap().unwrap()).unwrap();
        store
    };
    w.accounts[1].devices[0].store = fresh;
    let (a, b) = (&w.accounts[0], &w.accounts[1]);
    let bob = &b.devices[0];
    let sent = w.send_direct(&a.devices[sender], b, &msg);
    let node = sent.delivery(&bob.jid);
    let err = receive(bob, node).unwrap_err();
    assert!(matches!(err, MessageError::NoSession(_)), "{err:?}");

    // Second attempt: the retry receipt carries fresh keys.
    let pre_key = PreKeyRecord::new(500, wazap::crypto::KeyPair::generate(&mut rand::thread_rng()));
    bob.store.store_pre_key(&pre_key).unwrap();
    let signed = bob.store.load_signed_pre_key(1).unwrap().unwrap();
    let keys = RetryKeys {
        identity: bob.identity.public,
        pre_key: &pre_key,
        signed_pre_key: &signed,
        device_identity: &bob.device_identity,
    };
    let retry = build_retry_receipt(node, 2, bob.registration_id, Some(&keys)).unwrap();
    // The server hands the receipt to the sender with `from` = the requesting device.
    let mut at_sender = wire(&retry);
    at_sender.remove_attr("to");
    at_sender.set_attr("from", bob.jid.clone());
    let request = parse_retry_receipt(&at_sender).unwrap();
    assert_eq!((request.message_id.as_str(), request.count), (sent.id.as_str(), 2));
    assert_eq!(request.registration_id, Some(bob.registration_id));
    assert!(request.bundle.is_some());
    assert_eq!(request.device_identity.as_deref(), Some(&bob.device_identity[..]));

    let alice = &a.devices[sender];
    let resend = build_retry_message(
        &alice.store,
        &alice.own,
        &request,
        &msg,
        None,
        None,
        Some(&alice.device_identity),
    )
    .unwrap();
    assert_eq!(resend.attr_text("device_fanout").as_deref(), Some("false"));
    let deliveries = fan_out(&wire(&resend), &alice.jid, NOW, &[]).unwrap();
    assert_eq!(deliveries.len(), 1);
    assert_eq!(deliveries[0].device, bob.jid);
    let got = receive(bob, &wire(&deliveries[0].node)).unwrap();
    assert_eq!(text_of(&got.message), "are you there?");
    assert_eq!(got.info.id, sent.id);
    assert_eq!(got.retry_count, Some(2));

    // And the conversation goes on.
    let next = w.send_direct(alice, b, &text("great"));
    assert_eq!(text_of(&receive(bob, next.delivery(&bob.jid)).unwrap().message), "great");
}

#[test]
fn a_pkmsg_without_the_prekey_is_reported_not_panicked() {
    let w = world();
    let (a, b) = (&w.accounts[0], &w.accounts[1]);
    let sent = w.send_direct(&a.devices[0], b, &text("x"));
    let bob = &b.devices[0];
    for id in 1..=30 {
        bob.store.remove_pre_key(id).unwrap();
    }
    let err = decrypt_message(&bob.store, &bob.own, sent.delivery(&bob.jid)).unwrap_err();
    assert!(matches!(err, MessageError::DecryptFailed(_)), "{err:?}");
}

/// The phash covers every device of the conversation and the sending one too, whether or not
/// the caller listed it (WhatsApp Web hashes `[].concat(devices, [sender])`; whatsmeow's device
/// lists include the sending device, and the server answers a differing hash). Known value
/// for A:0, A:3 (sending), B:0, B:5, computed with Python's hashlib.
#[test]
fn phash_covers_the_sending_device() {
    let w = world();
    let (a, b) = (&w.accounts[0], &w.accounts[1]);
    let sender = &a.devices[1];
    let listed = w.send_direct(sender, b, &text("listed"));
    assert_eq!(listed.stanza.attr_text("phash").as_deref(), Some("2:JNIUk1i+"));
    let others: Vec<_> = a.outgoing().into_iter().filter(|d| d.jid != sender.jid).collect();
    let unlisted = w.send_direct_to(sender, &b.jid(), &b.outgoing(), &others, &text("unlisted"));
    assert_eq!(unlisted.stanza.attr_text("phash").as_deref(), Some("2:JNIUk1i+"));
}
