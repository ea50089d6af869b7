//! Persistence. The store traits are split by concern: the Signal ones live beside the
//! protocol ([`crate::signal::store`], with [`StoreError`]), the device's and the messaging
//! caches' and app state's here ([`device`], [`messaging`], [`app_state`]). Their backends: [`memory`] and [`sqlite`], one file
//! per concern each. Store code depends on `signal`, never the reverse.
//!
//! The traits are synchronous and every implementation is `Send + Sync` (`&self` methods,
//! interior locking). Async code (the tokio client) calls them directly for the in-memory store
//! and from `tokio::task::spawn_blocking` (or a dedicated thread) for SQLite, whose calls touch
//! the disk.

pub mod app_state;
pub mod device;
pub mod memory;
pub mod messaging;
pub mod sqlite;

pub use crate::signal::store::{
    IdentityStore, PreKeyStore, SenderKeyStore, SessionStore, SignalStore, SignedPreKeyStore,
    StoreChanges, StoreError,
};
pub use app_state::{AppStateKey, AppStateStore, ChatSettings, CollectionUpdate, Contact, Label};
pub use device::{Device, DeviceStore};
pub use memory::{MemoryAppStateStore, MemoryDeviceStore, MemoryMessagingStore, MemorySignalStore};
pub use messaging::{
    DeviceList, MessagingStore, PollRecord, PollVoteRecord, SentRecord, RETRY_BUFFER_SIZE,
};
pub use sqlite::{
    SqliteAppStateStore, SqliteDeviceStore, SqliteMessagingStore, SqliteSignalStore, SqliteStore,
};
