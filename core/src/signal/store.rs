//! The Signal store traits, one per concern as in libsignal, [`StoreChanges`], the batch of
//! writes that one decryption produces, and [`StoreError`], what a store reports. They live
//! beside the protocol that needs them; the backends are in [`crate::store`] (memory, SQLite),
//! which depends on this module and never the reverse.
//!
//! # Crash safety
//! Decryption is two-phase. `decrypt_*` and [`crate::signal::group_decrypt`] read the store but
//! write nothing: they return the plaintext with a [`StoreChanges`] (the advanced session or
//! sender key, a newly seen identity, the one-time prekey to delete). The caller handles the
//! plaintext and then commits: [`SignalStore::commit`] applies a batch atomically, and
//! [`crate::store::SqliteSignalStore::commit_with`] also runs the caller's own SQL (say, saving
//! the message or queueing its event) in the same transaction. So:
//! - if the process dies before the commit, nothing was written: the server redelivers the
//!   unacknowledged message and it decrypts again (acknowledge only after committing);
//! - after the commit, the message key is gone: the same ciphertext is reported as
//!   [`crate::signal::SignalError::DuplicateMessage`], never decrypted twice.
//!
//! Encryption commits the advanced chain before it returns the ciphertext, so a message key
//! is never used for two messages even if the process dies right after sending.
//!
//! Operations on one address (or one sender key) must not run concurrently: the client handles
//! a peer's messages in order. Different addresses are independent.
use thiserror::Error;

use super::{
    PreKeyRecord, ProtocolAddress, SenderKeyName, SenderKeyRecord, SessionRecord,
    SignedPreKeyRecord,
};
use crate::crypto::{KeyPair, PublicKey};

/// Errors of the storage layer.
#[derive(Debug, Error)]
pub enum StoreError {
    #[error("sqlite: {0}")]
    Sqlite(#[from] rusqlite::Error),
    /// The PostgreSQL backend's driver or pool failed (the server's message, with its SQLSTATE
    /// when it sent one). Not feature-gated, so matches on the kinds stay the same in every
    /// build.
    #[error("postgres: {0}")]
    Postgres(String),
    /// A stored record does not decode (damaged database or a bug).
    #[error("stored record is corrupt: {0}")]
    Corrupt(&'static str),
    /// A stored record was written by a newer version of this library.
    #[error("stored record has format version {found}; this build reads up to {supported}")]
    UnsupportedFormat { found: u32, supported: u32 },
    /// The database schema is newer than this build knows.
    #[error("database schema version {found} is newer than this build's {supported}")]
    SchemaTooNew { found: u32, supported: u32 },
    /// Our own identity key pair and registration id have not been saved yet.
    #[error("no local identity has been set")]
    NoLocalIdentity,
    /// A thread panicked while holding the store's lock.
    #[error("store lock poisoned")]
    Poisoned,
}

/// Our identity and the identities of peers. Trust is first use: an identity is saved the
/// first time it is seen; a different key later is reported as
/// [`crate::signal::SignalError::IdentityChanged`] until the caller saves it.
pub trait IdentityStore: Send + Sync {
    fn identity_key_pair(&self) -> Result<KeyPair, StoreError>;
    fn local_registration_id(&self) -> Result<u32, StoreError>;
    fn get_identity(&self, address: &ProtocolAddress) -> Result<Option<PublicKey>, StoreError>;
    /// Saves (trusts) a peer's identity. Returns true when it replaced a different key.
    fn save_identity(&self, address: &ProtocolAddress, key: &PublicKey)
        -> Result<bool, StoreError>;
}

/// One-time prekeys.
pub trait PreKeyStore: Send + Sync {
    fn load_pre_key(&self, id: u32) -> Result<Option<PreKeyRecord>, StoreError>;
    fn store_pre_key(&self, record: &PreKeyRecord) -> Result<(), StoreError>;
    fn remove_pre_key(&self, id: u32) -> Result<(), StoreError>;
    /// How many one-time prekeys are stored (the client re-uploads when few are left).
    fn pre_key_count(&self) -> Result<usize, StoreError>;
}

/// Signed prekeys.
pub trait SignedPreKeyStore: Send + Sync {
    fn load_signed_pre_key(&self, id: u32) -> Result<Option<SignedPreKeyRecord>, StoreError>;
    fn store_signed_pre_key(&self, record: &SignedPreKeyRecord) -> Result<(), StoreError>;
}

/// 1:1 session records by address.
pub trait SessionStore: Send + Sync {
    fn load_session(&self, address: &ProtocolAddress) -> Result<Option<SessionRecord>, StoreError>;
    fn store_session(
        &self,
        address: &ProtocolAddress,
        record: &SessionRecord,
    ) -> Result<(), StoreError>;
    fn delete_session(&self, address: &ProtocolAddress) -> Result<(), StoreError>;
}

/// Group sender keys by (group, sender).
pub trait SenderKeyStore: Send + Sync {
    fn load_sender_key(&self, name: &SenderKeyName) -> Result<Option<SenderKeyRecord>, StoreError>;
    fn store_sender_key(
        &self,
        name: &SenderKeyName,
        record: &SenderKeyRecord,
    ) -> Result<(), StoreError>;
}

/// Everything the Signal layer needs, plus an atomic batch write.
pub trait SignalStore:
    IdentityStore + PreKeyStore + SignedPreKeyStore + SessionStore + SenderKeyStore
{
    /// Applies all the changes or none of them.
    fn commit(&self, changes: StoreChanges) -> Result<(), StoreError>;

    /// Forgets the sessions and trusted identities of every device whose address name is
    /// `name` (a user's [`crate::binary::Jid::signal_user`]): the server announced that the
    /// user's identity changed (whatsmeow `DeleteAllSessions` + `DeleteAllIdentities`).
    fn forget_user(&self, name: &str) -> Result<(), StoreError>;
}

/// Writes produced by Signal operations, applied together by [`SignalStore::commit`]. Several
/// batches can be merged (a 1:1 message carrying a sender key distribution gives one batch).
#[derive(Debug, Default)]
pub struct StoreChanges {
    pub sessions: Vec<(ProtocolAddress, SessionRecord)>,
    pub identities: Vec<(ProtocolAddress, PublicKey)>,
    pub removed_pre_keys: Vec<u32>,
    pub sender_keys: Vec<(SenderKeyName, SenderKeyRecord)>,
}

impl StoreChanges {
    pub fn is_empty(&self) -> bool {
        self.sessions.is_empty()
            && self.identities.is_empty()
            && self.removed_pre_keys.is_empty()
            && self.sender_keys.is_empty()
    }

    /// The pending session for `address`, if this batch has one.
    pub fn session(&self, address: &ProtocolAddress) -> Option<&SessionRecord> {
        self.sessions.iter().find(|(a, _)| a == address).map(|(_, r)| r)
    }

    /// The pending sender key for `name`, if this batch has one.
    pub fn sender_key(&self, name: &SenderKeyName) -> Option<&SenderKeyRecord> {
        self.sender_keys.iter().find(|(n, _)| n == name).map(|(_, r)| r)
    }

    pub fn set_session(&mut self, address: ProtocolAddress, record: SessionRecord) {
        match self.sessions.iter_mut().find(|(a, _)| *a == address) {
            Some(slot) => slot.1 = record,
            None => self.sessions.push((address, record)),
        }
    }

    pub fn set_identity(&mut self, address: ProtocolAddress, key: PublicKey) {
        match self.identities.iter_mut().find(|(a, _)| *a == address) {
            Some(slot) => slot.1 = key,
            None => self.identities.push((address, key)),
        }
    }

    pub fn remove_pre_key(&mut self, id: u32) {
        if !self.removed_pre_keys.contains(&id) {
            self.removed_pre_keys.push(id);
        }
    }

    pub fn set_sender_key(&mut self, name: SenderKeyName, record: SenderKeyRecord) {
        match self.sender_keys.iter_mut().find(|(n, _)| *n == name) {
            Some(slot) => slot.1 = record,
            None => self.sender_keys.push((name, record)),
        }
    }

    /// Adds `other`'s writes; where both touch the same key, `other`'s (later) value wins.
    pub fn merge(&mut self, other: StoreChanges) {
        for (a, r) in other.sessions {
            self.set_session(a, r);
        }
        for (a, k) in other.identities {
            self.set_identity(a, k);
        }
        for id in other.removed_pre_keys {
            self.remove_pre_key(id);
        }
        for (n, r) in other.sender_keys {
            self.set_sender_key(n, r);
        }
    }
}
