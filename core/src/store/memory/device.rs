//! [`MemoryDeviceStore`]: the [`DeviceStore`] of one account in memory (tests, short-lived
//! clients).
use std::sync::{Arc, Mutex};

use super::{MemoryAppStateStore, MemoryMessagingStore, MemorySignalStore};
use crate::store::{
    AppStateStore, Device, DeviceStore, MessagingStore, SignalStore, SignedPreKeyStore, StoreError,
};

/// An in-memory [`DeviceStore`] (tests, short-lived clients). Deleting the device also drops
/// its Signal store.
#[derive(Default)]
pub struct MemoryDeviceStore {
    inner: Mutex<MemoryInner>,
}

#[derive(Default)]
struct MemoryInner {
    device: Option<Device>,
    signal: Option<Arc<MemorySignalStore>>,
    edge_routing: Option<Vec<u8>>,
    messaging: Option<Arc<MemoryMessagingStore>>,
    app_state: Option<Arc<MemoryAppStateStore>>,
}

impl MemoryDeviceStore {
    pub fn new() -> Self {
        Self::default()
    }

    fn lock(&self) -> Result<std::sync::MutexGuard<'_, MemoryInner>, StoreError> {
        self.inner.lock().map_err(|_| StoreError::Poisoned)
    }
}

impl DeviceStore for MemoryDeviceStore {
    fn load_device(&self) -> Result<Option<Device>, StoreError> {
        Ok(self.lock()?.device.clone())
    }

    fn save_device(&self, device: &Device) -> Result<(), StoreError> {
        let mut inner = self.lock()?;
        let same_identity = inner
            .device
            .as_ref()
            .is_some_and(|d| d.identity_key.public == device.identity_key.public);
        if !same_identity {
            inner.signal = None;
        }
        inner.device = Some(device.clone());
        Ok(())
    }

    fn delete_device(&self) -> Result<(), StoreError> {
        let mut inner = self.lock()?;
        inner.device = None;
        inner.signal = None;
        inner.edge_routing = None;
        if let Some(messaging) = inner.messaging.take() {
            messaging.clear()?;
        }
        if let Some(app_state) = inner.app_state.take() {
            app_state.clear()?;
        }
        Ok(())
    }

    fn signal_store(&self, device: &Device) -> Result<Arc<dyn SignalStore>, StoreError> {
        let mut inner = self.lock()?;
        if let Some(store) = &inner.signal {
            let store: Arc<dyn SignalStore> = store.clone();
            return Ok(store);
        }
        let store =
            Arc::new(MemorySignalStore::new(device.identity_key.clone(), device.registration_id));
        // The server learns the signed prekey from the registration payload, so a peer may
        // use it before our first prekey upload.
        store.store_signed_pre_key(&device.signed_pre_key)?;
        inner.signal = Some(store.clone());
        let store: Arc<dyn SignalStore> = store;
        Ok(store)
    }

    fn edge_routing_info(&self) -> Result<Option<Vec<u8>>, StoreError> {
        Ok(self.lock()?.edge_routing.clone())
    }

    fn set_edge_routing_info(&self, info: &[u8]) -> Result<(), StoreError> {
        self.lock()?.edge_routing = Some(info.to_vec());
        Ok(())
    }

    fn messaging_store(&self) -> Result<Arc<dyn MessagingStore>, StoreError> {
        let mut inner = self.lock()?;
        let store: Arc<dyn MessagingStore> =
            inner.messaging.get_or_insert_with(|| Arc::new(MemoryMessagingStore::new())).clone();
        Ok(store)
    }

    fn app_state_store(&self) -> Result<Arc<dyn AppStateStore>, StoreError> {
        let mut inner = self.lock()?;
        let store: Arc<dyn AppStateStore> =
            inner.app_state.get_or_insert_with(|| Arc::new(MemoryAppStateStore::new())).clone();
        Ok(store)
    }
}

#[cfg(test)]
mod tests {
    use rand::rngs::OsRng;

    use super::*;
    use crate::crypto::KeyPair;

    #[test]
    fn memory_store_round_trip_and_wipe() {
        let store = MemoryDeviceStore::new();
        assert!(store.load_device().unwrap().is_none());
        let device = Device::generate(&mut OsRng);
        store.save_device(&device).unwrap();
        let loaded = store.load_device().unwrap().unwrap();
        assert_eq!(loaded.noise_key.public, device.noise_key.public);
        let signal = store.signal_store(&device).unwrap();
        signal
            .store_pre_key(&crate::signal::PreKeyRecord::new(7, KeyPair::generate(&mut OsRng)))
            .unwrap();
        assert_eq!(store.signal_store(&device).unwrap().pre_key_count().unwrap(), 1);
        store.set_edge_routing_info(&[8, 2]).unwrap();
        assert_eq!(store.edge_routing_info().unwrap(), Some(vec![8, 2]));
        store.delete_device().unwrap();
        assert!(store.load_device().unwrap().is_none());
        assert_eq!(store.signal_store(&device).unwrap().pre_key_count().unwrap(), 0);
        assert_eq!(store.edge_routing_info().unwrap(), None);
    }
}
