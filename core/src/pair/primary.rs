//! The primary phone's side of pair-success, for the sandbox server that simulates phones: issue
//! the signed device identity a companion receives in `<pair-success><device-identity>`, and check
//! the countersigned identity it returns in `<pair-device-sign>`.
use prost::Message;

use crate::crypto::{KeyPair, PublicKey};
use crate::proto::{AdvDeviceIdentity, AdvSignedDeviceIdentity, AdvSignedDeviceIdentityHmac};

use super::adv::{
    account_key, adv_hmac, decode, required, sign_account, verify_account_signature,
    verify_device_signature, AccountKind, AdvError,
};

/// What the account grants the new companion (`ADVDeviceIdentity`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DeviceGrant {
    /// The account's ADV raw id (the same value goes into its key-index lists).
    pub raw_id: u32,
    /// Unix seconds.
    pub timestamp: u64,
    /// The companion's key index (a counter the account increments per linked device).
    pub key_index: u32,
    pub kind: AccountKind,
}

impl DeviceGrant {
    pub fn details(&self) -> AdvDeviceIdentity {
        AdvDeviceIdentity {
            raw_id: Some(self.raw_id),
            timestamp: Some(self.timestamp),
            key_index: Some(self.key_index),
            account_type: Some(self.kind.to_proto()),
            device_type: Some(self.kind.to_proto()),
        }
    }
}

/// Builds the `ADVSignedDeviceIdentityHMAC` bytes for `<pair-success><device-identity>`: the
/// details signed by the account key over the companion's identity, wrapped with the HMAC keyed by
/// the companion's adv secret (from its QR code or the pairing-code exchange).
pub fn issue_device_identity(
    account: &KeyPair,
    companion_identity: &PublicKey,
    adv_secret: &[u8; 32],
    grant: &DeviceGrant,
) -> Vec<u8> {
    let details = grant.details().encode_to_vec();
    let account_signature = sign_account(account, &details, companion_identity, grant.kind);
    let signed = AdvSignedDeviceIdentity {
        details: Some(details),
        account_signature_key: Some(account.public.0.to_vec()),
        account_signature: Some(account_signature.to_vec()),
        device_signature: None,
    }
    .encode_to_vec();
    AdvSignedDeviceIdentityHmac {
        hmac: Some(adv_hmac(adv_secret, &signed, grant.kind).to_vec()),
        details: Some(signed),
        account_type: Some(grant.kind.to_proto()),
    }
    .encode_to_vec()
}

/// A companion's countersigned identity, verified.
#[derive(Clone, Debug, PartialEq)]
pub struct SignedDevice {
    /// The full identity with the account signature key put back: what the account hands to
    /// other devices as this companion's ADV identity.
    pub identity: AdvSignedDeviceIdentity,
    pub details: AdvDeviceIdentity,
}

impl SignedDevice {
    pub fn key_index(&self) -> u32 {
        self.details.key_index.unwrap_or_default()
    }
}

/// Checks the `<pair-device-sign><device-identity>` content a companion returns: the account
/// signature must still cover its details (so they are the ones we issued) and the device
/// signature must be the companion identity's over `06 01 ‖ details ‖ identity ‖ account key`.
pub fn verify_pair_device_sign(
    reply_identity: &[u8],
    account_key_public: &PublicKey,
    companion_identity: &PublicKey,
) -> Result<SignedDevice, AdvError> {
    let mut identity: AdvSignedDeviceIdentity = decode(reply_identity, "ADVSignedDeviceIdentity")?;
    // Companions strip the account key; one that sends it must send ours.
    if let Some(key) = identity.account_signature_key.as_deref() {
        if account_key(key)? != *account_key_public {
            return Err(AdvError::AccountSignatureMismatch);
        }
    }
    let details_bytes = required(&identity.details, "ADVSignedDeviceIdentity.details")?;
    let details: AdvDeviceIdentity = decode(details_bytes, "ADVDeviceIdentity")?;
    let account_signature = required(&identity.account_signature, "accountSignature")?;
    verify_account_signature(
        account_key_public,
        details_bytes,
        companion_identity,
        AccountKind::from_proto(details.device_type),
        account_signature,
    )?;
    let device_signature = required(&identity.device_signature, "deviceSignature")?;
    verify_device_signature(
        companion_identity,
        details_bytes,
        account_key_public,
        device_signature,
    )?;
    identity.account_signature_key = Some(account_key_public.0.to_vec());
    Ok(SignedDevice { identity, details })
}
