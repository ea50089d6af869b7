//! App state sync ("syncd"), the client's side: the I/O around the sans-IO [`crate::appstate`].
//!
//! - `keys`: the app state sync keys our phone shares (`appStateSyncKeyShare`), and asking it
//!   for those we miss (`appStateSyncKeyRequest`).
//! - `sync`: fetching collections (a full sync from a snapshot after the first login, the
//!   patches after our version on `server_sync` and on every login), applying and storing them
//!   with the version they lead to, emitting their changes; a MAC or LTHash mismatch refetches
//!   the snapshot, a bounded number of times, and is reported, never a logout.
//! - `patch`: our own mutations (mute, pin, archive…) encoded, uploaded, applied locally once
//!   the server took them; a 409 fetches what we missed and tries again.
//! - `api`: the public methods.
mod api;
mod keys;
mod patch;
mod sync;

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex};

pub(crate) use keys::on_key_share_message;
pub(crate) use sync::{on_login, on_server_sync};

use super::{ClientError, Inner};
use crate::appstate::Collection;
use crate::binary::Jid;
use crate::store::AppStateStore;
use crate::types::MessageInfo;

/// Snapshot refetches per collection and sync before giving up (until the next trigger).
pub(crate) const MAX_SNAPSHOT_TRIES: u32 = 2;
/// Pages of patches fetched per collection and sync (`has_more_patches`), at most.
pub(crate) const MAX_PAGES: u32 = 100;
/// Uploads of one mutation, 409 conflicts included.
pub(crate) const MAX_UPLOAD_TRIES: u32 = 3;
/// Push names remembered as already stored (forgotten all at once past this many).
const KNOWN_PUSH_NAMES: usize = 10_000;

#[derive(Default)]
pub(crate) struct AppStateSync {
    /// Serialises fetching and uploading: both move the stored version of a collection.
    pub(crate) lock: tokio::sync::Mutex<()>,
    /// Key ids already asked of the phone (asked once per session of the client).
    requested: Mutex<HashSet<Vec<u8>>>,
    /// Collections waiting for a key.
    waiting: Mutex<HashSet<Collection>>,
    /// The push name last stored per sender, so that only a change touches the store.
    push_names: Mutex<HashMap<Jid, String>>,
}

/// Keeps the push name (`notify`) of a message's sender in the contacts, as the phone does
/// (whatsmeow `updatePushName`): written when it changed, before the message is acked.
pub(crate) async fn learn_push_name(inner: &Arc<Inner>, info: &MessageInfo) {
    let Some(name) = info.push_name.as_deref().filter(|n| !n.is_empty()) else { return };
    if info.is_from_me {
        return;
    }
    // The contact under each identity the stanza names (a LID sender's phone number too).
    let jids: Vec<Jid> = std::iter::once(&info.sender)
        .chain(info.sender_alt.as_ref())
        .map(Jid::to_non_ad)
        .filter(|jid| {
            super::lock(&inner.app_state.push_names).get(jid).map(String::as_str) != Some(name)
        })
        .collect();
    if jids.is_empty() {
        return;
    }
    let names: Vec<(Jid, String)> = jids.iter().map(|j| (j.clone(), name.to_owned())).collect();
    let written = store_push_names(inner, names).await;
    match written {
        Ok(()) => {
            let mut known = super::lock(&inner.app_state.push_names);
            if known.len() >= KNOWN_PUSH_NAMES {
                known.clear();
            }
            known.extend(jids.into_iter().map(|j| (j, name.to_owned())));
        }
        Err(e) => tracing::warn!(error = %e, sender = %info.sender, "push name not stored"),
    }
}

/// Stores others' push names in the contacts (only a change is written).
pub(crate) async fn store_push_names(
    inner: &Inner,
    names: Vec<(Jid, String)>,
) -> Result<(), ClientError> {
    let store = inner.app_state_store().await?;
    super::blocking(move || store.put_push_names(&names)).await?.map_err(ClientError::from)
}

/// Sets the account's push name in app state (`critical_block`, `setting_pushName`), where
/// every device of the account reads it from, ours included on its next sync.
pub(crate) async fn upload_push_name(inner: &Arc<Inner>, name: &str) -> Result<(), ClientError> {
    patch::send(inner, vec![crate::appstate::MutationSpec::push_name(name)]).await
}

impl Inner {
    /// The account's app state store.
    pub(crate) async fn app_state_store(&self) -> Result<Arc<dyn AppStateStore>, ClientError> {
        self.with_store(|store| store.app_state_store()).await
    }
}
