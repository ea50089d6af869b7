//! [`MemoryMessagingStore`]: the [`MessagingStore`] in memory.
use std::collections::{HashMap, HashSet, VecDeque};
use std::sync::{Mutex, MutexGuard};

use crate::binary::Jid;
use crate::store::{
    DeviceList, MessagingStore, PollRecord, PollVoteRecord, SentRecord, StoreError,
    RETRY_BUFFER_SIZE,
};

/// An in-memory [`MessagingStore`].
#[derive(Default)]
pub struct MemoryMessagingStore {
    inner: Mutex<MemoryMessaging>,
}

#[derive(Default)]
struct MemoryMessaging {
    pn_to_lid: HashMap<String, String>,
    devices: HashMap<Jid, DeviceList>,
    sent: HashMap<String, SentRecord>,
    sent_order: VecDeque<String>,
    holders: HashMap<Jid, HashSet<Jid>>,
    polls: HashMap<String, PollRecord>,
    /// Votes by poll id, then voter.
    votes: HashMap<String, HashMap<Jid, PollVoteRecord>>,
}

impl MemoryMessagingStore {
    pub fn new() -> Self {
        Self::default()
    }

    fn lock(&self) -> Result<MutexGuard<'_, MemoryMessaging>, StoreError> {
        self.inner.lock().map_err(|_| StoreError::Poisoned)
    }
}

impl MessagingStore for MemoryMessagingStore {
    fn put_lid_mapping(&self, pn_user: &str, lid_user: &str) -> Result<(), StoreError> {
        let mut inner = self.lock()?;
        inner.pn_to_lid.retain(|_, lid| lid != lid_user);
        inner.pn_to_lid.insert(pn_user.to_owned(), lid_user.to_owned());
        Ok(())
    }

    fn lid_mappings(&self) -> Result<Vec<(String, String)>, StoreError> {
        Ok(self.lock()?.pn_to_lid.iter().map(|(p, l)| (p.clone(), l.clone())).collect())
    }

    fn device_list(&self, user: &Jid) -> Result<Option<DeviceList>, StoreError> {
        Ok(self.lock()?.devices.get(user).cloned())
    }

    fn put_device_list(&self, user: &Jid, list: &DeviceList) -> Result<(), StoreError> {
        self.lock()?.devices.insert(user.clone(), list.clone());
        Ok(())
    }

    fn delete_device_list(&self, user: &Jid) -> Result<(), StoreError> {
        self.lock()?.devices.remove(user);
        Ok(())
    }

    fn put_sent_message(&self, id: &str, record: &SentRecord) -> Result<(), StoreError> {
        let mut inner = self.lock()?;
        if inner.sent.insert(id.to_owned(), record.clone()).is_none() {
            inner.sent_order.push_back(id.to_owned());
        }
        while inner.sent_order.len() > RETRY_BUFFER_SIZE {
            if let Some(old) = inner.sent_order.pop_front() {
                inner.sent.remove(&old);
            }
        }
        Ok(())
    }

    fn sent_message(&self, id: &str) -> Result<Option<SentRecord>, StoreError> {
        Ok(self.lock()?.sent.get(id).cloned())
    }

    fn sender_key_holders(&self, group: &Jid) -> Result<Vec<Jid>, StoreError> {
        let inner = self.lock()?;
        let mut holders: Vec<Jid> =
            inner.holders.get(group).map(|s| s.iter().cloned().collect()).unwrap_or_default();
        holders.sort_by_key(Jid::to_string);
        Ok(holders)
    }

    fn add_sender_key_holders(
        &self,
        group: &Jid,
        reset: bool,
        holders: &[Jid],
    ) -> Result<(), StoreError> {
        let mut inner = self.lock()?;
        let set = inner.holders.entry(group.clone()).or_default();
        if reset {
            set.clear();
        }
        set.extend(holders.iter().cloned());
        Ok(())
    }

    fn put_poll(&self, poll: &PollRecord) -> Result<(), StoreError> {
        self.lock()?.polls.entry(poll.id.clone()).or_insert_with(|| poll.clone());
        Ok(())
    }

    fn poll(&self, id: &str) -> Result<Option<PollRecord>, StoreError> {
        Ok(self.lock()?.polls.get(id).cloned())
    }

    fn put_poll_vote(&self, poll_id: &str, vote: &PollVoteRecord) -> Result<(), StoreError> {
        let mut inner = self.lock()?;
        let votes = inner.votes.entry(poll_id.to_owned()).or_default();
        match votes.get(&vote.voter) {
            Some(old) if old.timestamp_ms > vote.timestamp_ms => {}
            _ => {
                votes.insert(vote.voter.clone(), vote.clone());
            }
        }
        Ok(())
    }

    fn poll_votes(&self, poll_id: &str) -> Result<Vec<PollVoteRecord>, StoreError> {
        let inner = self.lock()?;
        Ok(inner.votes.get(poll_id).map(|v| v.values().cloned().collect()).unwrap_or_default())
    }

    fn clear(&self) -> Result<(), StoreError> {
        *self.lock()? = MemoryMessaging::default();
        Ok(())
    }
}
