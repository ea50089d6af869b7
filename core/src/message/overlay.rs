//! A store view with uncommitted writes layered on top, so that the steps of one stanza (a
//! pkmsg that carries a sender key, then the skmsg it unlocks) see each other's results and
//! are committed together, or not at all.
use std::sync::{Mutex, MutexGuard};

use crate::crypto::{KeyPair, PublicKey};
use crate::signal::{
    PreKeyRecord, ProtocolAddress, SenderKeyName, SenderKeyRecord, SessionRecord,
    SignedPreKeyRecord,
};
use crate::store::{
    IdentityStore, PreKeyStore, SenderKeyStore, SessionStore, SignalStore, SignedPreKeyStore,
    StoreChanges, StoreError,
};

/// Reads go to the pending changes first, then to `base`; writes and commits only add to the
/// pending changes. [`Overlay::into_changes`] hands them to the caller to commit for real.
pub(crate) struct Overlay<'a, S: ?Sized> {
    base: &'a S,
    pending: Mutex<StoreChanges>,
}

impl<'a, S: SignalStore + ?Sized> Overlay<'a, S> {
    pub(crate) fn new(base: &'a S) -> Self {
        Self { base, pending: Mutex::new(StoreChanges::default()) }
    }

    fn lock(&self) -> Result<MutexGuard<'_, StoreChanges>, StoreError> {
        self.pending.lock().map_err(|_| StoreError::Poisoned)
    }

    /// Adds a batch from a two-phase Signal operation.
    pub(crate) fn stage(&self, changes: StoreChanges) -> Result<(), StoreError> {
        self.lock()?.merge(changes);
        Ok(())
    }

    pub(crate) fn into_changes(self) -> Result<StoreChanges, StoreError> {
        self.pending.into_inner().map_err(|_| StoreError::Poisoned)
    }
}

impl<S: SignalStore + ?Sized> IdentityStore for Overlay<'_, S> {
    fn identity_key_pair(&self) -> Result<KeyPair, StoreError> {
        self.base.identity_key_pair()
    }

    fn local_registration_id(&self) -> Result<u32, StoreError> {
        self.base.local_registration_id()
    }

    fn get_identity(&self, address: &ProtocolAddress) -> Result<Option<PublicKey>, StoreError> {
        let pending = self.lock()?;
        if let Some((_, key)) = pending.identities.iter().find(|(a, _)| a == address) {
            return Ok(Some(*key));
        }
        drop(pending);
        self.base.get_identity(address)
    }

    fn save_identity(
        &self,
        address: &ProtocolAddress,
        key: &PublicKey,
    ) -> Result<bool, StoreError> {
        let old = self.get_identity(address)?;
        self.lock()?.set_identity(address.clone(), *key);
        Ok(old.is_some_and(|old| old != *key))
    }
}

impl<S: SignalStore + ?Sized> PreKeyStore for Overlay<'_, S> {
    fn load_pre_key(&self, id: u32) -> Result<Option<PreKeyRecord>, StoreError> {
        if self.lock()?.removed_pre_keys.contains(&id) {
            return Ok(None);
        }
        self.base.load_pre_key(id)
    }

    /// New prekeys are not part of a decryption; they go straight to the base store.
    fn store_pre_key(&self, record: &PreKeyRecord) -> Result<(), StoreError> {
        self.base.store_pre_key(record)
    }

    fn remove_pre_key(&self, id: u32) -> Result<(), StoreError> {
        self.lock()?.remove_pre_key(id);
        Ok(())
    }

    fn pre_key_count(&self) -> Result<usize, StoreError> {
        let removed = self.lock()?.removed_pre_keys.len();
        Ok(self.base.pre_key_count()?.saturating_sub(removed))
    }
}

impl<S: SignalStore + ?Sized> SignedPreKeyStore for Overlay<'_, S> {
    fn load_signed_pre_key(&self, id: u32) -> Result<Option<SignedPreKeyRecord>, StoreError> {
        self.base.load_signed_pre_key(id)
    }

    fn store_signed_pre_key(&self, record: &SignedPreKeyRecord) -> Result<(), StoreError> {
        self.base.store_signed_pre_key(record)
    }
}

impl<S: SignalStore + ?Sized> SessionStore for Overlay<'_, S> {
    fn load_session(&self, address: &ProtocolAddress) -> Result<Option<SessionRecord>, StoreError> {
        if let Some(record) = self.lock()?.session(address) {
            return Ok(Some(record.clone()));
        }
        self.base.load_session(address)
    }

    fn store_session(
        &self,
        address: &ProtocolAddress,
        record: &SessionRecord,
    ) -> Result<(), StoreError> {
        self.lock()?.set_session(address.clone(), record.clone());
        Ok(())
    }

    /// Deletions are not expressible in a [`StoreChanges`] (and decryption never deletes a
    /// session): it goes to the base store at once, with the pending record.
    fn delete_session(&self, address: &ProtocolAddress) -> Result<(), StoreError> {
        self.lock()?.sessions.retain(|(a, _)| a != address);
        self.base.delete_session(address)
    }
}

impl<S: SignalStore + ?Sized> SenderKeyStore for Overlay<'_, S> {
    fn load_sender_key(&self, name: &SenderKeyName) -> Result<Option<SenderKeyRecord>, StoreError> {
        if let Some(record) = self.lock()?.sender_key(name) {
            return Ok(Some(record.clone()));
        }
        self.base.load_sender_key(name)
    }

    fn store_sender_key(
        &self,
        name: &SenderKeyName,
        record: &SenderKeyRecord,
    ) -> Result<(), StoreError> {
        self.lock()?.set_sender_key(name.clone(), record.clone());
        Ok(())
    }
}

impl<S: SignalStore + ?Sized> SignalStore for Overlay<'_, S> {
    fn commit(&self, changes: StoreChanges) -> Result<(), StoreError> {
        self.stage(changes)
    }

    /// Not staged: forgetting is never part of a message's changes.
    fn forget_user(&self, name: &str) -> Result<(), StoreError> {
        self.base.forget_user(name)
    }
}
