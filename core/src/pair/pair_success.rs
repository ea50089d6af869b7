//! The companion's handling of `<pair-success><device-identity>`: check that the phone knew our
//! adv secret (HMAC), that the account key signed our identity, then countersign. Follows
//! whatsmeow pair.go `handlePair` and Baileys `configureSuccessfulPairing`.
use prost::Message;

use crate::crypto::{KeyPair, PublicKey};
use crate::proto::{AdvDeviceIdentity, AdvSignedDeviceIdentity, AdvSignedDeviceIdentityHmac};

use super::adv::{
    account_key, decode, required, sign_device, verify_account_signature, verify_adv_hmac,
    AccountKind, AdvError,
};

/// A verified and countersigned pairing.
#[derive(Clone, Debug, PartialEq)]
pub struct CompanionPairing {
    /// The signed identity to store as the device's "account": details, account signature key,
    /// account signature and our device signature. Messages we send to new peers carry it in
    /// `<device-identity>`.
    pub account: AdvSignedDeviceIdentity,
    /// The decoded `account.details`.
    pub details: AdvDeviceIdentity,
    /// The account's (primary phone's) identity key: store it as the Signal identity of the
    /// account's device 0 (the LID user, as whatsmeow does).
    pub account_signature_key: PublicKey,
    /// Hosted or E2EE, from the container's `accountType`.
    pub kind: AccountKind,
    /// The content of `<pair-device-sign><device-identity key-index=…>`: `account` without the
    /// account signature key.
    pub reply_identity: Vec<u8>,
}

impl CompanionPairing {
    /// The `key-index` attribute of the reply's `<device-identity>`.
    pub fn key_index(&self) -> u32 {
        self.details.key_index.unwrap_or_default()
    }
}

/// Verifies a pair-success's `device-identity` bytes (an `ADVSignedDeviceIdentityHMAC`) with our
/// adv secret and identity key pair, and signs it. On error, reply with [`AdvError::iq_error`].
pub fn complete_pair_success(
    device_identity: &[u8],
    adv_secret: &[u8; 32],
    identity: &KeyPair,
) -> Result<CompanionPairing, AdvError> {
    let container: AdvSignedDeviceIdentityHmac =
        decode(device_identity, "ADVSignedDeviceIdentityHMAC")?;
    let kind = AccountKind::from_proto(container.account_type);
    let signed_bytes = required(&container.details, "ADVSignedDeviceIdentityHMAC.details")?;
    // An absent HMAC is a mismatch, as in whatsmeow (hmac.Equal with nil).
    let hmac = container.hmac.as_deref().unwrap_or_default();
    verify_adv_hmac(adv_secret, signed_bytes, kind, hmac)?;

    let mut account: AdvSignedDeviceIdentity = decode(signed_bytes, "ADVSignedDeviceIdentity")?;
    let details_bytes = required(&account.details, "ADVSignedDeviceIdentity.details")?.to_vec();
    let details: AdvDeviceIdentity = decode(&details_bytes, "ADVDeviceIdentity")?;

    let key_bytes = required(&account.account_signature_key, "accountSignatureKey")?;
    let account_signature_key = account_key(key_bytes)?;
    let account_signature = required(&account.account_signature, "accountSignature")?;
    // The signature prefix follows the details' deviceType, the HMAC the container's accountType.
    let signature_kind = AccountKind::from_proto(details.device_type);
    verify_account_signature(
        &account_signature_key,
        &details_bytes,
        &identity.public,
        signature_kind,
        account_signature,
    )?;

    account.device_signature =
        Some(sign_device(identity, &details_bytes, &account_signature_key).to_vec());
    let reply_identity =
        AdvSignedDeviceIdentity { account_signature_key: None, ..account.clone() }.encode_to_vec();
    Ok(CompanionPairing { account, details, account_signature_key, kind, reply_identity })
}
