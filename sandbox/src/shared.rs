//! What every connection task and control handler shares: the state, the PKI, the live
//! connections of logged-in devices, and the server's own addresses.
use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, MutexGuard};

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use tokio::sync::{mpsc, watch};
use wazap::store::SqliteSignalStore;

use crate::conn::ConnHandle;
use crate::faults::{FaultSpec, Faults};
use crate::handlers::edge_routing::EdgeRouting;
use crate::media::MediaStore;
use crate::phone::{signal_store, InboxEntry, MAX_INBOX};
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
    /// The phones' Signal stores, opened on first use.
    phones: Mutex<HashMap<String, Arc<SqliteSignalStore>>>,
    /// One lock per phone, held while it encrypts or decrypts: its Signal sessions are read,
    /// advanced and written back whole, so two at once would lose one's update (a counter used
    /// twice, a chain step forgotten).
    phone_crypto: Mutex<HashMap<String, Arc<Mutex<()>>>>,
    /// Where phone stores live (`DIR/phones`), `None` in memory.
    phones_dir: Option<PathBuf>,
    /// Wakes the phone worker.
    phone_wake: mpsc::UnboundedSender<String>,
    /// Edge routing info handed out and received back.
    pub edge_routing: EdgeRouting,
    /// One-way delay of every stanza sent to a client ([`crate::SandboxConfig::latency`]).
    pub latency: Duration,
    /// [`crate::SandboxConfig::login_time`].
    pub login_time: Duration,
    /// The faults in force ([`crate::faults`]).
    pub faults: Faults,
}

/// What [`Shared::new`] needs besides the state.
pub struct SharedParts {
    pub pki: Pki,
    pub addresses: Addresses,
    pub media: MediaStore,
    pub phones_dir: Option<PathBuf>,
    pub phone_wake: mpsc::UnboundedSender<String>,
    pub latency: Duration,
    pub login_time: Duration,
    pub faults: FaultSpec,
}

impl Shared {
    pub fn new(state: State, parts: SharedParts) -> Self {
        Self {
            state: Mutex::new(state),
            pki: parts.pki,
            conns: Mutex::new(HashMap::new()),
            next_conn_id: AtomicU64::new(1),
            addresses: parts.addresses,
            media: parts.media,
            shutdown: watch::channel(false).0,
            phones: Mutex::new(HashMap::new()),
            phone_crypto: Mutex::new(HashMap::new()),
            phones_dir: parts.phones_dir,
            phone_wake: parts.phone_wake,
            edge_routing: EdgeRouting::default(),
            latency: parts.latency,
            login_time: parts.login_time,
            faults: Faults::new(parts.faults),
        }
    }

    /// The Signal store of the phone of `phone` (`None` for an unknown account or a store that
    /// cannot be opened, which is logged).
    pub fn phone_store(&self, phone: &str) -> Option<Arc<SqliteSignalStore>> {
        let mut phones = self.phones.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(store) = phones.get(phone) {
            return Some(store.clone());
        }
        let keys = self.state().account(phone)?.primary.clone();
        match signal_store::open(self.phones_dir.as_deref(), phone, &keys) {
            Ok(store) => {
                let store = Arc::new(store);
                phones.insert(phone.to_owned(), store.clone());
                Some(store)
            }
            Err(e) => {
                tracing::error!(%phone, error = %e, "cannot open the phone's Signal store");
                None
            }
        }
    }

    /// The lock of `phone`'s Signal work (see the field); hold the returned guard's owner.
    pub fn phone_crypto_lock(&self, phone: &str) -> Arc<Mutex<()>> {
        let mut locks = self.phone_crypto.lock().unwrap_or_else(|p| p.into_inner());
        locks.entry(phone.to_owned()).or_default().clone()
    }

    /// Throws away the phone's Signal store (a reinstall): the next [`Shared::phone_store`]
    /// opens a new one seeded from the account's current keys.
    pub fn reset_phone_store(&self, phone: &str) {
        let mut phones = self.phones.lock().unwrap_or_else(|p| p.into_inner());
        phones.remove(phone);
        if let Some(dir) = &self.phones_dir {
            for suffix in ["", "-wal", "-shm"] {
                let path = dir.join(format!("{phone}.sqlite{suffix}"));
                if let Err(e) = std::fs::remove_file(&path) {
                    if e.kind() != std::io::ErrorKind::NotFound {
                        tracing::warn!(path = %path.display(), error = %e, "cannot remove");
                    }
                }
            }
        }
    }

    /// Tells the phone worker that something waits for the phone of `phone`.
    pub fn wake_phone(&self, phone: &str) {
        let _ = self.phone_wake.send(phone.to_owned());
    }

    /// Adds an entry to a phone's inbox.
    pub fn record(&self, phone: &str, entry: InboxEntry) {
        let mut state = self.state();
        let inbox = state.durable.inboxes.entry(phone.to_owned()).or_default();
        if inbox.len() >= MAX_INBOX {
            inbox.remove(0);
        }
        inbox.push(entry);
        state.save();
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
