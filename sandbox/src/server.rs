//! Startup: load or create the state, bind the port, serve `/ws/chat`, `/control/*` and the
//! media host on it.
use std::net::SocketAddr;
use std::sync::Arc;

use axum::extract::{State, WebSocketUpgrade};
use axum::response::Response;
use axum::routing::get;
use axum::Router;
use thiserror::Error;
use tokio::net::TcpListener;
use tokio::sync::{mpsc, oneshot};
use tokio::task::JoinHandle;
use wazap::crypto::PublicKey;
use wazap::socket::MAX_FRAME_SIZE;

use crate::config::SandboxConfig;
use crate::conn;
use crate::control;
use crate::media::{self, MediaStore};
use crate::phone;
use crate::pki::Pki;
use crate::shared::{Addresses, Shared, SharedParts};
use crate::state::{Durable, JsonStore, PersistError, State as SandboxState, FORMAT_VERSION};

#[derive(Debug, Error)]
pub enum StartError {
    #[error(transparent)]
    Persist(#[from] PersistError),
    #[error("cannot listen on {addr}: {source}")]
    Bind { addr: SocketAddr, source: std::io::Error },
    #[error("state file version {0} is not supported (expected {FORMAT_VERSION})")]
    Version(u32),
}

/// The sandbox server.
pub struct Sandbox;

/// A running sandbox: its addresses, its root key, and the way to stop it.
pub struct SandboxHandle {
    addr: SocketAddr,
    addresses: Addresses,
    root_public_key: PublicKey,
    shared: Arc<Shared>,
    stop: Option<oneshot::Sender<()>>,
    task: JoinHandle<()>,
}

fn load(config: &SandboxConfig) -> Result<(Durable, Option<JsonStore>), StartError> {
    let fresh = || Durable {
        version: FORMAT_VERSION,
        pki: Pki::generate().to_stored(),
        accounts: Default::default(),
        queues: Default::default(),
        groups: Default::default(),
        pictures: Default::default(),
        inboxes: Default::default(),
        sender_key_holders: Default::default(),
        app_state_keys: Default::default(),
        app_state: Default::default(),
        polls: Default::default(),
    };
    let Some(dir) = &config.data_dir else { return Ok((fresh(), None)) };
    let store = JsonStore::open(dir)?;
    let durable = match store.load()? {
        Some(d) if d.version != FORMAT_VERSION => return Err(StartError::Version(d.version)),
        Some(d) => d,
        None => {
            let d = fresh();
            store.save(&d)?;
            d
        }
    };
    Ok((durable, Some(store)))
}

async fn chat(State(shared): State<Arc<Shared>>, upgrade: WebSocketUpgrade) -> Response {
    // One websocket message may hold a whole frame plus the connection header.
    upgrade
        .max_message_size(2 * MAX_FRAME_SIZE)
        .max_frame_size(2 * MAX_FRAME_SIZE)
        .on_upgrade(move |socket| conn::serve(shared, socket))
}

impl Sandbox {
    /// Loads the state (`config.data_dir`), binds `config.listen` and starts serving.
    pub async fn start(config: SandboxConfig) -> Result<SandboxHandle, StartError> {
        let (durable, store) = load(&config)?;
        let pki = Pki::from_stored(&durable.pki);
        let listener = TcpListener::bind(config.listen)
            .await
            .map_err(|source| StartError::Bind { addr: config.listen, source })?;
        let addr = listener
            .local_addr()
            .map_err(|source| StartError::Bind { addr: config.listen, source })?;
        let addresses = Addresses {
            ws_url: format!("ws://{addr}/ws/chat"),
            control_url: format!("http://{addr}/control"),
            media_url: format!("http://{addr}"),
            media_host: addr.to_string(),
        };
        let root_public_key = pki.root_public();
        let media = MediaStore::new(config.data_dir.as_ref().map(|d| d.join("media")));
        let state = SandboxState::new(durable, store);
        let (phone_wake, woken) = mpsc::unbounded_channel();
        let parts = SharedParts {
            pki,
            addresses: addresses.clone(),
            media,
            phones_dir: config.data_dir.as_ref().map(|d| d.join("phones")),
            phone_wake,
            latency: config.latency,
            login_time: config.login_time,
            faults: config.faults.clone(),
        };
        let shared = Arc::new(Shared::new(state, parts));
        tokio::spawn(phone::worker::run(shared.clone(), woken));
        let app = Router::new()
            .route("/ws/chat", get(chat))
            .nest("/control", control::router())
            .merge(media::router())
            .with_state(shared.clone());
        let (stop, stopped) = oneshot::channel::<()>();
        let task = tokio::spawn(async move {
            let served = axum::serve(listener, app)
                .with_graceful_shutdown(async {
                    let _ = stopped.await;
                })
                .await;
            if let Err(e) = served {
                tracing::error!(error = %e, "server failed");
            }
        });
        tracing::info!(%addr, "sandbox listening");
        Ok(SandboxHandle { addr, addresses, root_public_key, shared, stop: Some(stop), task })
    }
}

impl SandboxHandle {
    pub fn local_addr(&self) -> SocketAddr {
        self.addr
    }

    /// `ws://HOST:PORT/ws/chat`.
    pub fn ws_url(&self) -> &str {
        &self.addresses.ws_url
    }

    /// `http://HOST:PORT/control`.
    pub fn control_url(&self) -> &str {
        &self.addresses.control_url
    }

    /// `http://HOST:PORT`: the media host.
    pub fn media_url(&self) -> &str {
        &self.addresses.media_url
    }

    /// The key a client must trust instead of WhatsApp's root.
    pub fn root_public_key(&self) -> PublicKey {
        self.root_public_key
    }

    /// The edge routing info the sandbox handed out and got back, per device.
    pub fn edge_routing(&self) -> &crate::handlers::edge_routing::EdgeRouting {
        &self.shared.edge_routing
    }

    /// The JSON line the binary prints when ready.
    pub fn ready_line(&self) -> String {
        serde_json::json!({
            "ws_url": self.addresses.ws_url,
            "control_url": self.addresses.control_url,
            "media_url": self.addresses.media_url,
            "root_public_key": hex::encode(self.root_public_key.0),
        })
        .to_string()
    }

    /// Stops accepting, closes every connection, and waits for the server task.
    pub async fn shutdown(mut self) {
        self.shared.shut_down();
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        let _ = (&mut self.task).await;
    }

    /// Waits until the server task ends (it runs until [`SandboxHandle::shutdown`]).
    pub async fn wait(&mut self) {
        let _ = (&mut self.task).await;
    }
}

impl Drop for SandboxHandle {
    fn drop(&mut self) {
        self.shared.shut_down();
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}
