//! Accounts (one per phone number) and their linked companion devices.
use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};
use wazap::binary::Jid;

use super::codec::{HexBytes, Key32};
use super::prekeys::DeviceKeys;
use crate::phone::PhoneKeys;

/// The platform name `<pair-success><platform>` reports for the simulated phones.
pub const PHONE_PLATFORM: &str = "android";

/// A companion device linked to an account (device ids from 1).
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Device {
    pub id: u16,
    /// The Noise static key it registered with; logins must present the same key.
    pub noise_key: Key32,
    pub identity: Key32,
    /// `DeviceProps.os` of its registration (the name the phone lists it under).
    pub name: String,
    pub key_index: u32,
    /// The countersigned `ADVSignedDeviceIdentity` (account key included).
    pub adv_identity: HexBytes,
    pub paired_at: u64,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Account {
    pub phone: String,
    /// The LID user (digits, without `@lid`).
    pub lid: String,
    pub push_name: String,
    /// Whether the phone echoes texts it receives (demos).
    pub echo: bool,
    /// The "about" text usync `<status>` returns.
    pub status: String,
    pub created: u64,
    /// `ADVDeviceIdentity.rawId` of every grant and key-index list.
    pub adv_raw_id: u32,
    pub primary: PhoneKeys,
    pub devices: BTreeMap<u16, Device>,
    /// Published Signal keys by device id (0 = the phone).
    pub bundles: BTreeMap<u16, DeviceKeys>,
    pub next_device: u16,
    pub next_key_index: u32,
    /// When the device list last changed (the key-index list timestamp).
    pub devices_changed: u64,
    /// Privacy settings by category name (`last`, `groupadd`…); absent ones have defaults.
    #[serde(default)]
    pub privacy: BTreeMap<String, String>,
    /// Phone numbers this account blocked: their messages are not delivered to it.
    #[serde(default)]
    pub blocked: BTreeSet<String>,
}

impl Account {
    pub fn jid(&self) -> Jid {
        Jid::pn(self.phone.clone())
    }

    pub fn lid_jid(&self) -> Jid {
        Jid::lid(self.lid.clone())
    }

    /// Device ids: 0 (the phone) and every companion, ascending.
    pub fn device_ids(&self) -> Vec<u16> {
        std::iter::once(0).chain(self.devices.keys().copied()).collect()
    }

    /// The device JIDs under `user` (the phone-number JID or the LID).
    pub fn device_jids(&self, user: &Jid) -> Vec<Jid> {
        self.device_ids().into_iter().map(|d| user.clone().with_device(d)).collect()
    }
}
