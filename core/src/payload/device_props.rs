//! `DeviceProps`: how the companion describes itself to the phone. The phone shows `os` as the
//! device's name in its linked-devices list, with an icon chosen from `platformType`.
use prost::Message;

use crate::proto::device_props::{AppVersion, HistorySyncConfig, PlatformType};
use crate::proto::DeviceProps;

/// The companion's self-description, marshalled into `devicePairingData.deviceProps`.
#[derive(Clone, Debug, PartialEq)]
pub struct CompanionProps {
    /// Shown on the phone as the linked device's name.
    pub os: String,
    /// The companion's own version (`DeviceProps.version`); `None` leaves the field out.
    pub version: Option<[u32; 3]>,
    /// Picks the icon on the phone and, for QR codes, the client type suffix.
    pub platform_type: PlatformType,
    /// Asks the phone for a full history sync instead of the recent one.
    pub require_full_sync: bool,
    /// Which history-sync features we support; `None` leaves the field out.
    pub history_sync_config: Option<HistorySyncConfig>,
}

impl CompanionProps {
    /// Props with the given name and platform and the default version and history-sync config.
    pub fn new(os: impl Into<String>, platform_type: PlatformType) -> Self {
        Self { os: os.into(), platform_type, ..Self::default() }
    }

    /// The history-sync capabilities whatsmeow announces (store/clientpayload.go @ 33cfac51),
    /// restricted to the fields our schema has.
    pub fn default_history_sync_config() -> HistorySyncConfig {
        HistorySyncConfig {
            storage_quota_mb: Some(10240),
            inline_initial_payload_in_e2_ee_msg: Some(true),
            support_call_log_history: Some(true),
            support_bot_user_agent_chat_history: Some(true),
            support_cag_reactions_and_polls: Some(true),
            support_biz_hosted_msg: Some(true),
            support_recent_sync_chunk_message_count_tuning: Some(true),
            support_hosted_group_msg: Some(true),
            support_fbid_bot_chat_history: Some(true),
            support_message_association: Some(true),
            support_group_history: Some(true),
            thumbnail_sync_days_limit: Some(60),
            ..Default::default()
        }
    }

    pub fn to_proto(&self) -> DeviceProps {
        DeviceProps {
            os: Some(self.os.clone()),
            version: self.version.map(|[a, b, c]| AppVersion {
                primary: Some(a),
                secondary: Some(b),
                tertiary: Some(c),
                quaternary: None,
                quinary: None,
            }),
            platform_type: Some(self.platform_type as i32),
            require_full_sync: Some(self.require_full_sync),
            history_sync_config: self.history_sync_config,
        }
    }

    /// The marshalled bytes that go into `devicePairingData.deviceProps`.
    pub fn encode(&self) -> Vec<u8> {
        self.to_proto().encode_to_vec()
    }
}

impl Default for CompanionProps {
    /// `os = "wazap"`, version 0.1.0, platform UNKNOWN (as whatsmeow does), recent history only.
    fn default() -> Self {
        Self {
            os: "wazap".to_owned(),
            version: Some([0, 1, 0]),
            platform_type: PlatformType::Unknown,
            require_full_sync: false,
            history_sync_config: Some(Self::default_history_sync_config()),
        }
    }
}
