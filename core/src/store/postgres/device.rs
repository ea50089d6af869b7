//! The PostgreSQL [`DeviceStore`]: one database holds the devices of many accounts, each under
//! a caller-chosen name (`PostgresStore::account("alice")`), with their Signal state, messaging
//! caches, app state and edge-routing info in rows scoped to that name.
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use prost::Message;
use tokio_postgres::Row;

use super::app_state::PostgresAppStateStore;
use super::messaging::PostgresMessagingStore;
use super::schema::{self, ACCOUNT_TABLES, COMPONENT, MIGRATIONS};
use super::signal::PostgresSignalStore;
use super::{parse_config, Db, DEFAULT_POOL_SIZE};
use crate::binary::Jid;
use crate::crypto::KeyPair;
use crate::proto::AdvSignedDeviceIdentity;
use crate::signal::store::{SignalStore, StoreError};
use crate::signal::SignedPreKeyRecord;
use crate::store::decode::key32;
use crate::store::{AppStateStore, Device, DeviceStore, MessagingStore};

/// A PostgreSQL database holding the devices of many accounts. Cheap to clone (one pool).
#[derive(Clone)]
pub struct PostgresStore {
    db: Arc<Db>,
    /// The Signal stores handed out so far, by account (each caches its local identity).
    signal: Arc<Mutex<HashMap<String, Arc<PostgresSignalStore>>>>,
}

impl PostgresStore {
    /// Connects to `url` (`postgres://user:pass@host:port/db`, or key=value pairs) with a pool
    /// of [`DEFAULT_POOL_SIZE`] connections and brings the schema up to date.
    pub fn connect(url: &str) -> Result<Self, StoreError> {
        Self::connect_with(parse_config(url)?, DEFAULT_POOL_SIZE)
    }

    /// Like [`PostgresStore::connect`], with a parsed configuration and a pool size.
    pub fn connect_with(
        config: tokio_postgres::Config,
        pool_size: usize,
    ) -> Result<Self, StoreError> {
        let db = Arc::new(Db::new(config, pool_size)?);
        db.run(async {
            let mut client = db.client().await?;
            schema::migrate(&mut client, COMPONENT, MIGRATIONS).await
        })?;
        Ok(Self { db, signal: Arc::new(Mutex::new(HashMap::new())) })
    }

    /// Brings another component's tables (a program's own, beside the store's) to the newest
    /// of `migrations`, versioned like the store's; returns the version reached.
    pub fn migrate_component(
        &self,
        component: &str,
        migrations: &[&str],
    ) -> Result<u32, StoreError> {
        self.db.run(async {
            let mut client = self.db.client().await?;
            schema::migrate(&mut client, component, migrations).await
        })
    }

    /// The store's schema version.
    pub fn schema_version(&self) -> Result<u32, StoreError> {
        self.db.run(async {
            let row = self
                .db
                .client()
                .await?
                .query_one("SELECT version FROM wazap_schema WHERE component = $1", &[&COMPONENT])
                .await?;
            Ok(row.try_get::<_, i32>(0)? as u32)
        })
    }

    /// Runs `work` with a pooled connection, blocking the calling thread until it is done: for
    /// programs that keep their own tables in the same database (see the module's sync bridge).
    pub fn with_client<T>(
        &self,
        work: impl for<'c> FnOnce(
            &'c mut deadpool_postgres::Object,
        ) -> std::pin::Pin<
            Box<dyn std::future::Future<Output = Result<T, StoreError>> + 'c>,
        >,
    ) -> Result<T, StoreError> {
        self.db.run(async {
            let mut client = self.db.client().await?;
            work(&mut client).await
        })
    }

    /// The store of the account named `name` (created on its first save).
    pub fn account(&self, name: impl Into<String>) -> PostgresDeviceStore {
        PostgresDeviceStore { store: self.clone(), name: name.into() }
    }

    /// The names of the accounts that have a saved device, sorted.
    pub fn accounts(&self) -> Result<Vec<String>, StoreError> {
        self.db.run(async {
            let rows = self
                .db
                .client()
                .await?
                .query("SELECT account FROM wazap_devices ORDER BY account COLLATE \"C\"", &[])
                .await?;
            rows.iter().map(|r| Ok(r.try_get(0)?)).collect()
        })
    }
}

/// One account of a [`PostgresStore`].
#[derive(Clone)]
pub struct PostgresDeviceStore {
    store: PostgresStore,
    name: String,
}

impl PostgresDeviceStore {
    pub fn name(&self) -> &str {
        &self.name
    }
}

fn opt_jid(text: Option<String>) -> Result<Option<Jid>, StoreError> {
    text.map(|t| t.parse().map_err(|_| StoreError::Corrupt("device jid"))).transpose()
}

/// A stored u32 (kept as BIGINT).
pub(super) fn u32_at(row: &Row, idx: usize, what: &'static str) -> Result<u32, StoreError> {
    u32::try_from(row.try_get::<_, i64>(idx)?).map_err(|_| StoreError::Corrupt(what))
}

fn row_to_device(row: &Row) -> Result<Device, StoreError> {
    let signature: [u8; 64] = row
        .try_get::<_, Vec<u8>>(5)?
        .try_into()
        .map_err(|_| StoreError::Corrupt("signed prekey signature"))?;
    let account = row
        .try_get::<_, Option<Vec<u8>>>(8)?
        .map(|b| {
            AdvSignedDeviceIdentity::decode(b.as_slice())
                .map_err(|_| StoreError::Corrupt("account identity"))
        })
        .transpose()?;
    Ok(Device {
        noise_key: KeyPair::from_private(key32(row.try_get(0)?, "noise key")?),
        identity_key: KeyPair::from_private(key32(row.try_get(1)?, "identity key")?),
        registration_id: u32_at(row, 2, "registration id")?,
        signed_pre_key: SignedPreKeyRecord::new(
            u32_at(row, 3, "signed prekey id")?,
            KeyPair::from_private(key32(row.try_get(4)?, "signed prekey")?),
            signature,
        ),
        adv_secret: key32(row.try_get(6)?, "adv secret")?,
        next_pre_key_id: u32_at(row, 7, "next prekey id")?,
        account,
        jid: opt_jid(row.try_get(9)?)?,
        lid: opt_jid(row.try_get(10)?)?,
        push_name: row.try_get(11)?,
        platform: row.try_get(12)?,
        business_name: row.try_get(13)?,
    })
}

impl DeviceStore for PostgresDeviceStore {
    fn load_device(&self) -> Result<Option<Device>, StoreError> {
        let db = &self.store.db;
        let row = db.run(async {
            let client = db.client().await?;
            let stmt = client
                .prepare_cached(
                    "SELECT noise_private, identity_private, registration_id, signed_pre_key_id,
                        signed_pre_key_private, signed_pre_key_signature, adv_secret,
                        next_pre_key_id, account_identity, jid, lid, push_name, platform,
                        business_name
                     FROM wazap_devices WHERE account = $1",
                )
                .await?;
            Ok(client.query_opt(&stmt, &[&self.name]).await?)
        })?;
        row.as_ref().map(row_to_device).transpose()
    }

    fn save_device(&self, d: &Device) -> Result<(), StoreError> {
        let db = &self.store.db;
        db.run(async {
            let client = db.client().await?;
            let stmt = client
                .prepare_cached(
                    "INSERT INTO wazap_devices (account, noise_private, identity_private,
                         registration_id, signed_pre_key_id, signed_pre_key_private,
                         signed_pre_key_signature, adv_secret, next_pre_key_id, account_identity,
                         jid, lid, push_name, platform, business_name)
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)
                     ON CONFLICT (account) DO UPDATE SET noise_private = excluded.noise_private,
                         identity_private = excluded.identity_private,
                         registration_id = excluded.registration_id,
                         signed_pre_key_id = excluded.signed_pre_key_id,
                         signed_pre_key_private = excluded.signed_pre_key_private,
                         signed_pre_key_signature = excluded.signed_pre_key_signature,
                         adv_secret = excluded.adv_secret,
                         next_pre_key_id = excluded.next_pre_key_id,
                         account_identity = excluded.account_identity, jid = excluded.jid,
                         lid = excluded.lid, push_name = excluded.push_name,
                         platform = excluded.platform, business_name = excluded.business_name",
                )
                .await?;
            client
                .execute(
                    &stmt,
                    &[
                        &self.name,
                        &&d.noise_key.private_bytes()[..],
                        &&d.identity_key.private_bytes()[..],
                        &i64::from(d.registration_id),
                        &i64::from(d.signed_pre_key.id),
                        &&d.signed_pre_key.key_pair.private_bytes()[..],
                        &&d.signed_pre_key.signature[..],
                        &&d.adv_secret[..],
                        &i64::from(d.next_pre_key_id),
                        &d.account_bytes(),
                        &d.jid.as_ref().map(Jid::to_string),
                        &d.lid.as_ref().map(Jid::to_string),
                        &d.push_name,
                        &d.platform,
                        &d.business_name,
                    ],
                )
                .await?;
            Ok(())
        })
    }

    fn delete_device(&self) -> Result<(), StoreError> {
        // Every row of the account in one transaction: the device goes with all its keys.
        let db = &self.store.db;
        db.run(async {
            let mut client = db.client().await?;
            let tx = client.transaction().await?;
            for table in ACCOUNT_TABLES.iter().chain(&["wazap_devices"]) {
                tx.execute(&format!("DELETE FROM {table} WHERE account = $1"), &[&self.name])
                    .await?;
            }
            tx.commit().await?;
            Ok(())
        })?;
        let cached = self.store.signal.lock().map_err(|_| StoreError::Poisoned)?.remove(&self.name);
        if let Some(signal) = cached {
            signal.forget_local();
        }
        Ok(())
    }

    fn signal_store(&self, device: &Device) -> Result<Arc<dyn SignalStore>, StoreError> {
        let mut stores = self.store.signal.lock().map_err(|_| StoreError::Poisoned)?;
        if let Some(store) = stores.get(&self.name) {
            let store: Arc<dyn SignalStore> = store.clone();
            return Ok(store);
        }
        let store = PostgresSignalStore::new(self.store.db.clone(), self.name.clone());
        store.set_local_identity(&device.identity_key, device.registration_id)?;
        // The server learns the signed prekey from the registration payload, so a peer may
        // use it before our first prekey upload.
        crate::signal::store::SignedPreKeyStore::store_signed_pre_key(
            &store,
            &device.signed_pre_key,
        )?;
        let store = Arc::new(store);
        stores.insert(self.name.clone(), store.clone());
        Ok(store)
    }

    fn edge_routing_info(&self) -> Result<Option<Vec<u8>>, StoreError> {
        let db = &self.store.db;
        db.run(async {
            let row = db
                .client()
                .await?
                .query_opt(
                    "SELECT routing_info FROM wazap_edge_routing WHERE account = $1",
                    &[&self.name],
                )
                .await?;
            row.map(|r| Ok(r.try_get(0)?)).transpose()
        })
    }

    fn set_edge_routing_info(&self, info: &[u8]) -> Result<(), StoreError> {
        let db = &self.store.db;
        db.run(async {
            db.client()
                .await?
                .execute(
                    "INSERT INTO wazap_edge_routing (account, routing_info) VALUES ($1, $2)
                     ON CONFLICT (account) DO UPDATE SET routing_info = excluded.routing_info",
                    &[&self.name, &info],
                )
                .await?;
            Ok(())
        })
    }

    fn messaging_store(&self) -> Result<Arc<dyn MessagingStore>, StoreError> {
        Ok(Arc::new(PostgresMessagingStore::new(self.store.db.clone(), self.name.clone())))
    }

    fn app_state_store(&self) -> Result<Arc<dyn AppStateStore>, StoreError> {
        Ok(Arc::new(PostgresAppStateStore::new(self.store.db.clone(), self.name.clone())))
    }
}
