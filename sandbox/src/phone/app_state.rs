//! The phone's side of app state. A real primary device holds the account's app state keys and
//! its collections; here the phone reads the server's log of patches with those keys, makes
//! its own mutations (`POST /control/app-state`: a contact, mute, pin…) as patches on top of
//! it, builds the snapshot a companion's full sync gets, and answers companions' key requests.
//! After every new patch the account's companions get a `server_sync` notification.
use std::collections::HashMap;
use std::sync::Arc;

use prost::Message as _;
use rand::rngs::OsRng;
use rand::RngCore;
use wazap::appstate::decode::decode_record;
use wazap::appstate::state::MacChanges;
use wazap::appstate::{
    encode_patch, mac, AppStateError, Change, Collection, HashState, MutationKeys, MutationSpec,
    Operation, ValueMacs,
};
use wazap::binary::Node;
use wazap::crypto::media::{encrypt, generate_media_key, MediaType};
use wazap::proto::{
    protocol_message, AppStateSyncKeyShare, ExternalBlobReference, KeyId, Message, ProtocolMessage,
    SyncdPatch, SyncdRecord, SyncdSnapshot, SyncdVersion,
};

use super::app_state_keys::{self, AppStateKey};
use crate::handlers::{routing, stanza};
use crate::media;
use crate::shared::Shared;
use crate::state::State;

/// What `POST /control/app-state` can make a patch do wrong, so that companions' recovery is
/// tested: a flipped patch MAC, a patch naming a key id nobody has, or a patch under a new key
/// the phone has not shared (companions must ask for it).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fault {
    PatchMac,
    KeyId,
    NewKey,
}

/// Why the phone cannot make or read a patch.
#[derive(Debug, thiserror::Error)]
pub enum AppStateFailure {
    #[error("unknown account")]
    UnknownAccount,
    #[error("{0}")]
    Unreadable(#[from] AppStateError),
    #[error("the mutations belong to different collections")]
    MixedCollections,
    #[error("another device uploaded first; try again")]
    Conflict,
}

fn expanded(keys: &[AppStateKey]) -> HashMap<Vec<u8>, MutationKeys> {
    keys.iter().map(|k| (k.id.0.clone(), MutationKeys::expand(&k.data.0))).collect()
}

/// Where `c` stands on the server: the version and LTHash of its uploaded patches, and the
/// live value MACs. Computed from the records' MACs alone, so a patch the phone cannot read
/// (a companion's mistake) does not stop it from making the next one or a snapshot.
fn standing(state: &State, phone: &str, c: Collection) -> (HashState, MacChanges, Vec<SyncdPatch>) {
    let patches = state.durable.app_state.get(phone).map(|a| a.uploaded(c)).unwrap_or_default();
    let mut hash = HashState::default();
    let mut macs = MacChanges::default();
    for patch in &patches {
        let ops = patch.mutations.iter().filter_map(|m| {
            let record = m.record.as_ref()?;
            let index: [u8; 32] = record.index.as_ref()?.blob().try_into().ok()?;
            let blob = record.value.as_ref()?.blob();
            let value: [u8; 32] = blob.get(blob.len().checked_sub(32)?..)?.try_into().ok()?;
            let op = Operation::from_proto(m.operation.unwrap_or_default()).ok()?;
            Some((op, index, value))
        });
        let overlay = macs.clone();
        let changes = hash.apply(ops.collect::<Vec<_>>(), &ValueMacsOf(&overlay));
        hash.version = patch.version.as_ref().map_or(hash.version + 1, |v| v.version());
        macs.extend(changes);
    }
    (hash, macs, patches)
}

/// Changes seen so far, as the stored MACs of the next patch.
struct ValueMacsOf<'a>(&'a MacChanges);

impl ValueMacs for ValueMacsOf<'_> {
    fn value_mac(&self, index_mac: &[u8; 32]) -> Option<[u8; 32]> {
        self.0.value_mac(index_mac, &())
    }
}

/// Every live change of the account, collection by collection, with the versions. Records the
/// phone cannot read are left out (and logged).
pub fn view(
    state: &mut State,
    phone: &str,
) -> Result<Vec<(Collection, u64, Vec<Change>)>, AppStateFailure> {
    let keys =
        expanded(&app_state_keys::keys_of(state, phone).ok_or(AppStateFailure::UnknownAccount)?);
    Ok(Collection::ALL
        .into_iter()
        .map(|c| {
            let (hash, _, patches) = standing(state, phone, c);
            // The last mutation of each index is the live one; a REMOVE drops it.
            let mut live: Vec<([u8; 32], Option<Change>)> = Vec::new();
            for patch in &patches {
                let version = patch.version.as_ref().map(|v| v.version()).unwrap_or_default();
                for (i, m) in patch.mutations.iter().enumerate() {
                    let Some(record) = &m.record else { continue };
                    let op = Operation::from_proto(m.operation.unwrap_or_default());
                    match op.and_then(|op| decode_record(i, op, record, &keys, version)) {
                        Ok(m) => {
                            live.retain(|(index, _)| *index != m.index_mac);
                            live.push((m.index_mac, Change::from_mutation(&m)));
                        }
                        Err(e) => {
                            tracing::warn!(%phone, %c, version, error = %e, "unreadable record")
                        }
                    }
                }
            }
            (c, hash.version, live.into_iter().filter_map(|(_, c)| c).collect())
        })
        .collect())
}

fn random_iv() -> [u8; 16] {
    let mut iv = [0u8; 16];
    OsRng.fill_bytes(&mut iv);
    iv
}

fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as i64)
}

/// The phone makes `specs` (all of one collection) into its next patch, stores it and tells
/// the companions. Returns the collection and its new version.
pub fn mutate(
    shared: &Shared,
    phone: &str,
    specs: &[MutationSpec],
    fault: Option<Fault>,
) -> Result<(Collection, u64), AppStateFailure> {
    let c = specs.first().map(|s| s.collection).ok_or(AppStateFailure::MixedCollections)?;
    if specs.iter().any(|s| s.collection != c) {
        return Err(AppStateFailure::MixedCollections);
    }
    let version = {
        let mut state = shared.state();
        let (current, macs, _) = standing(&state, phone, c);
        if fault == Some(Fault::NewKey) {
            // Kept by the phone, never shared on its own: a companion must ask for it.
            state
                .durable
                .app_state_keys
                .entry(phone.to_owned())
                .or_default()
                .push(AppStateKey::generate());
        }
        let keys =
            app_state_keys::keys_of(&mut state, phone).ok_or(AppStateFailure::UnknownAccount)?;
        let key = keys.last().expect("keys_of makes one");
        let encoded = encode_patch(
            c,
            &current,
            &key.id.0,
            &MutationKeys::expand(&key.data.0),
            specs,
            now_ms(),
            &mut random_iv,
            &ValueMacsOf(&macs),
        );
        let served = match fault {
            Some(Fault::PatchMac) => {
                let mut p = encoded.patch.clone();
                if let Some(m) = p.patch_mac.as_mut().and_then(|m| m.first_mut()) {
                    *m ^= 0x01;
                }
                Some(p)
            }
            Some(Fault::KeyId) => {
                let mut p = encoded.patch.clone();
                let mut id = vec![0u8; app_state_keys::KEY_ID_LEN];
                OsRng.fill_bytes(&mut id);
                p.key_id = Some(KeyId { id: Some(id) });
                Some(p)
            }
            Some(Fault::NewKey) | None => None,
        };
        let log = state.durable.app_state.entry(phone.to_owned()).or_default();
        let version = log
            .append(c, current.version, encoded.patch, served)
            .map_err(|_| AppStateFailure::Conflict)?;
        state.save();
        version
    };
    notify(shared, phone, c, version, None);
    Ok((c, version))
}

/// `<notification type="server_sync"><collection name version/></notification>` to every
/// companion of the account but `except` (the uploader): they fetch the new patches.
pub fn notify(shared: &Shared, phone: &str, c: Collection, version: u64, except: Option<u16>) {
    let devices: Vec<u16> = {
        let state = shared.state();
        let Some(account) = state.account(phone) else { return };
        account.devices.keys().copied().filter(|d| *d != 0 && Some(*d) != except).collect()
    };
    let child =
        Node::new("collection").attr("name", c.as_str()).attr("version", version.to_string());
    for device in devices {
        let node = stanza::notification(stanza::server_jid(), "server_sync", child.clone());
        routing::deliver(shared, phone, device, node);
    }
}

/// A snapshot of `c` at its current version for a companion's full sync: the live records,
/// MAC'd with the phone's latest key, encrypted and put on the media host (`md-app-state`), as
/// the reference the answer carries. `None` while the collection is empty.
pub async fn snapshot(
    shared: &Arc<Shared>,
    phone: &str,
    c: Collection,
) -> Result<Option<(u64, ExternalBlobReference)>, AppStateFailure> {
    let snapshot = {
        let mut state = shared.state();
        let (current, _, patches) = standing(&state, phone, c);
        if current.version == 0 {
            return Ok(None);
        }
        let mut live: Vec<SyncdRecord> = Vec::new();
        for m in patches.iter().flat_map(|p| &p.mutations) {
            let Some(record) = &m.record else { continue };
            let index = record.index.as_ref().map(|i| i.blob());
            live.retain(|r| r.index.as_ref().map(|i| i.blob()) != index);
            if m.operation() == wazap::proto::syncd_mutation::SyncdOperation::Set {
                live.push(record.clone());
            }
        }
        let keys =
            app_state_keys::keys_of(&mut state, phone).ok_or(AppStateFailure::UnknownAccount)?;
        let key = keys.last().expect("keys_of makes one");
        let k = MutationKeys::expand(&key.data.0);
        SyncdSnapshot {
            version: Some(SyncdVersion { version: Some(current.version) }),
            records: live,
            mac: Some(
                mac::snapshot_mac(&current.hash, current.version, c, &k.snapshot_mac).to_vec(),
            ),
            key_id: Some(KeyId { id: Some(key.id.0.clone()) }),
        }
    };
    let version = snapshot.version.as_ref().map(|v| v.version()).unwrap_or_default();
    let plain = snapshot.encode_to_vec();
    let media_key = generate_media_key();
    let (blob, info) = encrypt(&plain, &media_key, MediaType::AppState);
    let blob_id = hex::encode(info.file_enc_sha256);
    shared.media.put(&blob_id, blob).await.map_err(|e| {
        AppStateFailure::Unreadable(AppStateError::Malformed(format!("media host: {e}")))
    })?;
    Ok(Some((
        version,
        ExternalBlobReference {
            media_key: Some(media_key.to_vec()),
            direct_path: Some(media::direct_path(&blob_id)),
            handle: None,
            file_size_bytes: Some(plain.len() as u64),
            file_sha256: Some(info.file_sha256.to_vec()),
            file_enc_sha256: Some(info.file_enc_sha256.to_vec()),
        },
    )))
}

/// A companion asked for app state keys (`APP_STATE_SYNC_KEY_REQUEST`): the phone shares those
/// it has (none, for an id nobody made).
pub fn answer_key_request(shared: &Shared, phone: &str, device: u16, wanted: &[Vec<u8>]) {
    let keys = {
        let mut state = shared.state();
        app_state_keys::share(&mut state, phone).unwrap_or_default()
    };
    let keys: Vec<_> = keys
        .into_iter()
        .filter(|k| k.key_id.as_ref().is_some_and(|id| wanted.contains(&id.key_id().to_vec())))
        .collect();
    let message = Message {
        protocol_message: Some(Box::new(ProtocolMessage {
            r#type: Some(protocol_message::Type::AppStateSyncKeyShare as i32),
            app_state_sync_key_share: Some(AppStateSyncKeyShare { keys }),
            ..Default::default()
        })),
        ..Default::default()
    };
    if let Err(e) = super::send::send_peer(shared, phone, device, &message) {
        tracing::warn!(%phone, device, error = %e, "app state key share not sent");
    }
}
