//! The server's shared state: the database, the wazap store, and the users with their sessions.
use std::collections::BTreeMap;
use std::sync::{Arc, RwLock};

use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;
use wazap::store::{DeviceStore, SqliteStore, StoreError};
use wazap::{Client, ClientConfig};

use crate::db::{Db, UserRow};
use crate::event_types::split;
use crate::session::{Session, SessionParts};
use crate::settings::{Settings, SharedSettings};
use crate::webhook::{Destination, WebhookFormat, WebhookPolicy, WebhookQueue};
use crate::webhook_media::MediaPolicy;

/// How events leave the server: the body format, the global webhook (every user's events, signed
/// with the global key), and which media files are embedded.
#[derive(Debug, Clone, Default)]
pub struct DeliveryOptions {
    pub format: WebhookFormat,
    /// wuzapi's `-globalwebhook`/`WUZAPI_GLOBAL_WEBHOOK`; empty: none.
    pub global_webhook: String,
    /// wuzapi's `-globalhmackey`/`WUZAPI_GLOBAL_HMAC_KEY`: signs the global webhook's requests.
    pub global_hmac_key: String,
    pub media: MediaPolicy,
}

/// One API user and their session.
pub struct User {
    pub id: i64,
    token_hash: [u8; 32],
    pub token: String,
    pub settings: SharedSettings,
    pub session: Session,
}

pub struct Inner {
    pub db: Db,
    pub store: SqliteStore,
    pub client_config: ClientConfig,
    pub admin_token: String,
    pub http: reqwest::Client,
    pub policy: WebhookPolicy,
    pub delivery: DeliveryOptions,
    global: Option<Arc<WebhookQueue>>,
    /// When the server started (`/health`'s uptime).
    pub started: std::time::Instant,
    users: RwLock<BTreeMap<i64, Arc<User>>>,
}

pub type AppState = Arc<Inner>;

fn hash(token: &str) -> [u8; 32] {
    Sha256::digest(token.as_bytes()).into()
}

/// Compares two secrets in constant time (over their hashes, so the length does not leak).
pub fn secret_eq(given: &str, expected: &str) -> bool {
    bool::from(hash(given).ct_eq(&hash(expected)))
}

/// The wazap store account name of user `id`.
pub fn account_name(id: i64) -> String {
    format!("user-{id}")
}

impl Inner {
    pub fn new(
        db: Db,
        store: SqliteStore,
        client_config: ClientConfig,
        admin_token: String,
        http: reqwest::Client,
        policy: WebhookPolicy,
        delivery: DeliveryOptions,
    ) -> Self {
        let global = (!delivery.global_webhook.is_empty()).then(|| {
            let destination = Destination::Fixed {
                url: delivery.global_webhook.clone(),
                key: delivery.global_hmac_key.clone(),
            };
            Arc::new(WebhookQueue::start(
                http.clone(),
                policy.clone(),
                delivery.format,
                destination,
            ))
        });
        Self {
            db,
            store,
            client_config,
            admin_token,
            http,
            policy,
            delivery,
            global,
            started: std::time::Instant::now(),
            users: RwLock::new(BTreeMap::new()),
        }
    }

    /// Builds the runtime of a stored user (its client, pump and webhook worker) and registers
    /// it, replacing the one it had (a session rebuilt with a new proxy).
    pub fn add_user(&self, row: &UserRow) -> Arc<User> {
        let settings = SharedSettings::new(Settings {
            name: row.name.clone(),
            webhook: row.webhook.clone(),
            events: split(&row.events),
            hmac_key: row.hmac_key.clone(),
        });
        let queue = WebhookQueue::start(
            self.http.clone(),
            self.policy.clone(),
            self.delivery.format,
            Destination::User(settings.clone()),
        );
        let store = Arc::new(self.store.account(account_name(row.id)));
        let mut config = self.client_config.clone();
        if !row.proxy_url.is_empty() {
            match row.proxy_url.parse() {
                Ok(proxy) => config.proxy = Some(proxy),
                Err(e) => tracing::warn!(id = row.id, "ignoring the user's proxy: {e}"),
            }
        }
        let client = Client::new(store, config);
        let parts = SessionParts {
            id: row.id,
            token: row.token.clone(),
            settings: settings.clone(),
            queue,
            global: self.global.clone(),
            media: self.delivery.media,
            db: self.db.clone(),
        };
        let session = Session::new(client, parts);
        let user = Arc::new(User {
            id: row.id,
            token_hash: hash(&row.token),
            token: row.token.clone(),
            settings,
            session,
        });
        self.users.write().unwrap_or_else(|p| p.into_inner()).insert(row.id, user.clone());
        user
    }

    /// Deletes the device and keys of user `id`'s session. Retried briefly: the wazap store's
    /// connections can report "database is locked" while another one (a concurrent wipe after
    /// the server's logout notification) holds the write lock.
    pub async fn forget_device(&self, id: i64) -> Result<(), StoreError> {
        let mut attempts = 0;
        loop {
            let store = self.store.account(account_name(id));
            let deleted = tokio::task::spawn_blocking(move || store.delete_device())
                .await
                .unwrap_or(Err(StoreError::Poisoned));
            match deleted {
                Err(StoreError::Sqlite(rusqlite::Error::SqliteFailure(e, _)))
                    if matches!(
                        e.code,
                        rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked
                    ) && attempts < 40 =>
                {
                    attempts += 1;
                    tokio::time::sleep(std::time::Duration::from_millis(50)).await;
                }
                other => return other,
            }
        }
    }

    pub fn remove_user(&self, id: i64) -> Option<Arc<User>> {
        self.users.write().unwrap_or_else(|p| p.into_inner()).remove(&id)
    }

    pub fn user(&self, id: i64) -> Option<Arc<User>> {
        self.users.read().unwrap_or_else(|p| p.into_inner()).get(&id).cloned()
    }

    pub fn users(&self) -> Vec<Arc<User>> {
        self.users.read().unwrap_or_else(|p| p.into_inner()).values().cloned().collect()
    }

    /// The user whose token is `token`. Every user's token is compared, in constant time, so
    /// the answer time says nothing about which tokens exist.
    pub fn user_by_token(&self, token: &str) -> Option<Arc<User>> {
        let given = hash(token);
        let mut found = None;
        for user in self.users.read().unwrap_or_else(|p| p.into_inner()).values() {
            if bool::from(user.token_hash.ct_eq(&given)) {
                found = Some(user.clone());
            }
        }
        found
    }
}
