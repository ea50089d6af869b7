use thiserror::Error;

use super::store::StoreError;
use super::{ProtocolAddress, SenderKeyName};
use crate::crypto::{CryptoError, PublicKey};

/// Everything that can go wrong in the Signal layer. Each variant is a case a caller may want to
/// tell apart; none of them changes the stored session (decryption is two-phase, see
/// [`crate::signal`]).
#[derive(Debug, Error)]
pub enum SignalError {
    /// The message's version byte is not 0x33 (Signal v3), or it is not there at all.
    #[error("unsupported message version byte {version:#04x}")]
    InvalidVersion { version: u8 },
    /// The bytes do not parse as the expected message, or a required field is missing.
    #[error("malformed message: {0}")]
    InvalidMessage(&'static str),
    /// A public key inside a message or bundle is not a valid Curve25519 key.
    #[error("invalid key: {0}")]
    InvalidKey(#[from] CryptoError),
    /// The 8-byte MAC of a SignalMessage does not match: corrupted or not for this session.
    #[error("message authentication code does not match")]
    BadMac,
    /// The AES-CBC ciphertext is not whole blocks or its padding is wrong.
    #[error("ciphertext does not decrypt (bad length or padding)")]
    BadCiphertext,
    /// The message key of this counter was already used: the message was delivered before.
    #[error("duplicate message: counter {counter} was already decrypted")]
    DuplicateMessage { counter: u32 },
    /// The counter is more than the allowed number of messages ahead of the chain.
    #[error("message counter is {ahead} ahead of the chain (limit {limit})")]
    TooFarInFuture { ahead: u32, limit: u32 },
    /// There is no session with this address.
    #[error("no session with {0}")]
    NoSession(ProtocolAddress),
    /// The session record holds no usable session state for this operation.
    #[error("session is not ready (no usable session state)")]
    SessionNotReady,
    /// A PreKeySignalMessage names a one-time prekey we do not have (used or never made).
    #[error("unknown one-time prekey id {0}")]
    UnknownPreKey(u32),
    /// A PreKeySignalMessage names a signed prekey we do not have.
    #[error("unknown signed prekey id {0}")]
    UnknownSignedPreKey(u32),
    /// A prekey bundle's signed prekey is not signed by the bundle's identity key.
    #[error("signed prekey signature does not verify")]
    BadSignedPreKeySignature,
    /// The identity key of this address differs from the one we stored. The caller decides: it
    /// may emit an event and, to trust the new key, save it with `IdentityStore::save_identity`
    /// and retry.
    #[error("identity key of {address} changed")]
    IdentityChanged { address: ProtocolAddress, stored: PublicKey, received: PublicKey },
    /// No sender key is stored for this (group, sender).
    #[error("no sender key for {0}")]
    NoSenderKey(SenderKeyName),
    /// A sender key record exists but has no state with this key id.
    #[error("no sender key state with id {key_id} for {name}")]
    NoSenderKeyState { name: SenderKeyName, key_id: u32 },
    /// Our own sender key state has no signing private key (it was received, not created).
    #[error("sender key for {0} is not our own: cannot encrypt with it")]
    NotOwnSenderKey(SenderKeyName),
    /// A SenderKeyMessage's signature does not verify with the sender's signing key.
    #[error("sender key message signature does not verify")]
    BadSenderKeySignature,
    /// WhatsApp's plaintext padding is missing or wrong.
    #[error("plaintext padding is invalid")]
    BadPadding,
    /// A test key source ran out of recorded keys.
    #[error("the key source has no more keys")]
    KeySourceExhausted,
    #[error(transparent)]
    Store(#[from] StoreError),
}
