//! The four MACs of syncd (whatsmeow `appstate/hash.go`, Baileys `chat-utils.ts`).
use super::{Collection, LtHash, Operation};
use crate::crypto::{hmac_sha256, hmac_sha256_parts, hmac_sha512_parts};

/// HMAC-SHA256(index key, the index JSON): names a record without revealing it.
pub fn index_mac(index_key: &[u8; 32], index_json: &[u8]) -> [u8; 32] {
    hmac_sha256(index_key, index_json)
}

/// HMAC-SHA512(value MAC key, op byte ‖ key id ‖ IV‖ciphertext ‖ u64 BE length of (op byte ‖
/// key id)), first 32 bytes. The op byte is 1 for SET, 2 for REMOVE.
pub fn value_mac(
    operation: Operation,
    key_id: &[u8],
    encrypted: &[u8],
    value_mac_key: &[u8; 32],
) -> [u8; 32] {
    let op = [operation.mac_byte()];
    let len = (key_id.len() as u64 + 1).to_be_bytes();
    let full = hmac_sha512_parts(value_mac_key, &[&op, key_id, encrypted, &len]);
    full[..32].try_into().expect("32 of 64")
}

/// HMAC-SHA256(snapshot MAC key, LTHash ‖ u64 BE version ‖ collection name): what a snapshot
/// and every patch carry to prove the state they lead to.
pub fn snapshot_mac(
    hash: &LtHash,
    version: u64,
    collection: Collection,
    snapshot_mac_key: &[u8; 32],
) -> [u8; 32] {
    hmac_sha256_parts(
        snapshot_mac_key,
        &[&hash.0[..], &version.to_be_bytes()[..], collection.as_str().as_bytes()],
    )
}

/// HMAC-SHA256(patch MAC key, snapshot MAC ‖ each mutation's value MAC ‖ u64 BE version ‖
/// collection name).
pub fn patch_mac<'a>(
    snapshot_mac: &[u8],
    value_macs: impl IntoIterator<Item = &'a [u8]>,
    version: u64,
    collection: Collection,
    patch_mac_key: &[u8; 32],
) -> [u8; 32] {
    let version = version.to_be_bytes();
    let mut parts: Vec<&[u8]> = vec![snapshot_mac];
    for m in value_macs {
        parts.push(m);
    }
    parts.push(&version);
    parts.push(collection.as_str().as_bytes());
    hmac_sha256_parts(patch_mac_key, &parts)
}
