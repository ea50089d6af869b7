//! A group of three accounts with two devices each: sender keys on first send, skmsg for all,
//! a device linked later, redelivery, a missing sender key and its retry.
use crate::message_support;

use message_support::{receive, text_of, wire, Account, World, NOW};
use wazap::binary::{Jid, Node};
use wazap::message::{
    build_group_message, build_retry_message, build_retry_receipt, fan_out, parse_retry_receipt,
    text, GroupMessage, MessageError, OutgoingDevice,
};

fn world() -> World {
    World {
        accounts: vec![
            Account::new("15550001111", "90000000001", &[0, 2]),
            Account::new("15550002222", "90000000002", &[0, 4]),
            Account::new("15550003333", "90000000003", &[0, 7]),
        ],
    }
}

fn group() -> Jid {
    Jid::group("120363000000000001")
}

fn all_jids(w: &World) -> Vec<Jid> {
    w.accounts.iter().flat_map(|a| a.devices.iter().map(|d| d.jid.clone())).collect()
}

fn enc_types(node: &Node) -> Vec<String> {
    node.children_by_tag("enc").map(|e| e.attr_text("type").unwrap().into_owned()).collect()
}

#[test]
fn every_device_decrypts_every_message() {
    let w = world();
    let g = group();
    let members: Vec<&Account> = w.accounts.iter().collect();
    let everyone = all_jids(&w);
    // Who holds whose sender key, as each sender records it.
    let mut has_key: Vec<Vec<Jid>> = vec![Vec::new(); everyone.len()];

    for round in 0..2 {
        for (s, sender) in w.accounts.iter().flat_map(|a| &a.devices).enumerate() {
            let body = format!("round {round} from {}", sender.jid);
            let sent = w.send_group(sender, &g, &members, &has_key[s], &text(body.clone()));
            assert_eq!(sent.stanza.attr_text("to").as_deref(), Some(g.to_string().as_str()));
            assert_eq!(enc_types(&sent.stanza), ["skmsg"]);
            if round == 0 {
                assert!(sent.out.new_sender_key);
                assert_eq!(sent.out.sender_key_recipients.len(), everyone.len() - 1);
                // The first sender has no session yet with anyone: pkmsgs, with its identity.
                if s == 0 {
                    assert!(sent.stanza.child_by_tag("device-identity").is_some());
                }
            } else {
                assert!(!sent.out.new_sender_key);
                assert!(sent.out.sender_key_recipients.is_empty(), "everyone has the key");
                assert!(sent.stanza.child_by_tag("participants").is_none());
            }
            has_key[s].extend(sent.out.sender_key_recipients.iter().cloned());
            assert_eq!(sent.deliveries.len(), everyone.len() - 1);
            for receiver in w.accounts.iter().flat_map(|a| &a.devices) {
                if receiver.jid == sender.jid {
                    continue;
                }
                let node = sent.delivery(&receiver.jid);
                let types = enc_types(node);
                if round == 0 {
                    // pkmsg, or msg when the receiver already started a session with us.
                    assert!(matches!(types[0].as_str(), "pkmsg" | "msg"), "{types:?}");
                    assert_eq!(types[1], "skmsg");
                    assert_eq!(node.child_by_tag("device-identity").is_some(), types[0] == "pkmsg");
                } else {
                    assert_eq!(types, ["skmsg"]);
                }
                let got = receive(receiver, node).unwrap();
                assert_eq!(text_of(&got.message), body);
                assert_eq!(got.received_sender_key, round == 0);
                assert!(got.info.is_group);
                assert_eq!(got.info.chat, g);
                assert_eq!(got.info.sender, sender.jid);
                assert_eq!(got.info.is_from_me, receiver.jid.user == sender.jid.user);
            }
        }
    }
}

#[test]
fn a_device_linked_later_gets_the_sender_key() {
    let mut w = world();
    let g = group();
    let sender_jid = w.accounts[0].devices[0].jid.clone();
    let first = {
        let members: Vec<&Account> = w.accounts.iter().collect();
        let sent = w.send_group(&w.accounts[0].devices[0], &g, &members, &[], &text("before"));
        for receiver in w.accounts.iter().flat_map(|a| &a.devices).skip(1) {
            let got = receive(receiver, sent.delivery(&receiver.jid)).unwrap();
            assert_eq!(text_of(&got.message), "before");
        }
        sent.out.sender_key_recipients
    };

    // Carol links a third device.
    w.accounts[2].devices.push(message_support::Device::new("15550003333", "90000000003", 9));
    let newcomer = Jid::pn("15550003333").with_device(9);
    let members: Vec<&Account> = w.accounts.iter().collect();
    let sent = w.send_group(&w.accounts[0].devices[0], &g, &members, &first, &text("after"));
    assert_eq!(sent.out.sender_key_recipients, std::slice::from_ref(&newcomer));
    let participants = sent.stanza.child_by_tag("participants").unwrap();
    assert_eq!(participants.get_children().len(), 1);

    for receiver in w.accounts.iter().flat_map(|a| &a.devices) {
        if receiver.jid == sender_jid {
            continue;
        }
        let node = sent.delivery(&receiver.jid);
        let got = receive(receiver, node).unwrap();
        assert_eq!(text_of(&got.message), "after");
        assert_eq!(got.received_sender_key, receiver.jid == newcomer);
    }
}

#[test]
fn group_redelivery_is_a_duplicate() {
    let w = world();
    let g = group();
    let members: Vec<&Account> = w.accounts.iter().collect();
    let sender = &w.accounts[1].devices[1];
    let receiver = &w.accounts[2].devices[0];
    let first = w.send_group(sender, &g, &members, &[], &text("one"));
    let node = first.delivery(&receiver.jid);
    assert_eq!(text_of(&receive(receiver, node).unwrap().message), "one");
    assert!(matches!(receive(receiver, node), Err(MessageError::Duplicate)));

    let with_key = first.out.sender_key_recipients.clone();
    let second = w.send_group(sender, &g, &members, &with_key, &text("two"));
    let node = second.delivery(&receiver.jid);
    assert_eq!(enc_types(node), ["skmsg"]);
    assert_eq!(text_of(&receive(receiver, node).unwrap().message), "two");
    assert!(matches!(receive(receiver, node), Err(MessageError::Duplicate)));
}

#[test]
fn missing_sender_key_is_recovered_by_a_retry() {
    let w = world();
    let g = group();
    let members: Vec<&Account> = w.accounts.iter().collect();
    let sender = &w.accounts[0].devices[1];
    let receiver = &w.accounts[1].devices[0];
    let first = w.send_group(sender, &g, &members, &[], &text("hello group"));
    // The sender wrongly believes everyone has its key: the receiver only gets the skmsg.
    let _ = receive(receiver, first.delivery(&receiver.jid)).unwrap();
    let everyone = all_jids(&w);
    let other_group = Jid::group("120363000000000002");
    let msg = text("in the other group");
    let sent = w.send_group(sender, &other_group, &members, &[], &msg);
    let mut skmsg_only = sent.delivery(&receiver.jid).clone();
    let children: Vec<Node> = skmsg_only
        .get_children()
        .iter()
        .filter(|c| c.attr_text("type").as_deref() == Some("skmsg"))
        .cloned()
        .collect();
    skmsg_only = skmsg_only.with_content(children);
    let err = receive(receiver, &skmsg_only).unwrap_err();
    assert!(matches!(err, MessageError::NoSenderKey { .. }), "{err:?}");
    assert!(err.wants_retry());

    // The receiver asks again; the sender re-sends 1:1 with its sender key inside.
    let retry = build_retry_receipt(&skmsg_only, 1, receiver.registration_id, None).unwrap();
    assert_eq!(retry.attr_text("participant").as_deref(), Some(sender.jid.to_string().as_str()));
    // The server hands it to the sender: from the group, participant = the requester.
    assert_eq!(retry.attr_text("to").as_deref(), Some(other_group.to_string().as_str()));
    let mut at_sender = wire(&retry);
    at_sender.remove_attr("to");
    at_sender.set_attr("from", other_group.clone());
    at_sender.set_attr("participant", receiver.jid.clone());
    let request = parse_retry_receipt(&at_sender).unwrap();
    assert!(request.receipt.is_group);
    assert!(request.bundle.is_none());
    let resend = build_retry_message(
        &sender.store,
        &sender.own,
        &request,
        &msg,
        Some(&sender.jid),
        None,
        Some(&sender.device_identity),
    )
    .unwrap();
    let deliveries = fan_out(&wire(&resend), &sender.jid, NOW, &everyone).unwrap();
    assert_eq!(deliveries.len(), 1);
    assert_eq!(deliveries[0].device, receiver.jid);
    let got = receive(receiver, &wire(&deliveries[0].node)).unwrap();
    assert_eq!(text_of(&got.message), "in the other group");
    assert!(got.received_sender_key);
    assert_eq!(got.retry_count, Some(1));

    // From now on the receiver reads the sender's skmsgs in that group.
    let with_key: Vec<Jid> = everyone.iter().filter(|j| **j != sender.jid).cloned().collect();
    let next = w.send_group(sender, &other_group, &members, &with_key, &text("next"));
    assert_eq!(text_of(&receive(receiver, next.delivery(&receiver.jid)).unwrap().message), "next");
}

#[test]
fn key_and_skmsg_can_arrive_apart() {
    let w = world();
    let g = group();
    let members: Vec<&Account> = w.accounts.iter().collect();
    let sender = &w.accounts[2].devices[1];
    let receiver = &w.accounts[0].devices[1];
    let sent = w.send_group(sender, &g, &members, &[], &text("split"));
    let node = sent.delivery(&receiver.jid);
    let only = |kind: &str| -> Node {
        let children: Vec<Node> = node
            .get_children()
            .iter()
            .filter(|c| c.tag != "enc" || c.attr_text("type").as_deref() == Some(kind))
            .cloned()
            .collect();
        node.clone().with_content(children)
    };
    let skmsg = only("skmsg");
    assert!(matches!(receive(receiver, &skmsg), Err(MessageError::NoSenderKey { .. })));
    let key = receive(receiver, &only("pkmsg")).unwrap();
    assert!(key.received_sender_key);
    assert!(key.is_key_distribution_only());
    let got = receive(receiver, &skmsg).unwrap();
    assert_eq!(text_of(&got.message), "split");
    assert!(!got.is_key_distribution_only());
}

/// The group phash covers every member device and the sending one, also when the caller left
/// the sending device out of `devices` as the client does (WhatsApp Web hashes
/// `[].concat(devices, [sender])`). Known value over the six devices, computed with Python's
/// hashlib.
#[test]
fn phash_covers_the_sending_device() {
    let w = world();
    let sender = &w.accounts[0].devices[1];
    let devices: Vec<OutgoingDevice> =
        w.accounts.iter().flat_map(|a| a.outgoing()).filter(|d| d.jid != sender.jid).collect();
    let msg = GroupMessage {
        id: "3EB0000000000000000001",
        group: &group(),
        message: &text("hashed"),
        sender: &sender.jid,
        devices: &devices,
        devices_with_sender_key: &[],
        device_identity: None,
    };
    let out = build_group_message(&sender.store, &sender.own, &msg).unwrap();
    assert_eq!(out.phash, "2:PSYoGOxN");
    assert_eq!(out.node.attr_text("phash").as_deref(), Some("2:PSYoGOxN"));
}
