//! The Noise symmetric state (h, ck, k, n) for `Noise_XX_25519_AESGCM_SHA256`, as the Noise
//! specification (rev. 34, §5.2) defines it and WhatsApp uses it: the protocol name is exactly 32
//! bytes with its padding, so it is used as h without hashing; the AEAD is AES-256-GCM with
//! nonce = 8 zero bytes ‖ u32 big-endian counter and AD = h.
use aes_gcm::aead::{AeadInPlace, KeyInit};
use aes_gcm::{Aes256Gcm, Nonce};
use zeroize::Zeroize;

use crate::crypto::{hkdf_sha256_into, sha256};
use crate::socket::error::NoiseError;
use crate::socket::transport::CipherState;

/// The Noise protocol name, zero-padded to the hash length (WhiskeySockets/Baileys
/// `Defaults` `NOISE_MODE`, tulir/whatsmeow `socket/constants.go` `NoiseStartPattern`).
pub const NOISE_PROTOCOL_NAME: &[u8; 32] = b"Noise_XX_25519_AESGCM_SHA256\0\0\0\0";

/// The 12-byte AES-GCM nonce for a counter: 8 zero bytes, then the counter big endian.
pub(crate) fn nonce_for(counter: u32) -> [u8; 12] {
    let mut nonce = [0u8; 12];
    nonce[8..].copy_from_slice(&counter.to_be_bytes());
    nonce
}

/// The handshake's running hash, chaining key and cipher state.
pub struct SymmetricState {
    h: [u8; 32],
    ck: [u8; 32],
    k: Option<[u8; 32]>,
    /// Counters above `u32::MAX` cannot be expressed in the nonce: that is exhaustion.
    n: u64,
}

impl Drop for SymmetricState {
    fn drop(&mut self) {
        self.ck.zeroize();
        if let Some(k) = &mut self.k {
            k.zeroize();
        }
    }
}

impl std::fmt::Debug for SymmetricState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SymmetricState").field("n", &self.n).finish_non_exhaustive()
    }
}

impl Default for SymmetricState {
    fn default() -> Self {
        Self::new()
    }
}

impl SymmetricState {
    /// h = ck = the protocol name; no cipher key yet.
    pub fn new() -> Self {
        Self { h: *NOISE_PROTOCOL_NAME, ck: *NOISE_PROTOCOL_NAME, k: None, n: 0 }
    }

    /// [`new`](Self::new) followed by MixHash(prologue).
    pub fn with_prologue(prologue: &[u8]) -> Self {
        let mut s = Self::new();
        s.mix_hash(prologue);
        s
    }

    /// h = SHA-256(h ‖ data).
    pub fn mix_hash(&mut self, data: &[u8]) {
        let mut buf = Vec::with_capacity(32 + data.len());
        buf.extend_from_slice(&self.h);
        buf.extend_from_slice(data);
        self.h = sha256(&buf);
    }

    /// HKDF(salt = ck, ikm) → ck ‖ k; the counter restarts.
    pub fn mix_key(&mut self, ikm: &[u8]) {
        let mut out = [0u8; 64];
        hkdf_sha256_into(ikm, Some(&self.ck), b"", &mut out).expect("64 bytes is a valid length");
        self.ck.copy_from_slice(&out[..32]);
        let mut k = [0u8; 32];
        k.copy_from_slice(&out[32..]);
        self.k = Some(k);
        self.n = 0;
        out.zeroize();
    }

    fn next_nonce(&mut self) -> Result<[u8; 12], NoiseError> {
        let n = u32::try_from(self.n).map_err(|_| NoiseError::CounterExhausted)?;
        self.n += 1;
        Ok(nonce_for(n))
    }

    /// Encrypts with AD = h, then mixes the ciphertext into h. Without a key the plaintext
    /// passes through (Noise spec; never happens in the XX pattern).
    pub fn encrypt_and_hash(&mut self, plaintext: &[u8]) -> Result<Vec<u8>, NoiseError> {
        let out = match self.k {
            None => plaintext.to_vec(),
            Some(k) => {
                let nonce = self.next_nonce()?;
                let mut buf = plaintext.to_vec();
                Aes256Gcm::new(&k.into())
                    .encrypt_in_place(Nonce::from_slice(&nonce), &self.h, &mut buf)
                    .expect("AES-GCM refuses only plaintexts over 64 GiB");
                buf
            }
        };
        self.mix_hash(&out);
        Ok(out)
    }

    /// Decrypts with AD = h, then mixes the ciphertext into h. `what` names the item in the
    /// error if authentication fails.
    pub fn decrypt_and_hash(
        &mut self,
        ciphertext: &[u8],
        what: &'static str,
    ) -> Result<Vec<u8>, NoiseError> {
        let out = match self.k {
            None => ciphertext.to_vec(),
            Some(k) => {
                let nonce = self.next_nonce()?;
                let mut buf = ciphertext.to_vec();
                Aes256Gcm::new(&k.into())
                    .decrypt_in_place(Nonce::from_slice(&nonce), &self.h, &mut buf)
                    .map_err(|_| NoiseError::Decrypt(what))?;
                buf
            }
        };
        self.mix_hash(ciphertext);
        Ok(out)
    }

    /// HKDF(salt = ck, empty ikm) → (initiator→responder, responder→initiator) ciphers.
    pub fn split(&self) -> (CipherState, CipherState) {
        let mut out = [0u8; 64];
        hkdf_sha256_into(b"", Some(&self.ck), b"", &mut out).expect("64 bytes is a valid length");
        let mut first = [0u8; 32];
        let mut second = [0u8; 32];
        first.copy_from_slice(&out[..32]);
        second.copy_from_slice(&out[32..]);
        out.zeroize();
        (CipherState::new(first), CipherState::new(second))
    }

    /// The handshake hash h.
    pub fn handshake_hash(&self) -> &[u8; 32] {
        &self.h
    }

    /// The chaining key ck (for diagnostics and known-answer tests).
    pub fn chaining_key(&self) -> &[u8; 32] {
        &self.ck
    }

    /// The current cipher key k, if MixKey has run (for diagnostics and known-answer tests).
    pub fn cipher_key(&self) -> Option<&[u8; 32]> {
        self.k.as_ref()
    }

    /// The counter n of the current key.
    pub fn nonce(&self) -> u64 {
        self.n
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prologue_hash_matches_protocol_notes() {
        // protocol-notes §1 sanity value for MixHash("WA" 06 03).
        let s = SymmetricState::with_prologue(&[b'W', b'A', 6, 3]);
        assert_eq!(s.handshake_hash()[..4], [0xff, 0xff, 0x0c, 0x92], "h after MixHash(prologue)");
        assert_eq!(s.chaining_key(), NOISE_PROTOCOL_NAME);
        assert!(s.cipher_key().is_none());
    }

    #[test]
    fn both_sides_agree_and_tampering_fails() {
        let mut a = SymmetricState::with_prologue(b"p");
        let mut b = SymmetricState::with_prologue(b"p");
        a.mix_key(b"dh");
        b.mix_key(b"dh");
        let ct = a.encrypt_and_hash(b"secret").unwrap();
        assert_eq!(ct.len(), 6 + 16);
        let mut bad = SymmetricState::with_prologue(b"p");
        bad.mix_key(b"dh");
        let mut flipped = ct.clone();
        flipped[0] ^= 1;
        assert_eq!(bad.decrypt_and_hash(&flipped, "x"), Err(NoiseError::Decrypt("x")));
        assert_eq!(b.decrypt_and_hash(&ct, "x").unwrap(), b"secret");
        assert_eq!(a.handshake_hash(), b.handshake_hash());
        assert_eq!(a.nonce(), 1);
    }

    #[test]
    fn counter_exhaustion_is_an_error() {
        let mut s = SymmetricState::new();
        s.mix_key(b"k");
        s.n = u64::from(u32::MAX);
        assert!(s.encrypt_and_hash(b"last").is_ok());
        assert_eq!(s.encrypt_and_hash(b"one more"), Err(NoiseError::CounterExhausted));
    }
}
