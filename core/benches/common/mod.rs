//! Fixtures shared by the bench targets (each uses a part of them).
#![allow(dead_code)]

use wazap::binary::{Jid, Node};
use wazap::crypto::KeyPair;
use wazap::signal::{
    decrypt_message, decrypt_pre_key_message, encrypt, process_pre_key_bundle, PreKeyBundle,
    ProtocolAddress, RandomKeys, SignedPreKeyRecord,
};
use wazap::store::{MemorySignalStore, SignalStore, SignedPreKeyStore};

/// The plaintext of the Signal benches.
pub const MESSAGE: [u8; 100] = [0x42; 100];

/// A typical ~100-byte message stanza (the codec's hot path).
pub fn message_stanza() -> Node {
    Node::new("message")
        .attr("id", "3EB0C767F26C8A9A1E3F")
        .attr("to", Jid::pn("15551234567"))
        .attr("type", "text")
        .child(
            Node::new("enc")
                .attr("v", "2")
                .attr("type", "msg")
                .bytes((0..60u8).map(|i| i.wrapping_mul(37)).collect::<Vec<u8>>()),
        )
}

/// A device with an identity, a signed prekey (id 1, no one-time prekey) and its bundle.
pub struct Party {
    pub store: MemorySignalStore,
    pub address: ProtocolAddress,
    pub bundle: PreKeyBundle,
}

pub fn party(name: &str, device_id: u32) -> Party {
    let mut rng = rand::thread_rng();
    let identity = KeyPair::generate(&mut rng);
    let spk = SignedPreKeyRecord::generate(&identity, 1, &mut rng);
    let store = MemorySignalStore::new(identity.clone(), 1);
    store.store_signed_pre_key(&spk).unwrap();
    let bundle = PreKeyBundle {
        registration_id: 1,
        device_id,
        pre_key: None,
        signed_pre_key_id: 1,
        signed_pre_key: spk.key_pair.public,
        signed_pre_key_signature: spk.signature.to_vec(),
        identity_key: identity.public,
    };
    Party { store, address: ProtocolAddress::new(name, device_id), bundle }
}

/// Sends `MESSAGE` from `from` to `to` and commits the receiver's changes.
pub fn deliver(from: &Party, to: &Party) {
    let m = encrypt(&from.store, &to.address, &MESSAGE).unwrap();
    let d = match m.enc_type() {
        "pkmsg" => decrypt_pre_key_message(&to.store, &from.address, m.as_bytes(), &mut RandomKeys),
        _ => decrypt_message(&to.store, &from.address, m.as_bytes(), &mut RandomKeys),
    }
    .unwrap();
    assert_eq!(d.plaintext.len(), MESSAGE.len());
    to.store.commit(d.changes).unwrap();
}

/// Alice and Bob with a session both ways (each has answered once).
pub fn established() -> (Party, Party) {
    let (alice, bob) = (party("alice", 1), party("bob", 1));
    process_pre_key_bundle(&alice.store, &bob.address, &bob.bundle, &mut RandomKeys).unwrap();
    deliver(&alice, &bob);
    deliver(&bob, &alice);
    (alice, bob)
}
