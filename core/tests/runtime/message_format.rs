//! Formats of the message layer: ids, participant hash, Signal addresses, receipts, usync,
//! prekey bundles, stanza attributes of message kinds, and unwrapping.
use crate::message_support;

use message_support::{wire, Device};
use wazap::binary::{Jid, Node, Server};
use wazap::message::{
    build_ack, build_bundle_node, build_device_query, build_device_response, build_prekey_request,
    build_read_receipt, build_receipt, build_server_ack, edit_attribute, media_type, message_id,
    message_id_with, message_type, parse_bundle, parse_device_response, parse_prekey_response,
    parse_receipt, parse_server_ack, participant_hash, protocol_address, sender_key_name,
    unwrap_message, MessageError, UserDevices, MESSAGE_ID_LEN,
};
use wazap::proto;
use wazap::types::{OwnJids, ReceiptType};

#[test]
fn message_ids_look_like_whatsapp_web_ones() {
    // SHA256(u64 BE 1700000000 ‖ "15550001111@c.us" ‖ 00..0f), computed independently.
    let random: [u8; 16] = std::array::from_fn(|i| i as u8);
    assert_eq!(message_id_with("15550001111", 1_700_000_000, &random), "3EB0B60EE93DD91536D839");
    // Before login there is no user part.
    assert_eq!(message_id_with("", 1_700_000_000, &random), "3EB0548FCCCE1A4485214D");
    let a = message_id("15550001111", 1_700_000_000);
    let b = message_id("15550001111", 1_700_000_000);
    assert_ne!(a, b, "16 random bytes per id");
    for id in [&a, &b] {
        assert_eq!(id.len(), MESSAGE_ID_LEN);
        assert!(id.starts_with("3EB0"));
        assert!(id.chars().all(|c| c.is_ascii_digit() || c.is_ascii_uppercase()));
    }
}

#[test]
fn participant_hash_matches_the_known_value() {
    let phone = Jid::pn("1234567890");
    let devices = [phone.clone().with_device(5), phone.with_device(0)];
    assert_eq!(participant_hash(&devices), "2:kgVuVtZv");
    assert_eq!(participant_hash(devices.iter().rev()), "2:kgVuVtZv", "order does not matter");
    let lid = [Jid::lid("1234567890").with_device(5)];
    assert_ne!(participant_hash(&lid), participant_hash(&devices[..1]));
}

#[test]
fn signal_addresses_of_phone_and_lid_devices() {
    let pn = protocol_address(&Jid::pn("15550001111").with_device(3));
    assert_eq!((pn.name.as_str(), pn.device), ("15550001111", 3));
    let lid = protocol_address(&Jid::lid("90000000001").with_device(4));
    assert_eq!((lid.name.as_str(), lid.device), ("90000000001_1", 4));
    let phone = protocol_address(&Jid::lid("90000000001"));
    assert_eq!((phone.name.as_str(), phone.device), ("90000000001_1", 0));
    let name = sender_key_name(&Jid::group("1203"), &Jid::pn("1555").with_device(2));
    assert_eq!(name.to_string(), "1203@g.us::1555::2");
}

fn group_message() -> Node {
    Node::new("message")
        .attr("id", "3EB0AAAA")
        .attr("from", Jid::group("120363000000000001"))
        .attr("participant", Jid::pn("15550002222").with_device(4))
        .attr("t", "1700000000")
        .attr("type", "text")
}

#[test]
fn receipts_round_trip() {
    // Delivery receipt answering a group message: to the group, naming the sender device.
    let delivered = build_receipt(&group_message(), &ReceiptType::Delivered).unwrap();
    assert_eq!(delivered.attr_text("to").as_deref(), Some("120363000000000001@g.us"));
    assert_eq!(delivered.attr_text("participant").as_deref(), Some("15550002222:4@s.whatsapp.net"));
    assert!(delivered.get_attr("type").is_none());

    // What the original sender receives: from the group, participant = who got it.
    let mut at_sender = wire(&delivered);
    at_sender.remove_attr("to");
    at_sender.set_attr("from", Jid::group("120363000000000001"));
    at_sender.set_attr("participant", Jid::pn("15550003333").with_device(7));
    let r = parse_receipt(&at_sender).unwrap();
    assert_eq!(r.receipt_type, ReceiptType::Delivered);
    assert_eq!(r.ids, ["3EB0AAAA"]);
    assert!(r.is_group);
    assert_eq!(r.chat, Jid::group("120363000000000001"));
    assert_eq!(r.sender, Some(Jid::pn("15550003333").with_device(7)));

    // Read receipt for three messages of one sender in a group.
    let ids: Vec<String> = ["A1", "A2", "A3"].map(String::from).to_vec();
    let chat = Jid::group("120363000000000001");
    let sender = Jid::pn("15550002222").with_device(4);
    let read =
        build_read_receipt(&ids, &chat, Some(&sender), 1_700_000_100, &ReceiptType::Read).unwrap();
    assert_eq!(read.attr_text("participant").as_deref(), Some("15550002222@s.whatsapp.net"));
    let mut at_sender = wire(&read);
    at_sender.remove_attr("to");
    at_sender.set_attr("from", chat.clone());
    let r = parse_receipt(&at_sender).unwrap();
    assert_eq!((r.receipt_type.clone(), r.ids.clone()), (ReceiptType::Read, ids.clone()));
    assert_eq!(r.timestamp, Some(1_700_000_100));

    // 1:1: no participant, whatever the caller passes.
    let dm = Jid::pn("15550002222");
    let played =
        build_read_receipt(&ids[..1], &dm, Some(&sender), 5, &ReceiptType::Played).unwrap();
    assert!(played.get_attr("participant").is_none());
    assert!(played.child_by_tag("list").is_none());
    assert!(matches!(
        build_read_receipt(&[], &dm, None, 5, &ReceiptType::Read),
        Err(MessageError::NoMessageIds)
    ));

    // Receipt about our own message from our other device: the chat is `recipient`.
    let self_read = Node::new("receipt")
        .attr("id", "X")
        .attr("from", Jid::pn("15550001111").with_device(2))
        .attr("recipient", Jid::pn("15550002222"))
        .attr("type", "read-self");
    let r = parse_receipt(&self_read).unwrap();
    assert_eq!((r.receipt_type.clone(), r.chat.clone()), (ReceiptType::ReadSelf, dm.clone()));

    // Grouped group receipt.
    let grouped = Node::new("receipt")
        .attr("id", "ignored")
        .attr("from", chat.clone())
        .attr("type", "read")
        .child(Node::new("participants").attr("key", "K1").children([
            Node::new("user").attr("jid", Jid::pn("1")).attr("t", "10"),
            Node::new("user").attr("jid", Jid::pn("2")).attr("t", "11"),
        ]));
    let r = parse_receipt(&wire(&grouped)).unwrap();
    assert_eq!(r.ids, ["K1"]);
    assert_eq!(r.sender, None);
    assert_eq!(r.participants.len(), 2);
    assert_eq!(r.participants[1].timestamp, Some(11));

    for t in [
        "",
        "sender",
        "retry",
        "read",
        "read-self",
        "played",
        "played-self",
        "inactive",
        "peer_msg",
        "hist_sync",
        "server-error",
        "something-new",
    ] {
        let parsed = ReceiptType::from_attr(Some(t));
        assert_eq!(parsed.as_attr().unwrap_or(""), t);
    }
}

#[test]
fn acks_copy_the_right_attributes() {
    let ack = build_ack(&group_message(), None).unwrap();
    assert_eq!(ack.attr_text("class").as_deref(), Some("message"));
    assert_eq!(ack.attr_text("to").as_deref(), Some("120363000000000001@g.us"));
    assert!(ack.get_attr("type").is_none(), "messages are acked without their type");
    let receipt =
        Node::new("receipt").attr("id", "R").attr("from", Jid::pn("1")).attr("type", "read");
    let ack = build_ack(&receipt, Some(491)).unwrap();
    assert_eq!(ack.attr_text("type").as_deref(), Some("read"));
    assert_eq!(ack.attr_text("error").as_deref(), Some("491"));
}

#[test]
fn server_acks_round_trip() {
    let sent = Node::new("message")
        .attr("id", "3EB0AB")
        .attr("to", Jid::pn("15550002222"))
        .attr("type", "text");
    let ack = build_server_ack(&sent, 1_700_000_007, Some("2:kgVuVtZv")).unwrap();
    let parsed = parse_server_ack(&wire(&ack)).unwrap();
    assert_eq!(parsed.id, "3EB0AB");
    assert_eq!(parsed.timestamp, Some(1_700_000_007));
    assert_eq!(parsed.error, None);
    assert!(!parsed.phash_mismatch("2:kgVuVtZv"));
    assert!(parsed.phash_mismatch("2:AAAAAAAA"));
    let refused = Node::new("ack").attr("class", "message").attr("id", "X").attr("error", "479");
    assert_eq!(parse_server_ack(&refused).unwrap().error, Some(479));
    let bad = Node::new("ack").attr("id", "X").attr("t", "later");
    assert!(matches!(parse_server_ack(&bad), Err(MessageError::MissingAttribute(_))));
    assert!(matches!(parse_server_ack(&sent), Err(MessageError::UnexpectedTag { .. })));
}

#[test]
fn usync_device_query_and_answer() {
    let users = [Jid::pn("15550002222").with_device(3), Jid::pn("15550001111")];
    let query = build_device_query("q1", "sid1", &users, true);
    let usync = query.child_by_tag("usync").unwrap();
    assert_eq!(usync.attr_text("context").as_deref(), Some("message"));
    let list: Vec<_> = usync
        .child_by_tag("list")
        .unwrap()
        .children_by_tag("user")
        .map(|u| u.attr_text("jid").unwrap().into_owned())
        .collect();
    assert_eq!(list, ["15550002222@s.whatsapp.net", "15550001111@s.whatsapp.net"]);
    assert!(usync.child_by_path(&["query", "lid"]).is_some());

    let answer = vec![
        UserDevices {
            user: Jid::pn("15550002222"),
            devices: vec![Jid::pn("15550002222"), Jid::pn("15550002222").with_device(5)],
            lid: Some(Jid::lid("90000000002")),
        },
        UserDevices {
            user: Jid::pn("15550001111"),
            devices: vec![Jid::pn("15550001111")],
            lid: None,
        },
    ];
    let parsed =
        parse_device_response(&wire(&build_device_response("q1", "sid1", &answer))).unwrap();
    assert_eq!(parsed, answer);

    let hosted = Node::new("usync").child(Node::new("list").child(
        Node::new("user").attr("jid", Jid::pn("1555")).child(Node::new("devices").child(
            Node::new("device-list").children([
                Node::new("device").attr("id", "0"),
                Node::new("device").attr("id", "99").attr("is_hosted", "true"),
            ]),
        )),
    ));
    let parsed = parse_device_response(&hosted).unwrap();
    assert_eq!(parsed[0].devices[1].server, Server::Hosted);
    let bad = Node::new("usync").child(
        Node::new("list").child(
            Node::new("user").attr("jid", Jid::pn("1555")).child(
                Node::new("devices")
                    .child(Node::new("device-list").child(Node::new("device").attr("id", "x"))),
            ),
        ),
    );
    assert!(matches!(parse_device_response(&bad), Err(MessageError::MissingAttribute(_))));
}

#[test]
fn prekey_bundles_round_trip() {
    let device = Device::new("15550002222", "90000000002", 5);
    let with_one_time = device.bundle();
    let mut signed_only = device.bundle();
    signed_only.pre_key = None;
    let request = build_prekey_request("k1", std::slice::from_ref(&device.jid));
    assert_eq!(request.attr_text("xmlns").as_deref(), Some("encrypt"));
    assert_eq!(
        request.child_by_path(&["key", "user"]).unwrap().attr_text("reason").as_deref(),
        Some("identity")
    );

    let other = Jid::pn("15550003333").with_device(1);
    let answer =
        Node::new("iq").child(
            Node::new("list").children([
                build_bundle_node(&device.jid, &with_one_time),
                build_bundle_node(&device.jid, &signed_only),
                Node::new("user")
                    .attr("jid", other.clone())
                    .child(Node::new("error").attr("code", "404")),
            ]),
        );
    let parsed = parse_prekey_response(&wire(&answer)).unwrap();
    assert_eq!(parsed.len(), 3);
    for ((jid, bundle), expected) in parsed.iter().zip([&with_one_time, &signed_only]) {
        assert_eq!(jid, &device.jid);
        let bundle = bundle.as_ref().unwrap();
        assert_eq!(bundle.device_id, 5);
        assert_eq!(bundle.registration_id, expected.registration_id);
        assert_eq!(bundle.pre_key, expected.pre_key);
        assert_eq!(bundle.signed_pre_key_id, expected.signed_pre_key_id);
        assert_eq!(bundle.signed_pre_key, expected.signed_pre_key);
        assert_eq!(bundle.signed_pre_key_signature, expected.signed_pre_key_signature);
        assert_eq!(bundle.identity_key, expected.identity_key);
    }
    assert!(
        matches!(&parsed[2].1, Err(MessageError::KeyFetchRefused { code, .. }) if code == "404")
    );

    let short = Node::new("user").children([
        Node::new("registration").bytes(vec![0, 0, 1]),
        Node::new("identity").bytes(vec![0; 32]),
    ]);
    assert!(matches!(parse_bundle(0, &short), Err(MessageError::BadKey("registration"))));
    let no_skey = Node::new("user").children([
        Node::new("registration").bytes(vec![0, 0, 0, 1]),
        Node::new("identity").bytes(vec![0; 32]),
    ]);
    assert!(matches!(parse_bundle(0, &no_skey), Err(MessageError::MissingAttribute(_))));
}

fn wrap(message: proto::Message) -> Option<Box<proto::FutureProofMessage>> {
    Some(Box::new(proto::FutureProofMessage { message: Some(Box::new(message)) }))
}

#[test]
fn stanza_attributes_of_message_kinds() {
    let image = proto::Message { image_message: Some(Default::default()), ..Default::default() };
    assert_eq!((message_type(&image), media_type(&image)), ("media", Some("image")));
    let ptt = proto::Message {
        audio_message: Some(Box::new(proto::AudioMessage {
            ptt: Some(true),
            ..Default::default()
        })),
        ..Default::default()
    };
    assert_eq!(media_type(&ptt), Some("ptt"));
    let view_once =
        proto::Message { view_once_message_v2: wrap(image.clone()), ..Default::default() };
    assert_eq!((message_type(&view_once), media_type(&view_once)), ("media", Some("image")));
    let text = wazap::message::text("hi");
    assert_eq!(
        (message_type(&text), media_type(&text), edit_attribute(&text)),
        ("text", None, None)
    );
    let poll =
        proto::Message { poll_creation_message_v3: Some(Default::default()), ..Default::default() };
    assert_eq!(message_type(&poll), "poll");

    let key = proto::MessageKey { from_me: Some(true), id: Some("X".into()), ..Default::default() };
    let revoke = proto::Message {
        protocol_message: Some(Box::new(proto::ProtocolMessage {
            key: Some(key.clone()),
            r#type: Some(proto::protocol_message::Type::Revoke as i32),
            ..Default::default()
        })),
        ..Default::default()
    };
    assert_eq!(edit_attribute(&revoke), Some("7"));
    let edit = proto::Message {
        edited_message: wrap(proto::Message {
            protocol_message: Some(Box::new(proto::ProtocolMessage {
                key: Some(key),
                r#type: Some(proto::protocol_message::Type::MessageEdit as i32),
                edited_message: Some(Box::new(wazap::message::text("fixed"))),
                ..Default::default()
            })),
            ..Default::default()
        }),
        ..Default::default()
    };
    assert_eq!(edit_attribute(&edit), Some("1"));
}

#[test]
fn wrappers_are_removed_and_reported() {
    let inner = proto::Message { image_message: Some(Default::default()), ..Default::default() };
    let message = proto::Message {
        device_sent_message: Some(Box::new(proto::DeviceSentMessage {
            destination_jid: Some("15550002222@s.whatsapp.net".into()),
            message: Some(Box::new(proto::Message {
                ephemeral_message: wrap(proto::Message {
                    view_once_message_v2: wrap(inner.clone()),
                    ..Default::default()
                }),
                ..Default::default()
            })),
            phash: Some("2:abc".into()),
        })),
        ..Default::default()
    };
    let (unwrapped, flags) = unwrap_message(message);
    assert_eq!(unwrapped, inner);
    assert!(flags.ephemeral && flags.view_once && flags.view_once_v2 && !flags.edit);
    let dsm = flags.device_sent.unwrap();
    assert_eq!(
        (dsm.destination_jid.as_str(), dsm.phash.as_deref()),
        ("15550002222@s.whatsapp.net", Some("2:abc"))
    );

    // An empty wrapper stays as it is.
    let empty =
        proto::Message { ephemeral_message: Some(Default::default()), ..Default::default() };
    let (same, flags) = unwrap_message(empty.clone());
    assert_eq!((same, flags.ephemeral), (empty, false));
}

#[test]
fn own_jids_recognise_both_identities() {
    let own = OwnJids::new(
        Jid::pn("15550001111").with_device(3),
        Some(Jid::lid("90000000001").with_device(3)),
    );
    assert!(own.is_own_user(&Jid::pn("15550001111").with_device(7)));
    assert!(own.is_own_user(&Jid::lid("90000000001")));
    assert!(!own.is_own_user(&Jid::pn("15550002222")));
    assert!(own.is_this_device(&Jid::lid("90000000001").with_device(3)));
    assert!(!own.is_this_device(&Jid::pn("15550001111")));
}
