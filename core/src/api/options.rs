//! [`ClientOptions`]: the one key set that configures a client from any binding, mapped onto
//! [`ClientConfig`] here and nowhere else. Every key is optional (the defaults are the real
//! service); unknown keys are refused, so that a typo cannot silently connect to the real
//! service. C passes these keys as JSON; Python's keywords and Node's options object name the
//! same keys in their own idiom (seconds, camelCase) and translate them.
use std::sync::Arc;
use std::time::Duration;

use serde::{Deserialize, Serialize};

use super::Error;
use crate::client::Proxy;
use crate::crypto::PublicKey;
use crate::store::SqliteStore;
use crate::{Client, ClientConfig};

/// The store account a client uses when its options name none: one SQLite file holds many
/// accounts (devices), and every binding opens this one by default.
pub const DEFAULT_ACCOUNT: &str = "main";

/// The store path that keeps the device in memory (lost when the client goes).
pub const IN_MEMORY: &str = ":memory:";

/// How to configure a client. Times are milliseconds.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ClientOptions {
    /// The account inside the store file ([`DEFAULT_ACCOUNT`] when none).
    pub account: Option<String>,
    /// The websocket URL (`ws://` or `wss://`).
    pub url: Option<String>,
    /// The `Origin` header of the websocket upgrade.
    pub origin: Option<String>,
    /// `socks5://host:port` or `http://host:port`.
    pub proxy: Option<String>,
    /// Hex of the server's 32-byte (or 33-byte, 0x05-prefixed) root public key.
    pub root_public_key: Option<String>,
    /// The name shown on the phone under "Linked devices".
    pub device_name: Option<String>,
    pub language: Option<String>,
    pub country: Option<String>,
    pub connect_timeout_ms: Option<u64>,
    pub handshake_timeout_ms: Option<u64>,
    pub iq_timeout_ms: Option<u64>,
    pub qr_first_timeout_ms: Option<u64>,
    pub qr_next_timeout_ms: Option<u64>,
    /// The shortest pause between keepalive pings.
    pub keepalive_interval_ms: Option<u64>,
    /// Reconnect by itself after a dropped connection (default true).
    pub reconnect: Option<bool>,
    pub reconnect_base_delay_ms: Option<u64>,
    pub reconnect_max_delay_ms: Option<u64>,
    /// Upload more one-time prekeys when the server holds fewer than this.
    pub prekey_min_count: Option<u32>,
    /// The first prekey upload's size (at least 1).
    pub prekey_initial_batch: Option<u32>,
    /// Each later upload's size (at least 1).
    pub prekey_refill_batch: Option<u32>,
    /// Download the history syncs our phone announces (default true).
    pub download_history: Option<bool>,
}

fn invalid(key: &str, why: impl std::fmt::Display) -> Error {
    Error::invalid(format!("{key}: {why}"))
}

/// The server's root public key from hex.
fn root_key(text: &str) -> Result<PublicKey, Error> {
    let bytes = hex::decode(text.trim()).map_err(|e| invalid("root_public_key", e))?;
    PublicKey::from_bytes(&bytes).map_err(|e| invalid("root_public_key", e))
}

fn batch(key: &str, value: u32) -> Result<u32, Error> {
    if value == 0 {
        return Err(invalid(key, "must be at least 1"));
    }
    Ok(value)
}

impl ClientOptions {
    /// The options of a JSON object (C's `config_json`, Node's options).
    pub fn from_json(json: &str) -> Result<Self, Error> {
        let value: serde_json::Value =
            serde_json::from_str(json).map_err(|e| Error::invalid(e.to_string()))?;
        // serde would also take an array for a struct.
        if !value.is_object() {
            return Err(Error::invalid("expected a JSON object"));
        }
        serde_json::from_value(value).map_err(|e| Error::invalid(e.to_string()))
    }

    /// The store account these options name.
    pub fn account(&self) -> Result<&str, Error> {
        match self.account.as_deref() {
            None => Ok(DEFAULT_ACCOUNT),
            Some("") => Err(invalid("account", "must not be empty")),
            Some(name) => Ok(name),
        }
    }

    /// The client configuration: the defaults, with what these options set.
    pub fn config(&self) -> Result<ClientConfig, Error> {
        let mut config = ClientConfig::default();
        let ms = Duration::from_millis;
        if let Some(url) = &self.url {
            if !(url.starts_with("ws://") || url.starts_with("wss://")) {
                return Err(invalid("url", "must be a ws:// or wss:// URL"));
            }
            config.url = url.clone();
        }
        if let Some(origin) = &self.origin {
            config.origin = origin.clone();
        }
        if let Some(proxy) = &self.proxy {
            config.proxy = Some(proxy.parse::<Proxy>().map_err(|e| invalid("proxy", e))?);
        }
        if let Some(key) = &self.root_public_key {
            config.trusted_root = root_key(key)?;
        }
        for (value, slot) in [
            (&self.device_name, &mut config.device_name),
            (&self.language, &mut config.language),
            (&self.country, &mut config.country),
        ] {
            if let Some(value) = value {
                slot.clone_from(value);
            }
        }
        for (value, slot) in [
            (self.connect_timeout_ms, &mut config.connect_timeout),
            (self.handshake_timeout_ms, &mut config.handshake_timeout),
            (self.iq_timeout_ms, &mut config.iq_timeout),
            (self.qr_first_timeout_ms, &mut config.qr_first_timeout),
            (self.qr_next_timeout_ms, &mut config.qr_next_timeout),
            (self.keepalive_interval_ms, &mut config.keepalive.interval_min),
            (self.reconnect_base_delay_ms, &mut config.reconnect.base_delay),
            (self.reconnect_max_delay_ms, &mut config.reconnect.max_delay),
        ] {
            if let Some(value) = value {
                *slot = ms(value);
            }
        }
        config.keepalive.interval_max =
            config.keepalive.interval_max.max(config.keepalive.interval_min);
        if let Some(on) = self.reconnect {
            config.reconnect.enabled = on;
        }
        if let Some(n) = self.prekey_min_count {
            config.pre_keys.min_count = n;
        }
        if let Some(n) = self.prekey_initial_batch {
            config.pre_keys.initial_batch = batch("prekey_initial_batch", n)?;
        }
        if let Some(n) = self.prekey_refill_batch {
            config.pre_keys.refill_batch = batch("prekey_refill_batch", n)?;
        }
        if let Some(on) = self.download_history {
            config.download_history = on;
        }
        Ok(config)
    }

    /// A client over the account these options name in the SQLite file `store_path`
    /// (created if missing; [`IN_MEMORY`] keeps the device in memory). Opening runs the
    /// store's migrations: call it where blocking on the disk is fine.
    pub fn open(&self, store_path: &str) -> Result<Client, Error> {
        let config = self.config()?;
        let account = self.account()?;
        if store_path.is_empty() {
            return Err(invalid("store_path", "must not be empty"));
        }
        let store = if store_path == IN_MEMORY {
            SqliteStore::open_in_memory()
        } else {
            SqliteStore::open(store_path)
        }
        .map_err(|e| Error::from(e).context(format!("cannot open {store_path}")))?;
        Ok(Client::new(Arc::new(store.account(account)), config))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::ErrorKind;

    #[test]
    fn defaults_are_the_real_service_and_the_main_account() {
        let options = ClientOptions::from_json("{}").unwrap();
        assert_eq!(options.config().unwrap().url, ClientConfig::default().url);
        assert_eq!(options.account().unwrap(), "main");
    }

    #[test]
    fn every_key_reaches_the_config() {
        let json = r#"{"account":"a","url":"ws://127.0.0.1:1/ws/chat","origin":"o",
            "proxy":"socks5://127.0.0.1:1080","root_public_key":"0505050505050505050505050505050505050505050505050505050505050505",
            "device_name":"d","language":"de","country":"DE","connect_timeout_ms":1,
            "handshake_timeout_ms":2,"iq_timeout_ms":3,"qr_first_timeout_ms":4,
            "qr_next_timeout_ms":5,"keepalive_interval_ms":40000,"reconnect":false,
            "reconnect_base_delay_ms":6,"reconnect_max_delay_ms":7,"prekey_min_count":8,
            "prekey_initial_batch":9,"prekey_refill_batch":10,"download_history":false}"#;
        let options = ClientOptions::from_json(json).unwrap();
        let c = options.config().unwrap();
        let ms = Duration::from_millis;
        assert_eq!(options.account().unwrap(), "a");
        assert_eq!((c.url.as_str(), c.origin.as_str()), ("ws://127.0.0.1:1/ws/chat", "o"));
        assert!(c.proxy.is_some());
        assert_eq!(c.trusted_root, PublicKey([5; 32]));
        assert_eq!(
            (c.device_name.as_str(), c.language.as_str(), c.country.as_str()),
            ("d", "de", "DE")
        );
        assert_eq!(
            [
                c.connect_timeout,
                c.handshake_timeout,
                c.iq_timeout,
                c.qr_first_timeout,
                c.qr_next_timeout
            ],
            [ms(1), ms(2), ms(3), ms(4), ms(5)]
        );
        assert_eq!((c.keepalive.interval_min, c.keepalive.interval_max), (ms(40000), ms(40000)));
        assert_eq!(
            (c.reconnect.enabled, c.reconnect.base_delay, c.reconnect.max_delay),
            (false, ms(6), ms(7))
        );
        assert_eq!(
            (c.pre_keys.min_count, c.pre_keys.initial_batch, c.pre_keys.refill_batch),
            (8, 9, 10)
        );
        assert!(!c.download_history);
    }

    #[test]
    fn bad_options_are_invalid_arguments() {
        for json in [
            "{",
            "[]",
            r#"{"url":3}"#,
            r#"{"uri":"x"}"#,
            r#"{"iq_timeout_ms":-1}"#,
            r#"{"iq_timeout_ms":1.5}"#,
            r#"{"prekey_initial_batch":1099511627776}"#,
        ] {
            let error = ClientOptions::from_json(json).unwrap_err();
            assert_eq!(error.kind(), ErrorKind::InvalidArgument, "{json}");
        }
        for json in [
            r#"{"root_public_key":"zz"}"#,
            r#"{"root_public_key":"0102"}"#,
            r#"{"proxy":"gopher://x"}"#,
            r#"{"url":"http://example.org"}"#,
            r#"{"prekey_initial_batch":0}"#,
        ] {
            let error = ClientOptions::from_json(json).unwrap().config().unwrap_err();
            assert_eq!(error.kind(), ErrorKind::InvalidArgument, "{json}");
        }
        let empty = ClientOptions { account: Some(String::new()), ..Default::default() };
        assert_eq!(empty.account().unwrap_err().kind(), ErrorKind::InvalidArgument);
        let error = ClientOptions::default().open("/nonexistent-dir/wazap/x.db").unwrap_err();
        assert_eq!(error.kind(), ErrorKind::Store);
        assert!(error.message().contains("/nonexistent-dir"), "{error}");
        assert!(ClientOptions::default().open(IN_MEMORY).is_ok());
    }
}
