//! Persistence. The store traits are split by concern: the Signal ones live beside the
//! protocol ([`crate::signal::store`], with [`StoreError`]), the device's and the messaging
//! caches' and app state's here ([`device`], [`messaging`], [`app_state`]). Their backends:
//! [`memory`], [`sqlite`] and, with the feature `postgres`, `postgres`, one file per concern
//! each; `conformance` (tests) checks all three against the same behaviour. Store code depends on `signal`, never the reverse.
//!
//! The traits are synchronous and every implementation is `Send + Sync` (`&self` methods,
//! interior locking). Async code (the tokio client) calls them directly for the in-memory store
//! and from `tokio::task::spawn_blocking` (or a dedicated thread) for SQLite and PostgreSQL,
//! whose calls touch the disk or the network (PostgreSQL's bridge from these sync calls to its
//! async driver is described in `postgres`).

pub mod app_state;
#[cfg(test)]
mod conformance;
pub(crate) mod decode;
pub mod device;
pub mod memory;
pub mod messaging;
#[cfg(feature = "postgres")]
pub mod postgres;
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
#[cfg(feature = "postgres")]
pub use postgres::{
    PostgresAppStateStore, PostgresDeviceStore, PostgresMessagingStore, PostgresSignalStore,
    PostgresStore,
};
pub use sqlite::{
    SqliteAppStateStore, SqliteDeviceStore, SqliteMessagingStore, SqliteSignalStore, SqliteStore,
};
