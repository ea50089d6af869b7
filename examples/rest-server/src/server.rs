//! Startup and shutdown: open the database under the data dir, load the users and reconnect the
//! sessions that were connected, serve the API until asked to stop.
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::Duration;

use rand::RngCore;
use thiserror::Error;
use tokio::net::TcpListener;
use tokio::sync::watch;
use tokio::task::JoinHandle;
use wazap::store::SqliteStore;
use wazap::ClientConfig;

use crate::db::{Db, DbError};
use crate::routes;
use crate::state::{AppState, DeliveryOptions, Inner, User};
use crate::tls::{self, TlsFiles};
use crate::webhook::WebhookPolicy;

/// The database file inside the data dir: the wazap store and the server's tables.
pub const DB_FILE: &str = "wazap.db";

#[derive(Debug, Clone)]
pub struct ServerConfig {
    pub listen: SocketAddr,
    pub data_dir: PathBuf,
    /// `None`: the token saved in the database, or a new one generated (and saved) on first run.
    pub admin_token: Option<String>,
    /// The template of every session's client (where WhatsApp is, which root key to trust).
    pub client: ClientConfig,
    pub webhook: WebhookPolicy,
    /// Webhook format, global webhook, embedded media.
    pub delivery: DeliveryOptions,
    /// Serve HTTPS with these files (wuzapi's -sslcertificate/-sslprivatekey).
    pub tls: Option<TlsFiles>,
    /// Largest body of the media endpoints (`/chat/send/image`…), whose files travel
    /// base64-encoded inside the JSON; [`routes::media::DEFAULT_BODY_LIMIT`] unless told.
    pub media_body_limit: usize,
}

#[derive(Debug, Error)]
pub enum StartError {
    #[error("cannot create the data dir {dir}: {source}")]
    DataDir { dir: PathBuf, source: std::io::Error },
    #[error(transparent)]
    Db(#[from] DbError),
    #[error("wazap store: {0}")]
    Store(#[from] wazap::store::StoreError),
    #[error("HTTP client: {0}")]
    Http(#[from] reqwest::Error),
    #[error("TLS: {0}")]
    Tls(String),
    #[error("cannot listen on {addr}: {source}")]
    Bind { addr: SocketAddr, source: std::io::Error },
}

/// A running server.
pub struct ServerHandle {
    addr: SocketAddr,
    admin_token: String,
    generated_admin_token: bool,
    state: AppState,
    stop: watch::Sender<bool>,
    task: JoinHandle<()>,
}

const ADMIN_TOKEN_KEY: &str = "admin_token";

fn random_token() -> String {
    let mut bytes = [0u8; 16];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    hex::encode(bytes)
}

/// Starts the server (binds, loads users, starts reconnecting the sessions that were connected).
pub async fn start(config: ServerConfig) -> Result<ServerHandle, StartError> {
    std::fs::create_dir_all(&config.data_dir)
        .map_err(|source| StartError::DataDir { dir: config.data_dir.clone(), source })?;
    let path = config.data_dir.join(DB_FILE);
    let db = Db::open(&path)?;
    let store = open_store(path.clone()).await?;
    let (admin_token, generated_admin_token) = match config.admin_token {
        Some(token) => (token, false),
        None => match db.setting(ADMIN_TOKEN_KEY).await? {
            Some(token) => (token, false),
            None => {
                let token = random_token();
                db.set_setting(ADMIN_TOKEN_KEY, token.clone()).await?;
                (token, true)
            }
        },
    };
    let http = reqwest::Client::builder().connect_timeout(Duration::from_secs(10)).build()?;
    let state: AppState = Arc::new(Inner::new(
        db.clone(),
        store,
        config.client,
        admin_token.clone(),
        http,
        config.webhook,
        config.delivery,
    ));
    for row in db.users().await? {
        let user = state.add_user(&row);
        if row.connected {
            tokio::spawn(reconnect(Arc::downgrade(&user)));
        }
    }
    let acceptor = config.tls.as_ref().map(tls::acceptor).transpose().map_err(StartError::Tls)?;
    let listener = TcpListener::bind(config.listen)
        .await
        .map_err(|source| StartError::Bind { addr: config.listen, source })?;
    let addr =
        listener.local_addr().map_err(|source| StartError::Bind { addr: config.listen, source })?;
    let (stop, mut stopped) = watch::channel(false);
    let app = routes::router(state.clone(), config.media_body_limit);
    let task = match acceptor {
        Some(acceptor) => tokio::spawn(tls::serve(listener, acceptor, app, stopped)),
        None => tokio::spawn(async move {
            let served = axum::serve(listener, app)
                .with_graceful_shutdown(async move {
                    let _ = stopped.wait_for(|s| *s).await;
                })
                .await;
            if let Err(e) = served {
                tracing::error!("HTTP server failed: {e}");
            }
        }),
    };
    tracing::info!(%addr, tls = config.tls.is_some(), "wazap-server listening");
    Ok(ServerHandle { addr, admin_token, generated_admin_token, state, stop, task })
}

/// Opens the wazap store. Its first statement does not wait for locks, so while another
/// connection briefly holds one (a previous server in this process closing, a checkpoint) we
/// retry for a few seconds.
async fn open_store(path: PathBuf) -> Result<SqliteStore, StartError> {
    let mut attempts = 0;
    loop {
        let p = path.clone();
        let opened = tokio::task::spawn_blocking(move || SqliteStore::open(p))
            .await
            .map_err(|_| DbError::TaskFailed)?;
        match opened {
            Err(wazap::store::StoreError::Sqlite(rusqlite::Error::SqliteFailure(e, _)))
                if matches!(
                    e.code,
                    rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked
                ) && attempts < 50 =>
            {
                attempts += 1;
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
            other => return Ok(other?),
        }
    }
}

/// Reconnects a session that was connected before the restart; retries while the server is
/// unreachable (once connected, the client keeps itself connected).
async fn reconnect(user: std::sync::Weak<User>) {
    let mut delay = Duration::from_secs(1);
    loop {
        let Some(user) = user.upgrade() else { return };
        let session = &user.session;
        session.state.wanted.store(true, Ordering::SeqCst);
        match session.client.connect().await {
            Ok(()) => {
                tracing::info!(user = user.id, "session reconnected after restart");
                return;
            }
            Err(wazap::ClientError::AlreadyConnected) => return,
            Err(e) => {
                tracing::warn!(user = user.id, "reconnecting failed ({e}); retrying in {delay:?}")
            }
        }
        drop(user);
        tokio::time::sleep(delay).await;
        delay = (delay * 2).min(Duration::from_secs(60));
    }
}

impl ServerHandle {
    pub fn local_addr(&self) -> SocketAddr {
        self.addr
    }

    pub fn admin_token(&self) -> &str {
        &self.admin_token
    }

    /// Whether the admin token was generated by this start (print it once).
    pub fn admin_token_generated(&self) -> bool {
        self.generated_admin_token
    }

    /// Stops accepting requests, lets those in flight finish, then closes every WhatsApp
    /// connection. The sessions stay marked as connected, so the next start reconnects them.
    pub async fn shutdown(mut self) {
        let _ = self.stop.send(true);
        let _ = (&mut self.task).await;
        for user in self.state.users() {
            user.session.client.disconnect().await;
        }
    }
}

impl Drop for ServerHandle {
    fn drop(&mut self) {
        let _ = self.stop.send(true);
    }
}
