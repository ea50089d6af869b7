//! A SQLite Signal store (rusqlite). Every write goes through a transaction; [`commit_with`]
//! lets the caller add its own writes to the transaction that saves a decryption's changes, so
//! a message and the session state that decrypted it are saved together or not at all.
//!
//! The database runs in WAL mode with `synchronous = FULL`, so a committed transaction
//! survives a crash of the process and of the machine.
//!
//! [`commit_with`]: SqliteSignalStore::commit_with
use std::path::Path;
use std::sync::{Mutex, MutexGuard};

use rusqlite::{params, Connection, OptionalExtension, Transaction};

use super::{migrations, open};
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

pub struct SqliteSignalStore {
    conn: Mutex<Connection>,
    /// The account whose rows this store reads and writes ('' by default): one file can hold
    /// the Signal state of many accounts.
    account: String,
    /// Our identity, read once: it is needed on every session start.
    local: Mutex<Option<(KeyPair, u32)>>,
}

impl SqliteSignalStore {
    /// Opens (or creates) the database at `path` and brings its schema up to date.
    pub fn open(path: impl AsRef<Path>) -> Result<Self, StoreError> {
        Self::open_account(path, "")
    }

    /// Like [`SqliteSignalStore::open`], for the rows of `account` only.
    pub fn open_account(path: impl AsRef<Path>, account: &str) -> Result<Self, StoreError> {
        Self::from_connection_account(open::open_file(path.as_ref())?, account)
    }

    /// A private in-memory database (tests).
    pub fn open_in_memory() -> Result<Self, StoreError> {
        Self::from_connection(Connection::open_in_memory()?)
    }

    /// Uses an open connection (which may hold other components' tables too).
    pub fn from_connection(conn: Connection) -> Result<Self, StoreError> {
        Self::from_connection_account(conn, "")
    }

    /// Like [`SqliteSignalStore::from_connection`], for the rows of `account` only.
    pub fn from_connection_account(
        mut conn: Connection,
        account: &str,
    ) -> Result<Self, StoreError> {
        migrations::migrate(&mut conn)?;
        Ok(Self { conn: Mutex::new(conn), account: account.to_owned(), local: Mutex::new(None) })
    }

    /// The account this store is scoped to.
    pub fn account(&self) -> &str {
        &self.account
    }

    /// Deletes every row of this account (its identity included), in one transaction.
    pub fn delete_account(&self) -> Result<(), StoreError> {
        let mut conn = self.conn()?;
        let tx = open::write_transaction(&mut conn)?;
        for table in [
            "signal_local_identity",
            "signal_identities",
            "signal_pre_keys",
            "signal_signed_pre_keys",
            "signal_sessions",
            "signal_sender_keys",
        ] {
            tx.execute(&format!("DELETE FROM {table} WHERE account = ?1"), [&self.account])?;
        }
        tx.commit()?;
        *self.local.lock().map_err(|_| StoreError::Poisoned)? = None;
        Ok(())
    }

    /// The schema version of the Signal tables.
    pub fn schema_version(&self) -> Result<u32, StoreError> {
        Ok(self.conn()?.query_row(
            "SELECT version FROM wazap_schema WHERE component = ?1",
            [migrations::COMPONENT],
            |r| r.get(0),
        )?)
    }

    /// Saves our identity key pair and registration id (once, at registration).
    pub fn set_local_identity(
        &self,
        identity: &KeyPair,
        registration_id: u32,
    ) -> Result<(), StoreError> {
        self.conn()?.execute(
            "INSERT INTO signal_local_identity (account, public, private, registration_id)
             VALUES (?4, ?1, ?2, ?3)
             ON CONFLICT (account) DO UPDATE SET public = excluded.public,
                 private = excluded.private, registration_id = excluded.registration_id",
            params![
                &identity.public.0[..],
                &identity.private_bytes()[..],
                registration_id,
                self.account
            ],
        )?;
        *self.local.lock().map_err(|_| StoreError::Poisoned)? =
            Some((identity.clone(), registration_id));
        Ok(())
    }

    /// Applies `changes` and runs `extra` in one transaction: both are saved or neither is.
    /// `extra` is where the caller saves what it derived from the decrypted message.
    pub fn commit_with<F>(&self, changes: StoreChanges, extra: F) -> Result<(), StoreError>
    where
        F: FnOnce(&Transaction<'_>) -> rusqlite::Result<()>,
    {
        let mut conn = self.conn()?;
        let tx = open::write_transaction(&mut conn)?;
        apply(&tx, &self.account, &changes)?;
        extra(&tx)?;
        tx.commit()?;
        Ok(())
    }

    fn conn(&self) -> Result<MutexGuard<'_, Connection>, StoreError> {
        self.conn.lock().map_err(|_| StoreError::Poisoned)
    }

    fn local(&self) -> Result<(KeyPair, u32), StoreError> {
        let mut cached = self.local.lock().map_err(|_| StoreError::Poisoned)?;
        if let Some(local) = &*cached {
            return Ok(local.clone());
        }
        let row = self
            .conn()?
            .query_row(
                "SELECT public, private, registration_id FROM signal_local_identity
                 WHERE account = ?1",
                [&self.account],
                |r| Ok((r.get::<_, Vec<u8>>(0)?, r.get::<_, Vec<u8>>(1)?, r.get::<_, u32>(2)?)),
            )
            .optional()?
            .ok_or(StoreError::NoLocalIdentity)?;
        let local = (key_pair(row.0, row.1)?, row.2);
        *cached = Some(local.clone());
        Ok(local)
    }
}

fn put_session(
    conn: &Connection,
    account: &str,
    address: &ProtocolAddress,
    record: &SessionRecord,
) -> Result<(), StoreError> {
    conn.prepare_cached(
        "INSERT INTO signal_sessions (account, address, record) VALUES (?3, ?1, ?2)
         ON CONFLICT (account, address) DO UPDATE SET record = excluded.record",
    )?
    .execute(params![address.to_string(), record.serialize(), account])?;
    Ok(())
}

fn put_identity(
    conn: &Connection,
    account: &str,
    address: &ProtocolAddress,
    key: &PublicKey,
) -> Result<(), StoreError> {
    conn.prepare_cached(
        "INSERT INTO signal_identities (account, address, public) VALUES (?3, ?1, ?2)
         ON CONFLICT (account, address) DO UPDATE SET public = excluded.public",
    )?
    .execute(params![address.to_string(), &key.0[..], account])?;
    Ok(())
}

fn put_sender_key(
    conn: &Connection,
    account: &str,
    name: &SenderKeyName,
    record: &SenderKeyRecord,
) -> Result<(), StoreError> {
    conn.prepare_cached(
        "INSERT INTO signal_sender_keys (account, group_id, sender, record)
         VALUES (?4, ?1, ?2, ?3)
         ON CONFLICT (account, group_id, sender) DO UPDATE SET record = excluded.record",
    )?
    .execute(params![name.group_id, name.sender.to_string(), record.serialize(), account])?;
    Ok(())
}

fn apply(conn: &Connection, account: &str, changes: &StoreChanges) -> Result<(), StoreError> {
    for (address, record) in &changes.sessions {
        put_session(conn, account, address, record)?;
    }
    for (address, key) in &changes.identities {
        put_identity(conn, account, address, key)?;
    }
    for id in &changes.removed_pre_keys {
        conn.prepare_cached("DELETE FROM signal_pre_keys WHERE account = ?2 AND id = ?1")?
            .execute(params![id, account])?;
    }
    for (name, record) in &changes.sender_keys {
        put_sender_key(conn, account, name, record)?;
    }
    Ok(())
}

impl IdentityStore for SqliteSignalStore {
    fn identity_key_pair(&self) -> Result<KeyPair, StoreError> {
        Ok(self.local()?.0)
    }

    fn local_registration_id(&self) -> Result<u32, StoreError> {
        Ok(self.local()?.1)
    }

    fn get_identity(&self, address: &ProtocolAddress) -> Result<Option<PublicKey>, StoreError> {
        let key: Option<Vec<u8>> = self
            .conn()?
            .prepare_cached(
                "SELECT public FROM signal_identities WHERE account = ?2 AND address = ?1",
            )?
            .query_row(params![address.to_string(), self.account], |r| r.get(0))
            .optional()?;
        key.map(|k| Ok(PublicKey(key32(k, "identity key")?))).transpose()
    }

    fn save_identity(
        &self,
        address: &ProtocolAddress,
        key: &PublicKey,
    ) -> Result<bool, StoreError> {
        let old = self.get_identity(address)?;
        put_identity(&*self.conn()?, &self.account, address, key)?;
        Ok(old.is_some_and(|o| o != *key))
    }
}

impl PreKeyStore for SqliteSignalStore {
    fn load_pre_key(&self, id: u32) -> Result<Option<PreKeyRecord>, StoreError> {
        let row: Option<(Vec<u8>, Vec<u8>)> = self
            .conn()?
            .prepare_cached(
                "SELECT public, private FROM signal_pre_keys WHERE account = ?2 AND id = ?1",
            )?
            .query_row(params![id, self.account], |r| Ok((r.get(0)?, r.get(1)?)))
            .optional()?;
        row.map(|(public, private)| Ok(PreKeyRecord::new(id, key_pair(public, private)?)))
            .transpose()
    }

    fn store_pre_key(&self, record: &PreKeyRecord) -> Result<(), StoreError> {
        self.conn()?
            .prepare_cached(
                "INSERT INTO signal_pre_keys (account, id, public, private) VALUES (?4, ?1, ?2, ?3)
                 ON CONFLICT (account, id) DO UPDATE SET public = excluded.public,
                     private = excluded.private",
            )?
            .execute(params![
                record.id,
                &record.key_pair.public.0[..],
                &record.key_pair.private_bytes()[..],
                self.account
            ])?;
        Ok(())
    }

    fn remove_pre_key(&self, id: u32) -> Result<(), StoreError> {
        self.conn()?
            .prepare_cached("DELETE FROM signal_pre_keys WHERE account = ?2 AND id = ?1")?
            .execute(params![id, self.account])?;
        Ok(())
    }

    fn pre_key_count(&self) -> Result<usize, StoreError> {
        let n: i64 = self.conn()?.query_row(
            "SELECT COUNT(*) FROM signal_pre_keys WHERE account = ?1",
            [&self.account],
            |r| r.get(0),
        )?;
        Ok(n as usize)
    }
}

impl SignedPreKeyStore for SqliteSignalStore {
    fn load_signed_pre_key(&self, id: u32) -> Result<Option<SignedPreKeyRecord>, StoreError> {
        let row: Option<(Vec<u8>, Vec<u8>, Vec<u8>)> = self
            .conn()?
            .prepare_cached(
                "SELECT public, private, signature FROM signal_signed_pre_keys
                 WHERE account = ?2 AND id = ?1",
            )?
            .query_row(params![id, self.account], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
            .optional()?;
        row.map(|(public, private, signature)| {
            let signature: [u8; 64] =
                signature.try_into().map_err(|_| StoreError::Corrupt("signature"))?;
            Ok(SignedPreKeyRecord::new(id, key_pair(public, private)?, signature))
        })
        .transpose()
    }

    fn store_signed_pre_key(&self, record: &SignedPreKeyRecord) -> Result<(), StoreError> {
        self.conn()?
            .prepare_cached(
                "INSERT INTO signal_signed_pre_keys (account, id, public, private, signature)
                 VALUES (?5, ?1, ?2, ?3, ?4)
                 ON CONFLICT (account, id) DO UPDATE SET public = excluded.public,
                     private = excluded.private, signature = excluded.signature",
            )?
            .execute(params![
                record.id,
                &record.key_pair.public.0[..],
                &record.key_pair.private_bytes()[..],
                &record.signature[..],
                self.account
            ])?;
        Ok(())
    }
}

impl SessionStore for SqliteSignalStore {
    fn load_session(&self, address: &ProtocolAddress) -> Result<Option<SessionRecord>, StoreError> {
        let bytes: Option<Vec<u8>> = self
            .conn()?
            .prepare_cached(
                "SELECT record FROM signal_sessions WHERE account = ?2 AND address = ?1",
            )?
            .query_row(params![address.to_string(), self.account], |r| r.get(0))
            .optional()?;
        bytes.map(|b| SessionRecord::deserialize(&b)).transpose()
    }

    fn store_session(
        &self,
        address: &ProtocolAddress,
        record: &SessionRecord,
    ) -> Result<(), StoreError> {
        put_session(&*self.conn()?, &self.account, address, record)
    }

    fn delete_session(&self, address: &ProtocolAddress) -> Result<(), StoreError> {
        self.conn()?
            .prepare_cached("DELETE FROM signal_sessions WHERE account = ?2 AND address = ?1")?
            .execute(params![address.to_string(), self.account])?;
        Ok(())
    }
}

impl SenderKeyStore for SqliteSignalStore {
    fn load_sender_key(&self, name: &SenderKeyName) -> Result<Option<SenderKeyRecord>, StoreError> {
        let bytes: Option<Vec<u8>> = self
            .conn()?
            .prepare_cached(
                "SELECT record FROM signal_sender_keys
                 WHERE account = ?3 AND group_id = ?1 AND sender = ?2",
            )?
            .query_row(params![name.group_id, name.sender.to_string(), self.account], |r| r.get(0))
            .optional()?;
        bytes.map(|b| SenderKeyRecord::deserialize(&b)).transpose()
    }

    fn store_sender_key(
        &self,
        name: &SenderKeyName,
        record: &SenderKeyRecord,
    ) -> Result<(), StoreError> {
        put_sender_key(&*self.conn()?, &self.account, name, record)
    }
}

impl SignalStore for SqliteSignalStore {
    fn commit(&self, changes: StoreChanges) -> Result<(), StoreError> {
        self.commit_with(changes, |_| Ok(()))
    }

    fn forget_user(&self, name: &str) -> Result<(), StoreError> {
        // Addresses are `name.device`; compare the prefix exactly (no LIKE wildcards).
        let prefix = format!("{name}.");
        let conn = self.conn()?;
        for table in ["signal_sessions", "signal_identities"] {
            conn.prepare_cached(&format!(
                "DELETE FROM {table} WHERE account = ?1 AND substr(address, 1, length(?2)) = ?2"
            ))?
            .execute(params![self.account, prefix])?;
        }
        Ok(())
    }
}
