//! Message secrets (whatsmeow `msgsecret.go`, Baileys `decryptPollVote`): a message others act
//! on later with encrypted payloads (a poll, then its votes) carries 32 random bytes in
//! `messageContextInfo.messageSecret`. Each later payload is AES-256-GCM under a key derived
//! from that secret, the original message and the one acting on it, so only the chat's members
//! can read who voted for what.
use prost::Message as _;
use sha2::{Digest, Sha256};

use crate::binary::Jid;
use crate::crypto::{aes_gcm_decrypt, aes_gcm_encrypt, hkdf_sha256_into, CryptoError};
use crate::proto;

/// What a derived key is for; its name goes into the derivation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SecretUse {
    PollVote,
    EncReaction,
    EventResponse,
    MessageEdit,
}

impl SecretUse {
    pub fn as_str(self) -> &'static str {
        match self {
            SecretUse::PollVote => "Poll Vote",
            SecretUse::EncReaction => "Enc Reaction",
            SecretUse::EventResponse => "Event Response",
            SecretUse::MessageEdit => "Message Edit",
        }
    }
}

/// A key derived from a message secret, with the additional data its payloads are sealed with.
pub struct SecretKey {
    key: [u8; 32],
    aad: Vec<u8>,
}

/// HKDF-SHA256(secret, no salt, info = original id ‖ original sender ‖ actor ‖ use, 32); the
/// additional data is `original id 0x00 actor` for votes and event responses, else empty. JIDs
/// are written without their device.
pub fn derive_key(
    use_: SecretUse,
    original_id: &str,
    original_sender: &Jid,
    actor: &Jid,
    message_secret: &[u8],
) -> SecretKey {
    let original_sender = original_sender.to_non_ad().to_string();
    let actor = actor.to_non_ad().to_string();
    let info = [original_id, &original_sender, &actor, use_.as_str()].concat();
    let mut key = [0u8; 32];
    hkdf_sha256_into(message_secret, None, info.as_bytes(), &mut key)
        .expect("32 bytes is a valid HKDF-SHA256 length");
    let aad = match use_ {
        SecretUse::PollVote | SecretUse::EventResponse => {
            format!("{original_id}\0{actor}").into_bytes()
        }
        SecretUse::EncReaction | SecretUse::MessageEdit => Vec::new(),
    };
    SecretKey { key, aad }
}

impl SecretKey {
    pub fn seal(&self, iv: &[u8; 12], plaintext: &[u8]) -> Vec<u8> {
        aes_gcm_encrypt(&self.key, iv, &self.aad, plaintext).expect("32-byte key")
    }

    pub fn open(&self, iv: &[u8], ciphertext: &[u8]) -> Result<Vec<u8>, CryptoError> {
        let iv: &[u8; 12] = iv.try_into().map_err(|_| CryptoError::AeadFailed)?;
        aes_gcm_decrypt(&self.key, iv, &self.aad, ciphertext)
    }
}

/// How a vote names an option: the SHA-256 of its name.
pub fn poll_option_hash(name: &str) -> [u8; 32] {
    Sha256::digest(name.as_bytes()).into()
}

/// The poll a vote is about: its id, who sent it, and its message secret.
pub struct PollRef<'a> {
    pub id: &'a str,
    pub sender: &'a Jid,
    pub secret: &'a [u8],
}

/// `voter`'s choice of `options` (names; none withdraws the vote), sealed with `iv`.
pub fn encrypt_poll_vote(
    poll: &PollRef<'_>,
    voter: &Jid,
    options: &[&str],
    iv: [u8; 12],
) -> proto::PollEncValue {
    let vote = proto::PollVoteMessage {
        selected_options: options.iter().map(|o| poll_option_hash(o).to_vec()).collect(),
    };
    let key = derive_key(SecretUse::PollVote, poll.id, poll.sender, voter, poll.secret);
    proto::PollEncValue {
        enc_payload: Some(key.seal(&iv, &vote.encode_to_vec())),
        enc_iv: Some(iv.to_vec()),
    }
}

/// The option hashes `voter` chose, or why the vote cannot be read.
pub fn decrypt_poll_vote(
    poll: &PollRef<'_>,
    voter: &Jid,
    vote: &proto::PollEncValue,
) -> Result<Vec<[u8; 32]>, PollVoteError> {
    let key = derive_key(SecretUse::PollVote, poll.id, poll.sender, voter, poll.secret);
    let plain = key.open(vote.enc_iv(), vote.enc_payload()).map_err(|_| PollVoteError::Decrypt)?;
    let vote = proto::PollVoteMessage::decode(plain.as_slice())
        .map_err(|e| PollVoteError::Malformed(e.to_string()))?;
    vote.selected_options
        .iter()
        .map(|h| {
            h.as_slice().try_into().map_err(|_| PollVoteError::Malformed("option hash".into()))
        })
        .collect()
}

/// Why a poll vote could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PollVoteError {
    /// The key does not open it: another secret, poll or voter.
    #[error("the vote does not decrypt with this poll's secret")]
    Decrypt,
    #[error("malformed vote: {0}")]
    Malformed(String),
}
