//! Where the ratchet gets its new key pairs. Production code uses [`RandomKeys`]; tests inject
//! the keys a recorded transcript used with [`RecordedKeys`], which makes every ciphertext
//! reproducible (the rest of libsignal's encryption is deterministic).
use std::collections::VecDeque;

use super::SignalError;
use crate::crypto::KeyPair;

/// A source of Curve25519 key pairs for X3DH base keys and ratchet keys.
pub trait KeySource {
    fn next_key_pair(&mut self) -> Result<KeyPair, SignalError>;
}

/// Fresh random key pairs from the thread-local CSPRNG.
#[derive(Clone, Copy, Debug, Default)]
pub struct RandomKeys;

impl KeySource for RandomKeys {
    fn next_key_pair(&mut self) -> Result<KeyPair, SignalError> {
        Ok(KeyPair::generate(&mut rand::thread_rng()))
    }
}

/// Hands out given key pairs in order, then fails with [`SignalError::KeySourceExhausted`].
#[derive(Debug, Default)]
pub struct RecordedKeys {
    keys: VecDeque<KeyPair>,
}

impl RecordedKeys {
    pub fn new(keys: impl IntoIterator<Item = KeyPair>) -> Self {
        Self { keys: keys.into_iter().collect() }
    }

    /// Keys not handed out yet.
    pub fn remaining(&self) -> usize {
        self.keys.len()
    }
}

impl KeySource for RecordedKeys {
    fn next_key_pair(&mut self) -> Result<KeyPair, SignalError> {
        self.keys.pop_front().ok_or(SignalError::KeySourceExhausted)
    }
}
