//! The SQLite Signal store: persistence across reopen, crash safety of two-phase decryption,
//! migrations and the record format's version checks.
use std::path::PathBuf;

use wazap::crypto::KeyPair;
use wazap::signal::{
    create_sender_key_distribution, decrypt_message, decrypt_pre_key_message, encrypt,
    group_encrypt, process_pre_key_bundle, CiphertextMessage, PreKeyBundle, PreKeyRecord,
    ProtocolAddress, RandomKeys, SenderKeyName, SessionRecord, SignalError, SignedPreKeyRecord,
};
use wazap::store::{
    IdentityStore, MemorySignalStore, PreKeyStore, SenderKeyStore, SessionStore, SignalStore,
    SignedPreKeyStore, SqliteSignalStore, StoreError,
};

/// A database file that is removed when the test ends.
struct TempDb(PathBuf);

impl TempDb {
    fn new(name: &str) -> Self {
        let nanos =
            std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_nanos();
        let path =
            std::env::temp_dir().join(format!("wazap-{name}-{}-{nanos}.db", std::process::id()));
        Self(path)
    }
}

impl Drop for TempDb {
    fn drop(&mut self) {
        for suffix in ["", "-wal", "-shm"] {
            let _ = std::fs::remove_file(format!("{}{suffix}", self.0.display()));
        }
    }
}

const BOB: &str = "bob";

/// Bob's keys in a fresh SQLite file; Alice in memory with a session to Bob.
fn setup(db: &TempDb) -> (MemorySignalStore, ProtocolAddress, ProtocolAddress) {
    let mut rng = rand::thread_rng();
    let bob_identity = KeyPair::generate(&mut rng);
    let bob = SqliteSignalStore::open(&db.0).unwrap();
    bob.set_local_identity(&bob_identity, 4242).unwrap();
    let spk = SignedPreKeyRecord::generate(&bob_identity, 5, &mut rng);
    bob.store_signed_pre_key(&spk).unwrap();
    let otk = PreKeyRecord::new(11, KeyPair::generate(&mut rng));
    bob.store_pre_key(&otk).unwrap();
    let alice = MemorySignalStore::new(KeyPair::generate(&mut rng), 1);
    let (alice_addr, bob_addr) = (ProtocolAddress::new("alice", 0), ProtocolAddress::new(BOB, 2));
    let bundle = PreKeyBundle {
        registration_id: 4242,
        device_id: 2,
        pre_key: Some((11, otk.key_pair.public)),
        signed_pre_key_id: 5,
        signed_pre_key: spk.key_pair.public,
        signed_pre_key_signature: spk.signature.to_vec(),
        identity_key: bob_identity.public,
    };
    process_pre_key_bundle(&alice, &bob_addr, &bundle, &mut RandomKeys).unwrap();
    (alice, alice_addr, bob_addr)
}

fn bob_decrypts(
    bob: &SqliteSignalStore,
    from: &ProtocolAddress,
    m: &CiphertextMessage,
) -> Result<wazap::signal::Decrypted, SignalError> {
    match m {
        CiphertextMessage::PreKey(b) => decrypt_pre_key_message(bob, from, b, &mut RandomKeys),
        CiphertextMessage::Whisper(b) => decrypt_message(bob, from, b, &mut RandomKeys),
    }
}

fn inbox(bob: &SqliteSignalStore) -> Vec<Vec<u8>> {
    let mut rows = Vec::new();
    bob.commit_with(Default::default(), |tx| {
        let mut stmt = tx.prepare("SELECT body FROM inbox ORDER BY rowid")?;
        rows = stmt.query_map([], |r| r.get(0))?.collect::<Result<_, _>>()?;
        Ok(())
    })
    .unwrap();
    rows
}

#[test]
fn a_crash_before_commit_loses_nothing_and_a_commit_makes_a_duplicate() {
    let db = TempDb::new("crash");
    let (alice, alice_addr, bob_addr) = setup(&db);
    let first = encrypt(&alice, &bob_addr, b"first").unwrap();
    assert_eq!(first.enc_type(), "pkmsg");
    {
        let bob = SqliteSignalStore::open(&db.0).unwrap();
        bob.commit_with(Default::default(), |tx| {
            tx.execute_batch("CREATE TABLE inbox (body BLOB)")
        })
        .unwrap();
        let d = bob_decrypts(&bob, &alice_addr, &first).unwrap();
        assert_eq!(d.plaintext, b"first");
        // The process "dies" here: the changes are dropped, nothing was written.
        drop(d);
    }
    let bob = SqliteSignalStore::open(&db.0).unwrap();
    assert!(bob.load_session(&alice_addr).unwrap().is_none());
    assert!(bob.load_pre_key(11).unwrap().is_some(), "prekey kept until commit");
    let d = bob_decrypts(&bob, &alice_addr, &first).unwrap();
    assert_eq!(d.plaintext, b"first");
    let body = d.plaintext.clone();
    bob.commit_with(d.changes, |tx| {
        tx.execute("INSERT INTO inbox (body) VALUES (?1)", [&body]).map(|_| ())
    })
    .unwrap();
    drop(bob);

    let bob = SqliteSignalStore::open(&db.0).unwrap();
    assert_eq!(inbox(&bob), vec![b"first".to_vec()]);
    assert!(bob.load_pre_key(11).unwrap().is_none(), "one-time prekey deleted with the commit");
    assert_eq!(
        bob.get_identity(&alice_addr).unwrap(),
        Some(alice.identity_key_pair().unwrap().public)
    );
    let err = bob_decrypts(&bob, &alice_addr, &first).unwrap_err();
    assert!(matches!(err, SignalError::DuplicateMessage { .. }), "{err}");

    // If the caller's own write fails, the session change is rolled back with it.
    let reply = encrypt(&bob, &alice_addr, b"reply").unwrap();
    let d = decrypt_message(&alice, &bob_addr, reply.as_bytes(), &mut RandomKeys).unwrap();
    alice.commit(d.changes).unwrap();
    let second = encrypt(&alice, &bob_addr, b"second").unwrap();
    assert_eq!(second.enc_type(), "msg");
    let d = bob_decrypts(&bob, &alice_addr, &second).unwrap();
    let failed =
        bob.commit_with(d.changes, |tx| tx.execute_batch("INSERT INTO no_such_table VALUES (1)"));
    assert!(matches!(failed, Err(StoreError::Sqlite(_))));
    let d = bob_decrypts(&bob, &alice_addr, &second).unwrap();
    assert_eq!(d.plaintext, b"second");
    bob.commit(d.changes).unwrap();
    assert!(matches!(
        bob_decrypts(&bob, &alice_addr, &second),
        Err(SignalError::DuplicateMessage { .. })
    ));
}

#[test]
fn encryption_state_survives_reopen() {
    let db = TempDb::new("reopen");
    let (alice, alice_addr, bob_addr) = setup(&db);
    let m = encrypt(&alice, &bob_addr, b"one").unwrap();
    {
        let bob = SqliteSignalStore::open(&db.0).unwrap();
        let d = bob_decrypts(&bob, &alice_addr, &m).unwrap();
        bob.commit(d.changes).unwrap();
        let r = encrypt(&bob, &alice_addr, b"r1").unwrap();
        let d = decrypt_message(&alice, &bob_addr, r.as_bytes(), &mut RandomKeys).unwrap();
        assert_eq!(d.plaintext, b"r1");
        alice.commit(d.changes).unwrap();
    }
    // A reopened store continues the chain: a new message, not a reused key.
    let bob = SqliteSignalStore::open(&db.0).unwrap();
    assert_eq!(bob.local_registration_id().unwrap(), 4242);
    let r = encrypt(&bob, &alice_addr, b"r2").unwrap();
    let d = decrypt_message(&alice, &bob_addr, r.as_bytes(), &mut RandomKeys).unwrap();
    assert_eq!(d.plaintext, b"r2");
    let record = bob.load_session(&alice_addr).unwrap().unwrap();
    assert_eq!(record.remote_registration_id(), Some(1));
    assert_eq!(record.local_registration_id(), Some(4242));
    bob.delete_session(&alice_addr).unwrap();
    assert!(matches!(encrypt(&bob, &alice_addr, b"x"), Err(SignalError::NoSession(_))));
}

#[test]
fn keys_identities_and_sender_keys_persist() {
    let db = TempDb::new("keys");
    let mut rng = rand::thread_rng();
    let identity = KeyPair::generate(&mut rng);
    let spk = SignedPreKeyRecord::generate(&identity, 3, &mut rng);
    let peer = ProtocolAddress::new("123_1", 4);
    let peer_key = KeyPair::generate(&mut rng).public;
    let group = SenderKeyName::new("1203@g.us", ProtocolAddress::new("me", 0));
    let skdm = {
        let s = SqliteSignalStore::open(&db.0).unwrap();
        assert!(matches!(s.identity_key_pair(), Err(StoreError::NoLocalIdentity)));
        s.set_local_identity(&identity, 99).unwrap();
        s.store_signed_pre_key(&spk).unwrap();
        for k in wazap::signal::generate_pre_keys(1, 10, &mut rng) {
            s.store_pre_key(&k).unwrap();
        }
        s.remove_pre_key(4).unwrap();
        assert!(!s.save_identity(&peer, &peer_key).unwrap());
        assert!(!s.save_identity(&peer, &peer_key).unwrap());
        let skdm = create_sender_key_distribution(&s, &group, &mut rng).unwrap();
        group_encrypt(&s, &group, b"hello group").unwrap();
        skdm
    };
    let s = SqliteSignalStore::open(&db.0).unwrap();
    assert_eq!(s.schema_version().unwrap(), 2);
    assert_eq!(s.identity_key_pair().unwrap().public, identity.public);
    assert_eq!(s.local_registration_id().unwrap(), 99);
    let loaded = s.load_signed_pre_key(3).unwrap().unwrap();
    assert_eq!((loaded.key_pair.public, loaded.signature), (spk.key_pair.public, spk.signature));
    assert_eq!(s.pre_key_count().unwrap(), 9);
    assert!(s.load_pre_key(4).unwrap().is_none());
    assert!(s.load_pre_key(5).unwrap().is_some());
    assert_eq!(s.get_identity(&peer).unwrap(), Some(peer_key));
    assert!(s.save_identity(&peer, &identity.public).unwrap(), "a different key replaces");
    // Our sender key survives, one message further along.
    let again = create_sender_key_distribution(&s, &group, &mut rng).unwrap();
    assert_eq!((again.key_id, again.signing_key), (skdm.key_id, skdm.signing_key));
    assert_ne!(again.chain_key, skdm.chain_key);
    assert_eq!(again.iteration, 1);
    assert!(s.load_sender_key(&group).unwrap().is_some());
}

#[test]
fn migrations_are_idempotent_and_a_newer_schema_is_refused() {
    let db = TempDb::new("schema");
    drop(SqliteSignalStore::open(&db.0).unwrap());
    let s = SqliteSignalStore::open(&db.0).unwrap();
    assert_eq!(s.schema_version().unwrap(), 2);
    s.commit_with(Default::default(), |tx| {
        tx.execute("UPDATE wazap_schema SET version = 99 WHERE component = 'signal'", [])
            .map(|_| ())
    })
    .unwrap();
    drop(s);
    assert!(matches!(
        SqliteSignalStore::open(&db.0),
        Err(StoreError::SchemaTooNew { found: 99, supported: 2 })
    ));
}

#[test]
fn record_format_version_and_corruption_are_checked() {
    let db = TempDb::new("format");
    let (alice, _alice_addr, bob_addr) = setup(&db);
    let record = alice.load_session(&bob_addr).unwrap().unwrap();
    let bytes = record.serialize();
    let back = SessionRecord::deserialize(&bytes).unwrap();
    assert_eq!(back.serialize(), bytes, "stable round trip");
    assert_eq!(&bytes[..2], &[0x08, 0x01], "format_version 1 comes first");
    let mut newer = bytes.clone();
    newer[1] = 2;
    assert!(matches!(
        SessionRecord::deserialize(&newer),
        Err(StoreError::UnsupportedFormat { found: 2, supported: 1 })
    ));
    assert!(matches!(
        SessionRecord::deserialize(&bytes[..bytes.len() / 2]),
        Err(StoreError::Corrupt(_))
    ));
    // A corrupt blob in the database is an error, not a panic.
    let bob = SqliteSignalStore::open(&db.0).unwrap();
    let addr = ProtocolAddress::new("x", 1);
    bob.commit_with(Default::default(), |tx| {
        tx.execute("INSERT INTO signal_sessions (address, record) VALUES ('x.1', x'0801120a')", [])
            .map(|_| ())
    })
    .unwrap();
    assert!(matches!(bob.load_session(&addr), Err(StoreError::Corrupt(_))));
}

/// A store with sessions and identities for two devices of "15550001111", one of its LID
/// ("901_1") and one of someone else ("15550001112" — a prefix of the first user's name plus a
/// digit must not match).
fn forget_fixture(store: &dyn SignalStore) -> Vec<ProtocolAddress> {
    let addresses: Vec<ProtocolAddress> = [
        ("15550001111", 0),
        ("15550001111", 3),
        ("901_1", 3),
        ("15550001112", 0),
        ("1555000111", 0),
    ]
    .iter()
    .map(|(name, device)| ProtocolAddress::new(name.to_string(), *device))
    .collect();
    let record = SessionRecord::new();
    for address in &addresses {
        store.store_session(address, &record).unwrap();
        store.save_identity(address, &KeyPair::generate(&mut rand::rngs::OsRng).public).unwrap();
    }
    addresses
}

fn check_forget(store: &dyn SignalStore) {
    let addresses = forget_fixture(store);
    store.forget_user("15550001111").unwrap();
    let kept: Vec<bool> = addresses
        .iter()
        .map(|a| {
            let session = store.load_session(a).unwrap().is_some();
            let identity = store.get_identity(a).unwrap().is_some();
            assert_eq!(session, identity, "{a}");
            session
        })
        .collect();
    assert_eq!(kept, [false, false, true, true, true]);
}

#[test]
fn forgetting_a_user_drops_all_its_devices_and_nothing_else() {
    check_forget(&MemorySignalStore::new(KeyPair::generate(&mut rand::rngs::OsRng), 1));
    let db = TempDb::new("forget");
    let store = SqliteSignalStore::open(&db.0).unwrap();
    store.set_local_identity(&KeyPair::generate(&mut rand::rngs::OsRng), 1).unwrap();
    check_forget(&store);
}
