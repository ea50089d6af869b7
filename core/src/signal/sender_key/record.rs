use std::collections::VecDeque;

use crate::crypto::{KeyPair, PublicKey};
use crate::signal::ratchet::{ChainKey, SkippedKey};
use crate::signal::session_state::advance_chain;
use crate::signal::wire::SenderKeyDistributionMessage;
use crate::signal::SignalError;

/// libsignal keeps this many sender key states per (group, sender); the newest is used to send.
pub const MAX_SENDER_KEY_STATES: usize = 5;

#[derive(Clone, Debug)]
pub(crate) struct SenderKeyState {
    pub key_id: u32,
    pub chain: ChainKey,
    pub signing_public: PublicKey,
    pub signing_private: Option<[u8; 32]>,
    pub skipped: VecDeque<SkippedKey>,
}

impl SenderKeyState {
    /// The message key seed of `iteration`: a kept skipped key, or the chain advanced to it
    /// (at most 2000 ahead; keys passed over are kept, at most 2000).
    pub fn message_key_seed(&mut self, iteration: u32) -> Result<[u8; 32], SignalError> {
        advance_chain(&mut self.chain, &mut self.skipped, iteration)
    }
}

/// The sender key states stored for one (group, sender). Opaque; persisted with
/// [`SenderKeyRecord::serialize`].
#[derive(Clone, Debug, Default)]
pub struct SenderKeyRecord {
    /// Newest first.
    pub(crate) states: VecDeque<SenderKeyState>,
}

impl SenderKeyRecord {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn is_empty(&self) -> bool {
        self.states.is_empty()
    }

    /// A record holding our own sending state with the given values (the key id, chain key and
    /// signing key normally come from [`super::create_sender_key_distribution`]; tests pin them).
    pub fn own(key_id: u32, iteration: u32, chain_key: [u8; 32], signing_key: &KeyPair) -> Self {
        let mut record = Self::new();
        record.add_state(SenderKeyState {
            key_id,
            chain: ChainKey { key: chain_key, index: iteration },
            signing_public: signing_key.public,
            signing_private: Some(*signing_key.private_bytes()),
            skipped: VecDeque::new(),
        });
        record
    }

    /// The distribution message of the newest state: what members need to read our messages
    /// from its current iteration on.
    pub fn distribution_message(&self) -> Option<SenderKeyDistributionMessage> {
        self.states.front().map(|s| SenderKeyDistributionMessage {
            key_id: s.key_id,
            iteration: s.chain.index,
            chain_key: s.chain.key,
            signing_key: s.signing_public,
        })
    }

    pub(crate) fn state_mut(&mut self, key_id: u32) -> Option<&mut SenderKeyState> {
        self.states.iter_mut().find(|s| s.key_id == key_id)
    }

    pub(crate) fn newest_mut(&mut self) -> Option<&mut SenderKeyState> {
        self.states.front_mut()
    }

    /// Adds a state as the newest. A distribution message we already hold (same key id and
    /// signing key) changes nothing, so a replayed one cannot rewind the chain.
    pub(crate) fn add_state(&mut self, state: SenderKeyState) {
        if self
            .states
            .iter()
            .any(|s| s.key_id == state.key_id && s.signing_public == state.signing_public)
        {
            return;
        }
        self.states.retain(|s| s.key_id != state.key_id);
        self.states.push_front(state);
        self.states.truncate(MAX_SENDER_KEY_STATES);
    }
}
