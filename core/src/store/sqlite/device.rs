//! The SQLite [`DeviceStore`]: one database file holds the devices of many accounts, each under
//! a caller-chosen name (`SqliteStore::account("alice")`). The device table is versioned in the
//! shared `wazap_schema` table under the component `device`, like the Signal tables.
//!
//! Each account's Signal state lives in the same file, in the rows of [`SqliteSignalStore`]
//! scoped to the account's name.
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard};

use prost::Message;
use rusqlite::{params, Connection, OptionalExtension, Row};

use super::app_state::SqliteAppStateStore;
use super::messaging::SqliteMessagingStore;
use super::signal::SqliteSignalStore;
use crate::binary::Jid;
use crate::crypto::KeyPair;
use crate::proto::AdvSignedDeviceIdentity;
use crate::signal::store::{SignalStore, SignedPreKeyStore, StoreError};
use crate::signal::SignedPreKeyRecord;
use crate::store::{AppStateStore, Device, DeviceStore, MessagingStore};

const COMPONENT: &str = "device";

/// Each entry upgrades the schema by one version; applied entries are never edited.
const MIGRATIONS: &[&str] = &[
    // 1: one row per account name. Keys are raw 32-byte private keys (publics are derived).
    "CREATE TABLE wazap_devices (
        account TEXT PRIMARY KEY,
        noise_private BLOB NOT NULL,
        identity_private BLOB NOT NULL,
        registration_id INTEGER NOT NULL,
        signed_pre_key_id INTEGER NOT NULL,
        signed_pre_key_private BLOB NOT NULL,
        signed_pre_key_signature BLOB NOT NULL,
        adv_secret BLOB NOT NULL,
        next_pre_key_id INTEGER NOT NULL,
        account_identity BLOB,
        jid TEXT,
        lid TEXT,
        push_name TEXT NOT NULL DEFAULT '',
        platform TEXT NOT NULL DEFAULT '',
        business_name TEXT NOT NULL DEFAULT ''
    );",
    // 2: the messaging caches of each account (see `sqlite_messaging`): the LID↔phone table,
    // device lists, the retry buffer (ordered by `seq`, bounded) and our sender key holders.
    "CREATE TABLE wazap_lid_map (
        account TEXT NOT NULL,
        pn_user TEXT NOT NULL,
        lid_user TEXT NOT NULL,
        PRIMARY KEY (account, pn_user),
        UNIQUE (account, lid_user)
    );
    CREATE TABLE wazap_device_lists (
        account TEXT NOT NULL,
        user_jid TEXT NOT NULL,
        devices TEXT NOT NULL,
        phash TEXT NOT NULL,
        fetched_at INTEGER NOT NULL,
        PRIMARY KEY (account, user_jid)
    );
    CREATE TABLE wazap_sent_messages (
        account TEXT NOT NULL,
        id TEXT NOT NULL,
        seq INTEGER NOT NULL,
        chat TEXT NOT NULL,
        message BLOB NOT NULL,
        PRIMARY KEY (account, id)
    );
    CREATE INDEX wazap_sent_messages_seq ON wazap_sent_messages (account, seq);
    CREATE TABLE wazap_sender_key_holders (
        account TEXT NOT NULL,
        group_jid TEXT NOT NULL,
        device TEXT NOT NULL,
        PRIMARY KEY (account, group_jid, device)
    );",
];

fn migrate(conn: &mut Connection) -> Result<u32, StoreError> {
    super::schema::migrate(conn, COMPONENT, MIGRATIONS)
}

pub(super) struct Shared {
    conn: Mutex<Connection>,
    /// `None` for an in-memory database (the Signal store then lives in its own one).
    path: Option<PathBuf>,
    /// The Signal stores opened so far, by account.
    signal: Mutex<HashMap<String, Arc<SqliteSignalStore>>>,
}

/// A SQLite database holding the devices of many accounts.
#[derive(Clone)]
pub struct SqliteStore {
    shared: Arc<Shared>,
}

impl SqliteStore {
    /// Opens (or creates) the database at `path` and brings the device schema up to date.
    pub fn open(path: impl AsRef<Path>) -> Result<Self, StoreError> {
        let conn = super::open::open_file(path.as_ref())?;
        Self::from_connection(conn, Some(path.as_ref().to_path_buf()))
    }

    /// A private in-memory database (tests).
    pub fn open_in_memory() -> Result<Self, StoreError> {
        Self::from_connection(Connection::open_in_memory()?, None)
    }

    fn from_connection(mut conn: Connection, path: Option<PathBuf>) -> Result<Self, StoreError> {
        migrate(&mut conn)?;
        super::edge_routing::migrate(&mut conn)?;
        super::polls::migrate(&mut conn)?;
        super::app_state::migrate(&mut conn)?;
        Ok(Self {
            shared: Arc::new(Shared {
                conn: Mutex::new(conn),
                path,
                signal: Mutex::new(HashMap::new()),
            }),
        })
    }

    /// The device schema version.
    pub fn schema_version(&self) -> Result<u32, StoreError> {
        Ok(self.shared.lock()?.query_row(
            "SELECT version FROM wazap_schema WHERE component = ?1",
            [COMPONENT],
            |r| r.get(0),
        )?)
    }

    /// The store of the account named `name` (created on its first save).
    pub fn account(&self, name: impl Into<String>) -> SqliteDeviceStore {
        SqliteDeviceStore { shared: self.shared.clone(), name: name.into() }
    }

    #[cfg(test)]
    pub(super) fn shared_for_tests(&self) -> &Arc<Shared> {
        &self.shared
    }

    /// The names of the accounts that have a saved device, sorted.
    pub fn accounts(&self) -> Result<Vec<String>, StoreError> {
        let conn = self.shared.lock()?;
        let mut stmt = conn.prepare("SELECT account FROM wazap_devices ORDER BY account")?;
        let names = stmt.query_map([], |r| r.get(0))?.collect::<Result<Vec<String>, _>>()?;
        Ok(names)
    }
}

impl Shared {
    pub(super) fn lock(&self) -> Result<MutexGuard<'_, Connection>, StoreError> {
        self.conn.lock().map_err(|_| StoreError::Poisoned)
    }
}

/// One account of a [`SqliteStore`].
#[derive(Clone)]
pub struct SqliteDeviceStore {
    shared: Arc<Shared>,
    name: String,
}

impl SqliteDeviceStore {
    pub fn name(&self) -> &str {
        &self.name
    }
}

fn key32(bytes: Vec<u8>, what: &'static str) -> Result<[u8; 32], StoreError> {
    bytes.try_into().map_err(|_| StoreError::Corrupt(what))
}

fn opt_jid(text: Option<String>) -> Result<Option<Jid>, StoreError> {
    text.map(|t| t.parse().map_err(|_| StoreError::Corrupt("device jid"))).transpose()
}

fn row_to_device(row: &Row<'_>) -> rusqlite::Result<Result<Device, StoreError>> {
    let noise: Vec<u8> = row.get(0)?;
    let identity: Vec<u8> = row.get(1)?;
    let registration_id: u32 = row.get(2)?;
    let spk_id: u32 = row.get(3)?;
    let spk_private: Vec<u8> = row.get(4)?;
    let spk_signature: Vec<u8> = row.get(5)?;
    let adv_secret: Vec<u8> = row.get(6)?;
    let next_pre_key_id: u32 = row.get(7)?;
    let account: Option<Vec<u8>> = row.get(8)?;
    let jid: Option<String> = row.get(9)?;
    let lid: Option<String> = row.get(10)?;
    let push_name: String = row.get(11)?;
    let platform: String = row.get(12)?;
    let business_name: String = row.get(13)?;
    Ok((|| {
        let signature: [u8; 64] =
            spk_signature.try_into().map_err(|_| StoreError::Corrupt("signed prekey signature"))?;
        let account = account
            .map(|b| {
                AdvSignedDeviceIdentity::decode(b.as_slice())
                    .map_err(|_| StoreError::Corrupt("account identity"))
            })
            .transpose()?;
        Ok(Device {
            noise_key: KeyPair::from_private(key32(noise, "noise key")?),
            identity_key: KeyPair::from_private(key32(identity, "identity key")?),
            registration_id,
            signed_pre_key: SignedPreKeyRecord::new(
                spk_id,
                KeyPair::from_private(key32(spk_private, "signed prekey")?),
                signature,
            ),
            adv_secret: key32(adv_secret, "adv secret")?,
            next_pre_key_id,
            account,
            jid: opt_jid(jid)?,
            lid: opt_jid(lid)?,
            push_name,
            platform,
            business_name,
        })
    })())
}

impl DeviceStore for SqliteDeviceStore {
    fn load_device(&self) -> Result<Option<Device>, StoreError> {
        let conn = self.shared.lock()?;
        let found = conn
            .query_row(
                "SELECT noise_private, identity_private, registration_id, signed_pre_key_id,
                        signed_pre_key_private, signed_pre_key_signature, adv_secret,
                        next_pre_key_id, account_identity, jid, lid, push_name, platform,
                        business_name
                 FROM wazap_devices WHERE account = ?1",
                [&self.name],
                row_to_device,
            )
            .optional()?;
        found.transpose()
    }

    fn save_device(&self, d: &Device) -> Result<(), StoreError> {
        let conn = self.shared.lock()?;
        conn.execute(
            "INSERT INTO wazap_devices (account, noise_private, identity_private, registration_id,
                 signed_pre_key_id, signed_pre_key_private, signed_pre_key_signature, adv_secret,
                 next_pre_key_id, account_identity, jid, lid, push_name, platform, business_name)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)
             ON CONFLICT (account) DO UPDATE SET noise_private = excluded.noise_private,
                 identity_private = excluded.identity_private,
                 registration_id = excluded.registration_id,
                 signed_pre_key_id = excluded.signed_pre_key_id,
                 signed_pre_key_private = excluded.signed_pre_key_private,
                 signed_pre_key_signature = excluded.signed_pre_key_signature,
                 adv_secret = excluded.adv_secret, next_pre_key_id = excluded.next_pre_key_id,
                 account_identity = excluded.account_identity, jid = excluded.jid,
                 lid = excluded.lid, push_name = excluded.push_name,
                 platform = excluded.platform, business_name = excluded.business_name",
            params![
                self.name,
                &d.noise_key.private_bytes()[..],
                &d.identity_key.private_bytes()[..],
                d.registration_id,
                d.signed_pre_key.id,
                &d.signed_pre_key.key_pair.private_bytes()[..],
                &d.signed_pre_key.signature[..],
                &d.adv_secret[..],
                d.next_pre_key_id,
                d.account_bytes(),
                d.jid.as_ref().map(Jid::to_string),
                d.lid.as_ref().map(Jid::to_string),
                d.push_name,
                d.platform,
                d.business_name,
            ],
        )?;
        Ok(())
    }

    fn delete_device(&self) -> Result<(), StoreError> {
        // Signal keys first: a crash in between leaves a device that cannot decrypt (and is
        // deleted again on the next logout), never keys without an owner.
        let cached =
            self.shared.signal.lock().map_err(|_| StoreError::Poisoned)?.remove(&self.name);
        match (cached, &self.shared.path) {
            (Some(store), _) => store.delete_account()?,
            (None, Some(path)) => {
                SqliteSignalStore::open_account(path, &self.name)?.delete_account()?
            }
            // A private in-memory database that was never opened holds nothing.
            (None, None) => {}
        }
        SqliteMessagingStore::new(self.shared.clone(), self.name.clone()).clear()?;
        super::app_state::delete(&mut *self.shared.lock()?, &self.name)?;
        let conn = self.shared.lock()?;
        super::edge_routing::delete(&conn, &self.name)?;
        conn.execute("DELETE FROM wazap_devices WHERE account = ?1", [&self.name])?;
        Ok(())
    }

    fn signal_store(&self, device: &Device) -> Result<Arc<dyn SignalStore>, StoreError> {
        let mut stores = self.shared.signal.lock().map_err(|_| StoreError::Poisoned)?;
        if let Some(store) = stores.get(&self.name) {
            let store: Arc<dyn SignalStore> = store.clone();
            return Ok(store);
        }
        let store = match &self.shared.path {
            Some(path) => SqliteSignalStore::open_account(path, &self.name)?,
            None => SqliteSignalStore::from_connection_account(
                Connection::open_in_memory()?,
                &self.name,
            )?,
        };
        store.set_local_identity(&device.identity_key, device.registration_id)?;
        // The server learns the signed prekey from the registration payload, so a peer may
        // use it before our first prekey upload.
        store.store_signed_pre_key(&device.signed_pre_key)?;
        let store = Arc::new(store);
        stores.insert(self.name.clone(), store.clone());
        Ok(store)
    }

    fn edge_routing_info(&self) -> Result<Option<Vec<u8>>, StoreError> {
        super::edge_routing::load(&*self.shared.lock()?, &self.name)
    }

    fn set_edge_routing_info(&self, info: &[u8]) -> Result<(), StoreError> {
        super::edge_routing::save(&*self.shared.lock()?, &self.name, info)
    }

    fn messaging_store(&self) -> Result<Arc<dyn MessagingStore>, StoreError> {
        Ok(Arc::new(SqliteMessagingStore::new(self.shared.clone(), self.name.clone())))
    }

    fn app_state_store(&self) -> Result<Arc<dyn AppStateStore>, StoreError> {
        Ok(Arc::new(SqliteAppStateStore::new(self.shared.clone(), self.name.clone())))
    }
}

#[cfg(test)]
mod tests {
    use rand::rngs::OsRng;

    use super::*;
    use crate::proto::AdvSignedDeviceIdentity;
    use crate::store::{IdentityStore, PreKeyStore};

    fn paired(name: &str) -> Device {
        let mut d = Device::generate(&mut OsRng);
        d.jid = Some(format!("{name}:3@s.whatsapp.net").parse().unwrap());
        d.lid = Some(format!("9{name}:3@lid").parse().unwrap());
        d.account = Some(AdvSignedDeviceIdentity {
            details: Some(vec![1, 2, 3]),
            account_signature_key: None,
            account_signature: Some(vec![4; 64]),
            device_signature: Some(vec![5; 64]),
        });
        d.push_name = "Push".into();
        d.platform = "android".into();
        d.next_pre_key_id = 813;
        d
    }

    #[test]
    fn devices_of_many_accounts_survive_reopening() {
        let dir = std::env::temp_dir().join(format!("wazap-device-{}", rand::random::<u64>()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("store.db");
        let (a, b) = (paired("111"), paired("222"));
        {
            let store = SqliteStore::open(&path).unwrap();
            store.account("a").save_device(&a).unwrap();
            store.account("b").save_device(&b).unwrap();
        }
        let store = SqliteStore::open(&path).unwrap();
        assert_eq!(store.schema_version().unwrap(), 2);
        assert_eq!(store.accounts().unwrap(), vec!["a".to_owned(), "b".to_owned()]);
        for (name, want) in [("a", &a), ("b", &b)] {
            let got = store.account(name).load_device().unwrap().unwrap();
            assert_eq!(got.noise_key.public, want.noise_key.public);
            assert_eq!(got.identity_key.public, want.identity_key.public);
            assert_eq!(got.registration_id, want.registration_id);
            assert_eq!(got.signed_pre_key.signature, want.signed_pre_key.signature);
            assert_eq!(got.adv_secret, want.adv_secret);
            assert_eq!(got.account, want.account);
            assert_eq!(got.jid, want.jid);
            assert_eq!(got.lid, want.lid);
            assert_eq!(got.next_pre_key_id, 813);
            assert_eq!(got.push_name, "Push");
            assert!(got.is_paired());
        }
        assert!(store.account("c").load_device().unwrap().is_none());
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn delete_wipes_the_device_and_its_signal_keys() {
        let dir = std::env::temp_dir().join(format!("wazap-device-{}", rand::random::<u64>()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("store.db");
        let store = SqliteStore::open(&path).unwrap();
        let account = store.account("a");
        let device = paired("111");
        account.save_device(&device).unwrap();
        let signal = account.signal_store(&device).unwrap();
        assert_eq!(signal.identity_key_pair().unwrap().public, device.identity_key.public);
        signal
            .store_pre_key(&crate::signal::PreKeyRecord::new(1, KeyPair::generate(&mut OsRng)))
            .unwrap();
        // A second account keeps its own Signal rows in the same file.
        let other = store.account("b");
        let other_device = paired("222");
        other.save_device(&other_device).unwrap();
        let other_signal = other.signal_store(&other_device).unwrap();
        assert_eq!(other_signal.pre_key_count().unwrap(), 0);
        other_signal
            .store_pre_key(&crate::signal::PreKeyRecord::new(1, KeyPair::generate(&mut OsRng)))
            .unwrap();
        other_signal
            .store_pre_key(&crate::signal::PreKeyRecord::new(2, KeyPair::generate(&mut OsRng)))
            .unwrap();
        assert_eq!(signal.pre_key_count().unwrap(), 1);
        account.delete_device().unwrap();
        assert!(account.load_device().unwrap().is_none());
        let reopened = SqliteSignalStore::open_account(&path, "a").unwrap();
        assert_eq!(reopened.pre_key_count().unwrap(), 0);
        assert!(matches!(reopened.identity_key_pair(), Err(StoreError::NoLocalIdentity)));
        // Account b is untouched.
        let b = SqliteSignalStore::open_account(&path, "b").unwrap();
        assert_eq!(b.pre_key_count().unwrap(), 2);
        assert_eq!(b.identity_key_pair().unwrap().public, other_device.identity_key.public);
        assert!(store.account("b").load_device().unwrap().is_some());
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn a_newer_schema_is_refused() {
        let mut conn = Connection::open_in_memory().unwrap();
        migrate(&mut conn).unwrap();
        conn.execute("UPDATE wazap_schema SET version = 99 WHERE component = 'device'", [])
            .unwrap();
        assert!(matches!(
            SqliteStore::from_connection(conn, None),
            Err(StoreError::SchemaTooNew { found: 99, supported: 2 })
        ));
    }
}
