//! A user's mutable settings, shared by the HTTP handlers, the event pump and the webhook worker.
use std::sync::{Arc, RwLock, RwLockReadGuard, RwLockWriteGuard};

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Settings {
    pub name: String,
    /// Where events are POSTed; empty disables delivery.
    pub webhook: String,
    /// Subscribed event types (empty: all).
    pub events: Vec<String>,
    /// When not empty, each delivery carries `x-hmac-signature: hex(HMAC-SHA256(key, body))`.
    pub hmac_key: String,
}

#[derive(Debug, Clone, Default)]
pub struct SharedSettings(Arc<RwLock<Settings>>);

impl SharedSettings {
    pub fn new(settings: Settings) -> Self {
        Self(Arc::new(RwLock::new(settings)))
    }

    pub fn read(&self) -> RwLockReadGuard<'_, Settings> {
        self.0.read().unwrap_or_else(|p| p.into_inner())
    }

    pub fn write(&self) -> RwLockWriteGuard<'_, Settings> {
        self.0.write().unwrap_or_else(|p| p.into_inner())
    }

    pub fn snapshot(&self) -> Settings {
        self.read().clone()
    }
}
