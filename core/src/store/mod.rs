//! Persistence. Store traits are split by concern; the Signal ones are in [`signal`], with an
//! in-memory implementation ([`MemorySignalStore`]) and a SQLite one ([`SqliteSignalStore`]).
//!
//! The traits are synchronous and every implementation is `Send + Sync` (`&self` methods,
//! interior locking). Async code (the tokio client) calls them directly for the in-memory store
//! and from `tokio::task::spawn_blocking` (or a dedicated thread) for SQLite, whose calls touch
//! the disk.

pub mod device;
mod error;
pub mod memory;
pub mod messaging;
pub mod signal;
pub mod sqlite;
pub mod sqlite_device;
mod sqlite_edge_routing;
pub mod sqlite_messaging;

pub use device::{Device, DeviceStore, MemoryDeviceStore};
pub use error::StoreError;
pub use memory::MemorySignalStore;
pub use messaging::{
    DeviceList, MemoryMessagingStore, MessagingStore, SentRecord, RETRY_BUFFER_SIZE,
};
pub use signal::{
    IdentityStore, PreKeyStore, SenderKeyStore, SessionStore, SignalStore, SignedPreKeyStore,
    StoreChanges,
};
pub use sqlite::SqliteSignalStore;
pub use sqlite_device::{SqliteDeviceStore, SqliteStore};
pub use sqlite_messaging::SqliteMessagingStore;
