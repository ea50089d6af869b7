//! ADV ("account/device verification"): the signatures that bind a companion's identity key to
//! the account's (the primary phone's) identity key, and the HMAC that binds a pair-success to the
//! adv secret from the QR code or pairing code.
//!
//! Prefixes are wire facts: whatsmeow pair.go and Baileys src/Defaults/index.ts define 06 00
//! (account signature), 06 01 (device signature), 06 05 (hosted account signature / hosted HMAC)
//! and 06 06 (hosted device signature, which neither uses: both sign devices with 06 01). 06 02
//! (key-index list) is from WhatsApp Web's ADV module (`verifyKeyIndexListAccountSignature`).
use hmac::{Hmac, Mac};
use sha2::Sha256;
use thiserror::Error;

use crate::crypto::{verify_strict_result, KeyPair, PublicKey};
use crate::proto::AdvEncryptionType;

pub const ACCOUNT_SIGNATURE_PREFIX: [u8; 2] = [6, 0];
pub const DEVICE_SIGNATURE_PREFIX: [u8; 2] = [6, 1];
pub const KEY_INDEX_LIST_SIGNATURE_PREFIX: [u8; 2] = [6, 2];
pub const HOSTED_ACCOUNT_SIGNATURE_PREFIX: [u8; 2] = [6, 5];
pub const HOSTED_DEVICE_SIGNATURE_PREFIX: [u8; 2] = [6, 6];

/// The `text` of the iq error a companion returns when the HMAC does not match.
pub const HMAC_MISMATCH: &str = "hmac-mismatch";
/// The `text` of the iq error a companion returns when the account signature does not verify.
pub const SIGNATURE_MISMATCH: &str = "signature-mismatch";
/// The `text` of the iq error for anything else (undecodable protobufs...).
pub const INTERNAL_ERROR: &str = "internal-error";

/// Whether an account (or device) is a normal end-to-end-encrypted one or a hosted (Cloud API)
/// one; hosted ones use different HMAC and signature prefixes.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum AccountKind {
    #[default]
    E2ee,
    Hosted,
}

impl AccountKind {
    /// Reads a proto `ADVEncryptionType`; absent or unknown values mean E2EE, as in whatsmeow.
    pub fn from_proto(value: Option<i32>) -> Self {
        match value.and_then(|v| AdvEncryptionType::try_from(v).ok()) {
            Some(AdvEncryptionType::Hosted) => Self::Hosted,
            _ => Self::E2ee,
        }
    }

    pub fn to_proto(self) -> i32 {
        match self {
            Self::E2ee => AdvEncryptionType::E2ee as i32,
            Self::Hosted => AdvEncryptionType::Hosted as i32,
        }
    }

    fn account_prefix(self) -> [u8; 2] {
        match self {
            Self::E2ee => ACCOUNT_SIGNATURE_PREFIX,
            Self::Hosted => HOSTED_ACCOUNT_SIGNATURE_PREFIX,
        }
    }
}

/// Why an ADV structure was rejected.
#[derive(Debug, Error, Clone, PartialEq, Eq)]
pub enum AdvError {
    #[error("cannot decode {what}: {source}")]
    Malformed {
        what: &'static str,
        #[source]
        source: prost::DecodeError,
    },
    #[error("{0} is missing")]
    MissingField(&'static str),
    #[error("the device identity HMAC does not match our adv secret")]
    HmacMismatch,
    #[error("the account signature key must be 32 bytes, got {got}")]
    InvalidAccountSignatureKey { got: usize },
    #[error("the account signature does not verify")]
    AccountSignatureMismatch,
    #[error("the device signature does not verify")]
    DeviceSignatureMismatch,
    #[error("the key index list signature does not verify")]
    KeyIndexListSignatureMismatch,
}

/// The `<error code text>` of the iq a companion sends back when it rejects a pair-success.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PairIqError {
    pub code: u16,
    pub text: &'static str,
}

impl AdvError {
    /// The iq error to reply with, as whatsmeow's `handlePair` does: 401 for a bad HMAC or
    /// signature, 500 for the rest.
    pub fn iq_error(&self) -> PairIqError {
        match self {
            Self::HmacMismatch => PairIqError { code: 401, text: HMAC_MISMATCH },
            Self::AccountSignatureMismatch
            | Self::InvalidAccountSignatureKey { .. }
            | Self::DeviceSignatureMismatch => PairIqError { code: 401, text: SIGNATURE_MISMATCH },
            _ => PairIqError { code: 500, text: INTERNAL_ERROR },
        }
    }
}

pub(crate) fn decode<M: prost::Message + Default>(
    bytes: &[u8],
    what: &'static str,
) -> Result<M, AdvError> {
    M::decode(bytes).map_err(|source| AdvError::Malformed { what, source })
}

pub(crate) fn required<'a>(
    field: &'a Option<Vec<u8>>,
    name: &'static str,
) -> Result<&'a [u8], AdvError> {
    field.as_deref().ok_or(AdvError::MissingField(name))
}

pub(crate) fn account_key(bytes: &[u8]) -> Result<PublicKey, AdvError> {
    let raw: [u8; 32] =
        bytes.try_into().map_err(|_| AdvError::InvalidAccountSignatureKey { got: bytes.len() })?;
    Ok(PublicKey(raw))
}

fn hmac_over(adv_secret: &[u8], details: &[u8], kind: AccountKind) -> Hmac<Sha256> {
    let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(adv_secret).expect("HMAC takes any key");
    if kind == AccountKind::Hosted {
        mac.update(&HOSTED_ACCOUNT_SIGNATURE_PREFIX);
    }
    mac.update(details);
    mac
}

/// `ADVSignedDeviceIdentityHMAC.hmac`: HMAC-SHA256(adv secret, [06 05 if hosted] ‖ details).
pub fn adv_hmac(adv_secret: &[u8], details: &[u8], kind: AccountKind) -> [u8; 32] {
    hmac_over(adv_secret, details, kind).finalize().into_bytes().into()
}

/// Checks an `ADVSignedDeviceIdentityHMAC.hmac` in constant time.
pub fn verify_adv_hmac(
    adv_secret: &[u8],
    details: &[u8],
    kind: AccountKind,
    hmac: &[u8],
) -> Result<(), AdvError> {
    hmac_over(adv_secret, details, kind).verify_slice(hmac).map_err(|_| AdvError::HmacMismatch)
}

/// The account (primary) signs `prefix ‖ details ‖ device identity pub`.
pub fn sign_account(
    account: &KeyPair,
    details: &[u8],
    device_identity: &PublicKey,
    kind: AccountKind,
) -> [u8; 64] {
    account.sign(&[&kind.account_prefix(), details, &device_identity.0].concat())
}

pub fn verify_account_signature(
    account_key: &PublicKey,
    details: &[u8],
    device_identity: &PublicKey,
    kind: AccountKind,
    signature: &[u8],
) -> Result<(), AdvError> {
    let message = [&kind.account_prefix(), details, &device_identity.0].concat();
    verify_strict_result(account_key, &message, signature)
        .map_err(|_| AdvError::AccountSignatureMismatch)
}

/// The device signs `06 01 ‖ details ‖ device identity pub ‖ account key`.
pub fn sign_device(identity: &KeyPair, details: &[u8], account_key: &PublicKey) -> [u8; 64] {
    identity.sign(&[&DEVICE_SIGNATURE_PREFIX, details, &identity.public.0, &account_key.0].concat())
}

pub fn verify_device_signature(
    device_identity: &PublicKey,
    details: &[u8],
    account_key: &PublicKey,
    signature: &[u8],
) -> Result<(), AdvError> {
    let message = [&DEVICE_SIGNATURE_PREFIX, details, &device_identity.0, &account_key.0].concat();
    verify_strict_result(device_identity, &message, signature)
        .map_err(|_| AdvError::DeviceSignatureMismatch)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hosted_changes_hmac_and_signatures() {
        let secret = [3u8; 32];
        let e2ee = adv_hmac(&secret, b"details", AccountKind::E2ee);
        let hosted = adv_hmac(&secret, b"details", AccountKind::Hosted);
        assert_ne!(e2ee, hosted);
        assert_eq!(e2ee, crate::crypto::hmac_sha256(&secret, b"details"));
        assert_eq!(hosted, crate::crypto::hmac_sha256(&secret, b"\x06\x05details"));
        assert_eq!(
            verify_adv_hmac(&secret, b"details", AccountKind::E2ee, &hosted),
            Err(AdvError::HmacMismatch)
        );
        assert_eq!(
            verify_adv_hmac(&secret, b"details", AccountKind::E2ee, &e2ee[..31]),
            Err(AdvError::HmacMismatch)
        );

        let account = KeyPair::from_private([1; 32]);
        let device = KeyPair::from_private([2; 32]).public;
        let sig = sign_account(&account, b"d", &device, AccountKind::Hosted);
        assert!(verify_account_signature(
            &account.public,
            b"d",
            &device,
            AccountKind::Hosted,
            &sig
        )
        .is_ok());
        assert_eq!(
            verify_account_signature(&account.public, b"d", &device, AccountKind::E2ee, &sig),
            Err(AdvError::AccountSignatureMismatch)
        );
    }

    #[test]
    fn iq_errors_carry_the_protocol_reasons() {
        assert_eq!(
            AdvError::HmacMismatch.iq_error(),
            PairIqError { code: 401, text: "hmac-mismatch" }
        );
        assert_eq!(
            AdvError::AccountSignatureMismatch.iq_error(),
            PairIqError { code: 401, text: "signature-mismatch" }
        );
        assert_eq!(AdvError::MissingField("details").iq_error().code, 500);
    }
}
