//! The registry of live clients. A `wazap_client *` is not an address: it encodes an id that is
//! never reused, looked up here on every call. A freed or made-up handle is therefore reported
//! as `WAZAP_INVALID_HANDLE` instead of touching freed memory.
use std::collections::BTreeMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};

use wazap::Client;

use crate::error::FfiError;
use crate::events::Hub;
use crate::result::wazap_result::*;

/// An opaque client handle. Create with `wazap_client_new`, free with `wazap_client_free`.
#[allow(non_camel_case_types)]
pub struct wazap_client {
    _opaque: [u8; 0],
}

/// What a handle stands for.
pub(crate) struct Entry {
    pub(crate) client: Client,
    pub(crate) hub: Arc<Hub>,
}

static LIVE: Mutex<BTreeMap<usize, Arc<Entry>>> = Mutex::new(BTreeMap::new());
static NEXT_ID: AtomicUsize = AtomicUsize::new(1);

fn live() -> MutexGuard<'static, BTreeMap<usize, Arc<Entry>>> {
    LIVE.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// Registers `entry`; returns its handle (never NULL, never reused).
pub(crate) fn register(entry: Entry) -> *mut wazap_client {
    // Ids step by 8 so that handles look like aligned pointers to tools that print them.
    let id = NEXT_ID.fetch_add(1, Ordering::Relaxed) << 3;
    live().insert(id, Arc::new(entry));
    id as *mut wazap_client
}

/// The live client behind `handle`.
pub(crate) fn get(handle: *const wazap_client) -> Result<Arc<Entry>, FfiError> {
    if handle.is_null() {
        return Err(FfiError::new(WAZAP_NULL_POINTER, "client is NULL"));
    }
    live().get(&(handle as usize)).cloned().ok_or_else(invalid)
}

/// Removes `handle` from the registry; `None` if it was not live.
pub(crate) fn remove(handle: *const wazap_client) -> Option<Arc<Entry>> {
    live().remove(&(handle as usize))
}

pub(crate) fn invalid() -> FfiError {
    FfiError::new(WAZAP_INVALID_HANDLE, "the client handle was freed or is not a wazap client")
}
