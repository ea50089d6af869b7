//! What every connection task and control handler shares: the state, the PKI, the live
//! connections of logged-in devices, and the server's own addresses.
use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, MutexGuard};

use tokio::sync::watch;

use crate::conn::ConnHandle;
use crate::media::MediaStore;
use crate::pki::Pki;
use crate::state::State;

/// The addresses the server announces (its ready line, media_conn hosts).
#[derive(Debug, Clone)]
pub struct Addresses {
    pub ws_url: String,
    pub control_url: String,
    pub media_url: String,
    /// `host:port` of the media host, as media_conn's `<host hostname>` gives it.
    pub media_host: String,
}

pub struct Shared {
    state: Mutex<State>,
    pub pki: Pki,
    /// Logged-in connections by (phone, device).
    conns: Mutex<HashMap<(String, u16), ConnHandle>>,
    next_conn_id: AtomicU64,
    pub addresses: Addresses,
    /// Uploaded media.
    pub media: MediaStore,
    shutdown: watch::Sender<bool>,
}

impl Shared {
    pub fn new(state: State, pki: Pki, addresses: Addresses, media: MediaStore) -> Self {
        Self {
            state: Mutex::new(state),
            pki,
            conns: Mutex::new(HashMap::new()),
            next_conn_id: AtomicU64::new(1),
            addresses,
            media,
            shutdown: watch::channel(false).0,
        }
    }

    /// The state lock. A panic while holding it cannot leave half-applied protocol state that
    /// matters more than serving on, so a poisoned lock is taken over.
    pub fn state(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn conns(&self) -> MutexGuard<'_, HashMap<(String, u16), ConnHandle>> {
        self.conns.lock().unwrap_or_else(|p| p.into_inner())
    }

    pub fn next_conn_id(&self) -> u64 {
        self.next_conn_id.fetch_add(1, Ordering::Relaxed)
    }

    /// Registers a logged-in connection; returns the one it replaces, if any.
    pub fn register_conn(&self, phone: &str, device: u16, conn: ConnHandle) -> Option<ConnHandle> {
        self.conns().insert((phone.to_owned(), device), conn)
    }

    /// Unregisters a connection, unless another one replaced it meanwhile.
    pub fn unregister_conn(&self, phone: &str, device: u16, conn_id: u64) {
        let mut conns = self.conns();
        let key = (phone.to_owned(), device);
        if conns.get(&key).is_some_and(|c| c.id == conn_id) {
            conns.remove(&key);
        }
    }

    pub fn conn_of(&self, phone: &str, device: u16) -> Option<ConnHandle> {
        self.conns().get(&(phone.to_owned(), device)).cloned()
    }

    /// Every live connection of an account's companions.
    pub fn conns_of_account(&self, phone: &str) -> Vec<(u16, ConnHandle)> {
        self.conns()
            .iter()
            .filter(|((p, _), _)| p == phone)
            .map(|((_, d), c)| (*d, c.clone()))
            .collect()
    }

    /// Changes when the server shuts down; connection tasks watch it.
    pub fn shutdown_signal(&self) -> watch::Receiver<bool> {
        self.shutdown.subscribe()
    }

    /// Tells every connection task to close.
    pub fn shut_down(&self) {
        self.shutdown.send_replace(true);
    }
}
