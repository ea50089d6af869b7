//! A bounded index of a session's recent messages (id → chat, sender), so that wuzapi's field
//! set is enough in groups: `/chat/markread` without `Sender` and `/chat/react` without
//! `Participant` find who wrote the message. Kept in memory: the oldest entries give way
//! beyond the bound, and a restart starts empty (then the caller names the sender, or
//! markread goes without it, as wuzapi sends it).
use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;

use wazap::binary::Jid;

/// Messages remembered per session.
pub const CAPACITY: usize = 4096;

#[derive(Default)]
struct Index {
    by_id: HashMap<String, (Jid, Jid)>,
    order: VecDeque<String>,
}

pub struct Recent {
    index: Mutex<Index>,
    capacity: usize,
}

impl Default for Recent {
    fn default() -> Self {
        Self::new(CAPACITY)
    }
}

impl Recent {
    pub fn new(capacity: usize) -> Self {
        Self { index: Mutex::new(Index::default()), capacity: capacity.max(1) }
    }

    /// Remembers that `sender` wrote message `id` in `chat`.
    pub fn record(&self, id: &str, chat: &Jid, sender: &Jid) {
        let mut index = self.index.lock().unwrap_or_else(|p| p.into_inner());
        let entry = (chat.to_non_ad(), sender.to_non_ad());
        if index.by_id.insert(id.to_owned(), entry).is_none() {
            index.order.push_back(id.to_owned());
        }
        while index.order.len() > self.capacity {
            if let Some(old) = index.order.pop_front() {
                index.by_id.remove(&old);
            }
        }
    }

    /// Who wrote message `id` of `chat`, when remembered.
    pub fn sender(&self, chat: &Jid, id: &str) -> Option<Jid> {
        let index = self.index.lock().unwrap_or_else(|p| p.into_inner());
        let (c, sender) = index.by_id.get(id)?;
        (c.user == chat.user && c.server == chat.server).then(|| sender.clone())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn jid(s: &str) -> Jid {
        s.parse().unwrap()
    }

    #[test]
    fn remembers_within_the_bound_and_per_chat() {
        let recent = Recent::new(2);
        let group = jid("123-456@g.us");
        recent.record("A", &group, &jid("1555:3@s.whatsapp.net"));
        recent.record("B", &group, &jid("1666@s.whatsapp.net"));
        assert_eq!(recent.sender(&group, "A"), Some(jid("1555@s.whatsapp.net")));
        assert_eq!(recent.sender(&jid("999-1@g.us"), "A"), None);
        recent.record("C", &group, &jid("1777@s.whatsapp.net"));
        assert_eq!(recent.sender(&group, "A"), None, "the oldest gave way");
        assert_eq!(recent.sender(&group, "C"), Some(jid("1777@s.whatsapp.net")));
    }
}
