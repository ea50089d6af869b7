//! The linked device's own state: everything needed to register a new companion (noise key,
//! identity, signed prekey, registration id, adv secret) and to log in again after a restart
//! (the signed account identity, JID, LID). [`DeviceStore`] keeps one account's device;
//! [`super::MemoryDeviceStore`] is the in-memory implementation, [`super::SqliteStore`] the SQLite one.
use std::sync::Arc;

use prost::Message;
use rand::{CryptoRng, RngCore};

use super::app_state::AppStateStore;
use super::messaging::MessagingStore;
use crate::binary::Jid;
use crate::crypto::KeyPair;
use crate::proto::AdvSignedDeviceIdentity;
use crate::signal::store::{SignalStore, StoreError};
use crate::signal::{generate_registration_id, SignedPreKeyRecord, MAX_PRE_KEY_ID};

/// The first one-time prekey id (ids are 24-bit and never 0).
pub const FIRST_PRE_KEY_ID: u32 = 1;

/// A companion device's keys and identity.
#[derive(Clone, Debug)]
pub struct Device {
    /// The long-lived Noise static key the server authenticates us by.
    pub noise_key: KeyPair,
    /// The Signal identity key.
    pub identity_key: KeyPair,
    pub registration_id: u32,
    pub signed_pre_key: SignedPreKeyRecord,
    /// The secret shared with the phone through the QR code (or derived by code pairing); it
    /// authenticates the phone's `pair-success`.
    pub adv_secret: [u8; 32],
    /// The next one-time prekey id to generate. Every id below it has been uploaded: ids are
    /// only advanced after the server accepted an upload, so an interrupted upload is simply
    /// regenerated (the role of whatsmeow's `uploaded` flag).
    pub next_pre_key_id: u32,
    /// The phone-signed device identity (`ADVSignedDeviceIdentity`, with our device signature);
    /// `None` until paired.
    pub account: Option<AdvSignedDeviceIdentity>,
    /// Our device JID (`phone:device@s.whatsapp.net`); `None` until paired.
    pub jid: Option<Jid>,
    pub lid: Option<Jid>,
    pub push_name: String,
    /// The primary device's platform, from `pair-success`.
    pub platform: String,
    pub business_name: String,
}

impl Device {
    /// A fresh, unpaired device with new keys.
    pub fn generate<R: RngCore + CryptoRng>(rng: &mut R) -> Self {
        let identity_key = KeyPair::generate(rng);
        let signed_pre_key = SignedPreKeyRecord::generate(&identity_key, 1, rng);
        let mut adv_secret = [0u8; 32];
        rng.fill_bytes(&mut adv_secret);
        Self {
            noise_key: KeyPair::generate(rng),
            identity_key,
            registration_id: generate_registration_id(rng),
            signed_pre_key,
            adv_secret,
            next_pre_key_id: FIRST_PRE_KEY_ID,
            account: None,
            jid: None,
            lid: None,
            push_name: String::new(),
            platform: String::new(),
            business_name: String::new(),
        }
    }

    /// Whether the device has been paired with a phone (and so logs in rather than registers).
    pub fn is_paired(&self) -> bool {
        self.jid.is_some() && self.account.is_some()
    }

    /// The marshalled account identity, for storage.
    pub fn account_bytes(&self) -> Option<Vec<u8>> {
        self.account.as_ref().map(Message::encode_to_vec)
    }

    /// Reserves `count` prekey ids starting at `next_pre_key_id`, wrapping within the 24-bit
    /// id space; returns the ids in order.
    pub fn pre_key_ids(&self, count: u32) -> Vec<u32> {
        (0..count)
            .map(|i| {
                let offset = (self.next_pre_key_id - FIRST_PRE_KEY_ID + i) % MAX_PRE_KEY_ID;
                FIRST_PRE_KEY_ID + offset
            })
            .collect()
    }

    /// Marks `count` prekeys (from `next_pre_key_id`) as uploaded.
    pub fn advance_pre_key_id(&mut self, count: u32) {
        let offset = (self.next_pre_key_id - FIRST_PRE_KEY_ID + count) % MAX_PRE_KEY_ID;
        self.next_pre_key_id = FIRST_PRE_KEY_ID + offset;
    }
}

/// One account's persistent device state, plus the Signal store that goes with it.
///
/// Calls may touch the disk: the client runs them on its runtime's blocking pool.
pub trait DeviceStore: Send + Sync {
    /// The saved device, or `None` for a fresh account slot.
    fn load_device(&self) -> Result<Option<Device>, StoreError>;
    /// Saves (creates or replaces) the device.
    fn save_device(&self, device: &Device) -> Result<(), StoreError>;
    /// Deletes the device and every key of the account (logout, device removed).
    fn delete_device(&self) -> Result<(), StoreError>;
    /// The Signal store of this account, whose local identity is `device`'s.
    fn signal_store(&self, device: &Device) -> Result<Arc<dyn SignalStore>, StoreError>;
    /// The edge-routing info the server handed out last (`<ib><edge_routing><routing_info>`),
    /// sent back before the connection header on the next connect.
    fn edge_routing_info(&self) -> Result<Option<Vec<u8>>, StoreError>;
    /// Saves (replaces) the edge-routing info; [`DeviceStore::delete_device`] forgets it.
    fn set_edge_routing_info(&self, info: &[u8]) -> Result<(), StoreError>;
    /// The account's messaging caches (LID map, device lists, retry buffer, sender key
    /// holders); deleting the device clears them.
    fn messaging_store(&self) -> Result<Arc<dyn MessagingStore>, StoreError>;
    /// The account's app state (keys, collection versions, contacts, chat settings);
    /// deleting the device clears it.
    fn app_state_store(&self) -> Result<Arc<dyn AppStateStore>, StoreError>;
}

#[cfg(test)]
mod tests {
    use rand::rngs::OsRng;

    use super::*;

    // What every DeviceStore must do is checked against each backend in `conformance`.

    #[test]
    fn pre_key_ids_wrap_in_24_bits() {
        let mut device = Device::generate(&mut OsRng);
        assert_eq!(device.pre_key_ids(3), vec![1, 2, 3]);
        device.next_pre_key_id = MAX_PRE_KEY_ID - 1;
        assert_eq!(device.pre_key_ids(3), vec![MAX_PRE_KEY_ID - 1, MAX_PRE_KEY_ID, 1]);
        device.advance_pre_key_id(3);
        assert_eq!(device.next_pre_key_id, 2);
    }
}
