//! The server's shared state: the database, the wazap store, and the users with their sessions.
use std::collections::BTreeMap;
use std::sync::{Arc, RwLock};

use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;
use wazap::store::{DeviceStore, SqliteStore, StoreError};
use wazap::{Client, ClientConfig};

use crate::db::{Db, UserRow};
use crate::event_types::split;
use crate::session::Session;
use crate::settings::{Settings, SharedSettings};
use crate::webhook::{WebhookPolicy, WebhookQueue};

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
    ) -> Self {
        Self {
            db,
            store,
            client_config,
            admin_token,
            http,
            policy,
            users: RwLock::new(BTreeMap::new()),
        }
    }

    /// Builds the runtime of a stored user (its client, pump and webhook worker) and registers it.
    pub fn add_user(&self, row: &UserRow) -> Arc<User> {
        let settings = SharedSettings::new(Settings {
            name: row.name.clone(),
            webhook: row.webhook.clone(),
            events: split(&row.events),
            hmac_key: row.hmac_key.clone(),
        });
        let queue = WebhookQueue::start(self.http.clone(), self.policy.clone(), settings.clone());
        let store = Arc::new(self.store.account(account_name(row.id)));
        let client = Client::new(store, self.client_config.clone());
        let session = Session::new(client, row.id, settings.clone(), queue, self.db.clone());
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
