//! Who is online (per device, in memory) and who wants to know (presence subscriptions).
use std::collections::{HashMap, HashSet};

#[derive(Default)]
pub struct Presence {
    /// Devices that announced `available`, by phone.
    online: HashMap<String, HashSet<u16>>,
    /// When each account was last seen going offline.
    last_seen: HashMap<String, u64>,
    /// Target phone → subscribed (phone, device).
    subscribers: HashMap<String, HashSet<(String, u16)>>,
}

impl Presence {
    pub fn is_available(&self, phone: &str) -> bool {
        self.online.get(phone).is_some_and(|d| !d.is_empty())
    }

    pub fn last_seen(&self, phone: &str) -> Option<u64> {
        self.last_seen.get(phone).copied()
    }

    /// Records a device's state; returns whether the account's availability changed.
    pub fn set(&mut self, phone: &str, device: u16, available: bool, now: u64) -> bool {
        let before = self.is_available(phone);
        let devices = self.online.entry(phone.to_owned()).or_default();
        if available {
            devices.insert(device);
        } else {
            devices.remove(&device);
        }
        let after = self.is_available(phone);
        if before && !after {
            self.last_seen.insert(phone.to_owned(), now);
        }
        before != after
    }

    pub fn subscribe(&mut self, target: &str, subscriber: (String, u16)) {
        self.subscribers.entry(target.to_owned()).or_default().insert(subscriber);
    }

    pub fn subscribers(&self, target: &str) -> Vec<(String, u16)> {
        self.subscribers.get(target).map(|s| s.iter().cloned().collect()).unwrap_or_default()
    }

    /// Forgets a device's subscriptions (it disconnected: clients subscribe again).
    pub fn drop_device(&mut self, phone: &str, device: u16) {
        let key = (phone.to_owned(), device);
        for subs in self.subscribers.values_mut() {
            subs.remove(&key);
        }
    }
}
