//! LIDs: sessions under the LID while the wire uses phone numbers, the sender's other
//! identity from the stanza, and peer messages between our own devices.
use crate::message_support;

use message_support::{receive, text_of, wire, Account, World, NOW};
use wazap::binary::Jid;
use wazap::message::{
    build_message_receipt, build_peer_message, fan_out, has_session, protocol_address,
    OutgoingDevice,
};
use wazap::proto;
use wazap::store::SessionStore;

fn world() -> World {
    World {
        accounts: vec![
            Account::new("15550001111", "90000000001", &[0, 3]),
            Account::new("15550002222", "90000000002", &[0, 5]),
        ],
    }
}

#[test]
fn sessions_live_under_lids_both_ways() {
    let w = world();
    let (a, b) = (&w.accounts[0], &w.accounts[1]);
    let alice = &a.devices[1];
    let a_lid = |d: u16| Jid::lid("90000000001").with_device(d);
    let b_lid = |d: u16| Jid::lid("90000000002").with_device(d);

    let sent = w.send_direct_to(
        alice,
        &b.jid(),
        &b.outgoing_lid(),
        &a.outgoing_lid(),
        &wazap::message::text("via lid"),
    );
    assert!(has_session(&alice.store, &b_lid(5)).unwrap());
    assert!(!has_session(&alice.store, &b.devices[1].jid).unwrap(), "no phone-number session");
    // The wire still names phone-number devices.
    let to: Vec<_> = sent
        .stanza
        .child_by_tag("participants")
        .unwrap()
        .get_children()
        .iter()
        .map(|t| t.attr_text("jid").unwrap().into_owned())
        .collect();
    assert!(to.contains(&"15550002222:5@s.whatsapp.net".to_owned()));

    for device in &b.devices {
        // The server adds the sender's LID (without device, as the real one does).
        let mut node = sent.delivery(&device.jid).clone();
        node.set_attr("sender_lid", Jid::lid("90000000001"));
        let got = receive(device, &node).unwrap();
        assert_eq!(text_of(&got.message), "via lid");
        assert_eq!(got.info.sender, alice.jid);
        assert_eq!(got.info.sender_alt, Some(a_lid(3)), "the alt identity gets the device");
        assert!(device.store.load_session(&protocol_address(&a_lid(3))).unwrap().is_some());
        assert!(device.store.load_session(&protocol_address(&alice.jid)).unwrap().is_none());
    }

    // B answers over the LID sessions: plain msg for Alice's sending device.
    let bob = &b.devices[0];
    let back = w.send_direct_to(
        bob,
        &a.jid(),
        &a.outgoing_lid(),
        &b.outgoing_lid(),
        &wazap::message::text("pong"),
    );
    let mut node = back.delivery(&alice.jid).clone();
    let enc = node.child_by_tag("enc").unwrap();
    assert_eq!(enc.attr_text("type").as_deref(), Some("msg"));
    node.set_attr("sender_lid", Jid::lid("90000000002"));
    let got = receive(alice, &node).unwrap();
    assert_eq!(text_of(&got.message), "pong");
    assert_eq!(got.info.sender_alt, Some(b_lid(0)));
}

#[test]
fn a_lid_addressed_chat_and_its_phone_number() {
    let w = world();
    let (a, b) = (&w.accounts[0], &w.accounts[1]);
    let alice = &a.devices[0];
    let lid_devices: Vec<OutgoingDevice> = b
        .devices
        .iter()
        .map(|d| OutgoingDevice::new(Jid::lid("90000000002").with_device(d.jid.device)))
        .collect();
    let own_lid: Vec<OutgoingDevice> = a
        .devices
        .iter()
        .map(|d| OutgoingDevice::new(Jid::lid("90000000001").with_device(d.jid.device)))
        .collect();
    let sent = w.send_direct_to(
        alice,
        &Jid::lid("90000000002"),
        &lid_devices,
        &own_lid,
        &wazap::message::text("hi lid"),
    );
    // This device is skipped by its LID too.
    assert_eq!(sent.deliveries.len(), 3);
    let to_b0 = Jid::lid("90000000002");
    let node = &sent.deliveries.iter().find(|(d, _)| d == &to_b0).unwrap().1;
    let mut node = node.clone();
    node.set_attr("from", Jid::lid("90000000001"));
    node.set_attr("sender_pn", Jid::pn("15550001111"));
    let bob = &b.devices[0];
    let got = receive(bob, &node).unwrap();
    assert_eq!(got.info.chat, Jid::lid("90000000001"));
    assert_eq!(got.info.sender_alt, Some(Jid::pn("15550001111")));

    // Alice's other device sees the chat as the LID it was sent to.
    let to_a3 = Jid::lid("90000000001").with_device(3);
    let mut own = sent.deliveries.iter().find(|(d, _)| d == &to_a3).unwrap().1.clone();
    // The server names the sender by LID and the chat in `recipient`.
    own.set_attr("from", Jid::lid("90000000001"));
    own.set_attr("recipient", Jid::lid("90000000002"));
    let got = receive(&a.devices[1], &own).unwrap();
    assert!(got.info.is_from_me);
    assert_eq!(got.info.chat, Jid::lid("90000000002"));
    assert_eq!(got.flags.device_sent.unwrap().destination_jid, "90000000002@lid");
}

#[test]
fn peer_messages_between_our_own_devices() {
    let w = world();
    let a = &w.accounts[0];
    let (phone, companion) = (&a.devices[0], &a.devices[1]);
    let target = OutgoingDevice::new(companion.jid.clone());
    w.ensure_sessions(phone, std::slice::from_ref(&target));
    let share = proto::Message {
        protocol_message: Some(Box::new(proto::ProtocolMessage {
            r#type: Some(proto::protocol_message::Type::AppStateSyncKeyShare as i32),
            app_state_sync_key_share: Some(Default::default()),
            ..Default::default()
        })),
        ..Default::default()
    };
    let node =
        build_peer_message(&phone.store, &target, "PEER1", &share, Some(&phone.device_identity))
            .unwrap();
    assert_eq!(node.attr_text("category").as_deref(), Some("peer"));
    let deliveries = fan_out(&wire(&node), &phone.jid, NOW, &[]).unwrap();
    assert_eq!(deliveries.len(), 1);
    let delivered = wire(&deliveries[0].node);
    assert!(delivered.get_attr("recipient").is_none());
    let got = receive(companion, &delivered).unwrap();
    assert!(got.info.is_from_me);
    assert_eq!(got.info.category.as_deref(), Some("peer"));
    assert_eq!(
        got.message.protocol_message.unwrap().r#type(),
        proto::protocol_message::Type::AppStateSyncKeyShare
    );
    let receipt = build_message_receipt(&delivered, &got.info, true).unwrap();
    assert_eq!(receipt.attr_text("type").as_deref(), Some("sender"));
}
