//! One conformance suite, three backends: every check here runs against the memory, SQLite and
//! PostgreSQL stores, so they cannot drift apart.
//!
//! PostgreSQL comes from `WAZAP_TEST_POSTGRES` (a connection URL; `scripts/with-postgres.sh`
//! starts a throw-away server and sets it). Each test works in a schema of its own, dropped at
//! the end. Without the variable the PostgreSQL tests are skipped with a note, unless
//! `WAZAP_REQUIRE_POSTGRES` or `CI` is set (scripts/test.sh sets the first, CI the second):
//! there a missing server is a failure, never a silent skip.
use std::sync::Arc;

use rand::rngs::OsRng;

use crate::crypto::KeyPair;
use crate::proto::AdvSignedDeviceIdentity;
use crate::signal::{
    create_sender_key_distribution, decrypt_message, decrypt_pre_key_message, encrypt,
    group_decrypt, group_encrypt, process_pre_key_bundle, process_sender_key_distribution,
    CiphertextMessage, PreKeyBundle, PreKeyRecord, ProtocolAddress, RandomKeys, SenderKeyName,
    SessionRecord, SignalError,
};
use crate::store::{
    AppStateKey, Device, DeviceStore, IdentityStore, MemoryDeviceStore, MemorySignalStore,
    SentRecord, SignalStore, SqliteStore, StoreChanges,
};

/// A backend under test: hands out the device store of any account name.
pub(crate) enum Backend {
    Memory,
    Sqlite(SqliteStore),
    #[cfg(feature = "postgres")]
    Postgres(postgres::TestDb),
}

impl Backend {
    pub(crate) fn account(&self, name: &str) -> Arc<dyn DeviceStore> {
        match self {
            Backend::Memory => Arc::new(MemoryDeviceStore::new()),
            Backend::Sqlite(store) => Arc::new(store.account(name)),
            #[cfg(feature = "postgres")]
            Backend::Postgres(db) => Arc::new(db.store.account(name)),
        }
    }
}

fn paired(phone: &str) -> Device {
    let mut d = Device::generate(&mut OsRng);
    d.jid = Some(format!("{phone}:3@s.whatsapp.net").parse().unwrap());
    d.lid = Some(format!("9{phone}:3@lid").parse().unwrap());
    d.account = Some(AdvSignedDeviceIdentity {
        details: Some(vec![1, 2, 3]),
        account_signature_key: None,
        account_signature: Some(vec![4; 64]),
        device_signature: Some(vec![5; 64]),
    });
    d.push_name = "Push".into();
    d.platform = "android".into();
    d.business_name = "Biz".into();
    d.next_pre_key_id = 813;
    d
}

/// Saving, loading and deleting a device, with everything that hangs off it.
pub(crate) fn check_device(backend: &Backend) {
    let (a, b) = (backend.account("dev-a"), backend.account("dev-b"));
    assert!(a.load_device().unwrap().is_none());
    assert_eq!(a.edge_routing_info().unwrap(), None);
    let device = paired("111");
    a.save_device(&device).unwrap();
    let got = a.load_device().unwrap().unwrap();
    assert_eq!(got.noise_key.public, device.noise_key.public);
    assert_eq!(got.identity_key.public, device.identity_key.public);
    assert_eq!(got.registration_id, device.registration_id);
    assert_eq!(got.signed_pre_key.id, device.signed_pre_key.id);
    assert_eq!(got.signed_pre_key.signature, device.signed_pre_key.signature);
    assert_eq!(got.adv_secret, device.adv_secret);
    assert_eq!(got.account, device.account);
    assert_eq!((got.jid, got.lid), (device.jid.clone(), device.lid.clone()));
    assert_eq!(got.next_pre_key_id, 813);
    assert_eq!((got.push_name.as_str(), got.platform.as_str()), ("Push", "android"));
    assert_eq!(got.business_name, "Biz");
    let mut renamed = device.clone();
    renamed.push_name = "Renamed".into();
    renamed.next_pre_key_id = 900;
    a.save_device(&renamed).unwrap();
    let got = a.load_device().unwrap().unwrap();
    assert_eq!((got.push_name.as_str(), got.next_pre_key_id), ("Renamed", 900));

    a.set_edge_routing_info(&[1, 2, 3]).unwrap();
    a.set_edge_routing_info(&[8, 5, 8, 2]).unwrap();
    assert_eq!(a.edge_routing_info().unwrap(), Some(vec![8, 5, 8, 2]));

    // The Signal store starts with our identity and the signed prekey the server already has.
    let signal = a.signal_store(&device).unwrap();
    assert_eq!(signal.identity_key_pair().unwrap().public, device.identity_key.public);
    assert_eq!(signal.local_registration_id().unwrap(), device.registration_id);
    let spk = signal.load_signed_pre_key(device.signed_pre_key.id).unwrap().unwrap();
    assert_eq!(spk.key_pair.public, device.signed_pre_key.key_pair.public);
    signal.store_pre_key(&PreKeyRecord::new(7, KeyPair::generate(&mut OsRng))).unwrap();
    a.messaging_store().unwrap().put_lid_mapping("111", "900").unwrap();
    let key = AppStateKey { id: vec![1; 6], data: vec![2; 32], timestamp_ms: 5 };
    a.app_state_store().unwrap().put_keys(&[key]).unwrap();

    // Another account of the same backend keeps its own rows.
    let other = paired("222");
    b.save_device(&other).unwrap();
    b.set_edge_routing_info(&[9]).unwrap();
    let b_signal = b.signal_store(&other).unwrap();
    assert_eq!(b_signal.pre_key_count().unwrap(), 0);
    b_signal.store_pre_key(&PreKeyRecord::new(7, KeyPair::generate(&mut OsRng))).unwrap();

    a.delete_device().unwrap();
    assert!(a.load_device().unwrap().is_none());
    assert_eq!(a.edge_routing_info().unwrap(), None);
    assert!(a.messaging_store().unwrap().lid_mappings().unwrap().is_empty());
    assert!(a.app_state_store().unwrap().latest_key().unwrap().is_none());
    let fresh = paired("111");
    let signal = a.signal_store(&fresh).unwrap();
    assert_eq!(signal.pre_key_count().unwrap(), 0, "the prekeys went with the device");
    assert_eq!(signal.identity_key_pair().unwrap().public, fresh.identity_key.public);

    assert_eq!(b.load_device().unwrap().unwrap().identity_key.public, other.identity_key.public);
    assert_eq!(b.edge_routing_info().unwrap(), Some(vec![9]));
    assert_eq!(b.signal_store(&other).unwrap().pre_key_count().unwrap(), 1);
}

fn decrypts(
    store: &dyn SignalStore,
    from: &ProtocolAddress,
    m: &CiphertextMessage,
) -> Result<crate::signal::Decrypted, SignalError> {
    match m {
        CiphertextMessage::PreKey(b) => decrypt_pre_key_message(store, from, b, &mut RandomKeys),
        CiphertextMessage::Whisper(b) => decrypt_message(store, from, b, &mut RandomKeys),
    }
}

/// Signal state: two-phase decryption (nothing written before the commit, a duplicate after
/// it), prekeys, identities, sender keys and forgetting a user.
pub(crate) fn check_signal(backend: &Backend) {
    let account = backend.account("signal");
    let device = Device::generate(&mut OsRng);
    account.save_device(&device).unwrap();
    let bob = account.signal_store(&device).unwrap();
    let otk = PreKeyRecord::new(11, KeyPair::generate(&mut OsRng));
    bob.store_pre_key(&otk).unwrap();
    assert_eq!(bob.pre_key_count().unwrap(), 1);

    let alice = MemorySignalStore::new(KeyPair::generate(&mut OsRng), 1);
    let (alice_addr, bob_addr) = (ProtocolAddress::new("alice", 0), ProtocolAddress::new("bob", 2));
    let spk = &device.signed_pre_key;
    let bundle = PreKeyBundle {
        registration_id: device.registration_id,
        device_id: 2,
        pre_key: Some((11, otk.key_pair.public)),
        signed_pre_key_id: spk.id,
        signed_pre_key: spk.key_pair.public,
        signed_pre_key_signature: spk.signature.to_vec(),
        identity_key: device.identity_key.public,
    };
    process_pre_key_bundle(&alice, &bob_addr, &bundle, &mut RandomKeys).unwrap();
    let first = encrypt(&alice, &bob_addr, b"first").unwrap();
    assert_eq!(first.enc_type(), "pkmsg");

    // Decrypted but not committed (the process died before the ack): nothing was written.
    let d = decrypts(&*bob, &alice_addr, &first).unwrap();
    assert_eq!(d.plaintext, b"first");
    drop(d);
    assert!(bob.load_session(&alice_addr).unwrap().is_none());
    assert!(bob.load_pre_key(11).unwrap().is_some(), "prekey kept until commit");
    let d = decrypts(&*bob, &alice_addr, &first).unwrap();
    bob.commit(d.changes).unwrap();
    assert!(bob.load_pre_key(11).unwrap().is_none(), "one-time prekey deleted with the commit");
    assert_eq!(
        bob.get_identity(&alice_addr).unwrap(),
        Some(alice.identity_key_pair().unwrap().public)
    );
    let err = decrypts(&*bob, &alice_addr, &first).unwrap_err();
    assert!(matches!(err, SignalError::DuplicateMessage { .. }), "{err}");

    // Both directions continue from the stored chains.
    let reply = encrypt(&*bob, &alice_addr, b"reply").unwrap();
    let d = decrypt_message(&alice, &bob_addr, reply.as_bytes(), &mut RandomKeys).unwrap();
    assert_eq!(d.plaintext, b"reply");
    alice.commit(d.changes).unwrap();
    let second = encrypt(&alice, &bob_addr, b"second").unwrap();
    assert_eq!(second.enc_type(), "msg");
    let d = decrypts(&*bob, &alice_addr, &second).unwrap();
    assert_eq!(d.plaintext, b"second");
    bob.commit(d.changes).unwrap();
    let record = bob.load_session(&alice_addr).unwrap().unwrap();
    assert_eq!(record.local_registration_id(), Some(device.registration_id));

    // Identities: first use is trusted, a different key is reported as a change.
    let carol = ProtocolAddress::new("carol", 1);
    let (k1, k2) = (KeyPair::generate(&mut OsRng).public, KeyPair::generate(&mut OsRng).public);
    assert!(!bob.save_identity(&carol, &k1).unwrap());
    assert!(!bob.save_identity(&carol, &k1).unwrap());
    assert!(bob.save_identity(&carol, &k2).unwrap());
    assert_eq!(bob.get_identity(&carol).unwrap(), Some(k2));

    // Sender keys: a distribution processed and committed, then a group message.
    let group = SenderKeyName::new("123-456@g.us", alice_addr.clone());
    let skdm = create_sender_key_distribution(&alice, &group, &mut OsRng).unwrap();
    let mut changes = StoreChanges::default();
    process_sender_key_distribution(&*bob, &group, &skdm, &mut changes).unwrap();
    bob.commit(changes).unwrap();
    assert!(bob.load_sender_key(&group).unwrap().is_some());
    let sealed = group_encrypt(&alice, &group, b"to the group").unwrap();
    let d = group_decrypt(&*bob, &group, &sealed).unwrap();
    assert_eq!(d.plaintext, b"to the group");
    bob.commit(d.changes).unwrap();
    assert!(matches!(
        group_decrypt(&*bob, &group, &sealed),
        Err(SignalError::DuplicateMessage { .. })
    ));

    // Forgetting a user drops every device of that name and nothing else (no prefix match).
    for (name, dev) in [("15550001111", 0), ("15550001111", 7), ("155500011110", 0)] {
        let address = ProtocolAddress::new(name, dev);
        bob.store_session(&address, &SessionRecord::new()).unwrap();
        bob.save_identity(&address, &KeyPair::generate(&mut OsRng).public).unwrap();
    }
    bob.forget_user("15550001111").unwrap();
    assert!(bob.load_session(&ProtocolAddress::new("15550001111", 7)).unwrap().is_none());
    assert!(bob.get_identity(&ProtocolAddress::new("15550001111", 0)).unwrap().is_none());
    assert!(bob.load_session(&ProtocolAddress::new("155500011110", 0)).unwrap().is_some());
    assert!(bob.load_session(&alice_addr).unwrap().is_some());
    bob.delete_session(&alice_addr).unwrap();
    assert!(matches!(encrypt(&*bob, &alice_addr, b"x"), Err(SignalError::NoSession(_))));
}

/// Every check, against one backend.
fn check_all(backend: &Backend) {
    check_device(backend);
    check_signal(backend);
    let account = backend.account("caches");
    crate::store::messaging::check_store(&*account.messaging_store().unwrap());
    crate::store::app_state::check_store(&*account.app_state_store().unwrap());
    // A sent record survives a second handle on the same account (where the backend has one).
    let sent = SentRecord { chat: "1@s.whatsapp.net".parse().unwrap(), message: vec![7] };
    account.messaging_store().unwrap().put_sent_message("again", &sent).unwrap();
    if !matches!(backend, Backend::Memory) {
        let again = backend.account("caches").messaging_store().unwrap();
        assert_eq!(again.sent_message("again").unwrap(), Some(sent));
    }
}

#[test]
fn the_memory_store_conforms() {
    check_all(&Backend::Memory);
}

#[test]
fn the_sqlite_store_conforms() {
    check_all(&Backend::Sqlite(SqliteStore::open_in_memory().unwrap()));
}

#[cfg(feature = "postgres")]
#[test]
fn the_postgres_store_conforms() {
    let Some(db) = postgres::TestDb::new() else { return };
    check_all(&Backend::Postgres(db));
}

#[cfg(feature = "postgres")]
pub(crate) mod postgres {
    //! A throw-away schema on the test server, and the checks only PostgreSQL needs.
    use super::*;
    use crate::store::postgres::parse_config;
    use crate::store::{PostgresStore, StoreError};

    /// The server's URL, or `None` (with a note) where skipping is allowed.
    pub(crate) fn url() -> Option<String> {
        if let Ok(url) = std::env::var("WAZAP_TEST_POSTGRES") {
            return Some(url);
        }
        let required = std::env::var_os("WAZAP_REQUIRE_POSTGRES").is_some()
            || std::env::var_os("CI").is_some();
        assert!(
            !required,
            "WAZAP_TEST_POSTGRES is not set but PostgreSQL tests are required here \
             (WAZAP_REQUIRE_POSTGRES or CI): run under scripts/with-postgres.sh"
        );
        eprintln!("skipped: WAZAP_TEST_POSTGRES is not set (see scripts/with-postgres.sh)");
        None
    }

    /// Runs one statement on a connection of its own (schema set-up and tear-down).
    fn admin(url: &str, sql: &str) {
        let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
        runtime.block_on(async {
            let (client, connection) =
                tokio_postgres::connect(url, tokio_postgres::NoTls).await.unwrap();
            let task = tokio::spawn(connection);
            client.batch_execute(sql).await.unwrap();
            drop(client);
            task.await.unwrap().unwrap();
        });
    }

    /// A [`PostgresStore`] in a schema of its own, dropped with it.
    pub(crate) struct TestDb {
        pub(crate) store: PostgresStore,
        url: String,
        pub(crate) schema: String,
    }

    impl TestDb {
        pub(crate) fn new() -> Option<TestDb> {
            let url = url()?;
            let schema = format!("wazap_test_{:016x}", rand::random::<u64>());
            admin(&url, &format!("CREATE SCHEMA {schema}"));
            let store = PostgresStore::connect_with(config_in(&url, &schema), 4).unwrap();
            Some(TestDb { store, url, schema })
        }
    }

    /// `url`'s configuration with `schema` first on the search path.
    pub(crate) fn config_in(url: &str, schema: &str) -> tokio_postgres::Config {
        let mut config = parse_config(url).unwrap();
        config.options(format!("-c search_path={schema}"));
        config
    }

    impl Drop for TestDb {
        fn drop(&mut self) {
            admin(&self.url, &format!("DROP SCHEMA {} CASCADE", self.schema));
        }
    }

    #[test]
    fn migrations_are_versioned_and_a_newer_schema_is_refused() {
        let Some(db) = TestDb::new() else { return };
        assert_eq!(db.store.schema_version().unwrap(), 1);
        // Instances starting together: the advisory lock applies each step once.
        let url = db.url.clone();
        let starts: Vec<_> = (0..3)
            .map(|_| {
                let config = config_in(&url, &db.schema);
                std::thread::spawn(move || PostgresStore::connect_with(config, 1).map(|_| ()))
            })
            .collect();
        for start in starts {
            start.join().unwrap().unwrap();
        }
        let extra = ["CREATE TABLE extra_a (x INT)", "CREATE TABLE extra_b (y INT)"];
        assert_eq!(db.store.migrate_component("extra", &extra[..1]).unwrap(), 1);
        assert_eq!(db.store.migrate_component("extra", &extra).unwrap(), 2);
        db.store.account("a").save_device(&paired("111")).unwrap();
        assert_eq!(db.store.accounts().unwrap(), vec!["a".to_owned()]);
        admin(
            &db.url,
            &format!(
                "UPDATE {}.wazap_schema SET version = 99 WHERE component = 'store'",
                db.schema
            ),
        );
        assert!(matches!(
            PostgresStore::connect_with(config_in(&db.url, &db.schema), 1),
            Err(StoreError::SchemaTooNew { found: 99, supported: 1 })
        ));
    }

    #[test]
    fn a_failing_commit_writes_nothing() {
        let Some(db) = TestDb::new() else { return };
        let account = db.store.account("a");
        let device = Device::generate(&mut OsRng);
        let signal = account.signal_store(&device).unwrap();
        let good = ProtocolAddress::new("good", 1);
        let mut changes = StoreChanges::default();
        changes.set_session(good.clone(), SessionRecord::new());
        changes.removed_pre_keys.push(5);
        // PostgreSQL refuses a NUL in TEXT: the second write fails, after the first.
        changes.set_identity(ProtocolAddress::new("bad\0name", 1), device.identity_key.public);
        signal.store_pre_key(&PreKeyRecord::new(5, KeyPair::generate(&mut OsRng))).unwrap();
        assert!(matches!(signal.commit(changes), Err(StoreError::Postgres(_))));
        assert!(signal.load_session(&good).unwrap().is_none(), "rolled back");
        assert!(signal.load_pre_key(5).unwrap().is_some(), "rolled back");
    }

    #[test]
    fn an_unreachable_server_is_a_clear_error() {
        // A port nothing listens on (bound, then closed) on loopback.
        let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        let url = format!("postgres://wazap@127.0.0.1:{port}/wazap?connect_timeout=5");
        match PostgresStore::connect(&url) {
            Err(StoreError::Postgres(message)) => assert!(!message.is_empty()),
            Err(e) => panic!("unexpected error {e}"),
            Ok(_) => panic!("connected to a closed port"),
        }
        assert!(matches!(PostgresStore::connect("postgres://[bad"), Err(StoreError::Postgres(_))));
    }

    #[test]
    fn a_store_is_usable_from_async_code_and_dropped_there() {
        let Some(db) = TestDb::new() else { return };
        // A store of its own, so that its last handle goes inside the async code.
        let store = PostgresStore::connect_with(config_in(&db.url, &db.schema), 2).unwrap();
        let runtime =
            tokio::runtime::Builder::new_multi_thread().worker_threads(2).build().unwrap();
        runtime.block_on(async move {
            // Called on a worker thread of another runtime, as the client's blocking pool or
            // a careless caller would.
            let tasks: Vec<_> = (0..8)
                .map(|i| {
                    let store = store.clone();
                    tokio::spawn(async move {
                        let account = store.account(format!("async-{i}"));
                        account.set_edge_routing_info(&[i]).unwrap();
                        account.edge_routing_info().unwrap()
                    })
                })
                .collect();
            for (i, task) in tasks.into_iter().enumerate() {
                assert_eq!(task.await.unwrap(), Some(vec![i as u8]));
            }
            drop(store);
        });
    }
}
