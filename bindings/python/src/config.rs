//! `wazap.Client(store_path, **config)` keywords onto the core's [`ClientOptions`]: the same
//! keys in Python's idiom (times in seconds, `root_key`, `prekey_batch`). The types are checked
//! by PyO3 (`TypeError`), the values by the core (`wazap.InvalidArgument`).
use std::time::Duration;

use wazap::api::ClientOptions;

use crate::errors::BindingError;

/// The keywords, as Python passed them.
#[derive(Default)]
pub(crate) struct ConfigArgs {
    pub account: Option<String>,
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

/// Seconds as the core's milliseconds.
fn millis(name: &str, value: Option<f64>) -> Result<Option<u64>, BindingError> {
    value.map(|v| seconds(name, v).map(|d| d.as_millis() as u64)).transpose()
}

impl ConfigArgs {
    pub(crate) fn into_options(self) -> Result<ClientOptions, BindingError> {
        Ok(ClientOptions {
            account: self.account,
            url: self.url,
            root_public_key: self.root_key,
            device_name: self.device_name,
            origin: self.origin,
            proxy: self.proxy,
            language: self.language,
            country: self.country,
            connect_timeout_ms: millis("connect_timeout", self.connect_timeout)?,
            iq_timeout_ms: millis("iq_timeout", self.iq_timeout)?,
            reconnect: self.reconnect,
            reconnect_base_delay_ms: millis("reconnect_base_delay", self.reconnect_base_delay)?,
            reconnect_max_delay_ms: millis("reconnect_max_delay", self.reconnect_max_delay)?,
            prekey_initial_batch: self.prekey_batch,
            ..ClientOptions::default()
        })
    }
}
