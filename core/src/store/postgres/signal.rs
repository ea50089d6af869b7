//! The PostgreSQL [`SignalStore`] of one account: identities, prekeys, signed prekeys, sessions
//! and sender keys in rows scoped to the account's name. [`SignalStore::commit`] applies a
//! decryption's changes in one transaction, so the session state a message advanced is saved
//! before the message is acknowledged, or not at all.
use std::sync::{Arc, Mutex};

use tokio_postgres::GenericClient;

use super::device::u32_at;
use super::Db;
use crate::crypto::{KeyPair, PublicKey};
use crate::signal::store::{
    IdentityStore, PreKeyStore, SenderKeyStore, SessionStore, SignalStore, SignedPreKeyStore,
    StoreChanges, StoreError,
};
use crate::signal::{
    PreKeyRecord, ProtocolAddress, SenderKeyName, SenderKeyRecord, SessionRecord,
    SignedPreKeyRecord,
};
use crate::store::decode::{key32, key_pair};

pub struct PostgresSignalStore {
    db: Arc<Db>,
    account: String,
    /// Our identity, read once: it is needed on every session start.
    local: Mutex<Option<(KeyPair, u32)>>,
}

async fn put_session<C: GenericClient>(
    c: &C,
    account: &str,
    address: &ProtocolAddress,
    record: &SessionRecord,
) -> Result<(), StoreError> {
    c.execute(
        "INSERT INTO signal_sessions (account, address, record) VALUES ($1, $2, $3)
         ON CONFLICT (account, address) DO UPDATE SET record = excluded.record",
        &[&account, &address.to_string(), &record.serialize()],
    )
    .await?;
    Ok(())
}

async fn put_identity<C: GenericClient>(
    c: &C,
    account: &str,
    address: &ProtocolAddress,
    key: &PublicKey,
) -> Result<(), StoreError> {
    c.execute(
        "INSERT INTO signal_identities (account, address, public) VALUES ($1, $2, $3)
         ON CONFLICT (account, address) DO UPDATE SET public = excluded.public",
        &[&account, &address.to_string(), &&key.0[..]],
    )
    .await?;
    Ok(())
}

async fn put_sender_key<C: GenericClient>(
    c: &C,
    account: &str,
    name: &SenderKeyName,
    record: &SenderKeyRecord,
) -> Result<(), StoreError> {
    c.execute(
        "INSERT INTO signal_sender_keys (account, group_id, sender, record)
         VALUES ($1, $2, $3, $4)
         ON CONFLICT (account, group_id, sender) DO UPDATE SET record = excluded.record",
        &[&account, &name.group_id, &name.sender.to_string(), &record.serialize()],
    )
    .await?;
    Ok(())
}

impl PostgresSignalStore {
    pub(super) fn new(db: Arc<Db>, account: String) -> Self {
        Self { db, account, local: Mutex::new(None) }
    }

    /// The account this store is scoped to.
    pub fn account(&self) -> &str {
        &self.account
    }

    /// Saves our identity key pair and registration id (once, at registration).
    pub fn set_local_identity(
        &self,
        identity: &KeyPair,
        registration_id: u32,
    ) -> Result<(), StoreError> {
        self.db.run(async {
            self.db
                .client()
                .await?
                .execute(
                    "INSERT INTO signal_local_identity (account, public, private, registration_id)
                     VALUES ($1, $2, $3, $4)
                     ON CONFLICT (account) DO UPDATE SET public = excluded.public,
                         private = excluded.private, registration_id = excluded.registration_id",
                    &[
                        &self.account,
                        &&identity.public.0[..],
                        &&identity.private_bytes()[..],
                        &i64::from(registration_id),
                    ],
                )
                .await?;
            Ok(())
        })?;
        *self.local.lock().map_err(|_| StoreError::Poisoned)? =
            Some((identity.clone(), registration_id));
        Ok(())
    }

    /// Drops the cached identity (the account's rows were deleted).
    pub(super) fn forget_local(&self) {
        if let Ok(mut local) = self.local.lock() {
            *local = None;
        }
    }

    fn local(&self) -> Result<(KeyPair, u32), StoreError> {
        let mut cached = self.local.lock().map_err(|_| StoreError::Poisoned)?;
        if let Some(local) = &*cached {
            return Ok(local.clone());
        }
        let row = self
            .db
            .run(async {
                Ok(self
                    .db
                    .client()
                    .await?
                    .query_opt(
                        "SELECT public, private, registration_id FROM signal_local_identity
                         WHERE account = $1",
                        &[&self.account],
                    )
                    .await?)
            })?
            .ok_or(StoreError::NoLocalIdentity)?;
        let local =
            (key_pair(row.try_get(0)?, row.try_get(1)?)?, u32_at(&row, 2, "registration id")?);
        *cached = Some(local.clone());
        Ok(local)
    }

    /// One row's first column, `None` when there is no row.
    fn query_bytes(
        &self,
        sql: &str,
        params: &[&(dyn tokio_postgres::types::ToSql + Sync)],
    ) -> Result<Option<Vec<u8>>, StoreError> {
        self.db.run(async {
            let client = self.db.client().await?;
            let stmt = client.prepare_cached(sql).await?;
            let row = client.query_opt(&stmt, params).await?;
            row.map(|r| Ok(r.try_get(0)?)).transpose()
        })
    }

    fn execute(
        &self,
        sql: &str,
        params: &[&(dyn tokio_postgres::types::ToSql + Sync)],
    ) -> Result<u64, StoreError> {
        self.db.run(async {
            let client = self.db.client().await?;
            let stmt = client.prepare_cached(sql).await?;
            Ok(client.execute(&stmt, params).await?)
        })
    }
}

impl IdentityStore for PostgresSignalStore {
    fn identity_key_pair(&self) -> Result<KeyPair, StoreError> {
        Ok(self.local()?.0)
    }

    fn local_registration_id(&self) -> Result<u32, StoreError> {
        Ok(self.local()?.1)
    }

    fn get_identity(&self, address: &ProtocolAddress) -> Result<Option<PublicKey>, StoreError> {
        self.query_bytes(
            "SELECT public FROM signal_identities WHERE account = $1 AND address = $2",
            &[&self.account, &address.to_string()],
        )?
        .map(|k| Ok(PublicKey(key32(k, "identity key")?)))
        .transpose()
    }

    fn save_identity(
        &self,
        address: &ProtocolAddress,
        key: &PublicKey,
    ) -> Result<bool, StoreError> {
        let old = self.get_identity(address)?;
        self.db.run(async {
            put_identity(&**self.db.client().await?, &self.account, address, key).await
        })?;
        Ok(old.is_some_and(|o| o != *key))
    }
}

impl PreKeyStore for PostgresSignalStore {
    fn load_pre_key(&self, id: u32) -> Result<Option<PreKeyRecord>, StoreError> {
        let row = self.db.run(async {
            Ok(self
                .db
                .client()
                .await?
                .query_opt(
                    "SELECT public, private FROM signal_pre_keys WHERE account = $1 AND id = $2",
                    &[&self.account, &i64::from(id)],
                )
                .await?)
        })?;
        row.map(|r| Ok(PreKeyRecord::new(id, key_pair(r.try_get(0)?, r.try_get(1)?)?))).transpose()
    }

    fn store_pre_key(&self, record: &PreKeyRecord) -> Result<(), StoreError> {
        self.execute(
            "INSERT INTO signal_pre_keys (account, id, public, private) VALUES ($1, $2, $3, $4)
             ON CONFLICT (account, id) DO UPDATE SET public = excluded.public,
                 private = excluded.private",
            &[
                &self.account,
                &i64::from(record.id),
                &&record.key_pair.public.0[..],
                &&record.key_pair.private_bytes()[..],
            ],
        )?;
        Ok(())
    }

    fn remove_pre_key(&self, id: u32) -> Result<(), StoreError> {
        self.execute(
            "DELETE FROM signal_pre_keys WHERE account = $1 AND id = $2",
            &[&self.account, &i64::from(id)],
        )?;
        Ok(())
    }

    fn pre_key_count(&self) -> Result<usize, StoreError> {
        let n: i64 = self.db.run(async {
            let row = self
                .db
                .client()
                .await?
                .query_one(
                    "SELECT COUNT(*) FROM signal_pre_keys WHERE account = $1",
                    &[&self.account],
                )
                .await?;
            Ok(row.try_get(0)?)
        })?;
        Ok(n as usize)
    }
}

impl SignedPreKeyStore for PostgresSignalStore {
    fn load_signed_pre_key(&self, id: u32) -> Result<Option<SignedPreKeyRecord>, StoreError> {
        let row = self.db.run(async {
            Ok(self
                .db
                .client()
                .await?
                .query_opt(
                    "SELECT public, private, signature FROM signal_signed_pre_keys
                     WHERE account = $1 AND id = $2",
                    &[&self.account, &i64::from(id)],
                )
                .await?)
        })?;
        row.map(|r| {
            let signature: [u8; 64] = r
                .try_get::<_, Vec<u8>>(2)?
                .try_into()
                .map_err(|_| StoreError::Corrupt("signature"))?;
            Ok(SignedPreKeyRecord::new(id, key_pair(r.try_get(0)?, r.try_get(1)?)?, signature))
        })
        .transpose()
    }

    fn store_signed_pre_key(&self, record: &SignedPreKeyRecord) -> Result<(), StoreError> {
        self.execute(
            "INSERT INTO signal_signed_pre_keys (account, id, public, private, signature)
             VALUES ($1, $2, $3, $4, $5)
             ON CONFLICT (account, id) DO UPDATE SET public = excluded.public,
                 private = excluded.private, signature = excluded.signature",
            &[
                &self.account,
                &i64::from(record.id),
                &&record.key_pair.public.0[..],
                &&record.key_pair.private_bytes()[..],
                &&record.signature[..],
            ],
        )?;
        Ok(())
    }
}

impl SessionStore for PostgresSignalStore {
    fn load_session(&self, address: &ProtocolAddress) -> Result<Option<SessionRecord>, StoreError> {
        self.query_bytes(
            "SELECT record FROM signal_sessions WHERE account = $1 AND address = $2",
            &[&self.account, &address.to_string()],
        )?
        .map(|b| SessionRecord::deserialize(&b))
        .transpose()
    }

    fn store_session(
        &self,
        address: &ProtocolAddress,
        record: &SessionRecord,
    ) -> Result<(), StoreError> {
        self.db.run(async {
            put_session(&**self.db.client().await?, &self.account, address, record).await
        })
    }

    fn delete_session(&self, address: &ProtocolAddress) -> Result<(), StoreError> {
        self.execute(
            "DELETE FROM signal_sessions WHERE account = $1 AND address = $2",
            &[&self.account, &address.to_string()],
        )?;
        Ok(())
    }
}

impl SenderKeyStore for PostgresSignalStore {
    fn load_sender_key(&self, name: &SenderKeyName) -> Result<Option<SenderKeyRecord>, StoreError> {
        self.query_bytes(
            "SELECT record FROM signal_sender_keys
             WHERE account = $1 AND group_id = $2 AND sender = $3",
            &[&self.account, &name.group_id, &name.sender.to_string()],
        )?
        .map(|b| SenderKeyRecord::deserialize(&b))
        .transpose()
    }

    fn store_sender_key(
        &self,
        name: &SenderKeyName,
        record: &SenderKeyRecord,
    ) -> Result<(), StoreError> {
        self.db.run(async {
            put_sender_key(&**self.db.client().await?, &self.account, name, record).await
        })
    }
}

impl SignalStore for PostgresSignalStore {
    fn commit(&self, changes: StoreChanges) -> Result<(), StoreError> {
        if changes.is_empty() {
            return Ok(());
        }
        self.db.run(async {
            let mut client = self.db.client().await?;
            let tx = client.transaction().await?;
            for (address, record) in &changes.sessions {
                put_session(&*tx, &self.account, address, record).await?;
            }
            for (address, key) in &changes.identities {
                put_identity(&*tx, &self.account, address, key).await?;
            }
            for id in &changes.removed_pre_keys {
                tx.execute(
                    "DELETE FROM signal_pre_keys WHERE account = $1 AND id = $2",
                    &[&self.account, &i64::from(*id)],
                )
                .await?;
            }
            for (name, record) in &changes.sender_keys {
                put_sender_key(&*tx, &self.account, name, record).await?;
            }
            tx.commit().await?;
            Ok(())
        })
    }

    fn forget_user(&self, name: &str) -> Result<(), StoreError> {
        // Addresses are `name.device`; compare the prefix exactly (no LIKE wildcards).
        let prefix = format!("{name}.");
        self.db.run(async {
            let mut client = self.db.client().await?;
            let tx = client.transaction().await?;
            for table in ["signal_sessions", "signal_identities"] {
                tx.execute(
                    &format!(
                        "DELETE FROM {table} WHERE account = $1
                         AND left(address, length($2)) = $2"
                    ),
                    &[&self.account, &prefix],
                )
                .await?;
            }
            tx.commit().await?;
            Ok(())
        })
    }
}
