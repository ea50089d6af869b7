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

use std::collections::HashSet;
use std::sync::{Arc, Mutex};

pub(crate) use keys::on_key_share_message;
pub(crate) use sync::{on_login, on_server_sync};

use super::{ClientError, Inner};
use crate::appstate::Collection;
use crate::store::AppStateStore;

/// Snapshot refetches per collection and sync before giving up (until the next trigger).
pub(crate) const MAX_SNAPSHOT_TRIES: u32 = 2;
/// Pages of patches fetched per collection and sync (`has_more_patches`), at most.
pub(crate) const MAX_PAGES: u32 = 100;
/// Uploads of one mutation, 409 conflicts included.
pub(crate) const MAX_UPLOAD_TRIES: u32 = 3;

#[derive(Default)]
pub(crate) struct AppStateSync {
    /// Serialises fetching and uploading: both move the stored version of a collection.
    pub(crate) lock: tokio::sync::Mutex<()>,
    /// Key ids already asked of the phone (asked once per session of the client).
    requested: Mutex<HashSet<Vec<u8>>>,
    /// Collections waiting for a key.
    waiting: Mutex<HashSet<Collection>>,
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
