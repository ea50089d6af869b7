//! What the phone signs for its companions: the ADV device identity of a new companion
//! (`pair-success`), and the account's key-index list (usync `<key-index-list>`).
use prost::Message;
use wazap::crypto::{KeyPair, PublicKey};
use wazap::pair::{issue_device_identity, sign_key_index_list, AccountKind, DeviceGrant};
use wazap::proto::AdvKeyIndexList;

/// The `ADVSignedDeviceIdentityHMAC` bytes for `<pair-success><device-identity>`.
pub fn grant_companion(
    account: &KeyPair,
    raw_id: u32,
    key_index: u32,
    timestamp: u64,
    companion_identity: &PublicKey,
    adv_secret: &[u8; 32],
) -> Vec<u8> {
    let grant = DeviceGrant { raw_id, timestamp, key_index, kind: AccountKind::E2ee };
    issue_device_identity(account, companion_identity, adv_secret, &grant)
}

/// The marshalled `ADVSignedKeyIndexList` naming the companions' key indexes.
pub fn key_index_list(
    account: &KeyPair,
    raw_id: u32,
    timestamp: u64,
    current_index: u32,
    valid_indexes: Vec<u32>,
) -> Vec<u8> {
    let list = AdvKeyIndexList {
        raw_id: Some(raw_id),
        timestamp: Some(timestamp),
        current_index: Some(current_index),
        valid_indexes,
        account_type: Some(AccountKind::E2ee.to_proto()),
    };
    sign_key_index_list(account, &list).encode_to_vec()
}
