//! ClientPayload builders against the payloads Baileys encrypted in noise.json.
use crate::common;

use prost::Message;
use wazap::crypto::{verify, KeyPair, PublicKey};
use wazap::payload::{
    login_payload, registration_payload, CompanionProps, PayloadConfig, RegistrationKeys,
    WebVersion,
};
use wazap::proto::device_props::PlatformType;
use wazap::proto::{ClientPayload, DeviceProps};

fn transcript(kind: &str) -> serde_json::Value {
    let v = common::load("noise.json");
    v["transcripts"]
        .as_array()
        .expect("transcripts")
        .iter()
        .find(|t| t["client_payload"]["kind"] == kind)
        .unwrap_or_else(|| panic!("no {kind} transcript"))
        .clone()
}

/// Baileys' settings in noise.json: version from `baileys_config`, country US, no push name.
fn baileys_config(cp: &serde_json::Value) -> PayloadConfig {
    let v: Vec<u32> = cp["baileys_config"]["version"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x.as_u64().unwrap() as u32)
        .collect();
    PayloadConfig {
        version: WebVersion::new(v[0], v[1], v[2]),
        country: cp["baileys_config"]["countryCode"].as_str().unwrap().to_owned(),
        ..PayloadConfig::default()
    }
}

fn baileys_props() -> CompanionProps {
    // Baileys 6.17.16 with browser ["Ubuntu", "Chrome", ...], syncFullHistory false: only os,
    // platformType and requireFullSync (no version, no historySyncConfig).
    CompanionProps {
        os: "Ubuntu".to_owned(),
        version: None,
        platform_type: PlatformType::Chrome,
        require_full_sync: false,
        history_sync_config: None,
    }
}

fn creds_keys(creds: &serde_json::Value) -> RegistrationKeys {
    RegistrationKeys {
        registration_id: creds["registration_id"].as_u64().unwrap() as u32,
        identity: PublicKey(common::hex32(&creds["identity_public"])),
        signed_prekey_id: creds["signed_prekey_id"].as_u64().unwrap() as u32,
        signed_prekey: PublicKey(common::hex32(&creds["signed_prekey_public"])),
        signed_prekey_signature: common::hex(&creds["signed_prekey_signature"]).try_into().unwrap(),
    }
}

#[test]
fn registration_payload_matches_baileys_field_by_field_and_byte_for_byte() {
    let t = transcript("registration");
    let cp = &t["client_payload"];
    let creds = &cp["creds_used"];
    let theirs_bytes = common::hex(&cp["hex"]);
    let theirs = ClientPayload::decode(&theirs_bytes[..]).unwrap();

    // The creds are consistent: the identity derives from its private key and signed the prekey.
    let identity = KeyPair::from_private(common::hex32(&creds["identity_private"]));
    let keys = creds_keys(creds);
    assert_eq!(identity.public, keys.identity);
    assert!(verify(
        &identity.public,
        &keys.signed_prekey.serialize(),
        &keys.signed_prekey_signature
    ));

    let ours = registration_payload(&keys, &baileys_config(cp), &baileys_props());
    let (o, b) =
        (ours.device_pairing_data.as_ref().unwrap(), theirs.device_pairing_data.as_ref().unwrap());
    assert_eq!(o.e_regid, b.e_regid, "eRegid");
    assert_eq!(o.e_regid.as_deref(), Some(&6699u32.to_be_bytes()[..]));
    assert_eq!(o.e_keytype, b.e_keytype, "eKeytype");
    assert_eq!(o.e_ident, b.e_ident, "eIdent");
    assert_eq!(o.e_skey_id, b.e_skey_id, "eSkeyId");
    assert_eq!(o.e_skey_id.as_deref(), Some(&[0u8, 0, 1][..]));
    assert_eq!(o.e_skey_val, b.e_skey_val, "eSkeyVal");
    assert_eq!(o.e_skey_sig, b.e_skey_sig, "eSkeySig");
    assert_eq!(o.build_hash, b.build_hash, "buildHash");
    assert_eq!(o.device_props, b.device_props, "deviceProps");
    let props = DeviceProps::decode(b.device_props.as_deref().unwrap()).unwrap();
    assert_eq!(props.os(), "Ubuntu");
    assert_eq!(props.platform_type(), PlatformType::Chrome);

    assert_eq!(ours.passive, Some(false));
    assert_eq!(ours.pull, Some(false));
    assert_eq!(ours.user_agent, theirs.user_agent, "userAgent");
    assert_eq!(ours.web_info, theirs.web_info, "webInfo");
    assert_eq!(ours.connect_type, theirs.connect_type);
    assert_eq!(ours.connect_reason, theirs.connect_reason);
    assert_eq!(ours, theirs);
    // prost and protobufjs both write fields in field-number order.
    assert_eq!(ours.encode_to_vec(), theirs_bytes);
}

#[test]
fn login_payload_matches_baileys_except_its_passive_quirk() {
    let t = transcript("login");
    let cp = &t["client_payload"];
    let theirs_bytes = common::hex(&cp["hex"]);
    let theirs = ClientPayload::decode(&theirs_bytes[..]).unwrap();
    // creds_used.jid = 15551234567:7@s.whatsapp.net
    let mut ours = login_payload(15_551_234_567, 7, &baileys_config(cp));
    assert_eq!(ours.username, Some(15_551_234_567));
    assert_eq!(ours.device, Some(7));
    assert_eq!(ours.passive, Some(true));
    assert_eq!(ours.pull, Some(true));
    assert_eq!(ours.lid_db_migrated, Some(true));
    assert!(ours.device_pairing_data.is_none());

    // Baileys 6.17.16 logs in with passive=false and sends neither lidDbMigrated nor lc
    // (noise.json notes); whatsmeow sends what we send. Everything else must be identical.
    assert_eq!(theirs.passive, Some(false));
    ours.passive = Some(false);
    ours.lid_db_migrated = None;
    ours.lc = None;
    assert_eq!(ours, theirs);
    assert_eq!(ours.encode_to_vec(), theirs_bytes);
}

#[test]
fn defaults_announce_the_current_version_and_our_device_props() {
    let keys = creds_keys(&transcript("registration")["client_payload"]["creds_used"]);
    let config = PayloadConfig::default();
    let payload = registration_payload(&keys, &config, &CompanionProps::default());
    let ua = payload.user_agent.as_ref().unwrap();
    let v = ua.app_version.unwrap();
    assert_eq!((v.primary(), v.secondary(), v.tertiary()), (2, 3000, 1_045_649_367));
    let pairing = payload.device_pairing_data.unwrap();
    assert_eq!(pairing.build_hash.unwrap(), WebVersion::CURRENT.build_hash());
    let props = DeviceProps::decode(pairing.device_props.as_deref().unwrap()).unwrap();
    assert_eq!(props.os(), "wazap");
    assert_eq!(props.history_sync_config.unwrap().storage_quota_mb(), 10240);
    assert!(!props.require_full_sync());

    let named = CompanionProps::new("Firefox (Linux)", PlatformType::Firefox);
    let payload = registration_payload(&keys, &config, &named);
    let props =
        DeviceProps::decode(payload.device_pairing_data.unwrap().device_props.as_deref().unwrap())
            .unwrap();
    assert_eq!(props.os(), "Firefox (Linux)");
    assert_eq!(props.platform_type(), PlatformType::Firefox);

    let pushed = PayloadConfig { push_name: Some("bot".into()), ..PayloadConfig::default() };
    assert_eq!(login_payload(1, 0, &pushed).push_name.as_deref(), Some("bot"));
    assert_eq!(login_payload(1, 0, &config).push_name, None);
}
