//! The options object of `new Client({...})` (passed as JSON by `index.js`) → where the device
//! is stored and a [`ClientConfig`]. Unknown keys are refused so that a typo does not silently
//! fall back to a default (such as the real service's URL).
use std::time::Duration;

use serde_json::{Map, Value};
use wazap::client::Proxy;
use wazap::crypto::PublicKey;
use wazap::ClientConfig;

use crate::error::{coded, INVALID_ARG, INVALID_ARG_TYPE};

/// Parsed `new Client(options)`.
pub struct Options {
    /// SQLite file holding the device keys; `":memory:"` keeps them in memory.
    pub store_path: String,
    /// The account name inside that file (one file can hold many devices).
    pub account: String,
    pub config: ClientConfig,
}

pub fn parse(json: &str) -> napi::Result<Options> {
    let value: Value = serde_json::from_str(json)
        .map_err(|e| coded(INVALID_ARG, format!("options are not valid JSON: {e}")))?;
    let Value::Object(map) = value else {
        return Err(coded(INVALID_ARG_TYPE, "options must be an object"));
    };
    let mut fields = Fields::new(map, "options".to_owned());
    let store_path = fields
        .string("storePath")?
        .ok_or_else(|| coded(INVALID_ARG_TYPE, "options.storePath must be a string"))?;
    if store_path.is_empty() {
        return Err(coded(INVALID_ARG, "options.storePath must not be empty"));
    }
    let account = fields.string("account")?.unwrap_or_else(|| "default".to_owned());
    let mut config = ClientConfig::default();
    if let Some(url) = fields.string("url")? {
        if !(url.starts_with("ws://") || url.starts_with("wss://")) {
            return Err(coded(INVALID_ARG, "options.url must be a ws:// or wss:// URL"));
        }
        config.url = url;
    }
    if let Some(key) = fields.string("rootKey")? {
        config.trusted_root = root_key(&key)?;
    }
    if let Some(v) = fields.string("origin")? {
        config.origin = v;
    }
    if let Some(v) = fields.string("deviceName")? {
        config.device_name = v;
    }
    if let Some(v) = fields.string("language")? {
        config.language = v;
    }
    if let Some(v) = fields.string("country")? {
        config.country = v;
    }
    if let Some(v) = fields.string("proxy")? {
        let proxy: Proxy =
            v.parse().map_err(|e| coded(INVALID_ARG, format!("options.proxy: {e}")))?;
        config.proxy = Some(proxy);
    }
    let durations: [(&str, &mut Duration); 6] = [
        ("connectTimeoutMs", &mut config.connect_timeout),
        ("handshakeTimeoutMs", &mut config.handshake_timeout),
        ("iqTimeoutMs", &mut config.iq_timeout),
        ("qrFirstTimeoutMs", &mut config.qr_first_timeout),
        ("qrNextTimeoutMs", &mut config.qr_next_timeout),
        ("keepaliveIntervalMs", &mut config.keepalive.interval_min),
    ];
    for (key, slot) in durations {
        if let Some(ms) = fields.uint(key)? {
            *slot = Duration::from_millis(ms);
        }
    }
    config.keepalive.interval_max =
        config.keepalive.interval_max.max(config.keepalive.interval_min);
    if let Some(mut reconnect) = fields.object("reconnect")? {
        if let Some(v) = reconnect.bool("enabled")? {
            config.reconnect.enabled = v;
        }
        if let Some(v) = reconnect.uint("baseDelayMs")? {
            config.reconnect.base_delay = Duration::from_millis(v);
        }
        if let Some(v) = reconnect.uint("maxDelayMs")? {
            config.reconnect.max_delay = Duration::from_millis(v);
        }
        reconnect.finish()?;
    }
    if let Some(mut pre_keys) = fields.object("preKeys")? {
        for (key, slot) in [
            ("minCount", &mut config.pre_keys.min_count),
            ("initialBatch", &mut config.pre_keys.initial_batch),
            ("refillBatch", &mut config.pre_keys.refill_batch),
        ] {
            if let Some(v) = pre_keys.uint(key)? {
                *slot = u32::try_from(v).map_err(|_| {
                    coded(INVALID_ARG, format!("options.preKeys.{key} is too large"))
                })?;
            }
        }
        pre_keys.finish()?;
    }
    fields.finish()?;
    Ok(Options { store_path, account, config })
}

/// The server's root public key: 32 bytes (or 33 with the 0x05 type byte) in hex.
fn root_key(text: &str) -> napi::Result<PublicKey> {
    let bytes = hex::decode(text).map_err(|_| coded(INVALID_ARG, "options.rootKey must be hex"))?;
    PublicKey::from_bytes(&bytes).map_err(|e| coded(INVALID_ARG, format!("options.rootKey: {e}")))
}

/// Typed access to an options object; remembers which keys were read.
struct Fields {
    map: Map<String, Value>,
    path: String,
}

impl Fields {
    fn new(map: Map<String, Value>, path: String) -> Self {
        Self { map, path }
    }

    /// Takes `key`; `null`/absent is `None`.
    fn take(&mut self, key: &str) -> Option<Value> {
        self.map.remove(key).filter(|v| !v.is_null())
    }

    fn wrong(&self, key: &str, what: &str) -> napi::Error {
        coded(INVALID_ARG_TYPE, format!("{}.{key} must be {what}", self.path))
    }

    fn string(&mut self, key: &str) -> napi::Result<Option<String>> {
        match self.take(key) {
            None => Ok(None),
            Some(Value::String(s)) => Ok(Some(s)),
            Some(_) => Err(self.wrong(key, "a string")),
        }
    }

    fn bool(&mut self, key: &str) -> napi::Result<Option<bool>> {
        match self.take(key) {
            None => Ok(None),
            Some(Value::Bool(b)) => Ok(Some(b)),
            Some(_) => Err(self.wrong(key, "a boolean")),
        }
    }

    fn uint(&mut self, key: &str) -> napi::Result<Option<u64>> {
        match self.take(key) {
            None => Ok(None),
            Some(Value::Number(n)) => n.as_u64().map(Some).ok_or_else(|| {
                coded(INVALID_ARG, format!("{}.{key} must be a non-negative integer", self.path))
            }),
            Some(_) => Err(self.wrong(key, "a number")),
        }
    }

    fn object(&mut self, key: &str) -> napi::Result<Option<Fields>> {
        match self.take(key) {
            None => Ok(None),
            Some(Value::Object(map)) => Ok(Some(Fields::new(map, format!("{}.{key}", self.path)))),
            Some(_) => Err(self.wrong(key, "an object")),
        }
    }

    /// Fails on keys nobody read.
    fn finish(self) -> napi::Result<()> {
        match self.map.keys().next() {
            None => Ok(()),
            Some(key) => Err(coded(INVALID_ARG, format!("unknown option {}.{key}", self.path))),
        }
    }
}
