//! Malformed stanzas give typed errors and never panic; bad padding and bad protobufs inside
//! good ciphertexts are told apart.
use crate::message_support;

use message_support::{Account, World};
use proptest::prelude::*;
use wazap::binary::{Jid, Node};
use wazap::message::{
    decrypt_message, parse_bundle, parse_device_response, parse_message_info,
    parse_prekey_response, parse_receipt, parse_retry_receipt, protocol_address, MessageError,
    OutgoingDevice,
};
use wazap::signal::{encrypt, pad_message_with};
use wazap::store::SessionStore;
use wazap::types::OwnJids;

fn own() -> OwnJids {
    OwnJids::new(Jid::pn("15550002222").with_device(0), None)
}

fn dm(children: Vec<Node>) -> Node {
    Node::new("message")
        .attr("id", "3EB0X")
        .attr("from", Jid::pn("15550001111").with_device(3))
        .attr("t", "1700000000")
        .attr("type", "text")
        .children(children)
}

fn enc(kind: &'static str, bytes: &[u8]) -> Node {
    Node::new("enc").attr("v", "2").attr("type", kind).bytes(bytes.to_vec())
}

#[test]
fn malformed_messages_give_typed_errors() {
    let w = World { accounts: vec![Account::new("15550002222", "90000000002", &[0])] };
    let me = &w.accounts[0].devices[0];
    let decrypt = |node: &Node| decrypt_message(&me.store, &me.own, node).unwrap_err();

    let not_a_message = Node::new("receipt").attr("id", "x");
    assert!(matches!(decrypt(&not_a_message), MessageError::UnexpectedTag { .. }));
    let no_from = Node::new("message").attr("id", "x").attr("t", "1");
    assert!(matches!(decrypt(&no_from), MessageError::MissingAttribute(_)));
    let mut bad_time = dm(vec![]);
    bad_time.set_attr("t", "soon");
    assert!(matches!(decrypt(&bad_time), MessageError::MissingAttribute(_)));
    let group_without_participant =
        Node::new("message").attr("id", "x").attr("from", Jid::group("1203")).attr("t", "1");
    assert!(matches!(decrypt(&group_without_participant), MessageError::MissingAttribute(_)));

    assert!(matches!(decrypt(&dm(vec![])), MessageError::NoEncryptedContent));
    assert!(matches!(
        decrypt(&dm(vec![Node::new("unavailable").attr("type", "view_once")])),
        MessageError::Unavailable(kind) if kind == "view_once"
    ));
    assert!(
        matches!(decrypt(&dm(vec![enc("frob", b"x")])), MessageError::UnknownEncType(t) if t == "frob")
    );
    let v3 = Node::new("enc").attr("v", "3").attr("type", "msg").bytes(vec![1]);
    assert!(matches!(decrypt(&dm(vec![v3])), MessageError::UnsupportedEncVersion(v) if v == "3"));
    let no_type = Node::new("enc").attr("v", "2").bytes(vec![1]);
    assert!(matches!(decrypt(&dm(vec![no_type])), MessageError::MissingAttribute(_)));
    let no_bytes = Node::new("enc").attr("v", "2").attr("type", "msg");
    assert!(matches!(decrypt(&dm(vec![no_bytes])), MessageError::MissingAttribute(_)));
    assert!(matches!(decrypt(&dm(vec![enc("skmsg", b"x")])), MessageError::SkmsgOutsideGroup));
    assert!(matches!(
        decrypt(&dm(vec![enc("msg", b"\x33garbage")])),
        MessageError::DecryptFailed(_)
    ));
    assert!(matches!(decrypt(&dm(vec![enc("pkmsg", &[0x33])])), MessageError::DecryptFailed(_)));

    // A well-formed SignalMessage from someone we have no session with.
    let w2 = World { accounts: vec![Account::new("15550001111", "90000000001", &[3])] };
    let alice = &w2.accounts[0].devices[0];
    let bob_device = OutgoingDevice::new(me.jid.clone());
    w2_session(alice, me, &bob_device);
    let first = encrypt(&alice.store, &bob_device.address(), &pad_message_with(b"x", 1)).unwrap();
    // Turn the pkmsg into the msg it contains: still no session on our side.
    let inner = wazap::signal::PreKeySignalMessage::parse(first.as_bytes()).unwrap();
    let err = decrypt(&dm(vec![enc("msg", inner.message.serialized())]));
    assert!(matches!(err, MessageError::NoSession(a) if a == protocol_address(&alice.jid)));
}

fn w2_session(
    from: &message_support::Device,
    to: &message_support::Device,
    device: &OutgoingDevice,
) {
    wazap::message::start_session(&from.store, device, &to.bundle()).unwrap();
}

#[test]
fn bad_padding_and_bad_protobuf_inside_valid_ciphertexts() {
    let w = World {
        accounts: vec![
            Account::new("15550001111", "90000000001", &[3]),
            Account::new("15550002222", "90000000002", &[0]),
        ],
    };
    let alice = &w.accounts[0].devices[0];
    let bob = &w.accounts[1].devices[0];
    let to_bob = OutgoingDevice::new(bob.jid.clone());
    w2_session(alice, bob, &to_bob);

    // Last byte 0: not WhatsApp padding.
    let ct = encrypt(&alice.store, &to_bob.address(), b"\x0a\x02hi\x00").unwrap();
    let err =
        decrypt_message(&bob.store, &bob.own, &dm(vec![enc("pkmsg", ct.as_bytes())])).unwrap_err();
    assert!(matches!(err, MessageError::BadPadding), "{err:?}");
    // Correct padding around bytes that are no protobuf.
    let ct = encrypt(&alice.store, &to_bob.address(), &pad_message_with(&[0xff; 5], 3)).unwrap();
    let err =
        decrypt_message(&bob.store, &bob.own, &dm(vec![enc("pkmsg", ct.as_bytes())])).unwrap_err();
    assert!(matches!(err, MessageError::BadProto(_)), "{err:?}");
    assert!(!err.wants_retry());
}

#[test]
fn malformed_receipts_and_answers_give_typed_errors() {
    assert!(matches!(
        parse_receipt(&Node::new("message")),
        Err(MessageError::UnexpectedTag { .. })
    ));
    let no_id = Node::new("receipt").attr("from", Jid::pn("1"));
    assert!(matches!(parse_receipt(&no_id), Err(MessageError::MissingAttribute(_))));
    let read = Node::new("receipt").attr("id", "x").attr("from", Jid::pn("1")).attr("type", "read");
    assert!(matches!(parse_retry_receipt(&read), Err(MessageError::NotRetryReceipt)));
    let mut retry_without_child = read.clone();
    retry_without_child.set_attr("type", "retry");
    assert!(matches!(
        parse_retry_receipt(&retry_without_child),
        Err(MessageError::MissingAttribute(_))
    ));
    let bad_count =
        retry_without_child.clone().child(Node::new("retry").attr("id", "x").attr("count", "many"));
    assert!(matches!(parse_retry_receipt(&bad_count), Err(MessageError::MissingAttribute(_))));
    assert!(matches!(
        parse_device_response(&Node::new("iq")),
        Err(MessageError::MissingAttribute(_))
    ));
    assert!(matches!(
        parse_prekey_response(&Node::new("iq")),
        Err(MessageError::MissingAttribute(_))
    ));
}

fn jid_strategy() -> impl Strategy<Value = Jid> {
    prop_oneof![
        "[0-9]{1,12}".prop_map(Jid::pn),
        ("[0-9]{1,12}", 0u16..100).prop_map(|(u, d)| Jid::pn(u).with_device(d)),
        "[0-9]{1,12}".prop_map(Jid::lid),
        "[0-9]{1,18}".prop_map(Jid::group),
    ]
}

fn value_strategy() -> impl Strategy<Value = wazap::binary::AttrValue> {
    prop_oneof![
        jid_strategy().prop_map(Into::into),
        "[a-z0-9:.@_-]{0,12}".prop_map(|s: String| s.into()),
        prop_oneof![
            Just("2"),
            Just("3"),
            Just("pkmsg"),
            Just("msg"),
            Just("skmsg"),
            Just("retry"),
            Just("true")
        ]
        .prop_map(|s: &'static str| s.into()),
    ]
}

const KEYS: &[&str] = &[
    "id",
    "from",
    "to",
    "participant",
    "recipient",
    "t",
    "type",
    "v",
    "count",
    "jid",
    "key",
    "val",
    "code",
    "notify",
    "edit",
    "sender_lid",
    "participant_pn",
    "addressing_mode",
    "is_hosted",
    "mediatype",
    "server_id",
];
const TAGS: &[&str] = &[
    "message",
    "receipt",
    "enc",
    "retry",
    "registration",
    "keys",
    "key",
    "skey",
    "id",
    "value",
    "signature",
    "identity",
    "list",
    "item",
    "user",
    "usync",
    "devices",
    "device-list",
    "device",
    "lid",
    "participants",
    "error",
    "iq",
];

fn node_strategy() -> impl Strategy<Value = Node> {
    let leaf = (
        proptest::sample::select(TAGS),
        proptest::collection::vec((proptest::sample::select(KEYS), value_strategy()), 0..6),
        proptest::option::of(proptest::collection::vec(any::<u8>(), 0..80)),
    )
        .prop_map(|(tag, attrs, bytes)| {
            let mut node = Node::new(tag);
            for (k, v) in attrs {
                node.set_attr(k, v);
            }
            match bytes {
                Some(b) => node.bytes(b),
                None => node,
            }
        });
    leaf.prop_recursive(4, 40, 6, |inner| {
        (
            proptest::sample::select(TAGS),
            proptest::collection::vec((proptest::sample::select(KEYS), value_strategy()), 0..6),
            proptest::collection::vec(inner, 0..6),
        )
            .prop_map(|(tag, attrs, children)| {
                let mut node = Node::new(tag);
                for (k, v) in attrs {
                    node.set_attr(k, v);
                }
                node.children(children)
            })
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]

    #[test]
    fn random_nodes_never_panic(node in node_strategy()) {
        let w = World { accounts: vec![Account::new("15550002222", "90000000002", &[0])] };
        let me = &w.accounts[0].devices[0];
        let _ = parse_message_info(&node, &me.own);
        let _ = decrypt_message(&me.store, &me.own, &node);
        let _ = parse_receipt(&node);
        let _ = parse_retry_receipt(&node);
        let _ = parse_device_response(&node);
        let _ = parse_prekey_response(&node);
        let _ = parse_bundle(1, &node);
        let _ = wazap::message::build_ack(&node, Some(500));
        let _ = wazap::message::fan_out(&node, &me.jid, 1, std::slice::from_ref(&me.jid));
    }

    #[test]
    fn random_messages_with_enc_children_give_errors(
        from in jid_strategy(),
        kinds in proptest::collection::vec(prop_oneof![Just("pkmsg"), Just("msg"), Just("skmsg")], 1..3),
        payload in proptest::collection::vec(any::<u8>(), 0..200),
    ) {
        let w = World { accounts: vec![Account::new("15550002222", "90000000002", &[0])] };
        let me = &w.accounts[0].devices[0];
        let mut node = Node::new("message").attr("id", "x").attr("from", from.clone()).attr("t", "5");
        if from.is_group() {
            node.set_attr("participant", Jid::pn("15550001111").with_device(1));
        }
        let node = node.children(kinds.iter().map(|k| enc(k, &payload)));
        prop_assert!(decrypt_message(&me.store, &me.own, &node).is_err());
        // Nothing a failed decryption does reaches the store.
        prop_assert!(me.store.load_session(&protocol_address(&from)).unwrap().is_none());
    }
}

#[test]
fn own_jids_default_for_unknown_users() {
    // A message from a stranger to us is not from us; the chat is the stranger.
    let info = parse_message_info(&dm(vec![]), &own()).unwrap();
    assert!(!info.is_from_me);
    assert_eq!(info.chat, Jid::pn("15550001111"));
}
