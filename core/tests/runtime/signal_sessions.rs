//! Two parties of ours: random interleavings with loss, reordering, duplicates and corruption
//! (property test), the skipped-key bounds, identity changes, archived sessions, missing prekeys.
use proptest::prelude::*;
use wazap::crypto::KeyPair;
use wazap::signal::{
    decrypt_message, decrypt_pre_key_message, encrypt, process_pre_key_bundle, CiphertextMessage,
    Decrypted, PreKeyBundle, PreKeyRecord, ProtocolAddress, RandomKeys, SignalError,
    SignedPreKeyRecord,
};
use wazap::store::{MemorySignalStore, SignalStore, SqliteSignalStore};

struct Party {
    store: Box<dyn SignalStore>,
    address: ProtocolAddress,
}

fn party(name: &str, sqlite: bool) -> Party {
    let mut rng = rand::thread_rng();
    let identity = KeyPair::generate(&mut rng);
    let store: Box<dyn SignalStore> = if sqlite {
        let s = SqliteSignalStore::open_in_memory().unwrap();
        s.set_local_identity(&identity, 7).unwrap();
        Box::new(s)
    } else {
        Box::new(MemorySignalStore::new(identity.clone(), 7))
    };
    store.store_signed_pre_key(&SignedPreKeyRecord::generate(&identity, 1, &mut rng)).unwrap();
    for id in 1..=3 {
        store.store_pre_key(&PreKeyRecord::new(id, KeyPair::generate(&mut rng))).unwrap();
    }
    Party { store, address: ProtocolAddress::new(name, 1) }
}

fn bundle_of(p: &Party, pre_key: Option<u32>) -> PreKeyBundle {
    let spk = p.store.load_signed_pre_key(1).unwrap().unwrap();
    PreKeyBundle {
        registration_id: 7,
        device_id: 1,
        pre_key: pre_key.map(|id| (id, p.store.load_pre_key(id).unwrap().unwrap().key_pair.public)),
        signed_pre_key_id: 1,
        signed_pre_key: spk.key_pair.public,
        signed_pre_key_signature: spk.signature.to_vec(),
        identity_key: p.store.identity_key_pair().unwrap().public,
    }
}

fn connect(a: &Party, b: &Party, pre_key: Option<u32>) {
    process_pre_key_bundle(&*a.store, &b.address, &bundle_of(b, pre_key), &mut RandomKeys).unwrap();
}

fn receive(to: &Party, from: &Party, m: &CiphertextMessage) -> Result<Decrypted, SignalError> {
    match m {
        CiphertextMessage::PreKey(b) => {
            decrypt_pre_key_message(&*to.store, &from.address, b, &mut RandomKeys)
        }
        CiphertextMessage::Whisper(b) => {
            decrypt_message(&*to.store, &from.address, b, &mut RandomKeys)
        }
    }
}

fn receive_ok(to: &Party, from: &Party, m: &CiphertextMessage) -> Vec<u8> {
    let d = receive(to, from, m).unwrap();
    to.store.commit(d.changes).unwrap();
    d.plaintext
}

fn send(from: &Party, to: &Party, text: &[u8]) -> CiphertextMessage {
    encrypt(&*from.store, &to.address, text).unwrap()
}

#[derive(Clone, Debug)]
enum Op {
    Send(bool),
    Deliver(prop::sample::Index),
    Drop(prop::sample::Index),
    Redeliver(prop::sample::Index),
    Corrupt(prop::sample::Index, prop::sample::Index, u8),
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        3 => any::<bool>().prop_map(Op::Send),
        4 => any::<prop::sample::Index>().prop_map(Op::Deliver),
        1 => any::<prop::sample::Index>().prop_map(Op::Drop),
        1 => any::<prop::sample::Index>().prop_map(Op::Redeliver),
        1 => (any::<prop::sample::Index>(), any::<prop::sample::Index>(), 0u8..8)
            .prop_map(|(m, b, bit)| Op::Corrupt(m, b, bit)),
    ]
}

struct Sent {
    from_alice: bool,
    message: CiphertextMessage,
    plaintext: Vec<u8>,
}

/// At most this many messages per party, so no receiving chain a late message needs is evicted
/// (libsignal keeps 5): every delivered message must then decrypt.
const MAX_SENDS: usize = 5;

proptest! {
    #![proptest_config(ProptestConfig { cases: 128, ..ProptestConfig::default() })]
    #[test]
    fn random_interleavings_loss_and_reordering(ops in prop::collection::vec(op(), 1..50), one_time in any::<bool>()) {
        let alice = party("alice", false);
        let bob = party("bob", true);
        connect(&alice, &bob, one_time.then_some(2));
        let mut in_flight: Vec<Sent> = Vec::new();
        let mut delivered: Vec<Sent> = Vec::new();
        let mut sends = [0usize; 2];
        let mut alice_heard_from_bob = false;
        let mut bob_has_session = false;
        for (step, op) in ops.into_iter().enumerate() {
            match op {
                Op::Send(from_alice) => {
                    let i = usize::from(!from_alice);
                    if sends[i] == MAX_SENDS || (!from_alice && !bob_has_session) {
                        continue;
                    }
                    sends[i] += 1;
                    let plaintext = format!("step {step}").into_bytes();
                    let message = if from_alice { send(&alice, &bob, &plaintext) } else { send(&bob, &alice, &plaintext) };
                    if from_alice {
                        // PreKeySignalMessages are repeated until Bob's answer arrives.
                        prop_assert_eq!(message.enc_type(), if alice_heard_from_bob { "msg" } else { "pkmsg" });
                    }
                    in_flight.push(Sent { from_alice, message, plaintext });
                }
                Op::Deliver(i) if !in_flight.is_empty() => {
                    let m = in_flight.remove(i.index(in_flight.len()));
                    let (to, from) = if m.from_alice { (&bob, &alice) } else { (&alice, &bob) };
                    let plaintext = receive_ok(to, from, &m.message);
                    prop_assert_eq!(&plaintext, &m.plaintext);
                    if m.from_alice { bob_has_session = true } else { alice_heard_from_bob = true }
                    delivered.push(m);
                }
                Op::Drop(i) if !in_flight.is_empty() => {
                    in_flight.remove(i.index(in_flight.len()));
                }
                Op::Redeliver(i) if !delivered.is_empty() => {
                    let m = &delivered[i.index(delivered.len())];
                    let (to, from) = if m.from_alice { (&bob, &alice) } else { (&alice, &bob) };
                    let err = receive(to, from, &m.message).unwrap_err();
                    prop_assert!(matches!(err, SignalError::DuplicateMessage { .. }), "{}", err);
                }
                Op::Corrupt(i, byte, bit) => {
                    let pool: Vec<&Sent> = in_flight.iter().chain(delivered.iter())
                        .filter(|m| matches!(m.message, CiphertextMessage::Whisper(_))).collect();
                    if pool.is_empty() { continue; }
                    let m = pool[i.index(pool.len())];
                    let mut bytes = m.message.as_bytes().to_vec();
                    let at = byte.index(bytes.len());
                    bytes[at] ^= 1 << bit;
                    let (to, from) = if m.from_alice { (&bob, &alice) } else { (&alice, &bob) };
                    prop_assert!(receive(to, from, &CiphertextMessage::Whisper(bytes)).is_err());
                }
                _ => {}
            }
        }
        // Everything still in flight arrives (in order), and both can still talk.
        for m in in_flight.drain(..) {
            let (to, from) = if m.from_alice { (&bob, &alice) } else { (&alice, &bob) };
            let plaintext = receive_ok(to, from, &m.message);
            prop_assert_eq!(&plaintext, &m.plaintext);
        }
        let m = send(&alice, &bob, b"final from alice");
        prop_assert_eq!(receive_ok(&bob, &alice, &m), b"final from alice".to_vec());
        let m = send(&bob, &alice, b"final from bob");
        prop_assert_eq!(receive_ok(&alice, &bob, &m), b"final from bob".to_vec());
    }
}

/// A session where both sides have sent and received, so messages are plain SignalMessages.
fn established() -> (Party, Party) {
    let alice = party("alice", false);
    let bob = party("bob", false);
    connect(&alice, &bob, Some(1));
    let m = send(&alice, &bob, b"hi");
    receive_ok(&bob, &alice, &m);
    let m = send(&bob, &alice, b"hello");
    receive_ok(&alice, &bob, &m);
    (alice, bob)
}

#[test]
fn corrupted_mac_ciphertext_or_version_is_an_error_and_harmless() {
    let (alice, bob) = established();
    let m = send(&alice, &bob, b"the real one");
    let bytes = m.as_bytes().to_vec();
    assert_eq!(m.enc_type(), "msg");
    let n = bytes.len();
    type Check = fn(&SignalError) -> bool;
    let cases: [(usize, u8, Check); 5] = [
        (n - 1, 1, |e| matches!(e, SignalError::BadMac)),
        (n - 9, 1, |e| matches!(e, SignalError::BadMac)), // last ciphertext byte
        (0, 0x10, |e| matches!(e, SignalError::InvalidVersion { version: 0x23 })),
        (0, 1, |e| matches!(e, SignalError::BadMac)), // 0x32 is still v3, but MAC'd
        (5, 1, |e| {
            matches!(
                e,
                SignalError::BadMac | SignalError::InvalidMessage(_) | SignalError::InvalidKey(_)
            )
        }),
    ];
    for (at, mask, expected) in cases {
        let mut bad = bytes.clone();
        bad[at] ^= mask;
        let err = decrypt_message(&*bob.store, &alice.address, &bad, &mut RandomKeys).unwrap_err();
        assert!(expected(&err), "flip at {at}: {err}");
    }
    assert!(matches!(
        decrypt_message(&*bob.store, &alice.address, &bytes[..5], &mut RandomKeys),
        Err(SignalError::InvalidMessage(_))
    ));
    assert_eq!(receive_ok(&bob, &alice, &m), b"the real one");
}

#[test]
fn skipped_keys_are_bounded_at_2000() {
    let (alice, bob) = established();
    let messages: Vec<_> =
        (0..4003).map(|i| send(&alice, &bob, format!("{i}").as_bytes())).collect();
    // 2001 ahead of the chain: refused, and nothing changes.
    let err = receive(&bob, &alice, &messages[2001]).unwrap_err();
    assert!(matches!(err, SignalError::TooFarInFuture { ahead: 2001, limit: 2000 }), "{err}");
    // 2000 ahead: fine; 0..1999 are kept.
    assert_eq!(receive_ok(&bob, &alice, &messages[2000]), b"2000");
    assert_eq!(receive_ok(&bob, &alice, &messages[7]), b"7");
    // Skipping 2001..=3999 as well: only the newest 2000 skipped keys are kept.
    assert_eq!(receive_ok(&bob, &alice, &messages[4000]), b"4000");
    let err = receive(&bob, &alice, &messages[0]).unwrap_err();
    assert!(matches!(err, SignalError::DuplicateMessage { counter: 0 }), "{err}");
    assert_eq!(receive_ok(&bob, &alice, &messages[1999]), b"1999");
    assert_eq!(receive_ok(&bob, &alice, &messages[2500]), b"2500");
    assert_eq!(receive_ok(&bob, &alice, &messages[4002]), b"4002");
    assert_eq!(receive_ok(&bob, &alice, &messages[4001]), b"4001");
}

#[test]
fn changed_identity_is_its_own_error_until_trusted() {
    let (alice, bob) = established();
    // Bob re-installs: new identity, new keys, same address.
    let bob2 = Party { address: bob.address.clone(), ..party("bob", false) };
    connect(&bob2, &alice, None);
    let m = send(&bob2, &alice, b"new phone");
    let err = receive(&alice, &bob2, &m).unwrap_err();
    let new_key = bob2.store.identity_key_pair().unwrap().public;
    match &err {
        SignalError::IdentityChanged { address, stored, received } => {
            assert_eq!(address, &bob.address);
            assert_eq!(*stored, bob.store.identity_key_pair().unwrap().public);
            assert_eq!(*received, new_key);
        }
        other => panic!("expected IdentityChanged, got {other}"),
    }
    // The old session still works for sending until the user decides.
    let old = alice.store.load_session(&bob.address).unwrap().unwrap();
    assert_eq!(old.remote_identity(), Some(bob.store.identity_key_pair().unwrap().public));
    // Trusting the new key: save it and retry.
    assert!(alice.store.save_identity(&bob.address, &new_key).unwrap());
    assert_eq!(receive_ok(&alice, &bob2, &m), b"new phone");
    let record = alice.store.load_session(&bob.address).unwrap().unwrap();
    assert_eq!(record.archived_count(), 1);
    let reply = send(&alice, &bob2, b"welcome back");
    assert_eq!(receive_ok(&bob2, &alice, &reply), b"welcome back");
    // Sending to an address whose stored identity no longer matches the session is refused.
    let (carol, dave) = established();
    carol.store.save_identity(&dave.address, &new_key).unwrap();
    assert!(matches!(
        encrypt(&*carol.store, &dave.address, b"x"),
        Err(SignalError::IdentityChanged { .. })
    ));
}

#[test]
fn simultaneous_session_start_converges_through_archived_states() {
    let alice = party("alice", false);
    let bob = party("bob", false);
    connect(&alice, &bob, Some(1));
    connect(&bob, &alice, Some(1));
    let from_alice = send(&alice, &bob, b"a1");
    let from_bob = send(&bob, &alice, b"b1");
    assert_eq!(receive_ok(&bob, &alice, &from_alice), b"a1");
    assert_eq!(receive_ok(&alice, &bob, &from_bob), b"b1");
    // Each side's current session is now the one the other started; the archived one is tried.
    for round in 0..3 {
        let text = format!("a{round}");
        let m = send(&alice, &bob, text.as_bytes());
        assert_eq!(receive_ok(&bob, &alice, &m), text.as_bytes());
        let text = format!("b{round}");
        let m = send(&bob, &alice, text.as_bytes());
        assert_eq!(receive_ok(&alice, &bob, &m), text.as_bytes());
    }
}

#[test]
fn missing_prekeys_are_reported() {
    let alice = party("alice", false);
    let bob = party("bob", false);
    connect(&alice, &bob, Some(3));
    let m = send(&alice, &bob, b"x");
    bob.store.remove_pre_key(3).unwrap();
    assert!(matches!(receive(&bob, &alice, &m), Err(SignalError::UnknownPreKey(3))));
    let carol = party("carol", false);
    let mut b = bundle_of(&bob, None);
    let other_spk = SignedPreKeyRecord::generate(
        &bob.store.identity_key_pair().unwrap(),
        9,
        &mut rand::thread_rng(),
    );
    b.signed_pre_key_id = 9;
    b.signed_pre_key = other_spk.key_pair.public;
    b.signed_pre_key_signature = other_spk.signature.to_vec();
    process_pre_key_bundle(&*carol.store, &bob.address, &b, &mut RandomKeys).unwrap();
    let m = send(&carol, &bob, b"y");
    assert!(matches!(receive(&bob, &carol, &m), Err(SignalError::UnknownSignedPreKey(9))));
    // With the one-time prekey used, it is deleted on commit.
    connect(&carol, &bob, Some(2));
    let m = send(&carol, &bob, b"z");
    assert_eq!(receive_ok(&bob, &carol, &m), b"z");
    assert!(bob.store.load_pre_key(2).unwrap().is_none());
    assert_eq!(bob.store.pre_key_count().unwrap(), 1);
}
