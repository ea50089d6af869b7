//! What app state sync reports: each change another device (or this one) made to the
//! account's contacts and chat settings, the end of a collection's sync, and a sync that went
//! wrong and how the client recovers.
use serde::{Deserialize, Serialize};

use crate::appstate::Change;

/// One change of the account's app state (whatsmeow's `events.Contact`, `events.Mute`,
/// `events.Archive`… in one type): `change` says what, typed by its `kind`. The store is
/// already updated when it is emitted.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AppStateChange {
    /// The collection it came in (`critical_unblock_low`, `regular_high`…).
    pub collection: String,
    #[serde(flatten)]
    pub change: Change,
    /// When the device that made it made it (unix milliseconds), if it says.
    pub timestamp_ms: Option<i64>,
    /// It came with a snapshot (a first or recovering sync) rather than as a new patch.
    pub full_sync: bool,
}

/// What the client does about a collection it could not sync.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum AppStateRecovery {
    /// A key is missing: asked our phone for it; the sync resumes when it arrives.
    KeyRequested,
    /// A MAC or LTHash did not match (or the data was unreadable): the collection's snapshot
    /// is fetched again.
    SnapshotRefetched,
    /// Recovery ran out of tries (or the server refused): the collection waits for the next
    /// `server_sync` or reconnect. The device stays logged in.
    GaveUp,
}
