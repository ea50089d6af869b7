//! The cipher of an established Noise connection: one AES-256-GCM key per direction, each with
//! its own counter from 0, nonce = 8 zero bytes ‖ u32 BE counter, no associated data.
use aes_gcm::aead::{AeadInPlace, KeyInit};
use aes_gcm::{Aes256Gcm, Nonce};
use zeroize::Zeroize;

use super::error::NoiseError;
use super::noise::symmetric::nonce_for;

/// Tag bytes AES-GCM appends to each frame.
pub const TAG_LEN: usize = 16;

/// One direction of the transport: a key (expanded once) and its counter.
#[derive(Clone)]
pub struct CipherState {
    key: [u8; 32],
    cipher: Aes256Gcm,
    /// Counters above `u32::MAX` cannot be expressed in the nonce: that is exhaustion.
    counter: u64,
}

impl Drop for CipherState {
    fn drop(&mut self) {
        self.key.zeroize();
    }
}

impl std::fmt::Debug for CipherState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CipherState").field("counter", &self.counter).finish_non_exhaustive()
    }
}

impl CipherState {
    pub fn new(key: [u8; 32]) -> Self {
        Self { cipher: Aes256Gcm::new(&key.into()), key, counter: 0 }
    }

    /// The key (for diagnostics and known-answer tests).
    pub fn key(&self) -> &[u8; 32] {
        &self.key
    }

    /// How many messages this direction has processed.
    pub fn counter(&self) -> u64 {
        self.counter
    }

    fn next_nonce(&mut self) -> Result<[u8; 12], NoiseError> {
        let n = u32::try_from(self.counter).map_err(|_| NoiseError::CounterExhausted)?;
        self.counter += 1;
        Ok(nonce_for(n))
    }

    /// Encrypts one frame payload; the result is `plaintext.len() + 16` bytes.
    pub fn encrypt(&mut self, plaintext: &[u8]) -> Result<Vec<u8>, NoiseError> {
        let mut buf = Vec::with_capacity(plaintext.len() + TAG_LEN);
        buf.extend_from_slice(plaintext);
        self.encrypt_in_place(&mut buf)?;
        Ok(buf)
    }

    /// Encrypts `buf` in place, appending the tag.
    pub fn encrypt_in_place(&mut self, buf: &mut Vec<u8>) -> Result<(), NoiseError> {
        let nonce = self.next_nonce()?;
        self.cipher
            .encrypt_in_place(Nonce::from_slice(&nonce), b"", buf)
            .expect("AES-GCM refuses only plaintexts over 64 GiB");
        Ok(())
    }

    /// Decrypts one frame payload. A failed frame still uses up its counter value, as the
    /// connection cannot continue after it anyway.
    pub fn decrypt(&mut self, ciphertext: &[u8]) -> Result<Vec<u8>, NoiseError> {
        let mut buf = ciphertext.to_vec();
        self.decrypt_in_place(&mut buf)?;
        Ok(buf)
    }

    /// Decrypts `buf` in place, removing the tag.
    pub fn decrypt_in_place(&mut self, buf: &mut Vec<u8>) -> Result<(), NoiseError> {
        let nonce = self.next_nonce()?;
        self.cipher
            .decrypt_in_place(Nonce::from_slice(&nonce), b"", buf)
            .map_err(|_| NoiseError::Decrypt("transport frame"))
    }

    #[cfg(test)]
    pub(crate) fn set_counter(&mut self, counter: u64) {
        self.counter = counter;
    }
}

/// The two directions of an established connection, and the handshake hash that bound them.
#[derive(Debug, Clone)]
pub struct Transport {
    /// Encrypts what this side sends.
    pub write: CipherState,
    /// Decrypts what this side receives.
    pub read: CipherState,
    /// The final handshake hash h (a channel binding value).
    pub handshake_hash: [u8; 32],
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counters_advance_per_direction_and_wrong_order_fails() {
        let mut tx = CipherState::new([3; 32]);
        let mut rx = CipherState::new([3; 32]);
        let a = tx.encrypt(b"first").unwrap();
        let b = tx.encrypt(b"second").unwrap();
        assert_eq!(a.len(), 5 + TAG_LEN);
        assert_eq!(rx.decrypt(&b), Err(NoiseError::Decrypt("transport frame")));
        let mut rx = CipherState::new([3; 32]);
        assert_eq!(rx.decrypt(&a).unwrap(), b"first");
        assert_eq!(rx.decrypt(&b).unwrap(), b"second");
        assert_eq!(rx.counter(), 2);
    }

    #[test]
    fn counter_overflow_is_an_error() {
        let mut tx = CipherState::new([1; 32]);
        tx.set_counter(u64::from(u32::MAX));
        let last = tx.encrypt(b"x").unwrap();
        assert_eq!(tx.encrypt(b"y"), Err(NoiseError::CounterExhausted));
        let mut rx = CipherState::new([1; 32]);
        rx.set_counter(u64::from(u32::MAX));
        assert_eq!(rx.decrypt(&last).unwrap(), b"x");
        assert_eq!(rx.decrypt(&last), Err(NoiseError::CounterExhausted));
    }
}
