//! Our long-lived Signal keys: registration id, signed prekeys and one-time prekeys, and the
//! prekey bundle a peer fetches to start a session with us.
use rand::{CryptoRng, Rng, RngCore};

use super::SignalError;
use crate::crypto::{self, KeyPair, PublicKey};

/// Prekey ids are 24-bit on WhatsApp's wire (3 bytes big endian in `<key><id>`).
pub const MAX_PRE_KEY_ID: u32 = 0x00ff_ffff;

/// A random registration id in libsignal's range 1..=16380 (14 bits, never 0).
pub fn generate_registration_id<R: RngCore + CryptoRng>(rng: &mut R) -> u32 {
    rng.gen_range(1..=16380)
}

/// A one-time prekey.
#[derive(Clone, Debug)]
pub struct PreKeyRecord {
    pub id: u32,
    pub key_pair: KeyPair,
}

impl PreKeyRecord {
    pub fn new(id: u32, key_pair: KeyPair) -> Self {
        Self { id, key_pair }
    }
}

/// `count` new one-time prekeys with ids starting at `start`, wrapping within 1..=0xFFFFFF.
pub fn generate_pre_keys<R: RngCore + CryptoRng>(
    start: u32,
    count: u32,
    rng: &mut R,
) -> Vec<PreKeyRecord> {
    (0..count)
        .map(|i| {
            let id = (start.saturating_sub(1).wrapping_add(i)) % MAX_PRE_KEY_ID + 1;
            PreKeyRecord::new(id, KeyPair::generate(rng))
        })
        .collect()
}

/// A signed prekey: its signature is our identity key's signature over `0x05 ‖ public`.
#[derive(Clone, Debug)]
pub struct SignedPreKeyRecord {
    pub id: u32,
    pub key_pair: KeyPair,
    pub signature: [u8; 64],
}

impl SignedPreKeyRecord {
    pub fn new(id: u32, key_pair: KeyPair, signature: [u8; 64]) -> Self {
        Self { id, key_pair, signature }
    }

    /// Generates a key pair and signs it with `identity`.
    pub fn generate<R: RngCore + CryptoRng>(identity: &KeyPair, id: u32, rng: &mut R) -> Self {
        Self::sign(identity, id, KeyPair::generate(rng))
    }

    /// Signs a given key pair with `identity`.
    pub fn sign(identity: &KeyPair, id: u32, key_pair: KeyPair) -> Self {
        let signature = identity.sign(&key_pair.public.serialize());
        Self { id, key_pair, signature }
    }
}

/// Checks a signed prekey's signature (over `0x05 ‖ public`) with the owner's identity key.
pub fn verify_signed_pre_key(
    identity: &PublicKey,
    signed_pre_key: &PublicKey,
    signature: &[u8],
) -> Result<(), SignalError> {
    if crypto::verify(identity, &signed_pre_key.serialize(), signature) {
        Ok(())
    } else {
        Err(SignalError::BadSignedPreKeySignature)
    }
}

/// What a peer publishes so others can start a session with it (from `<iq xmlns="encrypt">`).
#[derive(Clone, Debug)]
pub struct PreKeyBundle {
    pub registration_id: u32,
    pub device_id: u32,
    /// The one-time prekey (id, key), when the server still had one.
    pub pre_key: Option<(u32, PublicKey)>,
    pub signed_pre_key_id: u32,
    pub signed_pre_key: PublicKey,
    pub signed_pre_key_signature: Vec<u8>,
    pub identity_key: PublicKey,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signed_pre_key_signature_checks() {
        let mut rng = rand::thread_rng();
        let identity = KeyPair::generate(&mut rng);
        let spk = SignedPreKeyRecord::generate(&identity, 1, &mut rng);
        verify_signed_pre_key(&identity.public, &spk.key_pair.public, &spk.signature).unwrap();
        let other = KeyPair::generate(&mut rng);
        assert!(matches!(
            verify_signed_pre_key(&other.public, &spk.key_pair.public, &spk.signature),
            Err(SignalError::BadSignedPreKeySignature)
        ));
    }

    #[test]
    fn pre_key_ids_wrap_and_registration_ids_are_in_range() {
        let mut rng = rand::thread_rng();
        let ids: Vec<u32> =
            generate_pre_keys(MAX_PRE_KEY_ID - 1, 4, &mut rng).iter().map(|k| k.id).collect();
        assert_eq!(ids, [MAX_PRE_KEY_ID - 1, MAX_PRE_KEY_ID, 1, 2]);
        for _ in 0..100 {
            assert!((1..=16380).contains(&generate_registration_id(&mut rng)));
        }
    }
}
