//! An in-memory Signal store: for tests, benchmarks and short-lived clients. One mutex guards
//! everything, so [`SignalStore::commit`] is atomic.
use std::collections::HashMap;
use std::sync::{Mutex, MutexGuard};

use crate::crypto::{KeyPair, PublicKey};
use crate::signal::store::{
    IdentityStore, PreKeyStore, SenderKeyStore, SessionStore, SignalStore, SignedPreKeyStore,
    StoreChanges, StoreError,
};
use crate::signal::{
    PreKeyRecord, ProtocolAddress, SenderKeyName, SenderKeyRecord, SessionRecord,
    SignedPreKeyRecord,
};

#[derive(Default)]
struct Inner {
    identities: HashMap<ProtocolAddress, PublicKey>,
    pre_keys: HashMap<u32, PreKeyRecord>,
    signed_pre_keys: HashMap<u32, SignedPreKeyRecord>,
    sessions: HashMap<ProtocolAddress, SessionRecord>,
    sender_keys: HashMap<SenderKeyName, SenderKeyRecord>,
}

pub struct MemorySignalStore {
    identity: KeyPair,
    registration_id: u32,
    inner: Mutex<Inner>,
}

impl MemorySignalStore {
    pub fn new(identity: KeyPair, registration_id: u32) -> Self {
        Self { identity, registration_id, inner: Mutex::new(Inner::default()) }
    }

    fn lock(&self) -> Result<MutexGuard<'_, Inner>, StoreError> {
        self.inner.lock().map_err(|_| StoreError::Poisoned)
    }
}

impl IdentityStore for MemorySignalStore {
    fn identity_key_pair(&self) -> Result<KeyPair, StoreError> {
        Ok(self.identity.clone())
    }

    fn local_registration_id(&self) -> Result<u32, StoreError> {
        Ok(self.registration_id)
    }

    fn get_identity(&self, address: &ProtocolAddress) -> Result<Option<PublicKey>, StoreError> {
        Ok(self.lock()?.identities.get(address).copied())
    }

    fn save_identity(
        &self,
        address: &ProtocolAddress,
        key: &PublicKey,
    ) -> Result<bool, StoreError> {
        let old = self.lock()?.identities.insert(address.clone(), *key);
        Ok(old.is_some_and(|o| o != *key))
    }
}

impl PreKeyStore for MemorySignalStore {
    fn load_pre_key(&self, id: u32) -> Result<Option<PreKeyRecord>, StoreError> {
        Ok(self.lock()?.pre_keys.get(&id).cloned())
    }

    fn store_pre_key(&self, record: &PreKeyRecord) -> Result<(), StoreError> {
        self.lock()?.pre_keys.insert(record.id, record.clone());
        Ok(())
    }

    fn remove_pre_key(&self, id: u32) -> Result<(), StoreError> {
        self.lock()?.pre_keys.remove(&id);
        Ok(())
    }

    fn pre_key_count(&self) -> Result<usize, StoreError> {
        Ok(self.lock()?.pre_keys.len())
    }
}

impl SignedPreKeyStore for MemorySignalStore {
    fn load_signed_pre_key(&self, id: u32) -> Result<Option<SignedPreKeyRecord>, StoreError> {
        Ok(self.lock()?.signed_pre_keys.get(&id).cloned())
    }

    fn store_signed_pre_key(&self, record: &SignedPreKeyRecord) -> Result<(), StoreError> {
        self.lock()?.signed_pre_keys.insert(record.id, record.clone());
        Ok(())
    }
}

impl SessionStore for MemorySignalStore {
    fn load_session(&self, address: &ProtocolAddress) -> Result<Option<SessionRecord>, StoreError> {
        Ok(self.lock()?.sessions.get(address).cloned())
    }

    fn store_session(
        &self,
        address: &ProtocolAddress,
        record: &SessionRecord,
    ) -> Result<(), StoreError> {
        self.lock()?.sessions.insert(address.clone(), record.clone());
        Ok(())
    }

    fn delete_session(&self, address: &ProtocolAddress) -> Result<(), StoreError> {
        self.lock()?.sessions.remove(address);
        Ok(())
    }
}

impl SenderKeyStore for MemorySignalStore {
    fn load_sender_key(&self, name: &SenderKeyName) -> Result<Option<SenderKeyRecord>, StoreError> {
        Ok(self.lock()?.sender_keys.get(name).cloned())
    }

    fn store_sender_key(
        &self,
        name: &SenderKeyName,
        record: &SenderKeyRecord,
    ) -> Result<(), StoreError> {
        self.lock()?.sender_keys.insert(name.clone(), record.clone());
        Ok(())
    }
}

impl SignalStore for MemorySignalStore {
    fn commit(&self, changes: StoreChanges) -> Result<(), StoreError> {
        let mut inner = self.lock()?;
        for (address, record) in changes.sessions {
            inner.sessions.insert(address, record);
        }
        for (address, key) in changes.identities {
            inner.identities.insert(address, key);
        }
        for id in changes.removed_pre_keys {
            inner.pre_keys.remove(&id);
        }
        for (name, record) in changes.sender_keys {
            inner.sender_keys.insert(name, record);
        }
        Ok(())
    }

    fn forget_user(&self, name: &str) -> Result<(), StoreError> {
        let mut inner = self.lock()?;
        inner.sessions.retain(|address, _| address.name != name);
        inner.identities.retain(|address, _| address.name != name);
        Ok(())
    }
}
