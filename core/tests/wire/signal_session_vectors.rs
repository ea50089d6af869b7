//! signal_session.json: libsignal-node 1:1 transcripts. Bob decrypts Alice's messages from his
//! static keys plus his recorded ratchet keys; with both sides' keys injected, every ciphertext
//! of both parties is reproduced byte for byte.
use crate::common;

use serde_json::Value;
use wazap::crypto::{KeyPair, PublicKey};
use wazap::signal::{
    decrypt_message, decrypt_pre_key_message, encrypt, process_pre_key_bundle, unpad_message,
    CiphertextMessage, Decrypted, KeySource, PreKeyBundle, PreKeyRecord, ProtocolAddress,
    RandomKeys, RecordedKeys, SignalError, SignedPreKeyRecord,
};
use wazap::store::{MemorySignalStore, PreKeyStore, SignalStore, SignedPreKeyStore};

fn key_pair(v: &Value) -> KeyPair {
    let pair = KeyPair::from_private(common::hex32(&v["private"]));
    assert_eq!(pair.public.0, common::hex32(&v["public"]), "vector key pair is consistent");
    pair
}

fn recorded(party: &Value) -> RecordedKeys {
    RecordedKeys::new(party["generated_keys"].as_array().unwrap().iter().map(key_pair))
}

fn address(party: &Value) -> ProtocolAddress {
    let (name, device) = party["address"].as_str().unwrap().rsplit_once('.').unwrap();
    ProtocolAddress::new(name, device.parse().unwrap())
}

fn identity(party: &Value) -> KeyPair {
    let pair = KeyPair::from_private(common::hex32(&party["identity_private"]));
    assert_eq!(pair.public.0, common::hex32(&party["identity_public"]));
    pair
}

fn reg_id(party: &Value) -> u32 {
    party["registration_id"].as_u64().unwrap() as u32
}

fn bob_store(bob: &Value) -> MemorySignalStore {
    let store = MemorySignalStore::new(identity(bob), reg_id(bob));
    let spk = &bob["signed_prekey"];
    let signature: [u8; 64] = common::hex(&spk["signature"]).try_into().unwrap();
    store
        .store_signed_pre_key(&SignedPreKeyRecord::new(
            spk["id"].as_u64().unwrap() as u32,
            key_pair(spk),
            signature,
        ))
        .unwrap();
    if !bob["one_time_prekey"].is_null() {
        let otk = &bob["one_time_prekey"];
        store
            .store_pre_key(&PreKeyRecord::new(otk["id"].as_u64().unwrap() as u32, key_pair(otk)))
            .unwrap();
    }
    store
}

fn bundle(bob: &Value) -> PreKeyBundle {
    let spk = &bob["signed_prekey"];
    let otk = &bob["one_time_prekey"];
    PreKeyBundle {
        registration_id: reg_id(bob),
        device_id: address(bob).device,
        pre_key: (!otk.is_null()).then(|| {
            (otk["id"].as_u64().unwrap() as u32, PublicKey(common::hex32(&otk["public"])))
        }),
        signed_pre_key_id: spk["id"].as_u64().unwrap() as u32,
        signed_pre_key: PublicKey(common::hex32(&spk["public"])),
        signed_pre_key_signature: common::hex(&spk["signature"]),
        identity_key: PublicKey(common::hex32(&bob["identity_public"])),
    }
}

fn message<'a>(t: &'a Value, id: &str) -> &'a Value {
    t["messages"].as_array().unwrap().iter().find(|m| m["id"] == id).unwrap()
}

fn decrypt(
    store: &MemorySignalStore,
    from: &ProtocolAddress,
    m: &Value,
    keys: &mut dyn KeySource,
) -> Result<Decrypted, SignalError> {
    let bytes = common::hex(&m["ciphertext_hex"]);
    match m["type"].as_str().unwrap() {
        "pkmsg" => decrypt_pre_key_message(store, from, &bytes, keys),
        "msg" => decrypt_message(store, from, &bytes, keys),
        other => panic!("unknown type {other}"),
    }
}

fn check_plaintext(m: &Value, plaintext: &[u8]) {
    assert_eq!(plaintext, common::hex(&m["plaintext_hex"]), "{} plaintext", m["id"]);
    assert_eq!(
        unpad_message(plaintext).unwrap(),
        common::hex(&m["message_proto_hex"]),
        "{} unpadded Message proto",
        m["id"]
    );
}

fn transcripts() -> Vec<Value> {
    let v = common::load("signal_session.json");
    let list = v["transcripts"].as_array().unwrap().clone();
    assert_eq!(list.len(), 3);
    list
}

#[test]
fn bob_decrypts_every_transcript_in_delivery_order() {
    for t in transcripts() {
        let (alice, bob) = (&t["alice"], &t["bob"]);
        let store = bob_store(bob);
        let mut keys = recorded(bob);
        let from = address(alice);
        let mut decrypted = 0;
        for id in t["deliver_order"].as_array().unwrap() {
            let m = message(&t, id.as_str().unwrap());
            if m["to"] != "bob" {
                continue;
            }
            let d = decrypt(&store, &from, m, &mut keys)
                .unwrap_or_else(|e| panic!("{}: {}: {e}", t["name"], m["id"]));
            check_plaintext(m, &d.plaintext);
            store.commit(d.changes).unwrap();
            decrypted += 1;
        }
        assert_eq!(decrypted, 6, "{}", t["name"]);
        assert_eq!(keys.remaining(), 0, "{}: every recorded Bob key used", t["name"]);
        for id in bob["one_time_prekey_removed_after_use"].as_array().unwrap() {
            assert!(store.load_pre_key(id.as_u64().unwrap() as u32).unwrap().is_none());
        }
    }
}

#[test]
fn first_chain_messages_decrypt_with_static_keys_only() {
    for t in transcripts() {
        let store = bob_store(&t["bob"]);
        let from = address(&t["alice"]);
        let mut count = 0;
        for id in t["deliver_order"].as_array().unwrap() {
            let m = message(&t, id.as_str().unwrap());
            if m["to"] != "bob" || m["receiver_needs_generated_keys"] != false {
                continue;
            }
            let d = decrypt(&store, &from, m, &mut RandomKeys).unwrap();
            check_plaintext(m, &d.plaintext);
            store.commit(d.changes).unwrap();
            count += 1;
        }
        assert!(count >= 2, "{}", t["name"]);
    }
}

/// Replays `events` with both parties' keys injected: every encryption must give the recorded
/// bytes, every decryption the recorded plaintext.
#[test]
fn full_replay_reproduces_every_ciphertext() {
    for t in transcripts() {
        let (alice, bob) = (&t["alice"], &t["bob"]);
        let alice_store = MemorySignalStore::new(identity(alice), reg_id(alice));
        let bob_store = bob_store(bob);
        let mut alice_keys = recorded(alice);
        let mut bob_keys = recorded(bob);
        let (alice_addr, bob_addr) = (address(alice), address(bob));
        process_pre_key_bundle(&alice_store, &bob_addr, &bundle(bob), &mut alice_keys).unwrap();
        for event in t["events"].as_array().unwrap() {
            let (op, id) = (event[0].as_str().unwrap(), event[1].as_str().unwrap());
            let m = message(&t, id);
            let alice_sends = m["from"] == "alice";
            let context = format!("{} {op} {id}", t["name"]);
            match op {
                "encrypt" => {
                    let (store, to) = if alice_sends {
                        (&alice_store, &bob_addr)
                    } else {
                        (&bob_store, &alice_addr)
                    };
                    let out = encrypt(store, to, &common::hex(&m["plaintext_hex"])).unwrap();
                    assert_eq!(out.enc_type(), m["type"].as_str().unwrap(), "{context}");
                    assert!(matches!(
                        (&out, m["type"].as_str().unwrap()),
                        (CiphertextMessage::PreKey(_), "pkmsg")
                            | (CiphertextMessage::Whisper(_), "msg")
                    ));
                    assert_eq!(
                        hex::encode(out.as_bytes()),
                        m["ciphertext_hex"].as_str().unwrap(),
                        "{context}"
                    );
                }
                "decrypt" => {
                    let (store, from, keys): (_, _, &mut dyn KeySource) = if alice_sends {
                        (&bob_store, &alice_addr, &mut bob_keys)
                    } else {
                        (&alice_store, &bob_addr, &mut alice_keys)
                    };
                    let d =
                        decrypt(store, from, m, keys).unwrap_or_else(|e| panic!("{context}: {e}"));
                    check_plaintext(m, &d.plaintext);
                    store.commit(d.changes).unwrap();
                }
                other => panic!("unknown event {other}"),
            }
        }
        assert_eq!(alice_keys.remaining(), 0, "{}", t["name"]);
        assert_eq!(bob_keys.remaining(), 0, "{}", t["name"]);
    }
}

#[test]
fn duplicates_are_reported_and_leave_the_session_usable() {
    let t = &transcripts()[0];
    let (alice, bob) = (&t["alice"], &t["bob"]);
    let store = bob_store(bob);
    let mut keys = recorded(bob);
    let from = address(alice);
    for id in t["deliver_order"].as_array().unwrap() {
        let m = message(t, id.as_str().unwrap());
        if m["to"] == "bob" {
            let d = decrypt(&store, &from, m, &mut keys).unwrap();
            store.commit(d.changes).unwrap();
        }
    }
    for id in ["m3", "m4", "m5"] {
        let err = decrypt(&store, &from, message(t, id), &mut RandomKeys).unwrap_err();
        assert!(matches!(err, SignalError::DuplicateMessage { .. }), "{id}: {err}");
    }
    // The pkmsgs name a one-time prekey that is gone now; their base key still matches the
    // session, so they too are duplicates rather than a new session.
    let err = decrypt(&store, &from, message(t, "m0"), &mut RandomKeys).unwrap_err();
    assert!(matches!(err, SignalError::DuplicateMessage { .. }), "m0: {err}");
    // Bob can still answer on the same session.
    let reply = encrypt(&store, &from, b"still here").unwrap();
    assert_eq!(reply.enc_type(), "msg");
}

#[test]
fn a_bundle_with_a_bad_signed_prekey_signature_is_refused() {
    let t = &transcripts()[0];
    let alice_store = MemorySignalStore::new(identity(&t["alice"]), 1);
    let mut b = bundle(&t["bob"]);
    b.signed_pre_key_signature[5] ^= 1;
    let to = address(&t["bob"]);
    let err = process_pre_key_bundle(&alice_store, &to, &b, &mut RandomKeys).unwrap_err();
    assert!(matches!(err, SignalError::BadSignedPreKeySignature), "{err}");
    assert!(matches!(encrypt(&alice_store, &to, b"x"), Err(SignalError::NoSession(_))));
}
