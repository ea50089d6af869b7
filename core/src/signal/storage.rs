//! The stable storage format of session and sender-key records: our own versioned protobuf
//! (`proto/signal_storage.proto`), independent of the Rust structs' layout.
use std::collections::VecDeque;

use prost::Message as _;

use super::ratchet::{ChainKey, SkippedKey};
use super::sender_key::record::SenderKeyState;
use super::sender_key::SenderKeyRecord;
use super::session_state::{PendingPreKey, ReceiverChain, SenderChain, SessionState};
use super::store::StoreError;
use super::SessionRecord;
use crate::crypto::{KeyPair, PublicKey};

/// The generated prost types of `proto/signal_storage.proto`.
mod proto {
    include!(concat!(env!("OUT_DIR"), "/signal_storage.rs"));
}

/// The record format this build writes and the newest it reads.
pub const RECORD_FORMAT_VERSION: u32 = 1;

fn bytes32(b: &[u8], what: &'static str) -> Result<[u8; 32], StoreError> {
    b.try_into().map_err(|_| StoreError::Corrupt(what))
}

fn public(b: &[u8], what: &'static str) -> Result<PublicKey, StoreError> {
    Ok(PublicKey(bytes32(b, what)?))
}

fn check_format(found: u32) -> Result<(), StoreError> {
    match found {
        1..=RECORD_FORMAT_VERSION => Ok(()),
        0 => Err(StoreError::Corrupt("record without format version")),
        _ => Err(StoreError::UnsupportedFormat { found, supported: RECORD_FORMAT_VERSION }),
    }
}

fn chain_to(c: &ChainKey) -> proto::ChainKey {
    proto::ChainKey { index: c.index, key: c.key.to_vec() }
}

fn chain_from(c: Option<&proto::ChainKey>) -> Result<ChainKey, StoreError> {
    let c = c.ok_or(StoreError::Corrupt("missing chain key"))?;
    Ok(ChainKey { key: bytes32(&c.key, "chain key")?, index: c.index })
}

fn skipped_to(s: &VecDeque<SkippedKey>) -> Vec<proto::SkippedKey> {
    s.iter().map(|k| proto::SkippedKey { index: k.index, seed: k.seed.to_vec() }).collect()
}

fn skipped_from(s: &[proto::SkippedKey]) -> Result<VecDeque<SkippedKey>, StoreError> {
    s.iter()
        .map(|k| Ok(SkippedKey { index: k.index, seed: bytes32(&k.seed, "skipped key")? }))
        .collect()
}

fn state_to(s: &SessionState) -> proto::SessionState {
    proto::SessionState {
        session_version: s.version,
        local_identity: s.local_identity.0.to_vec(),
        remote_identity: s.remote_identity.0.to_vec(),
        root_key: s.root_key.to_vec(),
        previous_counter: s.previous_counter,
        sender_chain: s.sender_chain.as_ref().map(|c| proto::SenderChain {
            ratchet_public: c.ratchet.public.0.to_vec(),
            ratchet_private: c.ratchet.private_bytes().to_vec(),
            chain_key: Some(chain_to(&c.chain)),
        }),
        receiver_chains: s
            .receiver_chains
            .iter()
            .map(|c| proto::ReceiverChain {
                ratchet_public: c.ratchet.0.to_vec(),
                chain_key: Some(chain_to(&c.chain)),
                skipped: skipped_to(&c.skipped),
            })
            .collect(),
        pending_pre_key: s.pending_pre_key.as_ref().map(|p| proto::PendingPreKey {
            pre_key_id: p.pre_key_id,
            signed_pre_key_id: p.signed_pre_key_id,
            base_key: p.base_key.0.to_vec(),
        }),
        remote_registration_id: s.remote_registration_id,
        local_registration_id: s.local_registration_id,
        alice_base_key: s.alice_base_key.0.to_vec(),
    }
}

fn state_from(s: &proto::SessionState) -> Result<SessionState, StoreError> {
    let sender_chain = match &s.sender_chain {
        Some(c) => {
            // Both halves as written: deriving the public key again would cost a scalar
            // multiplication per state (up to 41 per record) on every session load.
            let ratchet = KeyPair::from_stored(
                bytes32(&c.ratchet_private, "ratchet private")?,
                public(&c.ratchet_public, "ratchet public")?,
            );
            Some(SenderChain { ratchet, chain: chain_from(c.chain_key.as_ref())? })
        }
        None => None,
    };
    Ok(SessionState {
        version: s.session_version,
        local_identity: public(&s.local_identity, "local identity")?,
        remote_identity: public(&s.remote_identity, "remote identity")?,
        root_key: bytes32(&s.root_key, "root key")?,
        previous_counter: s.previous_counter,
        sender_chain,
        receiver_chains: s
            .receiver_chains
            .iter()
            .map(|c| {
                Ok(ReceiverChain {
                    ratchet: public(&c.ratchet_public, "receiver ratchet key")?,
                    chain: chain_from(c.chain_key.as_ref())?,
                    skipped: skipped_from(&c.skipped)?,
                })
            })
            .collect::<Result<_, StoreError>>()?,
        pending_pre_key: match &s.pending_pre_key {
            Some(p) => Some(PendingPreKey {
                pre_key_id: p.pre_key_id,
                signed_pre_key_id: p.signed_pre_key_id,
                base_key: public(&p.base_key, "pending base key")?,
            }),
            None => None,
        },
        remote_registration_id: s.remote_registration_id,
        local_registration_id: s.local_registration_id,
        alice_base_key: public(&s.alice_base_key, "alice base key")?,
    })
}

impl SessionRecord {
    /// The stable, versioned byte form of the record.
    pub fn serialize(&self) -> Vec<u8> {
        proto::SessionRecord {
            format_version: RECORD_FORMAT_VERSION,
            current: self.current.as_ref().map(state_to),
            previous: self.previous.iter().map(state_to).collect(),
        }
        .encode_to_vec()
    }

    pub fn deserialize(bytes: &[u8]) -> Result<Self, StoreError> {
        let r = proto::SessionRecord::decode(bytes)
            .map_err(|_| StoreError::Corrupt("session record does not decode"))?;
        check_format(r.format_version)?;
        Ok(Self {
            current: r.current.as_ref().map(state_from).transpose()?,
            previous: r.previous.iter().map(state_from).collect::<Result<_, _>>()?,
        })
    }
}

impl SenderKeyRecord {
    /// The stable, versioned byte form of the record.
    pub fn serialize(&self) -> Vec<u8> {
        proto::SenderKeyRecord {
            format_version: RECORD_FORMAT_VERSION,
            states: self
                .states
                .iter()
                .map(|s| proto::SenderKeyState {
                    key_id: s.key_id,
                    chain_key: Some(chain_to(&s.chain)),
                    signing_public: s.signing_public.0.to_vec(),
                    signing_private: s.signing_private.map(|k| k.to_vec()),
                    skipped: skipped_to(&s.skipped),
                })
                .collect(),
        }
        .encode_to_vec()
    }

    pub fn deserialize(bytes: &[u8]) -> Result<Self, StoreError> {
        let r = proto::SenderKeyRecord::decode(bytes)
            .map_err(|_| StoreError::Corrupt("sender key record does not decode"))?;
        check_format(r.format_version)?;
        let states = r
            .states
            .iter()
            .map(|s| {
                Ok(SenderKeyState {
                    key_id: s.key_id,
                    chain: chain_from(s.chain_key.as_ref())?,
                    signing_public: public(&s.signing_public, "signing key")?,
                    signing_private: s
                        .signing_private
                        .as_deref()
                        .map(|k| bytes32(k, "signing private key"))
                        .transpose()?,
                    skipped: skipped_from(&s.skipped)?,
                })
            })
            .collect::<Result<_, StoreError>>()?;
        Ok(Self { states })
    }
}
