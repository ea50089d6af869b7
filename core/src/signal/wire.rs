//! Signal's wire messages: parsing with version and length checks, and building them as libsignal
//! does (version byte 0x33, then the protobuf, then an 8-byte MAC or a 64-byte signature).
use hmac::{Hmac, Mac};
use prost::Message as _;
use sha2::Sha256;

use super::SignalError;
use crate::crypto::{self, PublicKey};

/// The generated prost types of `proto/signal.proto`.
pub mod proto {
    include!(concat!(env!("OUT_DIR"), "/signal.rs"));
}

/// Signal protocol version 3, the only one WhatsApp speaks.
pub const CIPHERTEXT_VERSION: u8 = 3;
/// The first byte of every message: (message version << 4) | current version.
pub const VERSION_BYTE: u8 = (CIPHERTEXT_VERSION << 4) | CIPHERTEXT_VERSION;
/// SignalMessage MACs are HMAC-SHA256 truncated to 8 bytes.
pub const MAC_LEN: usize = 8;
/// SenderKeyMessage signatures (libsignal curve25519 signatures).
pub const SIGNATURE_LEN: usize = 64;

fn check_version(first: Option<&u8>) -> Result<(), SignalError> {
    match first {
        None => Err(SignalError::InvalidMessage("empty message")),
        Some(&b) if b >> 4 == CIPHERTEXT_VERSION => Ok(()),
        Some(&b) => Err(SignalError::InvalidVersion { version: b }),
    }
}

fn decode<M: prost::Message + Default>(bytes: &[u8]) -> Result<M, SignalError> {
    M::decode(bytes).map_err(|_| SignalError::InvalidMessage("protobuf does not decode"))
}

fn public_key(bytes: Option<Vec<u8>>, what: &'static str) -> Result<PublicKey, SignalError> {
    Ok(PublicKey::from_bytes(&bytes.ok_or(SignalError::InvalidMessage(what))?)?)
}

/// Constant-time comparison, so a MAC check leaks nothing through timing.
pub(crate) fn ct_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// A double-ratchet message ("WhisperMessage").
#[derive(Clone, Debug)]
pub struct SignalMessage {
    pub ratchet_key: PublicKey,
    pub counter: u32,
    pub previous_counter: u32,
    pub ciphertext: Vec<u8>,
    serialized: Vec<u8>,
}

impl SignalMessage {
    pub fn parse(bytes: &[u8]) -> Result<Self, SignalError> {
        check_version(bytes.first())?;
        if bytes.len() < 1 + MAC_LEN {
            return Err(SignalError::InvalidMessage("SignalMessage too short"));
        }
        let m: proto::SignalMessage = decode(&bytes[1..bytes.len() - MAC_LEN])?;
        Ok(Self {
            ratchet_key: public_key(m.ratchet_key, "SignalMessage without ratchet key")?,
            counter: m
                .counter
                .ok_or(SignalError::InvalidMessage("SignalMessage without counter"))?,
            previous_counter: m.previous_counter.unwrap_or(0),
            ciphertext: m
                .ciphertext
                .ok_or(SignalError::InvalidMessage("SignalMessage without ciphertext"))?,
            serialized: bytes.to_vec(),
        })
    }

    /// Builds and MACs a message. The MAC covers sender identity ‖ receiver identity ‖ version ‖
    /// protobuf, identities in their 33-byte form.
    pub(crate) fn new(
        mac_key: &[u8; 32],
        sender_identity: &PublicKey,
        receiver_identity: &PublicKey,
        ratchet_key: PublicKey,
        counter: u32,
        previous_counter: u32,
        ciphertext: Vec<u8>,
    ) -> Self {
        let m = proto::SignalMessage {
            ratchet_key: Some(ratchet_key.serialize().to_vec()),
            counter: Some(counter),
            previous_counter: Some(previous_counter),
            ciphertext: Some(ciphertext),
        };
        let mut serialized = Vec::with_capacity(1 + m.encoded_len() + MAC_LEN);
        serialized.push(VERSION_BYTE);
        m.encode(&mut serialized).expect("Vec grows as needed");
        let mac = compute_mac(mac_key, sender_identity, receiver_identity, &serialized);
        serialized.extend_from_slice(&mac);
        let ciphertext = m.ciphertext.unwrap_or_default();
        Self { ratchet_key, counter, previous_counter, ciphertext, serialized }
    }

    /// Checks the MAC with the keys of the message's chain.
    pub(crate) fn verify_mac(
        &self,
        mac_key: &[u8; 32],
        sender_identity: &PublicKey,
        receiver_identity: &PublicKey,
    ) -> bool {
        let (body, mac) = self.serialized.split_at(self.serialized.len() - MAC_LEN);
        ct_eq(&compute_mac(mac_key, sender_identity, receiver_identity, body), mac)
    }

    /// The whole message as sent: version byte, protobuf and MAC.
    pub fn serialized(&self) -> &[u8] {
        &self.serialized
    }

    pub fn into_serialized(self) -> Vec<u8> {
        self.serialized
    }
}

fn compute_mac(
    mac_key: &[u8; 32],
    sender_identity: &PublicKey,
    receiver_identity: &PublicKey,
    body: &[u8],
) -> [u8; MAC_LEN] {
    let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(mac_key).expect("any key length");
    mac.update(&sender_identity.serialize());
    mac.update(&receiver_identity.serialize());
    mac.update(body);
    let full = mac.finalize().into_bytes();
    full[..MAC_LEN].try_into().expect("32 >= 8")
}

/// The message that starts a session: a SignalMessage plus what the receiver needs to run X3DH.
#[derive(Clone, Debug)]
pub struct PreKeySignalMessage {
    pub registration_id: u32,
    pub pre_key_id: Option<u32>,
    pub signed_pre_key_id: u32,
    pub base_key: PublicKey,
    pub identity_key: PublicKey,
    pub message: SignalMessage,
    serialized: Vec<u8>,
}

impl PreKeySignalMessage {
    pub fn parse(bytes: &[u8]) -> Result<Self, SignalError> {
        check_version(bytes.first())?;
        let m: proto::PreKeySignalMessage = decode(&bytes[1..])?;
        let inner =
            m.message.ok_or(SignalError::InvalidMessage("PreKeySignalMessage without message"))?;
        Ok(Self {
            registration_id: m.registration_id.unwrap_or(0),
            pre_key_id: m.pre_key_id,
            signed_pre_key_id: m.signed_pre_key_id.ok_or(SignalError::InvalidMessage(
                "PreKeySignalMessage without signed prekey id",
            ))?,
            base_key: public_key(m.base_key, "PreKeySignalMessage without base key")?,
            identity_key: public_key(m.identity_key, "PreKeySignalMessage without identity key")?,
            message: SignalMessage::parse(&inner)?,
            serialized: bytes.to_vec(),
        })
    }

    pub(crate) fn new(
        registration_id: u32,
        pre_key_id: Option<u32>,
        signed_pre_key_id: u32,
        base_key: PublicKey,
        identity_key: PublicKey,
        message: SignalMessage,
    ) -> Self {
        let m = proto::PreKeySignalMessage {
            pre_key_id,
            base_key: Some(base_key.serialize().to_vec()),
            identity_key: Some(identity_key.serialize().to_vec()),
            message: Some(message.serialized.clone()),
            registration_id: Some(registration_id),
            signed_pre_key_id: Some(signed_pre_key_id),
        };
        let mut serialized = Vec::with_capacity(1 + m.encoded_len());
        serialized.push(VERSION_BYTE);
        m.encode(&mut serialized).expect("Vec grows as needed");
        Self {
            registration_id,
            pre_key_id,
            signed_pre_key_id,
            base_key,
            identity_key,
            message,
            serialized,
        }
    }

    pub fn serialized(&self) -> &[u8] {
        &self.serialized
    }
}

/// A group message encrypted with a sender key.
#[derive(Clone, Debug)]
pub struct SenderKeyMessage {
    pub key_id: u32,
    pub iteration: u32,
    pub ciphertext: Vec<u8>,
    serialized: Vec<u8>,
}

impl SenderKeyMessage {
    pub fn parse(bytes: &[u8]) -> Result<Self, SignalError> {
        check_version(bytes.first())?;
        if bytes.len() < 1 + SIGNATURE_LEN {
            return Err(SignalError::InvalidMessage("SenderKeyMessage too short"));
        }
        let m: proto::SenderKeyMessage = decode(&bytes[1..bytes.len() - SIGNATURE_LEN])?;
        Ok(Self {
            key_id: m.id.ok_or(SignalError::InvalidMessage("SenderKeyMessage without id"))?,
            iteration: m
                .iteration
                .ok_or(SignalError::InvalidMessage("SenderKeyMessage without iteration"))?,
            ciphertext: m
                .ciphertext
                .ok_or(SignalError::InvalidMessage("SenderKeyMessage without ciphertext"))?,
            serialized: bytes.to_vec(),
        })
    }

    /// Builds and signs a message with the sender's signing key.
    pub(crate) fn new(
        signing_private: &[u8; 32],
        signing_public: &PublicKey,
        key_id: u32,
        iteration: u32,
        ciphertext: Vec<u8>,
    ) -> Self {
        let m = proto::SenderKeyMessage {
            id: Some(key_id),
            iteration: Some(iteration),
            ciphertext: Some(ciphertext),
        };
        let mut serialized = Vec::with_capacity(1 + m.encoded_len() + SIGNATURE_LEN);
        serialized.push(VERSION_BYTE);
        m.encode(&mut serialized).expect("Vec grows as needed");
        let signature = crypto::sign_cached(signing_private, signing_public, &serialized);
        serialized.extend_from_slice(&signature);
        Self { key_id, iteration, ciphertext: m.ciphertext.unwrap_or_default(), serialized }
    }

    pub(crate) fn verify_signature(&self, signing_key: &PublicKey) -> bool {
        let (body, signature) = self.serialized.split_at(self.serialized.len() - SIGNATURE_LEN);
        crypto::verify(signing_key, body, signature)
    }

    pub fn serialized(&self) -> &[u8] {
        &self.serialized
    }

    pub fn into_serialized(self) -> Vec<u8> {
        self.serialized
    }
}

/// Hands a sender's chain key and signing key to a group member (sent inside a 1:1 message).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SenderKeyDistributionMessage {
    pub key_id: u32,
    pub iteration: u32,
    pub chain_key: [u8; 32],
    pub signing_key: PublicKey,
}

impl SenderKeyDistributionMessage {
    pub fn parse(bytes: &[u8]) -> Result<Self, SignalError> {
        check_version(bytes.first())?;
        let m: proto::SenderKeyDistributionMessage = decode(&bytes[1..])?;
        let chain_key = m
            .chain_key
            .ok_or(SignalError::InvalidMessage("SenderKeyDistributionMessage without chain key"))?;
        Ok(Self {
            key_id: m
                .id
                .ok_or(SignalError::InvalidMessage("SenderKeyDistributionMessage without id"))?,
            iteration: m.iteration.ok_or(SignalError::InvalidMessage(
                "SenderKeyDistributionMessage without iteration",
            ))?,
            chain_key: chain_key
                .try_into()
                .map_err(|_| SignalError::InvalidMessage("sender chain key is not 32 bytes"))?,
            signing_key: public_key(
                m.signing_key,
                "SenderKeyDistributionMessage without signing key",
            )?,
        })
    }

    /// 0x33 ‖ protobuf, the bytes of `axolotlSenderKeyDistributionMessage`.
    pub fn serialize(&self) -> Vec<u8> {
        let m = proto::SenderKeyDistributionMessage {
            id: Some(self.key_id),
            iteration: Some(self.iteration),
            chain_key: Some(self.chain_key.to_vec()),
            signing_key: Some(self.signing_key.serialize().to_vec()),
        };
        let mut out = Vec::with_capacity(1 + m.encoded_len());
        out.push(VERSION_BYTE);
        m.encode(&mut out).expect("Vec grows as needed");
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn version_checks() {
        assert!(matches!(SignalMessage::parse(&[]), Err(SignalError::InvalidMessage(_))));
        assert!(matches!(
            SignalMessage::parse(&[0x23; 20]),
            Err(SignalError::InvalidVersion { version: 0x23 })
        ));
        assert!(matches!(
            SenderKeyMessage::parse(&[0x43; 80]),
            Err(SignalError::InvalidVersion { version: 0x43 })
        ));
        assert!(matches!(SignalMessage::parse(&[0x33; 5]), Err(SignalError::InvalidMessage(_))));
        assert!(matches!(
            PreKeySignalMessage::parse(&[0x33, 0xff]),
            Err(SignalError::InvalidMessage(_))
        ));
    }

    #[test]
    fn signal_message_mac_round_trip() {
        let a = PublicKey([1; 32]);
        let b = PublicKey([2; 32]);
        let m = SignalMessage::new(&[7; 32], &a, &b, PublicKey([3; 32]), 5, 4, vec![9; 16]);
        let parsed = SignalMessage::parse(m.serialized()).unwrap();
        assert_eq!((parsed.counter, parsed.previous_counter), (5, 4));
        assert!(parsed.verify_mac(&[7; 32], &a, &b));
        assert!(!parsed.verify_mac(&[7; 32], &b, &a));
        assert!(!parsed.verify_mac(&[8; 32], &a, &b));
    }
}
