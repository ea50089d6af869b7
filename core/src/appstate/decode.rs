//! Verify and decrypt what the server sends: a collection's snapshot (its live records at one
//! version) and the patches after it. Order of checks as whatsmeow's `DecodePatches`: each
//! record's value MAC, decryption, index MAC; then the LTHash against the snapshot MAC, then
//! the patch MAC. Any failure refuses the whole patch, so nothing half-applied is stored.
use prost::Message as _;

use super::state::{MacChanges, Overlay};
use super::{
    mac, AppStateError, Collection, HashState, KeySource, Mutation, MutationKeys, Operation,
    ValueMacs,
};
use crate::crypto::aes_cbc_decrypt;
use crate::proto;

/// The outcome of a snapshot or patches: the new state, the mutations in order, and the
/// index → value MAC changes to store with it.
#[derive(Debug, Clone, Default)]
pub struct Decoded {
    pub state: HashState,
    pub mutations: Vec<Mutation>,
    pub macs: MacChanges,
}

fn keys_for(keys: &dyn KeySource, key_id: &[u8]) -> Result<MutationKeys, AppStateError> {
    keys.keys(key_id).ok_or_else(|| AppStateError::MissingKey(hex_id(key_id)))
}

pub(crate) fn hex_id(key_id: &[u8]) -> String {
    key_id.iter().map(|b| format!("{b:02x}")).collect()
}

fn key_id_of(key_id: &Option<proto::KeyId>) -> &[u8] {
    key_id.as_ref().map(|k| k.id()).unwrap_or_default()
}

/// Decrypts one record (the `i`th, for error messages) and checks its two MACs.
pub fn decode_record(
    i: usize,
    operation: Operation,
    record: &proto::SyncdRecord,
    keys: &dyn KeySource,
    patch_version: u64,
) -> Result<Mutation, AppStateError> {
    let key_id = key_id_of(&record.key_id);
    let k = keys_for(keys, key_id)?;
    let blob = record.value.as_ref().map(|v| v.blob()).unwrap_or_default();
    if blob.len() < 16 + 16 + 32 {
        return Err(AppStateError::Malformed(format!(
            "mutation {i}: value of {} bytes",
            blob.len()
        )));
    }
    let (encrypted, value_mac) = blob.split_at(blob.len() - 32);
    let value_mac: [u8; 32] = value_mac.try_into().expect("32");
    if mac::value_mac(operation, key_id, encrypted, &k.value_mac) != value_mac {
        return Err(AppStateError::ValueMac(i));
    }
    let (iv, ciphertext) = encrypted.split_at(16);
    let iv: &[u8; 16] = iv.try_into().expect("16");
    let plain = aes_cbc_decrypt(&k.value_encryption, iv, ciphertext)
        .map_err(|e| AppStateError::Malformed(format!("mutation {i}: {e}")))?;
    let data = proto::SyncActionData::decode(plain.as_slice())
        .map_err(|e| AppStateError::Malformed(format!("mutation {i}: {e}")))?;
    let index_mac: [u8; 32] =
        record.index.as_ref().and_then(|x| x.blob().try_into().ok()).ok_or_else(|| {
            AppStateError::Malformed(format!("mutation {i}: no 32-byte index MAC"))
        })?;
    if mac::index_mac(&k.index, data.index()) != index_mac {
        return Err(AppStateError::IndexMac(i));
    }
    let index: Vec<String> = serde_json::from_slice(data.index())
        .map_err(|e| AppStateError::Malformed(format!("mutation {i}: index: {e}")))?;
    Ok(Mutation {
        operation,
        index,
        action_version: data.version(),
        value: data.value.unwrap_or_default(),
        index_mac,
        value_mac,
        key_id: key_id.to_vec(),
        patch_version,
    })
}

fn check_snapshot_mac(
    collection: Collection,
    state: &HashState,
    key_id: &[u8],
    expected: &[u8],
    keys: &dyn KeySource,
) -> Result<MutationKeys, AppStateError> {
    let k = keys_for(keys, key_id)?;
    if mac::snapshot_mac(&state.hash, state.version, collection, &k.snapshot_mac) != expected {
        return Err(AppStateError::LtHash {
            collection: collection.to_string(),
            version: state.version,
        });
    }
    Ok(k)
}

/// A snapshot: the collection from nothing to the snapshot's version (every record a SET).
pub fn decode_snapshot(
    collection: Collection,
    snapshot: &proto::SyncdSnapshot,
    keys: &dyn KeySource,
) -> Result<Decoded, AppStateError> {
    let version = snapshot.version.as_ref().map(|v| v.version()).unwrap_or_default();
    let mutations = snapshot
        .records
        .iter()
        .enumerate()
        .map(|(i, r)| decode_record(i, Operation::Set, r, keys, version))
        .collect::<Result<Vec<_>, _>>()?;
    let mut state = HashState { version, ..HashState::default() };
    let macs = state.apply(mutations.iter().map(|m| (m.operation, m.index_mac, m.value_mac)), &());
    check_snapshot_mac(collection, &state, key_id_of(&snapshot.key_id), snapshot.mac(), keys)?;
    Ok(Decoded { state, mutations, macs })
}

/// One patch on top of `state`; `stored` has the collection's live value MACs at `state`.
/// A patch without a version is the one after `state` (Baileys does the same).
pub fn decode_patch(
    collection: Collection,
    state: &HashState,
    patch: &proto::SyncdPatch,
    keys: &dyn KeySource,
    stored: &dyn ValueMacs,
) -> Result<Decoded, AppStateError> {
    let version = patch.version.as_ref().map(|v| v.version()).unwrap_or(state.version + 1);
    let mutations = patch
        .mutations
        .iter()
        .enumerate()
        .map(|(i, m)| {
            let record = m.record.as_ref().ok_or_else(|| {
                AppStateError::Malformed(format!("mutation {i} without a record"))
            })?;
            decode_record(
                i,
                Operation::from_proto(m.operation.unwrap_or_default())?,
                record,
                keys,
                version,
            )
        })
        .collect::<Result<Vec<_>, _>>()?;
    let mut next = HashState { version, hash: state.hash };
    let macs =
        next.apply(mutations.iter().map(|m| (m.operation, m.index_mac, m.value_mac)), stored);
    let key_id = key_id_of(&patch.key_id);
    let k = check_snapshot_mac(collection, &next, key_id, patch.snapshot_mac(), keys)?;
    let expected = mac::patch_mac(
        patch.snapshot_mac(),
        mutations.iter().map(|m| &m.value_mac[..]),
        version,
        collection,
        &k.patch_mac,
    );
    if expected != patch.patch_mac() {
        return Err(AppStateError::PatchMac { collection: collection.to_string(), version });
    }
    Ok(Decoded { state: next, mutations, macs })
}

/// Patches in order on top of `state`, each seeing the MACs the earlier ones changed.
pub fn decode_patches(
    collection: Collection,
    state: &HashState,
    patches: &[proto::SyncdPatch],
    keys: &dyn KeySource,
    stored: &dyn ValueMacs,
) -> Result<Decoded, AppStateError> {
    let mut out = Decoded { state: *state, ..Decoded::default() };
    for patch in patches {
        let overlay = Overlay { changes: &out.macs, stored };
        let one = decode_patch(collection, &out.state, patch, keys, &overlay)?;
        out.state = one.state;
        out.mutations.extend(one.mutations);
        out.macs.extend(one.macs);
    }
    Ok(out)
}
