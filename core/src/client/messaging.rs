//! The client's messaging state, shared by sending, receiving and retries: device lists and
//! the LID↔phone map (caches, invalidated by device notifications and phash mismatches), the
//! retry buffer of recent outgoing messages, who holds our sender key in each group, retry
//! counts of messages we could not decrypt, and the ids of messages already emitted.
//!
//! The LID map, device lists, retry buffer and sender key holders are written through to the
//! account's [`MessagingStore`] (attached when the device is loaded), so they survive a
//! restart; memory stays the fast path and is filled from the store on a miss. A store that
//! fails only costs the cache: it is logged, never fatal to a send or a receive.
use std::collections::{HashMap, HashSet, VecDeque};
use std::sync::{Arc, Mutex, MutexGuard};

use crate::binary::Jid;
use crate::crypto::PublicKey;
use crate::message::participant_hash;
use crate::proto;
use crate::store::{
    DeviceList, MessagingStore, PollRecord, PollVoteRecord, SentRecord, SignalStore, StoreError,
};

/// Outgoing messages kept in memory for answering retry receipts (the store keeps as many).
pub(crate) const RETRY_BUFFER: usize = crate::store::RETRY_BUFFER_SIZE;
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

/// Logs a failed cache write or read; the in-memory state still holds.
fn logged<T>(what: &'static str, result: Result<T, StoreError>) -> Option<T> {
    result.map_err(|e| tracing::warn!(error = %e, "messaging store: {what}")).ok()
}

#[derive(Default)]
pub(crate) struct MessagingState {
    /// The account's persistent caches, once the device is loaded.
    persist: Mutex<Option<Arc<dyn MessagingStore>>>,
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
    /// Held around every synchronous use of the Signal sessions and sender keys (encrypt,
    /// decrypt and commit): a session record is read, advanced and written back whole, so a
    /// receive committing while a send encrypts would write back a stale sending chain (the
    /// next message reuses a counter; its receiver drops it as a duplicate).
    pub(crate) signal_lock: Mutex<()>,
    /// The order sends were called in.
    pub(crate) order: Arc<super::order::SendOrder>,
    /// Whether delivery receipts are active or `inactive`.
    pub(crate) receipts: super::receipt_mode::ReceiptMode,
}

impl MessagingState {
    /// Attaches the account's store and loads the LID map from it (the other caches are read
    /// on demand).
    pub(crate) fn attach(&self, store: Arc<dyn MessagingStore>) {
        if let Some(pairs) = logged("load LIDs", store.lid_mappings()) {
            for (pn, lid) in pairs {
                self.remember_lid(&pn, &lid);
            }
        }
        *lock(&self.persist) = Some(store);
    }

    /// Forgets every cache (the device was logged out; the store was wiped with it).
    pub(crate) fn reset(&self) {
        *lock(&self.persist) = None;
        lock(&self.devices).clear();
        lock(&self.pn_to_lid).clear();
        lock(&self.lid_to_pn).clear();
        lock(&self.groups).clear();
        *lock(&self.sent) = Default::default();
        lock(&self.sender_key_holders).clear();
    }

    fn persist(&self) -> Option<Arc<dyn MessagingStore>> {
        lock(&self.persist).clone()
    }

    pub(crate) fn cached_devices(&self, user: &Jid) -> Option<Vec<Jid>> {
        if let Some(devices) = lock(&self.devices).get(user).cloned() {
            return Some(devices);
        }
        let list = logged("read devices", self.persist()?.device_list(user))??;
        lock(&self.devices).insert(user.clone(), list.devices.clone());
        Some(list.devices)
    }

    pub(crate) fn set_devices(&self, user: Jid, devices: Vec<Jid>) {
        if let Some(store) = self.persist() {
            let list = DeviceList {
                phash: participant_hash(&devices),
                timestamp: super::send::unix_now(),
                devices: devices.clone(),
            };
            logged("save devices", store.put_device_list(&user, &list));
        }
        lock(&self.devices).insert(user, devices);
    }

    pub(crate) fn forget_devices(&self, user: &Jid) {
        let mut users = vec![user.clone()];
        if let Some(pn) = self.pn_of(user) {
            users.push(Jid::pn(pn));
        }
        let store = self.persist();
        let mut devices = lock(&self.devices);
        for user in &users {
            devices.remove(user);
            if let Some(store) = &store {
                logged("forget devices", store.delete_device_list(user));
            }
        }
    }

    /// Records a LID↔phone pair (persisted when new).
    pub(crate) fn add_lid(&self, pn_user: &str, lid_user: &str) {
        if lock(&self.pn_to_lid).get(pn_user).is_some_and(|l| l == lid_user) {
            return;
        }
        self.remember_lid(pn_user, lid_user);
        if let Some(store) = self.persist() {
            logged("save LID", store.put_lid_mapping(pn_user, lid_user));
        }
    }

    fn remember_lid(&self, pn_user: &str, lid_user: &str) {
        let old_lid = lock(&self.pn_to_lid).insert(pn_user.to_owned(), lid_user.to_owned());
        let old_pn = lock(&self.lid_to_pn).insert(lid_user.to_owned(), pn_user.to_owned());
        // One pair per user on each side.
        if let Some(old) = old_lid.filter(|l| l != lid_user) {
            lock(&self.lid_to_pn).remove(&old);
        }
        if let Some(old) = old_pn.filter(|p| p != pn_user) {
            lock(&self.pn_to_lid).remove(&old);
        }
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
        if let Some(store) = self.persist() {
            let record = SentRecord {
                chat: sent.chat.clone(),
                message: prost::Message::encode_to_vec(&sent.message),
            };
            logged("save sent message", store.put_sent_message(&id, &record));
        }
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

    /// A message we sent, from memory or (after a restart) from the store.
    pub(crate) fn sent(&self, id: &str) -> Option<SentMessage> {
        if let Some(sent) = lock(&self.sent).0.get(id).cloned() {
            return Some(sent);
        }
        let record = logged("read sent message", self.persist()?.sent_message(id))??;
        match <proto::Message as prost::Message>::decode(record.message.as_slice()) {
            Ok(message) => Some(SentMessage { chat: record.chat, message }),
            Err(e) => {
                tracing::warn!(%id, error = %e, "stored sent message does not decode");
                None
            }
        }
    }

    /// Keeps a poll (polls live in the store only: their votes may come long after).
    pub(crate) fn put_poll(&self, poll: &PollRecord) {
        if let Some(store) = self.persist() {
            logged("save poll", store.put_poll(poll));
        }
    }

    pub(crate) fn poll(&self, id: &str) -> Option<PollRecord> {
        logged("read poll", self.persist()?.poll(id))?
    }

    pub(crate) fn put_poll_vote(&self, poll_id: &str, vote: &PollVoteRecord) {
        if let Some(store) = self.persist() {
            logged("save poll vote", store.put_poll_vote(poll_id, vote));
        }
    }

    pub(crate) fn poll_votes(&self, poll_id: &str) -> Vec<PollVoteRecord> {
        self.persist()
            .and_then(|s| logged("read poll votes", s.poll_votes(poll_id)))
            .unwrap_or_default()
    }

    /// The holders of `group`, loaded from the store on first use.
    fn holders_loaded<'a>(
        &self,
        map: &'a mut HashMap<Jid, HashSet<Jid>>,
        group: &Jid,
    ) -> &'a mut HashSet<Jid> {
        map.entry(group.clone()).or_insert_with(|| {
            self.persist()
                .and_then(|s| logged("read sender key holders", s.sender_key_holders(group)))
                .unwrap_or_default()
                .into_iter()
                .collect()
        })
    }

    pub(crate) fn sender_key_holders(&self, group: &Jid) -> Vec<Jid> {
        let mut map = lock(&self.sender_key_holders);
        self.holders_loaded(&mut map, group).iter().cloned().collect()
    }

    pub(crate) fn add_sender_key_holders(&self, group: &Jid, fresh: bool, holders: &[Jid]) {
        let mut map = lock(&self.sender_key_holders);
        let set = self.holders_loaded(&mut map, group);
        if fresh {
            set.clear();
        }
        let new: Vec<Jid> = holders.iter().filter(|h| set.insert((*h).clone())).cloned().collect();
        drop(map);
        if fresh || !new.is_empty() {
            if let Some(store) = self.persist() {
                logged("save sender key holders", store.add_sender_key_holders(group, fresh, &new));
            }
        }
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

    /// Whether a retry receipt was sent for `id` and its message has not come since.
    pub(crate) fn retrying(&self, id: &str) -> bool {
        lock(&self.retries_sent).contains_key(id)
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

    /// Whether a message was recorded by [`MessagingState::first_sighting`].
    pub(crate) fn was_seen(&self, chat: &Jid, sender: &Jid, id: &str) -> bool {
        lock(&self.seen).0.contains(&(chat.clone(), sender.clone(), id.to_owned()))
    }

    /// [`MessagingState::signal_lock`].
    pub(crate) fn signal_guard(&self) -> MutexGuard<'_, ()> {
        lock(&self.signal_lock)
    }

    pub(crate) fn cached_signal(&self, identity: &PublicKey) -> Option<Arc<dyn SignalStore>> {
        lock(&self.signal).as_ref().filter(|(k, _)| k == identity).map(|(_, s)| s.clone())
    }

    pub(crate) fn set_signal(&self, identity: PublicKey, store: Arc<dyn SignalStore>) {
        *lock(&self.signal) = Some((identity, store));
    }
}
