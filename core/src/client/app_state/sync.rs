//! Fetching collections (whatsmeow `FetchAppState`, Baileys `resyncAppState`): a collection
//! at version 0 asks for its snapshot, the others for the patches after their version, page by
//! page while the server says `has_more_patches`. Each page is verified and decrypted on the
//! blocking pool and stored in one write with the version it leads to; then its changes are
//! emitted. Failures never log out:
//! - a missing key is asked of our phone once, and the collection resumes on the next share;
//! - a MAC or LTHash mismatch, unreadable data, or a key the phone did not have, forgets the
//!   collection's state and fetches its snapshot again, at most [`MAX_SNAPSHOT_TRIES`] times;
//! - anything else (the server refused, the connection dropped) waits for the next trigger.
//!
//! Every failure is reported as [`Event::AppStateSyncError`] with what is done about it.
use std::collections::HashMap;
use std::sync::Arc;

use super::super::download::download;
use super::super::{blocking, ClientError, Inner};
use super::{keys, MAX_PAGES, MAX_SNAPSHOT_TRIES};
use crate::appstate::decode::decode_patches;
use crate::appstate::iq::{self, Fetch};
use crate::appstate::state::MacChanges;
use crate::appstate::{
    decode_snapshot, AppStateError, Change, Collection, HashState, Mutation, MutationKeys,
};
use crate::binary::Node;
use crate::media::MediaRef;
use crate::proto;
use crate::store::{AppStateStore, CollectionUpdate};
use crate::types::{AppStateChange, AppStateRecovery, Event};

/// After every login: catch up on what changed while we were away (nothing before the
/// phone shared its keys: the share starts the first full sync).
pub(crate) fn on_login(inner: &Arc<Inner>) {
    let inner = inner.clone();
    tokio::spawn(async move {
        let has_keys = match inner.app_state_store().await {
            Ok(store) => blocking(move || store.latest_key()).await.ok().and_then(Result::ok),
            Err(_) => None,
        };
        if has_keys.flatten().is_some() {
            sync(&inner, &Collection::ALL).await;
        }
    });
}

/// `<notification type="server_sync">`: another device changed these collections.
pub(crate) fn on_server_sync(inner: &Arc<Inner>, node: &Node) {
    let collections = iq::parse_server_sync(node);
    if collections.is_empty() {
        return;
    }
    let inner = inner.clone();
    tokio::spawn(async move { sync(&inner, &collections).await });
}

/// Syncs `collections` one after the other (one sync at a time per client).
pub(crate) async fn sync(inner: &Arc<Inner>, collections: &[Collection]) {
    let _guard = inner.app_state.lock.lock().await;
    for c in collections {
        sync_locked(inner, *c).await;
    }
}

/// Why a page did not apply.
enum Failure {
    /// A record or MAC names a key we do not have (raw id, and the error).
    MissingKey(Vec<u8>, String),
    /// Refused by a MAC or the LTHash, or unreadable: a fresh snapshot may mend it.
    Mismatch(String),
    /// The server refused, the connection dropped, the store failed…
    Other(String),
}

impl From<ClientError> for Failure {
    fn from(e: ClientError) -> Self {
        Failure::Other(e.to_string())
    }
}

impl From<AppStateError> for Failure {
    fn from(e: AppStateError) -> Self {
        match &e {
            AppStateError::MissingKey(id) => {
                Failure::MissingKey(hex::decode(id).unwrap_or_default(), e.to_string())
            }
            _ => Failure::Mismatch(e.to_string()),
        }
    }
}

/// Syncs one collection until it is up to date or a failure stops it; the caller holds the
/// sync lock. Returns whether it is up to date.
pub(crate) async fn sync_locked(inner: &Arc<Inner>, c: Collection) -> bool {
    let (mut refetches, mut full_sync) = (0, false);
    let error = |reason: String, recovery| {
        tracing::warn!(collection = %c, %reason, ?recovery, "app state sync failed");
        inner.emit(Event::AppStateSyncError { collection: c.to_string(), reason, recovery });
    };
    for _ in 0..MAX_PAGES + MAX_SNAPSHOT_TRIES {
        match page(inner, c).await {
            Ok(Page { version, more, full }) => {
                full_sync |= full;
                if !more {
                    let collection = c.to_string();
                    inner.emit(Event::AppStateSyncComplete { collection, version, full_sync });
                    return true;
                }
            }
            Err(Failure::MissingKey(id, reason)) if !keys::already_requested(inner, &id) => {
                error(reason, AppStateRecovery::KeyRequested);
                if let Err(e) = keys::request(inner, c, &id).await {
                    tracing::warn!(error = %e, "app state key request not sent");
                }
                return false;
            }
            Err(Failure::MissingKey(_, reason) | Failure::Mismatch(reason)) => {
                if refetches == MAX_SNAPSHOT_TRIES {
                    error(reason, AppStateRecovery::GaveUp);
                    return false;
                }
                refetches += 1;
                error(reason, AppStateRecovery::SnapshotRefetched);
                if let Err(e) = reset(inner, c).await {
                    error(e.to_string(), AppStateRecovery::GaveUp);
                    return false;
                }
            }
            Err(Failure::Other(reason)) => {
                error(reason, AppStateRecovery::GaveUp);
                return false;
            }
        }
    }
    error(format!("more than {MAX_PAGES} pages of patches"), AppStateRecovery::GaveUp);
    false
}

async fn reset(inner: &Inner, c: Collection) -> Result<(), ClientError> {
    let store = inner.app_state_store().await?;
    blocking(move || store.reset_collection(c)).await?.map_err(ClientError::from)
}

/// Where one page left the collection.
struct Page {
    version: u64,
    /// The server has more patches.
    more: bool,
    /// It came from a snapshot.
    full: bool,
}

/// One fetch: the snapshot (at version 0) or the next patches, applied and stored.
async fn page(inner: &Arc<Inner>, c: Collection) -> Result<Page, Failure> {
    let store = inner.app_state_store().await?;
    let read = store.clone();
    let (state, stored) = blocking(move || {
        Ok::<_, crate::store::StoreError>((read.collection_state(c)?, read.value_macs(c)?))
    })
    .await?
    .map_err(ClientError::from)?;
    let full = state.version == 0;
    let fetch = iq::fetch(&[Fetch { collection: c, version: state.version, snapshot: full }]);
    let answer = inner.send_iq(fetch, None).await?;
    let answer = iq::parse_answer(&answer)?
        .into_iter()
        .find(|a| a.collection == Some(c))
        .ok_or_else(|| Failure::Other(format!("the answer has no {c}")))?;
    if let Some((code, text)) = answer.error {
        return Err(Failure::Other(format!("server error {code}: {text}")));
    }
    let snapshot = match &answer.snapshot {
        Some(reference) => Some(fetch_blob::<proto::SyncdSnapshot>(inner, reference).await?),
        None => None,
    };
    let mut patches = answer.patches;
    for patch in &mut patches {
        if let Some(reference) = patch.external_mutations.take() {
            let external = fetch_blob::<proto::SyncdMutations>(inner, &reference).await?;
            patch.mutations = external.mutations;
        }
    }
    let more = answer.has_more_patches;
    if snapshot.is_none() && patches.is_empty() {
        return Ok(Page { version: state.version, more: false, full: false });
    }
    let applied = blocking(move || apply(&*store, c, state, stored, snapshot, &patches)).await??;
    let version = applied.state.version;
    emit(inner, c, applied).await;
    Ok(Page { version, more, full })
}

/// Downloads and decodes an `md-app-state` blob.
async fn fetch_blob<M: prost::Message + Default>(
    inner: &Inner,
    reference: &proto::ExternalBlobReference,
) -> Result<M, Failure> {
    let media = MediaRef::from_blob_reference(reference).map_err(ClientError::from)?;
    let bytes = download(inner, &media).await?;
    M::decode(bytes.as_slice()).map_err(|e| Failure::Mismatch(format!("app state blob: {e}")))
}

/// What a page applied: the state it led to, its mutations (the first `from_snapshot` of
/// them from the snapshot) and their changes.
struct Applied {
    state: HashState,
    mutations: Vec<Mutation>,
    from_snapshot: usize,
}

/// Verifies, decrypts and stores a snapshot and/or patches (on the blocking pool).
fn apply(
    store: &dyn AppStateStore,
    c: Collection,
    state: HashState,
    stored: HashMap<[u8; 32], [u8; 32]>,
    snapshot: Option<proto::SyncdSnapshot>,
    patches: &[proto::SyncdPatch],
) -> Result<Applied, Failure> {
    let keys = |id: &[u8]| -> Option<MutationKeys> {
        store.key(id).ok().flatten().map(|k| MutationKeys::expand(&k.data))
    };
    let (mut state, mut stored, mut macs, mut mutations) =
        (state, stored, MacChanges::default(), vec![]);
    let replace = snapshot.is_some();
    if let Some(snapshot) = &snapshot {
        let decoded = decode_snapshot(c, snapshot, &keys)?;
        state = decoded.state;
        stored = decoded.macs.set().map(|(i, v)| (*i, *v)).collect();
        macs = decoded.macs;
        mutations = decoded.mutations;
    }
    let from_snapshot = mutations.len();
    if !patches.is_empty() {
        let decoded = decode_patches(c, &state, patches, &keys, &stored)?;
        state = decoded.state;
        macs.extend(decoded.macs);
        mutations.extend(decoded.mutations);
    }
    let changes: Vec<Change> = mutations.iter().filter_map(Change::from_mutation).collect();
    store
        .apply(&CollectionUpdate { collection: c, state, replace, macs: &macs, changes: &changes })
        .map_err(|e| Failure::Other(format!("store: {e}")))?;
    Ok(Applied { state, mutations, from_snapshot })
}

/// Emits the changes of a stored page; our own push name also goes to the device.
async fn emit(inner: &Inner, c: Collection, applied: Applied) {
    for (i, m) in applied.mutations.iter().enumerate() {
        let Some(change) = Change::from_mutation(m) else { continue };
        if let Change::PushName { name } = &change {
            let known = inner.device().map(|d| d.push_name == *name).unwrap_or(true);
            if !known && !name.is_empty() {
                let name = name.clone();
                if let Err(e) = inner.update_device(|d| d.push_name = name).await {
                    tracing::warn!(error = %e, "push name not saved");
                }
            }
        }
        inner.emit(Event::AppState(Box::new(AppStateChange {
            collection: c.to_string(),
            change,
            timestamp_ms: m.value.timestamp,
            full_sync: i < applied.from_snapshot,
        })));
    }
}
