//! The key derivations of the double ratchet and of sender keys (libsignal v3):
//! - root step: HKDF(ikm = DH, salt = root key, info "WhisperRatchet") → new root key ‖ chain key;
//! - chain step: message key seed = HMAC(chain key, 0x01), next chain key = HMAC(chain key, 0x02);
//! - message keys: HKDF(seed, zero salt, "WhisperMessageKeys", 80) → cipher key, MAC key, IV;
//! - sender keys: HKDF(seed, zero salt, "WhisperGroup", 48) → IV, cipher key.
use hmac::{Hmac, Mac};
use sha2::Sha256;

use crate::crypto::{hkdf_sha256_into, KeyPair, PublicKey};

// HKDF info strings: wire facts from libsignal (RootKey, ChainKey, SenderMessageKey).
const RATCHET_INFO: &[u8] = b"WhisperRatchet";
const MESSAGE_KEYS_INFO: &[u8] = b"WhisperMessageKeys";
const GROUP_INFO: &[u8] = b"WhisperGroup";
const MESSAGE_KEY_SEED: u8 = 0x01;
const CHAIN_KEY_SEED: u8 = 0x02;

/// Derives a new root key and a chain key from the current root key and a DH output.
pub(crate) fn root_step(
    root_key: &[u8; 32],
    theirs: &PublicKey,
    ours: &KeyPair,
) -> ([u8; 32], ChainKey) {
    let dh = ours.agree(theirs);
    let mut out = [0u8; 64];
    hkdf_sha256_into(&dh, Some(root_key), RATCHET_INFO, &mut out)
        .expect("64 bytes is a valid HKDF length");
    let mut root = [0u8; 32];
    let mut chain = [0u8; 32];
    root.copy_from_slice(&out[..32]);
    chain.copy_from_slice(&out[32..]);
    (root, ChainKey { key: chain, index: 0 })
}

/// A symmetric chain: the key for message `index`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct ChainKey {
    pub key: [u8; 32],
    pub index: u32,
}

impl ChainKey {
    /// The message key seed of this index and the chain key of the next one. The HMAC key
    /// schedule is computed once for both.
    pub fn step(&self) -> ([u8; 32], ChainKey) {
        let keyed = <Hmac<Sha256> as Mac>::new_from_slice(&self.key).expect("any key length");
        let mut seed_mac = keyed.clone();
        seed_mac.update(&[MESSAGE_KEY_SEED]);
        let mut next_mac = keyed;
        next_mac.update(&[CHAIN_KEY_SEED]);
        (
            seed_mac.finalize().into_bytes().into(),
            ChainKey {
                key: next_mac.finalize().into_bytes().into(),
                index: self.index.wrapping_add(1),
            },
        )
    }
}

/// The keys of one 1:1 message.
pub(crate) struct MessageKeys {
    pub cipher_key: [u8; 32],
    pub mac_key: [u8; 32],
    pub iv: [u8; 16],
}

impl MessageKeys {
    pub fn derive(seed: &[u8; 32]) -> Self {
        let mut out = [0u8; 80];
        hkdf_sha256_into(seed, None, MESSAGE_KEYS_INFO, &mut out)
            .expect("80 bytes is a valid HKDF length");
        let mut keys = Self { cipher_key: [0; 32], mac_key: [0; 32], iv: [0; 16] };
        keys.cipher_key.copy_from_slice(&out[..32]);
        keys.mac_key.copy_from_slice(&out[32..64]);
        keys.iv.copy_from_slice(&out[64..]);
        keys
    }
}

/// The keys of one group message.
pub(crate) struct SenderMessageKeys {
    pub iv: [u8; 16],
    pub cipher_key: [u8; 32],
}

impl SenderMessageKeys {
    pub fn derive(seed: &[u8; 32]) -> Self {
        let mut out = [0u8; 48];
        hkdf_sha256_into(seed, None, GROUP_INFO, &mut out)
            .expect("48 bytes is a valid HKDF length");
        let mut keys = Self { iv: [0; 16], cipher_key: [0; 32] };
        keys.iv.copy_from_slice(&out[..16]);
        keys.cipher_key.copy_from_slice(&out[16..]);
        keys
    }
}

/// A message key kept for a message that has not arrived yet.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct SkippedKey {
    pub index: u32,
    pub seed: [u8; 32],
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::crypto::hmac_sha256;

    #[test]
    fn chain_step_matches_plain_hmac() {
        let ck = ChainKey { key: [5; 32], index: 7 };
        let (seed, next) = ck.step();
        assert_eq!(seed, hmac_sha256(&[5; 32], &[1]));
        assert_eq!(next.key, hmac_sha256(&[5; 32], &[2]));
        assert_eq!(next.index, 8);
    }
}
