//! `wazap.Client(store_path, **config)` keyword arguments onto [`ClientConfig`]. Omitted
//! options keep the core's defaults (the real service); the types are checked by PyO3
//! (`TypeError`), the values here (`wazap.InvalidArgument`).
use std::time::Duration;

use wazap::client::Proxy;
use wazap::crypto::PublicKey;
use wazap::ClientConfig;

use crate::errors::BindingError;

/// The options, as Python passed them.
#[derive(Default)]
pub(crate) struct ConfigArgs {
    pub url: Option<String>,
    pub root_key: Option<String>,
    pub device_name: Option<String>,
    pub origin: Option<String>,
    pub proxy: Option<String>,
    pub language: Option<String>,
    pub country: Option<String>,
    pub connect_timeout: Option<f64>,
    pub iq_timeout: Option<f64>,
    pub reconnect: Option<bool>,
    pub reconnect_base_delay: Option<f64>,
    pub reconnect_max_delay: Option<f64>,
    pub prekey_batch: Option<u32>,
}

/// Seconds from Python as a duration: finite and not negative.
pub(crate) fn seconds(name: &str, value: f64) -> Result<Duration, BindingError> {
    Duration::try_from_secs_f64(value).map_err(|_| {
        BindingError::invalid(format!(
            "{name} must be a finite number of seconds >= 0, not {value}"
        ))
    })
}

/// A root public key in hex: 32 bytes, or 33 with the 0x05 type prefix.
fn root_key(text: &str) -> Result<PublicKey, BindingError> {
    let bytes = hex::decode(text.trim())
        .map_err(|e| BindingError::invalid(format!("root_key is not hex: {e}")))?;
    PublicKey::from_bytes(&bytes).map_err(|e| BindingError::invalid(format!("root_key: {e}")))
}

impl ConfigArgs {
    pub(crate) fn into_config(self) -> Result<ClientConfig, BindingError> {
        let mut config = ClientConfig::default();
        if let Some(url) = self.url {
            config.url = url;
        }
        if let Some(key) = self.root_key {
            config.trusted_root = root_key(&key)?;
        }
        if let Some(name) = self.device_name {
            config.device_name = name;
        }
        if let Some(origin) = self.origin {
            config.origin = origin;
        }
        if let Some(proxy) = self.proxy {
            let parsed: Proxy =
                proxy.parse().map_err(|e| BindingError::invalid(format!("proxy: {e}")))?;
            config.proxy = Some(parsed);
        }
        if let Some(language) = self.language {
            config.language = language;
        }
        if let Some(country) = self.country {
            config.country = country;
        }
        if let Some(t) = self.connect_timeout {
            config.connect_timeout = seconds("connect_timeout", t)?;
        }
        if let Some(t) = self.iq_timeout {
            config.iq_timeout = seconds("iq_timeout", t)?;
        }
        if let Some(enabled) = self.reconnect {
            config.reconnect.enabled = enabled;
        }
        if let Some(t) = self.reconnect_base_delay {
            config.reconnect.base_delay = seconds("reconnect_base_delay", t)?;
        }
        if let Some(t) = self.reconnect_max_delay {
            config.reconnect.max_delay = seconds("reconnect_max_delay", t)?;
        }
        if let Some(batch) = self.prekey_batch {
            if batch == 0 {
                return Err(BindingError::invalid("prekey_batch must be at least 1"));
            }
            config.pre_keys.initial_batch = batch;
        }
        Ok(config)
    }
}
