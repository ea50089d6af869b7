//! Everything the server remembers: durable accounts, devices and prekeys (with `--data`,
//! persisted by [`persist`]), the LID index derived from them, and pairings in progress
//! ([`pending`], memory only). One lock guards it all; critical sections are short and never
//! await.
pub mod accounts;
pub mod app_state;
pub mod codec;
pub mod groups;
pub mod in_flight;
pub mod pending;
pub mod persist;
pub mod prekeys;
pub mod presence;
pub mod queue;

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::time::{SystemTime, UNIX_EPOCH};

use rand::rngs::OsRng;
use rand::{Rng, RngCore};
use serde::{Deserialize, Serialize};
use thiserror::Error;
use wazap::binary::{Jid, Server};

pub use accounts::{Account, Device, PHONE_PLATFORM};
pub use pending::{AwaitingSign, CodeRequest, Pending, Registration};
pub use persist::{JsonStore, PersistError};
pub use prekeys::{Bundle, DeviceKeys, SignedPrekey};
pub use queue::Queues;

use crate::phone::PhoneKeys;
use crate::pki::StoredPki;

/// The default "about" text of a new account.
pub const DEFAULT_STATUS: &str = "Hey there! I am using WhatsApp.";
/// The state file's format version.
pub const FORMAT_VERSION: u32 = 1;

pub fn unix_now() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs())
}

/// What `--data` keeps across restarts.
#[derive(Serialize, Deserialize)]
pub struct Durable {
    pub version: u32,
    pub pki: StoredPki,
    /// By phone number.
    pub accounts: BTreeMap<String, Account>,
    /// Stanzas for devices that were offline.
    #[serde(default)]
    pub queues: Queues,
    /// Groups by id (the user part of the `@g.us` JID).
    #[serde(default)]
    pub groups: BTreeMap<String, groups::Group>,
    /// Profile and group pictures by owner (a phone number or a group id).
    #[serde(default)]
    pub pictures: BTreeMap<String, Picture>,
    /// What each phone received, by phone number.
    #[serde(default)]
    pub inboxes: BTreeMap<String, Vec<crate::phone::InboxEntry>>,
    /// Which devices hold each phone's sender key of each group: phone → group id → device
    /// JIDs (cleared when the phone makes a new key).
    #[serde(default)]
    pub sender_key_holders: BTreeMap<String, BTreeMap<String, BTreeSet<String>>>,
    /// The app state sync keys each phone shares with its companions, by phone number.
    #[serde(default)]
    pub app_state_keys: BTreeMap<String, Vec<crate::phone::app_state_keys::AppStateKey>>,
    /// Each account's app state collections (the patches its devices uploaded), by phone number.
    #[serde(default)]
    pub app_state: BTreeMap<String, app_state::Collections>,
    /// The polls each phone sent or received (so it can open their votes and vote), by phone
    /// number, then poll id.
    #[serde(default)]
    pub polls: BTreeMap<String, BTreeMap<String, crate::phone::polls::PhonePoll>>,
}

/// A profile or group picture: its id (a timestamp, as the real server's) and the media blob.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Picture {
    pub id: String,
    pub blob: String,
}

#[derive(Debug, Error, PartialEq, Eq)]
pub enum CreateAccountError {
    #[error("an account for {0} exists already")]
    Exists(String),
}

pub struct State {
    pub durable: Durable,
    /// LID user → phone number.
    lid_index: HashMap<String, String>,
    pub pending: Pending,
    /// Media upload tokens handed out by media_conn: token → (phone, expiry).
    pub media_tokens: HashMap<String, (String, u64)>,
    /// Online devices and presence subscriptions.
    pub presence: presence::Presence,
    /// What the phones sent recently, for retry receipts.
    pub phone_sent: crate::phone::retry_buffer::RetryBuffer,
    /// What connections were sent and have not acked.
    pub in_flight: in_flight::InFlight,
    /// New companions whose phone welcomes them once they have published their prekeys
    /// (phone, device).
    pub awaiting_welcome: std::collections::HashSet<(String, u16)>,
    store: Option<JsonStore>,
}

impl State {
    pub fn new(durable: Durable, store: Option<JsonStore>) -> Self {
        let lid_index =
            durable.accounts.values().map(|a| (a.lid.clone(), a.phone.clone())).collect();
        Self {
            durable,
            lid_index,
            pending: Pending::default(),
            media_tokens: HashMap::new(),
            presence: presence::Presence::default(),
            phone_sent: Default::default(),
            in_flight: Default::default(),
            awaiting_welcome: Default::default(),
            store,
        }
    }

    /// Writes the durable part when a data directory is set; failures are logged (the sandbox
    /// keeps serving from memory).
    pub fn save(&self) {
        if let Some(store) = &self.store {
            if let Err(e) = store.save(&self.durable) {
                tracing::error!(error = %e, "saving state failed");
            }
        }
    }

    pub fn account(&self, phone: &str) -> Option<&Account> {
        self.durable.accounts.get(phone)
    }

    pub fn account_mut(&mut self, phone: &str) -> Option<&mut Account> {
        self.durable.accounts.get_mut(phone)
    }

    /// The phone number of the account a user JID (phone number or LID, any device) names.
    pub fn phone_of(&self, jid: &Jid) -> Option<String> {
        match jid.server {
            Server::Pn => self.durable.accounts.contains_key(&jid.user).then(|| jid.user.clone()),
            Server::Lid => self.lid_index.get(&jid.user).cloned(),
            _ => None,
        }
    }

    pub fn phone_for_lid(&self, lid: &str) -> Option<&str> {
        self.lid_index.get(lid).map(String::as_str)
    }

    fn fresh_lid(&self) -> String {
        loop {
            // Real LIDs are 14-15 digit numbers with no relation to the phone number.
            let lid = OsRng.gen_range(100_000_000_000_000u64..1_000_000_000_000_000).to_string();
            if !self.lid_index.contains_key(&lid) {
                return lid;
            }
        }
    }

    /// Creates an account with a new phone identity and LID.
    pub fn create_account(
        &mut self,
        phone: &str,
        push_name: &str,
        echo: bool,
    ) -> Result<&Account, CreateAccountError> {
        if self.durable.accounts.contains_key(phone) {
            return Err(CreateAccountError::Exists(phone.to_owned()));
        }
        let primary = PhoneKeys::generate();
        let mut bundles = BTreeMap::new();
        bundles.insert(0, primary.public_keys());
        let now = unix_now();
        let account = Account {
            phone: phone.to_owned(),
            lid: self.fresh_lid(),
            push_name: push_name.to_owned(),
            echo,
            status: DEFAULT_STATUS.to_owned(),
            created: now,
            adv_raw_id: OsRng.next_u32(),
            primary,
            devices: BTreeMap::new(),
            bundles,
            next_device: 1,
            next_key_index: 1,
            devices_changed: now,
            privacy: BTreeMap::new(),
            blocked: Default::default(),
        };
        self.lid_index.insert(account.lid.clone(), phone.to_owned());
        self.durable.accounts.insert(phone.to_owned(), account);
        self.save();
        Ok(&self.durable.accounts[phone])
    }
}
