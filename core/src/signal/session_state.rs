//! One double-ratchet session: X3DH initialisation for both roles, encryption and decryption.
//! A decryption that fails leaves the state as it was: the caller works on a copy.
use std::collections::VecDeque;

use super::ratchet::{root_step, ChainKey, MessageKeys, SkippedKey};
use super::wire::{PreKeySignalMessage, SignalMessage, CIPHERTEXT_VERSION};
use super::{KeySource, SignalError};
use crate::crypto::{aes_cbc_decrypt, aes_cbc_encrypt, hkdf_sha256_into, KeyPair, PublicKey};

/// libsignal keeps this many receiving chains per session (older ones are dropped).
pub const MAX_RECEIVER_CHAINS: usize = 5;
/// Skipped message keys kept per receiving chain, and the furthest a counter may jump ahead.
pub const MAX_MESSAGE_KEYS: usize = 2000;

const X3DH_INFO: &[u8] = b"WhisperText"; // libsignal RatchetingSession

#[derive(Clone, Debug)]
pub(crate) struct SenderChain {
    pub ratchet: KeyPair,
    pub chain: ChainKey,
}

#[derive(Clone, Debug)]
pub(crate) struct ReceiverChain {
    pub ratchet: PublicKey,
    pub chain: ChainKey,
    pub skipped: VecDeque<SkippedKey>,
}

/// The prekey message fields Alice repeats until Bob answers.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct PendingPreKey {
    pub pre_key_id: Option<u32>,
    pub signed_pre_key_id: u32,
    pub base_key: PublicKey,
}

#[derive(Clone, Debug)]
pub(crate) struct SessionState {
    pub version: u32,
    pub local_identity: PublicKey,
    pub remote_identity: PublicKey,
    pub root_key: [u8; 32],
    pub previous_counter: u32,
    pub sender_chain: Option<SenderChain>,
    pub receiver_chains: Vec<ReceiverChain>,
    pub pending_pre_key: Option<PendingPreKey>,
    pub remote_registration_id: u32,
    pub local_registration_id: u32,
    pub alice_base_key: PublicKey,
}

/// The parties' keys for X3DH.
pub(crate) struct AliceParams<'a> {
    pub our_identity: &'a KeyPair,
    pub our_base_key: &'a KeyPair,
    pub our_ratchet_key: KeyPair,
    pub their_identity: PublicKey,
    pub their_signed_pre_key: PublicKey,
    pub their_one_time_pre_key: Option<PublicKey>,
}

pub(crate) struct BobParams<'a> {
    pub our_identity: &'a KeyPair,
    pub our_signed_pre_key: KeyPair,
    pub our_one_time_pre_key: Option<&'a KeyPair>,
    pub their_identity: PublicKey,
    pub their_base_key: PublicKey,
}

/// HKDF over 32 0xFF bytes ‖ the DH outputs → (root key, chain key).
fn x3dh_secrets(dhs: &[[u8; 32]]) -> ([u8; 32], ChainKey) {
    let mut ikm = [0xffu8; 32 * 5];
    for (i, dh) in dhs.iter().enumerate() {
        ikm[32 * (i + 1)..32 * (i + 2)].copy_from_slice(dh);
    }
    let mut out = [0u8; 64];
    hkdf_sha256_into(&ikm[..32 * (dhs.len() + 1)], None, X3DH_INFO, &mut out)
        .expect("64 bytes is a valid HKDF length");
    let mut root = [0u8; 32];
    let mut chain = [0u8; 32];
    root.copy_from_slice(&out[..32]);
    chain.copy_from_slice(&out[32..]);
    (root, ChainKey { key: chain, index: 0 })
}

impl SessionState {
    /// The initiator's side: a receiving chain on Bob's signed prekey and a first sending chain
    /// one DH ratchet step further.
    pub fn initialize_alice(p: AliceParams<'_>) -> Self {
        let mut dhs = vec![
            p.our_identity.agree(&p.their_signed_pre_key),
            p.our_base_key.agree(&p.their_identity),
            p.our_base_key.agree(&p.their_signed_pre_key),
        ];
        if let Some(otk) = &p.their_one_time_pre_key {
            dhs.push(p.our_base_key.agree(otk));
        }
        let (root, chain) = x3dh_secrets(&dhs);
        let (root, sending) = root_step(&root, &p.their_signed_pre_key, &p.our_ratchet_key);
        Self {
            version: CIPHERTEXT_VERSION as u32,
            local_identity: p.our_identity.public,
            remote_identity: p.their_identity,
            root_key: root,
            previous_counter: 0,
            sender_chain: Some(SenderChain { ratchet: p.our_ratchet_key, chain: sending }),
            receiver_chains: vec![ReceiverChain {
                ratchet: p.their_signed_pre_key,
                chain,
                skipped: VecDeque::new(),
            }],
            pending_pre_key: None,
            remote_registration_id: 0,
            local_registration_id: 0,
            alice_base_key: p.our_base_key.public,
        }
    }

    /// The responder's side: the sending chain sits on our signed prekey until Alice's first
    /// ratchet key arrives.
    pub fn initialize_bob(p: BobParams<'_>) -> Self {
        let mut dhs = vec![
            p.our_signed_pre_key.agree(&p.their_identity),
            p.our_identity.agree(&p.their_base_key),
            p.our_signed_pre_key.agree(&p.their_base_key),
        ];
        if let Some(otk) = p.our_one_time_pre_key {
            dhs.push(otk.agree(&p.their_base_key));
        }
        let (root, chain) = x3dh_secrets(&dhs);
        Self {
            version: CIPHERTEXT_VERSION as u32,
            local_identity: p.our_identity.public,
            remote_identity: p.their_identity,
            root_key: root,
            previous_counter: 0,
            sender_chain: Some(SenderChain { ratchet: p.our_signed_pre_key, chain }),
            receiver_chains: Vec::new(),
            pending_pre_key: None,
            remote_registration_id: 0,
            local_registration_id: 0,
            alice_base_key: p.their_base_key,
        }
    }

    /// Encrypts with the next key of the sending chain; a PreKeySignalMessage while Bob has not
    /// answered yet.
    pub fn encrypt(&mut self, plaintext: &[u8]) -> Result<super::CiphertextMessage, SignalError> {
        let sender = self.sender_chain.as_mut().ok_or(SignalError::SessionNotReady)?;
        let counter = sender.chain.index;
        let (seed, next) = sender.chain.step();
        let keys = MessageKeys::derive(&seed);
        let ciphertext =
            aes_cbc_encrypt(&keys.cipher_key, &keys.iv, plaintext).expect("32-byte key");
        let message = SignalMessage::new(
            &keys.mac_key,
            &self.local_identity,
            &self.remote_identity,
            sender.ratchet.public,
            counter,
            self.previous_counter,
            ciphertext,
        );
        sender.chain = next;
        Ok(match &self.pending_pre_key {
            Some(p) => super::CiphertextMessage::PreKey(
                PreKeySignalMessage::new(
                    self.local_registration_id,
                    p.pre_key_id,
                    p.signed_pre_key_id,
                    p.base_key,
                    self.local_identity,
                    message,
                )
                .serialized()
                .to_vec(),
            ),
            None => super::CiphertextMessage::Whisper(message.into_serialized()),
        })
    }

    /// Decrypts a message. On error the state may be half-updated: call this on a copy.
    pub fn decrypt(
        &mut self,
        message: &SignalMessage,
        keys: &mut dyn KeySource,
    ) -> Result<Vec<u8>, SignalError> {
        let our_ratchet = &self.sender_chain.as_ref().ok_or(SignalError::SessionNotReady)?.ratchet;
        let their = message.ratchet_key;
        let (chain_pos, new_ratchet) =
            match self.receiver_chains.iter().position(|c| c.ratchet == their) {
                Some(pos) => (pos, false),
                None => {
                    let (root, chain) = root_step(&self.root_key, &their, our_ratchet);
                    self.root_key = root;
                    self.receiver_chains.push(ReceiverChain {
                        ratchet: their,
                        chain,
                        skipped: VecDeque::new(),
                    });
                    if self.receiver_chains.len() > MAX_RECEIVER_CHAINS {
                        self.receiver_chains.remove(0);
                    }
                    (self.receiver_chains.len() - 1, true)
                }
            };
        let seed = message_key_seed(&mut self.receiver_chains[chain_pos], message.counter)?;
        let mk = MessageKeys::derive(&seed);
        if !message.verify_mac(&mk.mac_key, &self.remote_identity, &self.local_identity) {
            return Err(SignalError::BadMac);
        }
        let plaintext = aes_cbc_decrypt(&mk.cipher_key, &mk.iv, &message.ciphertext)
            .map_err(|_| SignalError::BadCiphertext)?;
        // Only a message that proved itself moves our sending ratchet, so a forged ratchet key
        // costs no key pair and no state.
        if new_ratchet {
            let ours = keys.next_key_pair()?;
            let (root, sending) = root_step(&self.root_key, &their, &ours);
            self.root_key = root;
            let sender = self.sender_chain.as_mut().ok_or(SignalError::SessionNotReady)?;
            self.previous_counter = sender.chain.index.saturating_sub(1);
            *sender = SenderChain { ratchet: ours, chain: sending };
        }
        self.pending_pre_key = None;
        Ok(plaintext)
    }
}

/// The seed of message `counter` on a receiving chain: a stored skipped key, or the chain
/// advanced to it (keys passed over are kept, at most [`MAX_MESSAGE_KEYS`]).
pub(crate) fn message_key_seed(
    chain: &mut ReceiverChain,
    counter: u32,
) -> Result<[u8; 32], SignalError> {
    advance_chain(&mut chain.chain, &mut chain.skipped, counter)
}

/// Shared by the double ratchet and sender keys: both chains step the same way.
pub(crate) fn advance_chain(
    chain: &mut ChainKey,
    skipped: &mut VecDeque<SkippedKey>,
    counter: u32,
) -> Result<[u8; 32], SignalError> {
    if counter < chain.index {
        return match skipped.iter().position(|k| k.index == counter) {
            Some(pos) => Ok(skipped.remove(pos).expect("position is in range").seed),
            None => Err(SignalError::DuplicateMessage { counter }),
        };
    }
    let ahead = counter - chain.index;
    if ahead as usize > MAX_MESSAGE_KEYS {
        return Err(SignalError::TooFarInFuture { ahead, limit: MAX_MESSAGE_KEYS as u32 });
    }
    while chain.index < counter {
        let (seed, next) = chain.step();
        skipped.push_back(SkippedKey { index: chain.index, seed });
        if skipped.len() > MAX_MESSAGE_KEYS {
            skipped.pop_front();
        }
        *chain = next;
    }
    let (seed, next) = chain.step();
    *chain = next;
    Ok(seed)
}
