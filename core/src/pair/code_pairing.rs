//! Pairing by code, both sides (whatsmeow pair-code.go, Baileys messages-recv.ts
//! `link_code_companion_reg`):
//!
//! 1. companion_hello: the companion sends its ephemeral public key wrapped under the code
//!    ([`CompanionCodePairing::start`]).
//! 2. The phone, once the user types the code, unwraps it and answers (through the server's
//!    `link_code_companion_reg` notification) with its own wrapped ephemeral key and its identity
//!    key ([`PrimaryCodePairing::accept`]).
//! 3. companion_finish: the companion derives the shared secrets, sends a key bundle
//!    `salt(32) ‖ nonce(12) ‖ AES-256-GCM(HKDF(eph shared, salt,
//!    "link_code_pairing_key_bundle_encryption_key"), companion identity ‖ primary identity ‖
//!    random(32))` and keeps `adv secret = HKDF(eph shared ‖ identity shared ‖ random, no salt,
//!    "adv_secret", 32)` ([`CompanionCodePairing::finish`]).
//! 4. The phone decrypts the bundle and derives the same adv secret
//!    ([`PrimaryCodePairing::finish`]), then pairs as after a QR scan.
use rand::{CryptoRng, RngCore};
use thiserror::Error;

#[cfg(feature = "server")]
use crate::crypto::aes_gcm_decrypt;
use crate::crypto::{aes_gcm_encrypt, hkdf_sha256_into, KeyPair, PublicKey};

use super::link_code::{PairingCode, WrappedKeyTooShort};

/// HKDF info of the key-bundle encryption key (wire fact, whatsmeow pair-code.go).
pub const KEY_BUNDLE_INFO: &[u8] = b"link_code_pairing_key_bundle_encryption_key";
/// HKDF info of the adv secret (wire fact, whatsmeow pair-code.go).
pub const ADV_SECRET_INFO: &[u8] = b"adv_secret";
/// salt(32) ‖ nonce(12) ‖ ciphertext of 96 bytes ‖ GCM tag(16).
pub const WRAPPED_KEY_BUNDLE_LEN: usize = 32 + 12 + 96 + 16;

/// Why a pairing-code exchange failed.
#[derive(Debug, Error, Clone, PartialEq, Eq)]
pub enum CodePairingError {
    #[error(transparent)]
    WrappedKeyTooShort(#[from] WrappedKeyTooShort),
    #[error("the {which} identity key must be 32 bytes (or 33 with 0x05), got {got}")]
    InvalidIdentityKey { which: &'static str, got: usize },
    #[error("the key agreement gave an all-zero secret (low-order public key)")]
    WeakKey,
    #[error("the wrapped key bundle must be {WRAPPED_KEY_BUNDLE_LEN} bytes, got {0}")]
    KeyBundleLength(usize),
    #[error("the key bundle does not decrypt: wrong pairing code, or tampered")]
    KeyBundleDecrypt,
    #[error("the key bundle names another primary identity key")]
    KeyBundleNotForUs,
    #[error("the companion identity in the key bundle differs from the one it announced")]
    CompanionIdentityMismatch,
}

fn identity_key(bytes: &[u8], which: &'static str) -> Result<PublicKey, CodePairingError> {
    PublicKey::from_bytes(bytes)
        .map_err(|_| CodePairingError::InvalidIdentityKey { which, got: bytes.len() })
}

fn agree(ours: &KeyPair, theirs: &PublicKey) -> Result<[u8; 32], CodePairingError> {
    let shared = ours.agree(theirs);
    // Go's curve25519.X25519, which whatsmeow uses, refuses an all-zero result too.
    if shared == [0u8; 32] {
        return Err(CodePairingError::WeakKey);
    }
    Ok(shared)
}

fn hkdf32(ikm: &[u8], salt: Option<&[u8]>, info: &[u8]) -> [u8; 32] {
    let mut out = [0u8; 32];
    hkdf_sha256_into(ikm, salt, info, &mut out).expect("32 bytes is a valid HKDF length");
    out
}

fn adv_secret(ephemeral_shared: &[u8; 32], identity_shared: &[u8; 32], random: &[u8]) -> [u8; 32] {
    hkdf32(&[&ephemeral_shared[..], identity_shared, random].concat(), None, ADV_SECRET_INFO)
}

/// The companion between companion_hello and the phone's answer.
pub struct CompanionCodePairing {
    code: PairingCode,
    ephemeral: KeyPair,
}

/// What the companion sends in companion_finish, and the secret it keeps.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CompanionFinish {
    /// Content of `<link_code_pairing_wrapped_key_bundle>`.
    pub wrapped_key_bundle: Vec<u8>,
    /// Content of `<companion_identity_public>`.
    pub identity_public: PublicKey,
    /// The adv secret to check the coming pair-success with (replaces the random one).
    pub adv_secret: [u8; 32],
}

impl CompanionCodePairing {
    /// Picks an ephemeral key and returns the content of
    /// `<link_code_pairing_wrapped_companion_ephemeral_pub>` (80 bytes).
    pub fn start<R: RngCore + CryptoRng>(rng: &mut R, code: PairingCode) -> (Self, [u8; 80]) {
        let ephemeral = KeyPair::generate(rng);
        Self::start_with(rng, code, ephemeral)
    }

    /// [`Self::start`] with a chosen ephemeral key (for tests and replay).
    pub fn start_with<R: RngCore + CryptoRng>(
        rng: &mut R,
        code: PairingCode,
        ephemeral: KeyPair,
    ) -> (Self, [u8; 80]) {
        let wrapped = code.wrap_random(rng, &ephemeral.public);
        (Self { code, ephemeral }, wrapped)
    }

    pub fn code(&self) -> &PairingCode {
        &self.code
    }

    /// Handles the `link_code_companion_reg` notification: `wrapped_primary_ephemeral` is
    /// `<link_code_pairing_wrapped_primary_ephemeral_pub>`, `primary_identity` is
    /// `<primary_identity_pub>`. `identity` is our Signal identity key pair.
    pub fn finish<R: RngCore + CryptoRng>(
        &self,
        rng: &mut R,
        identity: &KeyPair,
        wrapped_primary_ephemeral: &[u8],
        primary_identity: &[u8],
    ) -> Result<CompanionFinish, CodePairingError> {
        let primary_ephemeral = self.code.unwrap(wrapped_primary_ephemeral)?;
        let primary_identity = identity_key(primary_identity, "primary")?;
        let ephemeral_shared = agree(&self.ephemeral, &primary_ephemeral)?;
        let identity_shared = agree(identity, &primary_identity)?;

        let mut random = [0u8; 32];
        let mut salt = [0u8; 32];
        let mut nonce = [0u8; 12];
        rng.fill_bytes(&mut random);
        rng.fill_bytes(&mut salt);
        rng.fill_bytes(&mut nonce);

        let key = hkdf32(&ephemeral_shared, Some(&salt), KEY_BUNDLE_INFO);
        let bundle = [&identity.public.0[..], &primary_identity.0, &random].concat();
        let sealed = aes_gcm_encrypt(&key, &nonce, &[], &bundle).expect("32-byte key");
        let wrapped_key_bundle = [&salt[..], &nonce, &sealed].concat();

        Ok(CompanionFinish {
            wrapped_key_bundle,
            identity_public: identity.public,
            adv_secret: adv_secret(&ephemeral_shared, &identity_shared, &random),
        })
    }
}

/// The phone after it answered a companion_hello, waiting for companion_finish.
#[cfg(feature = "server")]
pub struct PrimaryCodePairing {
    ephemeral: KeyPair,
    companion_ephemeral: PublicKey,
}

/// What the phone learns at companion_finish.
#[cfg(feature = "server")]
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PrimaryFinish {
    /// The companion identity to sign in pair-success.
    pub companion_identity: PublicKey,
    /// The adv secret to key the pair-success HMAC with.
    pub adv_secret: [u8; 32],
}

#[cfg(feature = "server")]
impl PrimaryCodePairing {
    /// The user typed `code`: unwrap the companion's ephemeral key and return our wrapped one
    /// (content of `<link_code_pairing_wrapped_primary_ephemeral_pub>`).
    pub fn accept<R: RngCore + CryptoRng>(
        rng: &mut R,
        code: &PairingCode,
        wrapped_companion_ephemeral: &[u8],
    ) -> Result<(Self, [u8; 80]), CodePairingError> {
        let ephemeral = KeyPair::generate(rng);
        let companion_ephemeral = code.unwrap(wrapped_companion_ephemeral)?;
        let wrapped = code.wrap_random(rng, &ephemeral.public);
        Ok((Self { ephemeral, companion_ephemeral }, wrapped))
    }

    /// Handles companion_finish: `wrapped_key_bundle` is `<link_code_pairing_wrapped_key_bundle>`,
    /// `companion_identity` is `<companion_identity_public>`; `identity` is the phone's
    /// (account's) identity key pair.
    pub fn finish(
        &self,
        identity: &KeyPair,
        wrapped_key_bundle: &[u8],
        companion_identity: &[u8],
    ) -> Result<PrimaryFinish, CodePairingError> {
        if wrapped_key_bundle.len() != WRAPPED_KEY_BUNDLE_LEN {
            return Err(CodePairingError::KeyBundleLength(wrapped_key_bundle.len()));
        }
        let announced = identity_key(companion_identity, "companion")?;
        let (salt, rest) = wrapped_key_bundle.split_at(32);
        let (nonce, sealed) = rest.split_at(12);
        let nonce: &[u8; 12] = nonce.try_into().expect("split at 12");

        let ephemeral_shared = agree(&self.ephemeral, &self.companion_ephemeral)?;
        let key = hkdf32(&ephemeral_shared, Some(salt), KEY_BUNDLE_INFO);
        let bundle = aes_gcm_decrypt(&key, nonce, &[], sealed)
            .map_err(|_| CodePairingError::KeyBundleDecrypt)?;
        // Length fixed by the checks above: 156 - 44 - 16 = 96.
        let (companion, rest) = bundle.split_at(32);
        let (primary, random) = rest.split_at(32);
        if primary != identity.public.0 {
            return Err(CodePairingError::KeyBundleNotForUs);
        }
        if companion != announced.0 {
            return Err(CodePairingError::CompanionIdentityMismatch);
        }
        let identity_shared = agree(identity, &announced)?;
        Ok(PrimaryFinish {
            companion_identity: announced,
            adv_secret: adv_secret(&ephemeral_shared, &identity_shared, random),
        })
    }
}
