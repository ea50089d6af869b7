//! The client's messaging state, shared by sending, receiving and retries: device lists and
//! the LID↔phone map (caches, invalidated by device notifications and phash mismatches), the
//! retry buffer of recent outgoing messages, who holds our sender key in each group, retry
//! counts of messages we could not decrypt, and the ids of messages already emitted.
use std::collections::{HashMap, HashSet, VecDeque};
use std::sync::{Arc, Mutex, MutexGuard};

use crate::binary::Jid;
use crate::crypto::PublicKey;
use crate::proto;
use crate::store::SignalStore;

/// Outgoing messages kept for answering retry receipts (whatsmeow keeps a similar window).
pub(crate) const RETRY_BUFFER: usize = 4096;
/// Received message keys remembered for dropping redeliveries.
const SEEN_WINDOW: usize = 8192;

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// A received message: chat, sender, id.
type MessageKey = (Jid, Jid, String);

/// A message we sent, as kept for retries.
#[derive(Clone, Debug)]
pub(crate) struct SentMessage {
    pub(crate) chat: Jid,
    pub(crate) message: proto::Message,
}

#[derive(Default)]
pub(crate) struct MessagingState {
    /// Device JIDs by user (phone-number form, no device).
    devices: Mutex<HashMap<Jid, Vec<Jid>>>,
    /// Phone-number user → LID user, and back.
    pn_to_lid: Mutex<HashMap<String, String>>,
    lid_to_pn: Mutex<HashMap<String, String>>,
    /// Group participants (phone-number users) by group.
    groups: Mutex<HashMap<Jid, Vec<Jid>>>,
    sent: Mutex<(HashMap<String, SentMessage>, VecDeque<String>)>,
    /// Devices holding our current sender key, by group.
    sender_key_holders: Mutex<HashMap<Jid, HashSet<Jid>>>,
    /// Retry receipts sent, by message id.
    retries_sent: Mutex<HashMap<String, u32>>,
    /// Retry receipts answered, by (message id, requesting device).
    retries_answered: Mutex<HashMap<(String, Jid), u32>>,
    seen: Mutex<(HashSet<MessageKey>, VecDeque<MessageKey>)>,
    /// The Signal store of the current device (by identity key).
    signal: Mutex<Option<(PublicKey, Arc<dyn SignalStore>)>>,
    /// Serialises encryption: sessions of one address must not advance concurrently, and
    /// stanzas leave in the order the callers sent them.
    pub(crate) send_lock: tokio::sync::Mutex<()>,
    /// The order sends were called in.
    pub(crate) order: Arc<super::order::SendOrder>,
}

impl MessagingState {
    pub(crate) fn cached_devices(&self, user: &Jid) -> Option<Vec<Jid>> {
        lock(&self.devices).get(user).cloned()
    }

    pub(crate) fn set_devices(&self, user: Jid, devices: Vec<Jid>) {
        lock(&self.devices).insert(user, devices);
    }

    pub(crate) fn forget_devices(&self, user: &Jid) {
        let mut devices = lock(&self.devices);
        devices.remove(user);
        if let Some(pn) = self.pn_of(user) {
            devices.remove(&Jid::pn(pn));
        }
    }

    pub(crate) fn add_lid(&self, pn_user: &str, lid_user: &str) {
        lock(&self.pn_to_lid).insert(pn_user.to_owned(), lid_user.to_owned());
        lock(&self.lid_to_pn).insert(lid_user.to_owned(), pn_user.to_owned());
    }

    /// The LID user of a phone-number JID.
    pub(crate) fn lid_of(&self, pn: &Jid) -> Option<String> {
        lock(&self.pn_to_lid).get(&pn.user).cloned()
    }

    /// The phone-number user of a LID JID.
    pub(crate) fn pn_of(&self, lid: &Jid) -> Option<String> {
        if !lid.is_lid() {
            return None;
        }
        lock(&self.lid_to_pn).get(&lid.user).cloned()
    }

    /// The identity a device's Signal session lives under: its LID when known.
    pub(crate) fn encryption_jid(&self, device: &Jid) -> Jid {
        if device.is_pn() {
            if let Some(lid) = self.lid_of(device) {
                return Jid::lid(lid).with_device(device.device);
            }
        }
        device.clone()
    }

    pub(crate) fn group_participants(&self, group: &Jid) -> Option<Vec<Jid>> {
        lock(&self.groups).get(group).cloned()
    }

    pub(crate) fn set_group_participants(&self, group: Jid, participants: Vec<Jid>) {
        lock(&self.groups).insert(group, participants);
    }

    pub(crate) fn forget_group(&self, group: &Jid) {
        lock(&self.groups).remove(group);
    }

    pub(crate) fn remember_sent(&self, id: String, sent: SentMessage) {
        let mut guard = lock(&self.sent);
        let (map, order) = &mut *guard;
        if map.insert(id.clone(), sent).is_none() {
            order.push_back(id);
        }
        while order.len() > RETRY_BUFFER {
            if let Some(old) = order.pop_front() {
                map.remove(&old);
            }
        }
    }

    pub(crate) fn sent(&self, id: &str) -> Option<SentMessage> {
        lock(&self.sent).0.get(id).cloned()
    }

    pub(crate) fn sender_key_holders(&self, group: &Jid) -> Vec<Jid> {
        lock(&self.sender_key_holders)
            .get(group)
            .map(|s| s.iter().cloned().collect())
            .unwrap_or_default()
    }

    pub(crate) fn add_sender_key_holders(&self, group: &Jid, fresh: bool, holders: &[Jid]) {
        let mut map = lock(&self.sender_key_holders);
        let set = map.entry(group.clone()).or_default();
        if fresh {
            set.clear();
        }
        set.extend(holders.iter().cloned());
    }

    /// Counts one more retry receipt for `id`; returns the new count.
    pub(crate) fn next_retry(&self, id: &str) -> u32 {
        let mut map = lock(&self.retries_sent);
        if map.len() > SEEN_WINDOW {
            map.clear();
        }
        let count = map.entry(id.to_owned()).or_insert(0);
        *count += 1;
        *count
    }

    pub(crate) fn clear_retry(&self, id: &str) {
        lock(&self.retries_sent).remove(id);
    }

    /// Counts one more answer to `requester`'s retry of `id`; returns the new count.
    pub(crate) fn next_answer(&self, id: &str, requester: &Jid) -> u32 {
        let mut map = lock(&self.retries_answered);
        if map.len() > SEEN_WINDOW {
            map.clear();
        }
        let count = map.entry((id.to_owned(), requester.clone())).or_insert(0);
        *count += 1;
        *count
    }

    /// Records a received message; false when it was seen before (a redelivery).
    pub(crate) fn first_sighting(&self, chat: &Jid, sender: &Jid, id: &str) -> bool {
        let key = (chat.clone(), sender.clone(), id.to_owned());
        let mut guard = lock(&self.seen);
        let (set, order) = &mut *guard;
        if !set.insert(key.clone()) {
            return false;
        }
        order.push_back(key);
        while order.len() > SEEN_WINDOW {
            if let Some(old) = order.pop_front() {
                set.remove(&old);
            }
        }
        true
    }

    pub(crate) fn cached_signal(&self, identity: &PublicKey) -> Option<Arc<dyn SignalStore>> {
        lock(&self.signal).as_ref().filter(|(k, _)| k == identity).map(|(_, s)| s.clone())
    }

    pub(crate) fn set_signal(&self, identity: PublicKey, store: Arc<dyn SignalStore>) {
        *lock(&self.signal) = Some((identity, store));
    }
}
