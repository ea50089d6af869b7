//! What each phone sent recently, by message id: a device that could not decrypt one of them
//! asks for it again with a retry receipt, and the phone re-encrypts it from here, as a real
//! phone does from its own retry cache; and how often the phone asked for each message it
//! could not decrypt. Memory only, bounded.
use std::collections::{HashMap, VecDeque};

use wazap::binary::Jid;
use wazap::proto::Message;

use crate::shared::Shared;

/// Most messages kept per phone (oldest forgotten first).
pub const MAX_KEPT: usize = 256;

#[derive(Default)]
pub struct RetryBuffer {
    /// By phone: (message id, chat, message), oldest first.
    sent: HashMap<String, VecDeque<(String, Jid, Message)>>,
    /// Retry receipts the phone sent, by (phone, message id).
    asked: HashMap<(String, String), u32>,
}

impl RetryBuffer {
    pub fn insert(&mut self, phone: &str, id: &str, chat: &Jid, message: &Message) {
        let kept = self.sent.entry(phone.to_owned()).or_default();
        if kept.len() >= MAX_KEPT {
            kept.pop_front();
        }
        kept.push_back((id.to_owned(), chat.clone(), message.clone()));
    }

    /// Counts one more retry receipt for a message `phone` could not decrypt; returns the count
    /// (1 for the first).
    pub fn next_retry(&mut self, phone: &str, id: &str) -> u32 {
        if self.asked.len() >= MAX_KEPT * 16 {
            // Bounded: forgetting old counts only means a few more retries.
            self.asked.clear();
        }
        let count = self.asked.entry((phone.to_owned(), id.to_owned())).or_default();
        *count += 1;
        *count
    }

    /// The chat and message `phone` sent as `id`.
    pub fn get(&self, phone: &str, id: &str) -> Option<(Jid, Message)> {
        self.sent
            .get(phone)?
            .iter()
            .find(|(i, _, _)| i == id)
            .map(|(_, chat, message)| (chat.clone(), message.clone()))
    }
}

pub fn remember(shared: &Shared, phone: &str, id: &str, chat: &Jid, message: &Message) {
    shared.state().phone_sent.insert(phone, id, chat, message);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_the_newest_messages_per_phone() {
        let mut buffer = RetryBuffer::default();
        let chat = Jid::pn("15550001111".to_owned());
        let text = |t: &str| Message { conversation: Some(t.to_owned()), ..Default::default() };
        for i in 0..=MAX_KEPT {
            buffer.insert("1555", &format!("ID{i}"), &chat, &text(&i.to_string()));
        }
        assert!(buffer.get("1555", "ID0").is_none(), "the oldest is forgotten");
        let (got_chat, got) = buffer.get("1555", &format!("ID{MAX_KEPT}")).expect("newest kept");
        assert_eq!(got_chat, chat);
        assert_eq!(got.conversation.as_deref(), Some(MAX_KEPT.to_string().as_str()));
        assert!(buffer.get("1666", "ID1").is_none());
    }
}
