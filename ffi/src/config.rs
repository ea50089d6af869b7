//! The JSON configuration of `wazap_client_new`, mapped onto [`ClientConfig`]. Every key is
//! optional; the defaults are the real service. Unknown keys are refused (a typo must not
//! silently connect to the real service).
use std::time::Duration;

use serde::Deserialize;
use wazap_core::client::Proxy;
use wazap_core::crypto::PublicKey;
use wazap_core::ClientConfig;

use crate::error::FfiError;
use crate::result::wazap_result::*;

/// The store account used when the config names none.
pub(crate) const DEFAULT_ACCOUNT: &str = "default";

#[derive(Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
struct ConfigJson {
    /// The account inside the store file (one file may hold many devices).
    account: Option<String>,
    url: Option<String>,
    origin: Option<String>,
    /// `socks5://host:port` or `http://host:port`.
    proxy: Option<String>,
    /// Hex of the 32-byte (or 33-byte, 0x05-prefixed) root public key.
    root_public_key: Option<String>,
    device_name: Option<String>,
    language: Option<String>,
    country: Option<String>,
    connect_timeout_ms: Option<u64>,
    iq_timeout_ms: Option<u64>,
    qr_first_timeout_ms: Option<u64>,
    qr_next_timeout_ms: Option<u64>,
    reconnect: Option<bool>,
    reconnect_base_delay_ms: Option<u64>,
    reconnect_max_delay_ms: Option<u64>,
    prekey_initial_batch: Option<u32>,
}

/// A parsed configuration: the client's settings and the store account.
#[derive(Debug)]
pub(crate) struct Parsed {
    pub(crate) client: ClientConfig,
    pub(crate) account: String,
}

/// Parses `json` (`None`: all defaults).
pub(crate) fn parse(json: Option<&str>) -> Result<Parsed, FfiError> {
    let raw: ConfigJson = match json {
        None => ConfigJson::default(),
        Some(text) => {
            let invalid =
                |why: String| FfiError::new(WAZAP_INVALID_JSON, format!("config_json: {why}"));
            let value: serde_json::Value =
                serde_json::from_str(text).map_err(|e| invalid(e.to_string()))?;
            // serde would also accept an array for a struct.
            if !value.is_object() {
                return Err(invalid("expected a JSON object".into()));
            }
            serde_json::from_value(value).map_err(|e| invalid(e.to_string()))?
        }
    };
    let mut config = ClientConfig::default();
    let ms = Duration::from_millis;
    if let Some(url) = raw.url {
        config.url = url;
    }
    if let Some(origin) = raw.origin {
        config.origin = origin;
    }
    if let Some(proxy) = raw.proxy {
        let proxy: Proxy = proxy
            .parse()
            .map_err(|e| FfiError::new(WAZAP_INVALID_ARGUMENT, format!("config proxy: {e}")))?;
        config.proxy = Some(proxy);
    }
    if let Some(key) = raw.root_public_key {
        config.trusted_root = parse_key(&key)?;
    }
    if let Some(name) = raw.device_name {
        config.device_name = name;
    }
    if let Some(language) = raw.language {
        config.language = language;
    }
    if let Some(country) = raw.country {
        config.country = country;
    }
    if let Some(t) = raw.connect_timeout_ms {
        config.connect_timeout = ms(t);
    }
    if let Some(t) = raw.iq_timeout_ms {
        config.iq_timeout = ms(t);
    }
    if let Some(t) = raw.qr_first_timeout_ms {
        config.qr_first_timeout = ms(t);
    }
    if let Some(t) = raw.qr_next_timeout_ms {
        config.qr_next_timeout = ms(t);
    }
    if let Some(enabled) = raw.reconnect {
        config.reconnect.enabled = enabled;
    }
    if let Some(t) = raw.reconnect_base_delay_ms {
        config.reconnect.base_delay = ms(t);
    }
    if let Some(t) = raw.reconnect_max_delay_ms {
        config.reconnect.max_delay = ms(t);
    }
    if let Some(n) = raw.prekey_initial_batch {
        config.pre_keys.initial_batch = n;
    }
    Ok(Parsed { client: config, account: raw.account.unwrap_or_else(|| DEFAULT_ACCOUNT.into()) })
}

fn parse_key(text: &str) -> Result<PublicKey, FfiError> {
    let invalid =
        |why: String| FfiError::new(WAZAP_INVALID_ARGUMENT, format!("root_public_key: {why}"));
    let bytes = hex::decode(text.trim()).map_err(|e| invalid(e.to_string()))?;
    PublicKey::from_bytes(&bytes).map_err(|e| invalid(e.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_map_onto_the_client_config() {
        let key = "05".to_owned() + &"11".repeat(32);
        let json = format!(
            r#"{{"url":"ws://127.0.0.1:1/ws/chat","root_public_key":"{key}","device_name":"c",
               "account":"a","reconnect":false,"iq_timeout_ms":1500,"prekey_initial_batch":7}}"#
        );
        let parsed = parse(Some(&json)).unwrap();
        assert_eq!(parsed.account, "a");
        assert_eq!(parsed.client.url, "ws://127.0.0.1:1/ws/chat");
        assert_eq!(parsed.client.trusted_root.0, [0x11; 32]);
        assert_eq!(parsed.client.device_name, "c");
        assert!(!parsed.client.reconnect.enabled);
        assert_eq!(parsed.client.iq_timeout, Duration::from_millis(1500));
        assert_eq!(parsed.client.pre_keys.initial_batch, 7);
    }

    #[test]
    fn defaults_are_the_real_service() {
        let parsed = parse(None).unwrap();
        assert_eq!(parsed.account, DEFAULT_ACCOUNT);
        assert_eq!(parsed.client.url, ClientConfig::default().url);
        assert_eq!(parse(Some("{}")).unwrap().client.url, ClientConfig::default().url);
    }

    #[test]
    fn bad_input_is_refused_with_its_code() {
        assert_eq!(parse(Some("{")).unwrap_err().code, WAZAP_INVALID_JSON);
        assert_eq!(parse(Some(r#"{"uri":"x"}"#)).unwrap_err().code, WAZAP_INVALID_JSON);
        assert_eq!(parse(Some(r#"{"url":5}"#)).unwrap_err().code, WAZAP_INVALID_JSON);
        let bad_key = parse(Some(r#"{"root_public_key":"zz"}"#)).unwrap_err();
        assert_eq!(bad_key.code, WAZAP_INVALID_ARGUMENT);
        let short_key = parse(Some(r#"{"root_public_key":"0102"}"#)).unwrap_err();
        assert_eq!(short_key.code, WAZAP_INVALID_ARGUMENT);
    }
}
