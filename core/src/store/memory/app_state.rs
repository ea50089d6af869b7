//! [`MemoryAppStateStore`]: the [`AppStateStore`] in memory.
use std::collections::{BTreeMap, HashMap};
use std::sync::{Mutex, MutexGuard};

use crate::appstate::{Collection, HashState};
use crate::binary::Jid;
use crate::store::app_state::{fold, fold_push_name, is_default, Rows};
use crate::store::{
    AppStateKey, AppStateStore, ChatSettings, CollectionUpdate, Contact, Label, StoreError,
};

/// An in-memory [`AppStateStore`].
#[derive(Default)]
pub struct MemoryAppStateStore {
    inner: Mutex<MemoryAppState>,
}

#[derive(Default, Clone)]
struct MemoryAppState {
    keys: HashMap<Vec<u8>, AppStateKey>,
    states: HashMap<Collection, HashState>,
    macs: HashMap<Collection, HashMap<[u8; 32], [u8; 32]>>,
    contacts: BTreeMap<Jid, Contact>,
    chats: BTreeMap<Jid, ChatSettings>,
    labels: BTreeMap<String, Label>,
}

impl Rows for MemoryAppState {
    fn contact(&mut self, jid: &Jid) -> Result<Option<Contact>, StoreError> {
        Ok(self.contacts.get(jid).cloned())
    }

    fn put_contact(&mut self, contact: &Contact) -> Result<(), StoreError> {
        self.contacts.insert(contact.jid.clone(), contact.clone());
        Ok(())
    }

    fn chat(&mut self, chat: &Jid) -> Result<Option<ChatSettings>, StoreError> {
        Ok(self.chats.get(chat).cloned())
    }

    fn put_chat(&mut self, settings: &ChatSettings) -> Result<(), StoreError> {
        if is_default(settings) {
            self.chats.remove(&settings.chat);
        } else {
            self.chats.insert(settings.chat.clone(), settings.clone());
        }
        Ok(())
    }

    fn put_label(&mut self, label: &Label) -> Result<(), StoreError> {
        self.labels.insert(label.id.clone(), label.clone());
        Ok(())
    }
}

impl MemoryAppStateStore {
    pub fn new() -> Self {
        Self::default()
    }

    fn lock(&self) -> Result<MutexGuard<'_, MemoryAppState>, StoreError> {
        self.inner.lock().map_err(|_| StoreError::Poisoned)
    }
}

impl AppStateStore for MemoryAppStateStore {
    fn put_keys(&self, keys: &[AppStateKey]) -> Result<(), StoreError> {
        let mut inner = self.lock()?;
        for key in keys {
            inner.keys.insert(key.id.clone(), key.clone());
        }
        Ok(())
    }

    fn key(&self, id: &[u8]) -> Result<Option<AppStateKey>, StoreError> {
        Ok(self.lock()?.keys.get(id).cloned())
    }

    fn latest_key(&self) -> Result<Option<AppStateKey>, StoreError> {
        Ok(self.lock()?.keys.values().max_by_key(|k| (k.timestamp_ms, k.id.clone())).cloned())
    }

    fn collection_state(&self, collection: Collection) -> Result<HashState, StoreError> {
        Ok(self.lock()?.states.get(&collection).copied().unwrap_or_default())
    }

    fn value_macs(
        &self,
        collection: Collection,
    ) -> Result<HashMap<[u8; 32], [u8; 32]>, StoreError> {
        Ok(self.lock()?.macs.get(&collection).cloned().unwrap_or_default())
    }

    fn apply(&self, update: &CollectionUpdate<'_>) -> Result<(), StoreError> {
        let mut inner = self.lock()?;
        // On a copy: all or nothing, as the SQLite transaction.
        let mut next = inner.clone();
        let macs = next.macs.entry(update.collection).or_default();
        if update.replace {
            macs.clear();
        }
        for (index, value) in &update.macs.changes {
            match value {
                Some(value) => macs.insert(*index, *value),
                None => macs.remove(index),
            };
        }
        next.states.insert(update.collection, update.state);
        for change in update.changes {
            fold(&mut next, change)?;
        }
        *inner = next;
        Ok(())
    }

    fn reset_collection(&self, collection: Collection) -> Result<(), StoreError> {
        let mut inner = self.lock()?;
        inner.states.remove(&collection);
        inner.macs.remove(&collection);
        Ok(())
    }

    fn put_push_names(&self, names: &[(Jid, String)]) -> Result<(), StoreError> {
        let mut inner = self.lock()?;
        for (jid, name) in names {
            fold_push_name(&mut *inner, jid, name)?;
        }
        Ok(())
    }

    fn contacts(&self) -> Result<Vec<Contact>, StoreError> {
        Ok(self.lock()?.contacts.values().cloned().collect())
    }

    fn contact(&self, jid: &Jid) -> Result<Option<Contact>, StoreError> {
        Ok(self.lock()?.contacts.get(&jid.to_non_ad()).cloned())
    }

    fn chat_settings(&self) -> Result<Vec<ChatSettings>, StoreError> {
        Ok(self.lock()?.chats.values().cloned().collect())
    }

    fn chat(&self, chat: &Jid) -> Result<Option<ChatSettings>, StoreError> {
        Ok(self.lock()?.chats.get(chat).cloned())
    }

    fn labels(&self) -> Result<Vec<Label>, StoreError> {
        Ok(self.lock()?.labels.values().cloned().collect())
    }

    fn clear(&self) -> Result<(), StoreError> {
        *self.lock()? = MemoryAppState::default();
        Ok(())
    }
}
