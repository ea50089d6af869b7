//! Signal protocol as WhatsApp uses it (libsignal v3): X3DH session setup, the double ratchet,
//! sender keys for groups, and WhatsApp's plaintext padding. Our own implementation, written
//! from the protocol's public description and checked against recorded libsignal transcripts.
//!
//! # Using it
//! All operations take a [`SignalStore`] ([`store`]):
//! - start a session from a fetched bundle: [`process_pre_key_bundle`];
//! - [`encrypt`] → [`CiphertextMessage`] (`pkmsg` until the peer answers, then `msg`);
//! - [`decrypt_pre_key_message`] / [`decrypt_message`] → [`Decrypted`];
//! - groups: [`create_sender_key_distribution`], [`process_sender_key_distribution`],
//!   [`group_encrypt`], [`group_decrypt`];
//! - WhatsApp padding: [`pad_message`] before encrypting, [`unpad_message`] after decrypting.
//!
//! Encryption saves the advanced chain itself. Decryption is two-phase: it returns the plaintext
//! and the [`StoreChanges`] to commit, so the caller can commit them
//! together with whatever it derives from the message (see [`store`]).
//!
//! New key pairs (X3DH base keys, ratchet keys) come from a [`KeySource`]: [`RandomKeys`] in
//! production, [`RecordedKeys`] to replay a recorded transcript byte for byte.

mod address;
mod error;
mod key_source;
mod keys;
mod padding;
mod ratchet;
pub mod sender_key;
mod session_builder;
mod session_cipher;
mod session_record;
mod session_state;
mod storage;
pub mod store;
pub mod wire;

pub use address::{ProtocolAddress, SenderKeyName};
pub use error::SignalError;
pub use key_source::{KeySource, RandomKeys, RecordedKeys};
pub use keys::{
    generate_pre_keys, generate_registration_id, verify_signed_pre_key, PreKeyBundle, PreKeyRecord,
    SignedPreKeyRecord, MAX_PRE_KEY_ID,
};
pub use padding::{pad_message, pad_message_with, unpad_message};
pub use sender_key::{
    create_sender_key_distribution, group_decrypt, group_encrypt, process_sender_key_distribution,
    SenderKeyRecord,
};
pub use session_builder::process_pre_key_bundle;
pub use session_cipher::{decrypt_message, decrypt_pre_key_message, encrypt, Decrypted};
pub use session_record::{SessionRecord, MAX_ARCHIVED_STATES};
pub use session_state::{MAX_MESSAGE_KEYS, MAX_RECEIVER_CHAINS};
pub use storage::RECORD_FORMAT_VERSION;
pub use store::{
    IdentityStore, PreKeyStore, SenderKeyStore, SessionStore, SignalStore, SignedPreKeyStore,
    StoreChanges, StoreError,
};
pub use wire::{
    PreKeySignalMessage, SenderKeyDistributionMessage, SenderKeyMessage, SignalMessage,
};

/// An encrypted 1:1 message, ready for `<enc v="2" type=…>`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CiphertextMessage {
    /// A PreKeySignalMessage: `type="pkmsg"`.
    PreKey(Vec<u8>),
    /// A SignalMessage: `type="msg"`.
    Whisper(Vec<u8>),
}

impl CiphertextMessage {
    /// The `type` attribute of the `<enc>` node.
    pub fn enc_type(&self) -> &'static str {
        match self {
            Self::PreKey(_) => "pkmsg",
            Self::Whisper(_) => "msg",
        }
    }

    pub fn as_bytes(&self) -> &[u8] {
        match self {
            Self::PreKey(b) | Self::Whisper(b) => b,
        }
    }

    pub fn into_bytes(self) -> Vec<u8> {
        match self {
            Self::PreKey(b) | Self::Whisper(b) => b,
        }
    }
}
