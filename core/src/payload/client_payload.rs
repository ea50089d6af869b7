//! The `ClientPayload` a companion sends, encrypted, in the Noise `client_finish` message: a
//! registration payload before pairing, a login payload afterwards. Field values follow whatsmeow
//! (store/clientpayload.go @ 33cfac51) and Baileys (src/Utils/validate-connection.ts @ 78e7e4e2).
use crate::crypto::{PublicKey, DJB_TYPE};
use crate::proto::client_payload::user_agent::{Platform, ReleaseChannel};
use crate::proto::client_payload::web_info::WebSubPlatform;
use crate::proto::client_payload::{
    ConnectReason, ConnectType, DevicePairingRegistrationData, UserAgent, WebInfo,
};
use crate::proto::ClientPayload;

use super::{CompanionProps, WebVersion};

/// What the user agent announces besides the device props.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PayloadConfig {
    /// The web client version; bump it when the server answers 405.
    pub version: WebVersion,
    /// ISO 639-1 language (`userAgent.localeLanguageIso6391`), "en" by default.
    pub language: String,
    /// ISO 3166-1 alpha-2 country (`userAgent.localeCountryIso31661Alpha2`), "US" by default.
    pub country: String,
    /// Sent as `pushName` when set (Baileys does, whatsmeow does not).
    pub push_name: Option<String>,
}

impl Default for PayloadConfig {
    fn default() -> Self {
        Self {
            version: WebVersion::CURRENT,
            language: "en".to_owned(),
            country: "US".to_owned(),
            push_name: None,
        }
    }
}

/// The Signal keys a new companion registers with (`devicePairingData`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RegistrationKeys {
    pub registration_id: u32,
    pub identity: PublicKey,
    /// Signal prekey ids are 24-bit; only the low three bytes are sent.
    pub signed_prekey_id: u32,
    pub signed_prekey: PublicKey,
    /// Curve25519 signature by the identity key over `0x05 ‖ signed_prekey`.
    pub signed_prekey_signature: [u8; 64],
}

/// The fields shared by registration and login payloads: a WEB user agent that looks like a
/// desktop browser, WIFI_UNKNOWN, USER_ACTIVATED.
pub fn base_payload(config: &PayloadConfig) -> ClientPayload {
    let user_agent = UserAgent {
        platform: Some(Platform::Web as i32),
        app_version: Some(config.version.app_version()),
        mcc: Some("000".to_owned()),
        mnc: Some("000".to_owned()),
        os_version: Some("0.1".to_owned()),
        device: Some("Desktop".to_owned()),
        os_build_number: Some("0.1".to_owned()),
        release_channel: Some(ReleaseChannel::Release as i32),
        locale_language_iso6391: Some(config.language.clone()),
        locale_country_iso31661_alpha2: Some(config.country.clone()),
        ..Default::default()
    };
    ClientPayload {
        user_agent: Some(user_agent),
        web_info: Some(WebInfo {
            web_sub_platform: Some(WebSubPlatform::WebBrowser as i32),
            ..Default::default()
        }),
        connect_type: Some(ConnectType::WifiUnknown as i32),
        connect_reason: Some(ConnectReason::UserActivated as i32),
        push_name: config.push_name.clone(),
        ..Default::default()
    }
}

/// The payload of a device that is not paired yet: the server answers it with QR refs
/// (`pair-device`) or accepts a pairing-code request.
pub fn registration_payload(
    keys: &RegistrationKeys,
    config: &PayloadConfig,
    props: &CompanionProps,
) -> ClientPayload {
    let mut payload = base_payload(config);
    payload.device_pairing_data = Some(DevicePairingRegistrationData {
        e_regid: Some(keys.registration_id.to_be_bytes().to_vec()),
        e_keytype: Some(vec![DJB_TYPE]),
        e_ident: Some(keys.identity.0.to_vec()),
        e_skey_id: Some(keys.signed_prekey_id.to_be_bytes()[1..].to_vec()),
        e_skey_val: Some(keys.signed_prekey.0.to_vec()),
        e_skey_sig: Some(keys.signed_prekey_signature.to_vec()),
        build_hash: Some(config.version.build_hash().to_vec()),
        device_props: Some(props.encode()),
    });
    payload.passive = Some(false);
    payload.pull = Some(false);
    payload
}

/// The payload of a paired device logging in as `user:device@s.whatsapp.net`. Like whatsmeow:
/// passive (we send `<active/>` after `success`), pull, LID database migrated, `lc = 1`.
pub fn login_payload(user: u64, device: u16, config: &PayloadConfig) -> ClientPayload {
    let mut payload = base_payload(config);
    payload.username = Some(user);
    payload.device = Some(u32::from(device));
    payload.passive = Some(true);
    payload.pull = Some(true);
    payload.lid_db_migrated = Some(true);
    // whatsmeow 7e66fe5e "store: add new default client payload fields".
    payload.lc = Some(1);
    payload
}
