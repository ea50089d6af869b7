//! The client: one linked device's connection to WhatsApp.
//!
//! - `config`: [`ClientConfig`].
//! - `connection`: websocket + Noise, the read loop, the write queue, the supervisor that
//!   reconnects (`reconnect` computes the delays).
//! - `iq`: request/response correlation; `keepalive`: pings.
//! - `dispatch`: routes received stanzas by tag (for one connection's `session`); `login`
//!   handles `success`, `failure` and
//!   `stream:error`; `pairing` and `pair_code` link the device; `prekeys` keeps one-time
//!   prekeys on the server.
//! - `events`: the event subscriptions ([`Events`]).
//! - Messaging: `send` (encrypt and send, wait for the ack), `outbox` (what is written and
//!   not acked yet, written again after a reconnect), `receive` (decrypt, commit, emit,
//!   receipt, ack), `receipt` (receipt events, answering retry receipts), `devices` (usync
//!   device lists, group participants, prekey bundles), `messaging` (their caches and the
//!   retry buffer), `presence`; `api` holds the public methods.
//! - App state: `app_state` (keys, syncing the five collections, our own mutations, the
//!   contacts and chat settings methods).
//! - Groups and users: `groups` (the `w:g2` methods, the participants cache, `w:gp2`
//!   notifications), `users` (on-WhatsApp checks, user info, profile pictures).
//!
//! Everything runs on the core's shared runtime ([`crate::runtime`]); the public async methods
//! only exchange messages with it, so they work from any executor.
mod api;
mod app_state;
pub mod config;
mod connection;
mod devices;
mod dispatch;
mod download;
mod edge_routing;
mod error;
pub mod events;
mod groups;
mod history_sync;
mod identity;
mod iq;
mod keepalive;
mod login;
mod media_conn;
mod messaging;
mod order;
mod outbox;
mod pair_code;
mod pairing;
mod polls;
mod prekeys;
pub mod presence;
mod receipt;
mod receipt_mode;
mod receive;
mod reconnect;
mod send;
mod session;
mod upload;
mod users;

use std::future::Future;
use std::sync::atomic::{AtomicBool, AtomicI64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, OnceLock};
use std::time::Duration;

use rand::rngs::OsRng;

/// The proxy module lives in the transport ([`crate::socket::proxy`]); named here too.
pub use crate::socket::proxy::{self, Proxy, ProxyError};
pub use config::{ClientConfig, KeepaliveConfig, PreKeyConfig, ReconnectConfig};
pub use error::ClientError;
pub use events::Events;
pub use polls::PollResults;
pub use presence::{ChatState, ChatStateMedia, Presence};
pub(crate) use send::unix_now_ms;
pub use send::SendResult;

use crate::binary::{Jid, Node, Server};
use crate::media::MediaRef;
use crate::pair::CompanionClientType;
use crate::runtime;
use crate::store::{Device, DeviceStore, SignalStore, StoreError};
use crate::types::{Event, HistorySync};

use connection::{Conn, RunHandle};
use events::EventBus;
use iq::{IqTracker, RequestIds};

/// State shared by the public handle and the tasks on the runtime.
pub(crate) struct Inner {
    pub(crate) config: ClientConfig,
    store: Arc<dyn DeviceStore>,
    /// The device as last loaded or saved.
    device: Mutex<Option<Device>>,
    pub(crate) events: EventBus,
    pub(crate) iq: IqTracker,
    ids: RequestIds,
    /// The live connection, if any.
    conn: Mutex<Option<Conn>>,
    /// The supervisor of the current connect() session.
    run: tokio::sync::Mutex<Option<RunHandle>>,
    logged_in: AtomicBool,
    /// A connect() session is running (connected, or reconnecting).
    pub(crate) session_active: AtomicBool,
    /// Server time minus local time, seconds (from `success t`).
    server_time_offset: AtomicI64,
    /// A pending phone-code pairing.
    pub(crate) code_pairing: Mutex<Option<pair_code::PendingCodePairing>>,
    /// Serialises prekey uploads.
    pub(crate) pre_key_lock: tokio::sync::Mutex<()>,
    /// Device lists, LIDs, retry buffer, sender key holders (see `messaging`).
    pub(crate) messaging: messaging::MessagingState,
    /// Stanzas written and not acked yet, written again after a reconnect.
    pub(crate) outbox: outbox::Outbox,
    /// Media downloads: the HTTP client (made on first use) and the cached media hosts.
    http: OnceLock<reqwest::Client>,
    media_conn: tokio::sync::Mutex<Option<media_conn::MediaConn>>,
    /// Feeds the history-sync download task (started by the first notification).
    history_queue:
        Mutex<Option<tokio::sync::mpsc::UnboundedSender<crate::proto::HistorySyncNotification>>>,
    /// App state sync: its lock, the keys asked for, the collections waiting for one.
    app_state: app_state::AppStateSync,
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

impl Inner {
    pub(crate) fn emit(&self, event: Event) {
        self.events.emit(event);
    }

    pub(crate) fn current_conn(&self) -> Option<Conn> {
        lock(&self.conn).clone()
    }

    pub(crate) fn set_conn(&self, conn: Option<Conn>) {
        *lock(&self.conn) = conn;
    }

    /// Clears the connection slot if it still holds connection `id`.
    pub(crate) fn clear_conn(&self, id: u64) {
        let mut slot = lock(&self.conn);
        if slot.as_ref().is_some_and(|c| c.id == id) {
            *slot = None;
        }
    }

    pub(crate) fn set_logged_in(&self, value: bool) {
        self.logged_in.store(value, Ordering::SeqCst);
    }

    pub(crate) fn set_server_time_offset(&self, offset: i64) {
        self.server_time_offset.store(offset, Ordering::Relaxed);
    }

    pub(crate) fn next_id(&self) -> String {
        self.ids.next()
    }

    /// The cached device (loaded by [`Inner::ensure_device`]).
    pub(crate) fn device(&self) -> Result<Device, ClientError> {
        lock(&self.device).clone().ok_or(ClientError::NoDevice)
    }

    /// Runs a store call on the blocking pool (SQLite touches the disk).
    pub(crate) async fn with_store<T, F>(&self, f: F) -> Result<T, ClientError>
    where
        T: Send + 'static,
        F: FnOnce(&dyn DeviceStore) -> Result<T, StoreError> + Send + 'static,
    {
        let store = self.store.clone();
        blocking(move || f(&*store)).await?.map_err(ClientError::from)
    }

    /// Loads the device, or creates and saves a fresh one.
    pub(crate) async fn ensure_device(&self) -> Result<Device, ClientError> {
        if let Ok(device) = self.device() {
            return Ok(device);
        }
        let (device, messaging) = self
            .with_store(|store| {
                let device = match store.load_device()? {
                    Some(device) => device,
                    None => {
                        let device = Device::generate(&mut OsRng);
                        store.save_device(&device)?;
                        device
                    }
                };
                Ok((device, store.messaging_store()?))
            })
            .await?;
        self.messaging.attach(messaging);
        *lock(&self.device) = Some(device.clone());
        Ok(device)
    }

    /// Applies `change` to the device and saves it.
    pub(crate) async fn update_device<F>(&self, change: F) -> Result<Device, ClientError>
    where
        F: FnOnce(&mut Device),
    {
        let mut device = self.device()?;
        change(&mut device);
        let saved = device.clone();
        self.with_store(move |store| store.save_device(&saved)).await?;
        *lock(&self.device) = Some(device.clone());
        Ok(device)
    }

    /// Deletes the device and all its keys (logged out).
    pub(crate) async fn wipe_device(&self) -> Result<(), ClientError> {
        *lock(&self.device) = None;
        self.messaging.reset();
        self.with_store(|store| store.delete_device()).await
    }

    pub(crate) async fn signal_store(&self) -> Result<Arc<dyn SignalStore>, ClientError> {
        let device = self.device()?;
        self.with_store(move |store| store.signal_store(&device)).await
    }

    /// Queues `node` on the live connection.
    pub(crate) async fn send_node(&self, node: Node) -> Result<(), ClientError> {
        let conn = self.current_conn().ok_or(ClientError::NotConnected)?;
        conn.send(&node).await
    }

    /// Sends `node` (whose `id` is `id`) and waits up to `limit` for the stanza that answers
    /// it (an iq result or error, or the server's ack of a message).
    pub(crate) async fn send_and_wait(
        &self,
        node: Node,
        id: &str,
        limit: Duration,
    ) -> Result<Node, ClientError> {
        self.send_expecting(node, id).await?.answer(limit).await
    }

    /// Sends `node` and registers for its answer, to be awaited with [`Expected::answer`]
    /// (the caller may release locks in between).
    pub(crate) async fn send_expecting(
        &self,
        node: Node,
        id: &str,
    ) -> Result<Expected<'_>, ClientError> {
        let rx = self.iq.register(id.to_owned());
        if let Err(e) = self.send_node(node).await {
            self.iq.cancel(id);
            return Err(e);
        }
        Ok(Expected { inner: self, id: id.to_owned(), rx })
    }

    /// Sends an iq and waits for its answer (at most `timeout`, or the configured default).
    /// An `<iq type="error">` answer is [`ClientError::ServerError`].
    pub(crate) async fn send_iq(
        &self,
        mut node: Node,
        timeout: Option<Duration>,
    ) -> Result<Node, ClientError> {
        let id = self.next_id();
        node.set_attr("id", id.clone());
        let limit = timeout.unwrap_or(self.config.iq_timeout);
        let response = self.send_and_wait(node, &id, limit).await?;
        if response.attr_str("type") == Some("error") {
            let error = response.child_by_tag("error");
            let code = error.and_then(|e| e.attr_str("code")).and_then(|c| c.parse().ok());
            let text = error.and_then(|e| e.attr_str("text")).unwrap_or_default().to_owned();
            return Err(ClientError::ServerError { code: code.unwrap_or(0), text });
        }
        Ok(response)
    }
}

/// Runs `f` on the blocking pool (disk, CPU-heavy work); a panic there is
/// [`ClientError::Panicked`].
pub(crate) async fn blocking<T, F>(f: F) -> Result<T, ClientError>
where
    F: FnOnce() -> T + Send + 'static,
    T: Send + 'static,
{
    tokio::task::spawn_blocking(f).await.map_err(|e| match e.try_into_panic() {
        Ok(payload) => ClientError::Panicked(runtime::panic_message(&*payload)),
        Err(_) => ClientError::RuntimeGone,
    })
}

/// The answer to a stanza sent by [`Inner::send_expecting`].
pub(crate) struct Expected<'a> {
    inner: &'a Inner,
    id: String,
    rx: tokio::sync::oneshot::Receiver<Node>,
}

impl Expected<'_> {
    /// Waits up to `limit` for the answer.
    pub(crate) async fn answer(self, limit: Duration) -> Result<Node, ClientError> {
        match tokio::time::timeout(limit, self.rx).await {
            Err(_) => {
                self.inner.iq.cancel(&self.id);
                Err(ClientError::IqTimeout)
            }
            Ok(Err(_)) => Err(ClientError::Disconnected),
            Ok(Ok(answer)) => Ok(answer),
        }
    }
}

/// Runs `future` on the shared runtime and awaits it from any executor; a panic there is
/// [`ClientError::Panicked`], a runtime shutting down [`ClientError::RuntimeGone`].
pub(crate) async fn hop<T, F>(future: F) -> Result<T, ClientError>
where
    F: Future<Output = Result<T, ClientError>> + Send + 'static,
    T: Send + 'static,
{
    runtime::run(future).await?
}

/// A `<iq xmlns type to="s.whatsapp.net">` with the given children.
pub(crate) fn server_iq(xmlns: &'static str, kind: &'static str, children: Vec<Node>) -> Node {
    let iq = Node::new("iq")
        .attr("xmlns", xmlns)
        .attr("type", kind)
        .attr("to", Jid::server_only(Server::Pn));
    if children.is_empty() {
        iq
    } else {
        iq.children(children)
    }
}

/// One WhatsApp account's linked device. Cheap to clone (a shared handle); many clients can
/// live in one process and share the core's runtime. When the last clone is dropped, the
/// connection is closed (as by [`Client::disconnect`]) and event subscriptions end.
#[derive(Clone)]
pub struct Client {
    inner: Arc<Inner>,
    _owner: Arc<Owner>,
}

impl std::fmt::Debug for Client {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Client")
            .field("jid", &self.jid())
            .field("connected", &self.is_connected())
            .field("logged_in", &self.is_logged_in())
            .finish()
    }
}

/// Stops the session when the last [`Client`] clone goes away (the runtime's tasks only hold
/// [`Inner`], so they would otherwise keep the connection alive forever).
struct Owner {
    inner: Arc<Inner>,
}

impl Drop for Owner {
    fn drop(&mut self) {
        if let Ok(mut run) = self.inner.run.try_lock() {
            if let Some(run) = run.take() {
                run.stop();
            }
        }
    }
}

impl Client {
    /// A client over `store` (one account). Nothing is loaded or connected until
    /// [`Client::connect`].
    pub fn new(store: Arc<dyn DeviceStore>, config: ClientConfig) -> Self {
        let inner = Arc::new(Inner {
            config,
            store,
            device: Mutex::new(None),
            events: EventBus::default(),
            iq: IqTracker::default(),
            ids: RequestIds::new(),
            conn: Mutex::new(None),
            run: tokio::sync::Mutex::new(None),
            logged_in: AtomicBool::new(false),
            session_active: AtomicBool::new(false),
            server_time_offset: AtomicI64::new(0),
            code_pairing: Mutex::new(None),
            pre_key_lock: tokio::sync::Mutex::new(()),
            messaging: messaging::MessagingState::default(),
            outbox: outbox::Outbox::default(),
            http: OnceLock::new(),
            media_conn: tokio::sync::Mutex::new(None),
            history_queue: Mutex::new(None),
            app_state: app_state::AppStateSync::default(),
        });
        Self { _owner: Arc::new(Owner { inner: inner.clone() }), inner }
    }

    /// Hands `f`'s work to the shared runtime (see [`hop`]); every public async method that
    /// needs the client's state goes through here.
    pub(crate) async fn on_runtime<T, F, Fut>(&self, f: F) -> Result<T, ClientError>
    where
        F: FnOnce(Arc<Inner>) -> Fut,
        Fut: Future<Output = Result<T, ClientError>> + Send + 'static,
        T: Send + 'static,
    {
        hop(f(self.inner.clone())).await
    }

    pub fn config(&self) -> &ClientConfig {
        &self.inner.config
    }

    /// A new subscription to this client's events.
    pub fn events(&self) -> Events {
        self.inner.events.subscribe()
    }

    /// Connects: websocket, Noise handshake with the login payload (or the registration payload
    /// when the device is not paired yet, after which QR events follow). Returns once the
    /// handshake succeeded; `Connected` is emitted when the server accepted the login. From then
    /// on the client stays connected by itself until [`Client::disconnect`].
    pub async fn connect(&self) -> Result<(), ClientError> {
        self.on_runtime(connection::start).await
    }

    /// Closes the connection and stops reconnecting; the pairing is kept.
    pub async fn disconnect(&self) {
        // Nothing to report: a lost task leaves nothing connected either.
        let _ = self
            .on_runtime(|inner| async move {
                connection::stop(inner).await;
                Ok(())
            })
            .await;
    }

    /// Unlinks this device (`remove-companion-device`), disconnects and deletes its keys.
    pub async fn logout(&self) -> Result<(), ClientError> {
        self.on_runtime(login::logout).await
    }

    /// Starts pairing by phone number instead of a QR scan: returns the code (`XXXX-XXXX`) the
    /// user types into the phone ("Link with phone number"). Call after [`Client::connect`] on
    /// an unpaired device, once the first QR event arrived. `client_type` and `display_name` are
    /// what the phone shows.
    pub async fn pair_phone(
        &self,
        phone: &str,
        show_push_notification: bool,
        client_type: CompanionClientType,
        display_name: &str,
    ) -> Result<String, ClientError> {
        let (phone, display_name) = (phone.to_owned(), display_name.to_owned());
        self.on_runtime(|inner| async move {
            let name = &display_name;
            pair_code::pair_phone(&inner, &phone, show_push_notification, client_type, name).await
        })
        .await
    }

    /// Downloads, verifies and decrypts a media file (see [`MediaRef::from_message`]). The
    /// hosts come from the server (`media_conn`), so the client must be logged in.
    pub async fn download(&self, media: &MediaRef) -> Result<Vec<u8>, ClientError> {
        let media = media.clone();
        self.on_runtime(|inner| async move { download::download(&inner, &media).await }).await
    }

    /// Encrypts `data` with a fresh media key and uploads it; the result goes into a media
    /// message ([`crate::media::UploadedMedia::message`]; [`Client::send_media`] does both). Needs a logged-in client (the hosts and
    /// the upload token come from the server).
    pub async fn upload(
        &self,
        data: Vec<u8>,
        media_type: crate::crypto::media::MediaType,
    ) -> Result<crate::media::UploadedMedia, ClientError> {
        self.on_runtime(|inner| async move { upload::upload(&inner, data, media_type).await }).await
    }

    /// Downloads and decodes the history-sync blob `notification` announces (or its inline
    /// payload) and saves its phone-number↔LID pairs. The client does this by itself unless
    /// [`ClientConfig::download_history`] is off; this returns what the event would carry.
    pub async fn download_history_sync(
        &self,
        notification: &crate::proto::HistorySyncNotification,
    ) -> Result<HistorySync, ClientError> {
        let notification = notification.clone();
        self.on_runtime(|inner| async move { history_sync::fetch(&inner, &notification).await })
            .await
    }

    /// Sends an iq and waits for the answer; for features built on the client.
    pub async fn send_iq(
        &self,
        node: Node,
        timeout: Option<Duration>,
    ) -> Result<Node, ClientError> {
        self.on_runtime(|inner| async move { inner.send_iq(node, timeout).await }).await
    }

    /// Sends a stanza without waiting for an answer.
    pub async fn send_node(&self, node: Node) -> Result<(), ClientError> {
        self.on_runtime(|inner| async move { inner.send_node(node).await }).await
    }

    /// The QR code to show now: set by each `Qr` event, gone once the device paired or logged
    /// in, the codes expired, or the connection ended (see [`events`]).
    pub fn qr(&self) -> Option<String> {
        self.inner.events.qr()
    }

    /// Waits up to `limit` for a QR code to show; `None` if none came.
    pub async fn wait_qr(&self, limit: Duration) -> Option<String> {
        self.inner.events.wait_qr(limit).await
    }

    /// Whether a connection is up (logged in or not).
    pub fn is_connected(&self) -> bool {
        self.inner.current_conn().is_some()
    }

    /// Whether the server accepted our login on the current connection.
    pub fn is_logged_in(&self) -> bool {
        self.inner.logged_in.load(Ordering::SeqCst)
    }

    /// The device as loaded (after connect), if any.
    pub fn device(&self) -> Option<Device> {
        self.inner.device().ok()
    }

    /// Our device JID, once paired.
    pub fn jid(&self) -> Option<Jid> {
        self.device().and_then(|d| d.jid)
    }

    /// Our LID, once paired.
    pub fn lid(&self) -> Option<Jid> {
        self.device().and_then(|d| d.lid)
    }

    /// Server time minus local time, in seconds, as of the last login.
    pub fn server_time_offset(&self) -> i64 {
        self.inner.server_time_offset.load(Ordering::Relaxed)
    }

    /// Sets and saves the push name (sent with the next login and with presence updates); when
    /// logged in, writes it to the account's app state (every device shows it) and announces it
    /// at once with an available presence.
    pub async fn set_push_name(&self, name: &str) -> Result<(), ClientError> {
        let name = name.to_owned();
        self.on_runtime(|inner| async move {
            inner.ensure_device().await?;
            let logged_in = inner.logged_in.load(Ordering::SeqCst);
            if logged_in {
                // The account's name lives in its app state: uploaded, the other devices and our
                // own next sync agree with it (a sync would otherwise bring the old one back).
                // Before the phone shared the app state keys it stays on this device.
                if let Err(e) = app_state::upload_push_name(&inner, &name).await {
                    tracing::info!(error = %e, "push name not written to the account's app state");
                }
            }
            inner.update_device(|d| d.push_name = name).await?;
            if logged_in {
                inner.announce_available().await;
            }
            Ok(())
        })
        .await
    }

    /// Requests currently waiting for an answer (diagnostics, tests).
    pub fn pending_requests(&self) -> usize {
        self.inner.iq.pending()
    }
}
