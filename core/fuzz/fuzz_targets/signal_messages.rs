//! Fuzzes the Signal layer as a receiver: pkmsg, msg and skmsg bodies (arbitrary, or a valid
//! message of a real session with the input as a bit mask) go to the decryptors of a store that
//! holds sessions and a sender key; the wire parsers and the unpadding see the raw input. No
//! input may panic. Decryption writes nothing (its changes are returned), so every run sees the
//! same store.
#![no_main]
use std::sync::LazyLock;

use libfuzzer_sys::fuzz_target;
use rand::rngs::StdRng;
use rand::SeedableRng;
use wazap::crypto::KeyPair;
use wazap::signal::{
    create_sender_key_distribution, decrypt_message, decrypt_pre_key_message, encrypt,
    group_decrypt, group_encrypt, process_pre_key_bundle, process_sender_key_distribution,
    unpad_message, CiphertextMessage, KeySource, PreKeyBundle, PreKeyRecord, PreKeySignalMessage,
    ProtocolAddress, SenderKeyDistributionMessage, SenderKeyMessage, SenderKeyName, SignalError,
    SignalMessage, SignedPreKeyRecord,
};
use wazap::store::{
    IdentityStore, MemorySignalStore, PreKeyStore, SignalStore, SignedPreKeyStore, StoreChanges,
};

/// Key pairs from a seeded generator: the same run after run.
struct Seeded(StdRng);

impl KeySource for Seeded {
    fn next_key_pair(&mut self) -> Result<KeyPair, SignalError> {
        Ok(KeyPair::generate(&mut self.0))
    }
}

struct Setup {
    bob: MemorySignalStore,
    alice: ProtocolAddress,
    group: SenderKeyName,
    pkmsg: Vec<u8>,
    msg: Vec<u8>,
    skmsg: Vec<u8>,
}

fn party(rng: &mut StdRng) -> MemorySignalStore {
    let identity = KeyPair::generate(rng);
    let store = MemorySignalStore::new(identity.clone(), 7);
    store.store_signed_pre_key(&SignedPreKeyRecord::generate(&identity, 1, rng)).unwrap();
    store.store_pre_key(&PreKeyRecord::new(1, KeyPair::generate(rng))).unwrap();
    store
}

fn bytes(m: CiphertextMessage) -> Vec<u8> {
    match m {
        CiphertextMessage::PreKey(b) | CiphertextMessage::Whisper(b) => b,
    }
}

/// Alice and Bob with a session both ways (so Alice's next message is a plain `msg`) and
/// Alice's sender key for a group at Bob's.
static SETUP: LazyLock<Setup> = LazyLock::new(|| {
    let mut rng = StdRng::seed_from_u64(7);
    let (alice, bob) = (party(&mut rng), party(&mut rng));
    let (a_addr, b_addr) = (ProtocolAddress::new("alice", 1), ProtocolAddress::new("bob", 1));
    let spk = bob.load_signed_pre_key(1).unwrap().unwrap();
    let bundle = PreKeyBundle {
        registration_id: 7,
        device_id: 1,
        pre_key: Some((1, bob.load_pre_key(1).unwrap().unwrap().key_pair.public)),
        signed_pre_key_id: 1,
        signed_pre_key: spk.key_pair.public,
        signed_pre_key_signature: spk.signature.to_vec(),
        identity_key: bob.identity_key_pair().unwrap().public,
    };
    let mut keys = Seeded(StdRng::seed_from_u64(8));
    process_pre_key_bundle(&alice, &b_addr, &bundle, &mut keys).unwrap();
    let pkmsg = bytes(encrypt(&alice, &b_addr, b"hello bob").unwrap());
    let d = decrypt_pre_key_message(&bob, &a_addr, &pkmsg, &mut keys).unwrap();
    bob.commit(d.changes).unwrap();
    let reply = bytes(encrypt(&bob, &a_addr, b"hello alice").unwrap());
    let d = decrypt_message(&alice, &b_addr, &reply, &mut keys).unwrap();
    alice.commit(d.changes).unwrap();
    let msg = bytes(encrypt(&alice, &b_addr, b"second").unwrap());

    let group = SenderKeyName::new("1203630@g.us", a_addr.clone());
    let skdm = create_sender_key_distribution(&alice, &group, &mut rng).unwrap();
    let mut changes = StoreChanges::default();
    process_sender_key_distribution(&bob, &group, &skdm, &mut changes).unwrap();
    bob.commit(changes).unwrap();
    let skmsg = group_encrypt(&alice, &group, b"to the group").unwrap();
    Setup { bob, alice: a_addr, group, pkmsg, msg, skmsg }
});

fuzz_target!(|data: &[u8]| {
    let s = &*SETUP;
    let Some((&mode, rest)) = data.split_first() else { return };
    let base = match mode % 3 {
        0 => &s.pkmsg,
        1 => &s.msg,
        _ => &s.skmsg,
    };
    // Raw bytes, or the valid message with the input as a mask (and cut to its length).
    let body: Vec<u8> = if mode & 0x80 != 0 {
        rest.to_vec()
    } else {
        let mut b = base.clone();
        for (x, m) in b.iter_mut().zip(rest) {
            *x ^= m;
        }
        if mode & 0x40 != 0 {
            b.truncate(rest.len());
        }
        b
    };
    let mut keys = Seeded(StdRng::seed_from_u64(1));
    let _ = match mode % 3 {
        0 => decrypt_pre_key_message(&s.bob, &s.alice, &body, &mut keys).map(|_| ()),
        1 => decrypt_message(&s.bob, &s.alice, &body, &mut keys).map(|_| ()),
        _ => group_decrypt(&s.bob, &s.group, &body).map(|_| ()),
    };
    let _ = SignalMessage::parse(&body);
    let _ = PreKeySignalMessage::parse(&body);
    let _ = SenderKeyMessage::parse(&body);
    let _ = SenderKeyDistributionMessage::parse(&body);
    let _ = unpad_message(&body);
});
