//! Our own mutations into a patch for the server (whatsmeow `EncodePatch`, Baileys
//! `encodeSyncdPatch`). The patch carries no version: the server gives it the next one, and
//! the MACs are computed for `state.version + 1`; a 409 answer means another device got there
//! first (apply its patches, then encode again).
use super::state::MacChanges;
use super::{mac, Collection, HashState, MutationKeys, MutationSpec, ValueMacs};
use crate::crypto::aes_cbc_encrypt;
use crate::proto;
use prost::Message as _;

/// An encoded patch and the state it leads to once the server accepts it.
#[derive(Debug, Clone)]
pub struct Encoded {
    pub patch: proto::SyncdPatch,
    pub state: HashState,
    pub macs: MacChanges,
}

/// Encodes `mutations` (all of `collection`) with the app state key `key_id`. Each value
/// without a timestamp gets `timestamp_ms`; `iv` gives each value's random IV.
#[allow(clippy::too_many_arguments)]
pub fn encode_patch(
    collection: Collection,
    state: &HashState,
    key_id: &[u8],
    keys: &MutationKeys,
    mutations: &[MutationSpec],
    timestamp_ms: i64,
    iv: &mut dyn FnMut() -> [u8; 16],
    stored: &dyn ValueMacs,
) -> Encoded {
    let mut records = Vec::with_capacity(mutations.len());
    let mut ops = Vec::with_capacity(mutations.len());
    for m in mutations {
        let index_json = serde_json::to_vec(&m.index).expect("strings serialize");
        let mut value = m.value.clone();
        value.timestamp.get_or_insert(timestamp_ms);
        let data = proto::SyncActionData {
            index: Some(index_json.clone()),
            value: Some(value),
            padding: None,
            version: Some(m.action_version),
        };
        let iv = iv();
        let mut encrypted = iv.to_vec();
        encrypted.extend(
            aes_cbc_encrypt(&keys.value_encryption, &iv, &data.encode_to_vec())
                .expect("32-byte key"),
        );
        let value_mac = mac::value_mac(m.operation, key_id, &encrypted, &keys.value_mac);
        let index_mac = mac::index_mac(&keys.index, &index_json);
        ops.push((m.operation, index_mac, value_mac));
        encrypted.extend_from_slice(&value_mac);
        records.push(proto::SyncdMutation {
            operation: Some(m.operation.to_proto()),
            record: Some(proto::SyncdRecord {
                index: Some(proto::SyncdIndex { blob: Some(index_mac.to_vec()) }),
                value: Some(proto::SyncdValue { blob: Some(encrypted) }),
                key_id: Some(proto::KeyId { id: Some(key_id.to_vec()) }),
            }),
        });
    }
    let mut next = HashState { version: state.version + 1, hash: state.hash };
    let macs = next.apply(ops.iter().copied(), stored);
    let snapshot_mac = mac::snapshot_mac(&next.hash, next.version, collection, &keys.snapshot_mac);
    let patch_mac = mac::patch_mac(
        &snapshot_mac,
        ops.iter().map(|(_, _, v)| &v[..]),
        next.version,
        collection,
        &keys.patch_mac,
    );
    let patch = proto::SyncdPatch {
        mutations: records,
        snapshot_mac: Some(snapshot_mac.to_vec()),
        patch_mac: Some(patch_mac.to_vec()),
        key_id: Some(proto::KeyId { id: Some(key_id.to_vec()) }),
        ..Default::default()
    };
    Encoded { patch, state: next, macs }
}
