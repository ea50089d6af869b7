//! The SQLite backends of the store traits (rusqlite, bundled), one file per concern, all in
//! one database file: [`SqliteStore`] opens it and hands out the accounts it holds
//! ([`SqliteDeviceStore`], `device.rs`), each with its Signal state ([`SqliteSignalStore`],
//! `signal.rs`; its tables' migrations in `migrations.rs`), messaging caches
//! ([`SqliteMessagingStore`], `messaging.rs`; its polls and votes in `polls.rs`), app state
//! ([`SqliteAppStateStore`], `app_state.rs`) and edge-routing info (`edge_routing.rs`).
//! `open.rs` opens the file (WAL, `synchronous = FULL`, busy retries), `schema.rs` versions
//! each component's tables.
mod app_state;
mod device;
mod edge_routing;
mod messaging;
mod migrations;
pub(crate) mod open;
mod polls;
pub(crate) mod schema;
mod signal;

pub use app_state::SqliteAppStateStore;
pub use device::{SqliteDeviceStore, SqliteStore};
pub use messaging::SqliteMessagingStore;
pub use signal::SqliteSignalStore;
