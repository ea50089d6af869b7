//! sender_keys.json: Baileys group messages. A receiver processes the distribution message and
//! decrypts in delivery order (3 before 2); as a sender we reproduce `standard_iterations` byte
//! for byte.
use crate::common;

use serde_json::Value;
use wazap::crypto::KeyPair;
use wazap::signal::{
    group_decrypt, group_encrypt, process_sender_key_distribution, unpad_message, ProtocolAddress,
    SenderKeyDistributionMessage, SenderKeyName, SenderKeyRecord, SignalError,
};
use wazap::store::{MemorySignalStore, SenderKeyStore, SignalStore, StoreChanges};

fn transcripts() -> Vec<Value> {
    let v = common::load("sender_keys.json");
    let list = v["transcripts"].as_array().unwrap().clone();
    assert_eq!(list.len(), 2);
    list
}

fn name(t: &Value) -> SenderKeyName {
    let (user, device) = t["sender_address"].as_str().unwrap().rsplit_once('.').unwrap();
    let name = SenderKeyName::new(
        t["group_id"].as_str().unwrap(),
        ProtocolAddress::new(user, device.parse().unwrap()),
    );
    assert_eq!(name.to_string(), t["sender_key_name"].as_str().unwrap());
    name
}

fn store() -> MemorySignalStore {
    MemorySignalStore::new(KeyPair::from_private([9; 32]), 42)
}

#[test]
fn receiver_decrypts_both_transcripts_in_delivery_order() {
    for t in transcripts() {
        let store = store();
        let name = name(&t);
        let skdm = SenderKeyDistributionMessage::parse(&common::hex(&t["skdm_hex"])).unwrap();
        assert_eq!(skdm.key_id as u64, t["skdm_parsed"]["id"].as_u64().unwrap());
        assert_eq!(
            skdm.signing_key.serialize().to_vec(),
            common::hex(&t["skdm_parsed"]["signing_key"])
        );
        let mut changes = StoreChanges::default();
        process_sender_key_distribution(&store, &name, &skdm, &mut changes).unwrap();
        store.commit(changes).unwrap();

        let messages = t["messages"].as_array().unwrap();
        let order: Vec<usize> = t["deliver_order"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| i.as_u64().unwrap() as usize)
            .collect();
        assert_eq!(order, [0, 1, 3, 2, 4]);
        for i in order {
            let m = &messages[i];
            let d = group_decrypt(&store, &name, &common::hex(&m["skmsg_hex"]))
                .unwrap_or_else(|e| panic!("{} #{i}: {e}", t["name"]));
            assert_eq!(d.plaintext, common::hex(&m["plaintext_hex"]), "{} #{i}", t["name"]);
            assert_eq!(unpad_message(&d.plaintext).unwrap(), common::hex(&m["message_proto_hex"]));
            store.commit(d.changes).unwrap();
        }
        for m in messages {
            let err = group_decrypt(&store, &name, &common::hex(&m["skmsg_hex"])).unwrap_err();
            assert!(matches!(err, SignalError::DuplicateMessage { .. }), "{}: {err}", t["name"]);
        }
    }
}

#[test]
fn sender_reproduces_standard_iterations_byte_for_byte() {
    let t = transcripts().into_iter().find(|t| t["name"] == "standard_iterations").unwrap();
    let s = &t["sender_state"];
    let signing = KeyPair::from_private(common::hex32(&s["signing_private"]));
    assert_eq!(signing.public.0, common::hex32(&s["signing_public"]));
    let record = SenderKeyRecord::own(
        s["key_id"].as_u64().unwrap() as u32,
        s["iteration"].as_u64().unwrap() as u32,
        common::hex32(&s["chain_key"]),
        &signing,
    );
    assert_eq!(
        hex::encode(record.distribution_message().unwrap().serialize()),
        t["skdm_hex"].as_str().unwrap()
    );
    let store = store();
    let name = name(&t);
    store.store_sender_key(&name, &record).unwrap();
    for m in t["messages"].as_array().unwrap() {
        let out = group_encrypt(&store, &name, &common::hex(&m["plaintext_hex"])).unwrap();
        assert_eq!(hex::encode(out), m["skmsg_hex"].as_str().unwrap(), "message {}", m["index"]);
    }
}

#[test]
fn distribution_carrier_is_padded_message_proto() {
    for t in transcripts() {
        let carrier = common::hex(&t["skdm_carrier_plaintext_hex"]);
        let proto = unpad_message(&carrier).unwrap();
        assert_eq!(proto, common::hex(&t["skdm_carrier_message_proto_hex"]));
        assert!(proto.ends_with(&common::hex(&t["skdm_hex"])), "carrier ends with the SKDM bytes");
    }
}

#[test]
fn corrupted_group_messages_are_refused_without_harm() {
    let t = &transcripts()[1];
    let store = store();
    let name = name(t);
    let skdm = SenderKeyDistributionMessage::parse(&common::hex(&t["skdm_hex"])).unwrap();
    let mut changes = StoreChanges::default();
    process_sender_key_distribution(&store, &name, &skdm, &mut changes).unwrap();
    store.commit(changes).unwrap();
    let good = common::hex(&t["messages"][0]["skmsg_hex"]);
    let mut bad_sig = good.clone();
    *bad_sig.last_mut().unwrap() ^= 1;
    assert!(matches!(
        group_decrypt(&store, &name, &bad_sig),
        Err(SignalError::BadSenderKeySignature)
    ));
    let mut bad_version = good.clone();
    bad_version[0] = 0x23;
    assert!(matches!(
        group_decrypt(&store, &name, &bad_version),
        Err(SignalError::InvalidVersion { .. })
    ));
    let other = SenderKeyName::new("other@g.us", name.sender.clone());
    assert!(matches!(group_decrypt(&store, &other, &good), Err(SignalError::NoSenderKey(_))));
    let d = group_decrypt(&store, &name, &good).unwrap();
    assert_eq!(d.plaintext, common::hex(&t["messages"][0]["plaintext_hex"]));
    // Replaying the distribution message does not rewind the chain.
    let mut changes = StoreChanges::default();
    store.commit(d.changes).unwrap();
    process_sender_key_distribution(&store, &name, &skdm, &mut changes).unwrap();
    store.commit(changes).unwrap();
    assert!(matches!(
        group_decrypt(&store, &name, &good),
        Err(SignalError::DuplicateMessage { .. })
    ));
}
