//! The privacy requests: `privacy_settings` and `set_privacy_setting` (the blocklist's are in
//! `requests`).
use serde::{Deserialize, Serialize};

use super::requests::Request;
use super::Result;
use crate::types::{PrivacyCategory, PrivacySettings, PrivacyValue};
use crate::Client;

/// `privacy_settings`: our privacy settings, as the server keeps them.
#[derive(Clone, Debug, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct GetPrivacySettings {}

impl Request for GetPrivacySettings {
    const NAME: &'static str = "privacy_settings";
    type Answer = PrivacySettings;
    async fn start(self, client: Client) -> Result<PrivacySettings> {
        Ok(client.privacy_settings().await?)
    }
}

/// `set_privacy_setting`: sets `name` (`last`, `online`, `profile`, `status`,
/// `readreceipts`, `groupadd`, `calladd`, `messages`) to `value` (`all`, `contacts`,
/// `contact_blacklist`, `none`, `match_last_seen`, `known`… as the setting takes); answers the
/// settings after the change.
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct SetPrivacySetting {
    pub name: PrivacyCategory,
    pub value: PrivacyValue,
}

impl Request for SetPrivacySetting {
    const NAME: &'static str = "set_privacy_setting";
    type Answer = PrivacySettings;
    async fn start(self, client: Client) -> Result<PrivacySettings> {
        Ok(client.set_privacy_setting(self.name, self.value).await?)
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use crate::api::ErrorKind;
    use crate::store::MemoryDeviceStore;
    use crate::{Client, ClientConfig};

    #[tokio::test]
    async fn bad_names_and_values_are_refused_before_sending() {
        let client = Client::new(Arc::new(MemoryDeviceStore::new()), ClientConfig::default());
        for (args, expect) in [
            (r#"{"name":"lastseen","value":"all"}"#, "unknown variant `lastseen`"),
            (r#"{"name":"last","value":"everyone"}"#, "unknown variant `everyone`"),
            (r#"{"name":"readreceipts","value":"contacts"}"#, "readreceipts takes all, none"),
        ] {
            let error = client.request("set_privacy_setting", args).await.unwrap_err();
            assert_eq!(error.kind(), ErrorKind::InvalidArgument, "{args}");
            assert!(error.message().contains(expect), "{args}: {}", error.message());
        }
    }
}
