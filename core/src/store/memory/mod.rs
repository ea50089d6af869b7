//! The in-memory backends of the store traits, one file per concern: tests, benchmarks and
//! short-lived clients. Nothing survives the process.
mod app_state;
mod device;
mod messaging;
mod signal;

pub use app_state::MemoryAppStateStore;
pub use device::MemoryDeviceStore;
pub use messaging::MemoryMessagingStore;
pub use signal::MemorySignalStore;
