//! The hand-written `proto/wa_*.proto` schemas against real bytes from Baileys: the ClientPayload,
//! handshake messages and cert chains of `noise.json`, and the Message protos of
//! `signal_session.json` and `sender_keys.json`. Decoding must see the fields upstream wrote and
//! re-encoding must give back the identical bytes (same field numbers, types and order).
use crate::common;
use base64::Engine;
use common::{hex, load};
use prost::Message as _;
use serde_json::Value;
use wazap::crypto::{verify, PublicKey};
use wazap::proto::{
    cert_chain, client_payload, device_props, handshake_message, CertChain, ClientPayload,
    DeviceProps, HandshakeMessage, Message,
};

fn b64(v: &Value) -> Vec<u8> {
    base64::engine::general_purpose::STANDARD
        .decode(v.as_str().unwrap_or_else(|| panic!("expected base64 string, got {v}")))
        .unwrap_or_else(|e| panic!("bad base64 {v}: {e}"))
}

fn str_of(v: &Value) -> &str {
    v.as_str().unwrap_or_else(|| panic!("expected string, got {v}"))
}

fn transcripts() -> Vec<Value> {
    let v = load("noise.json");
    let t = v["transcripts"].as_array().expect("transcripts").clone();
    assert_eq!(t.len(), 2, "a registration and a login transcript");
    t
}

/// Checks every field of the protobufjs `toObject()` view against the decoded payload, so a
/// field present on one side only fails.
fn check_payload_against_object(p: &ClientPayload, obj: &Value, name: &str) {
    let keys: Vec<&str> = obj.as_object().unwrap().keys().map(|k| k.as_str()).collect();
    for key in &keys {
        match *key {
            "username" => {
                assert_eq!(p.username, Some(str_of(&obj["username"]).parse().unwrap()), "{name}")
            }
            "passive" => assert_eq!(p.passive, obj["passive"].as_bool(), "{name}"),
            "pull" => assert_eq!(p.pull, obj["pull"].as_bool(), "{name}"),
            "device" => {
                assert_eq!(p.device.map(u64::from), obj["device"].as_u64(), "{name}")
            }
            "connectType" => {
                assert_eq!(p.connect_type().as_str_name(), str_of(&obj["connectType"]), "{name}")
            }
            "connectReason" => assert_eq!(
                p.connect_reason().as_str_name(),
                str_of(&obj["connectReason"]),
                "{name}"
            ),
            "webInfo" => {
                let web = p.web_info.as_ref().expect("webInfo");
                assert_eq!(
                    web.web_sub_platform().as_str_name(),
                    str_of(&obj["webInfo"]["webSubPlatform"])
                );
            }
            "userAgent" => check_user_agent(p, &obj["userAgent"], name),
            "devicePairingData" => {
                let d = p.device_pairing_data.as_ref().expect("devicePairingData");
                let o = &obj["devicePairingData"];
                assert_eq!(d.e_regid(), b64(&o["eRegid"]));
                assert_eq!(d.e_keytype(), b64(&o["eKeytype"]));
                assert_eq!(d.e_ident(), b64(&o["eIdent"]));
                assert_eq!(d.e_skey_id(), b64(&o["eSkeyId"]));
                assert_eq!(d.e_skey_val(), b64(&o["eSkeyVal"]));
                assert_eq!(d.e_skey_sig(), b64(&o["eSkeySig"]));
                assert_eq!(d.build_hash(), b64(&o["buildHash"]));
                assert_eq!(d.device_props(), b64(&o["deviceProps"]));
            }
            other => panic!("{name}: field {other} of the vector is not checked"),
        }
    }
    // And the reverse: nothing decoded that the object view does not show.
    assert_eq!(p.username.is_some(), keys.contains(&"username"), "{name}");
    assert_eq!(p.device.is_some(), keys.contains(&"device"), "{name}");
    assert_eq!(p.device_pairing_data.is_some(), keys.contains(&"devicePairingData"));
    assert!(p.push_name.is_none() && p.session_id.is_none() && p.shards.is_empty());
}

fn check_user_agent(p: &ClientPayload, o: &Value, name: &str) {
    let ua = p.user_agent.as_ref().expect("userAgent");
    assert_eq!(ua.platform(), client_payload::user_agent::Platform::Web);
    assert_eq!(ua.platform().as_str_name(), str_of(&o["platform"]), "{name}");
    let v = ua.app_version.as_ref().expect("appVersion");
    assert_eq!(v.primary.map(u64::from), o["appVersion"]["primary"].as_u64());
    assert_eq!(v.secondary.map(u64::from), o["appVersion"]["secondary"].as_u64());
    assert_eq!(v.tertiary.map(u64::from), o["appVersion"]["tertiary"].as_u64());
    assert_eq!(v.quaternary, None);
    assert_eq!(ua.mcc(), str_of(&o["mcc"]));
    assert_eq!(ua.mnc(), str_of(&o["mnc"]));
    assert_eq!(ua.os_version(), str_of(&o["osVersion"]));
    assert_eq!(ua.device(), str_of(&o["device"]));
    assert_eq!(ua.os_build_number(), str_of(&o["osBuildNumber"]));
    assert_eq!(ua.release_channel().as_str_name(), str_of(&o["releaseChannel"]));
    assert_eq!(ua.locale_language_iso6391(), str_of(&o["localeLanguageIso6391"]));
    assert_eq!(ua.locale_country_iso31661_alpha2(), str_of(&o["localeCountryIso31661Alpha2"]));
    assert_eq!(ua.manufacturer, None);
}

#[test]
fn client_payloads_decode_to_the_object_view_and_reencode_identically() {
    for t in transcripts() {
        let name = str_of(&t["name"]);
        let bytes = hex(&t["client_payload"]["hex"]);
        let p = ClientPayload::decode(bytes.as_slice()).expect("ClientPayload decodes");
        check_payload_against_object(&p, &t["client_payload"]["object"], name);
        assert_eq!(p.encode_to_vec(), bytes, "{name}: re-encoding is byte-identical");
    }
}

#[test]
fn registration_payload_carries_the_pinned_credentials() {
    let t = &transcripts()[0];
    assert_eq!(str_of(&t["client_payload"]["kind"]), "registration");
    let creds = &t["client_payload"]["creds_used"];
    let p = ClientPayload::decode(hex(&t["client_payload"]["hex"]).as_slice()).unwrap();
    assert_eq!(p.passive, Some(false));
    assert_eq!(p.pull, Some(false));
    assert_eq!(p.username, None, "registration has no username");
    let d = p.device_pairing_data.expect("devicePairingData");
    let reg_id = creds["registration_id"].as_u64().unwrap() as u32;
    assert_eq!(d.e_regid(), reg_id.to_be_bytes(), "4-byte big-endian registration id");
    assert_eq!(d.e_keytype(), [5], "DJB key type");
    assert_eq!(d.e_ident(), hex(&creds["identity_public"]));
    let spk_id = creds["signed_prekey_id"].as_u64().unwrap() as u32;
    assert_eq!(d.e_skey_id(), &spk_id.to_be_bytes()[1..], "3-byte big-endian prekey id");
    assert_eq!(d.e_skey_val(), hex(&creds["signed_prekey_public"]));
    assert_eq!(d.e_skey_sig(), hex(&creds["signed_prekey_signature"]));
    assert_eq!(d.build_hash().len(), 16, "md5 of the version string");

    // deviceProps is itself a DeviceProps protobuf built from Baileys' browser config.
    let props = DeviceProps::decode(d.device_props()).expect("DeviceProps decodes");
    let browser = t["client_payload"]["baileys_config"]["browser"].as_array().unwrap();
    assert_eq!(props.os(), str_of(&browser[0]));
    assert_eq!(props.platform_type(), device_props::PlatformType::Chrome);
    assert_eq!(props.platform_type().as_str_name(), str_of(&browser[1]).to_uppercase());
    assert_eq!(props.require_full_sync, Some(false));
    assert_eq!(props.encode_to_vec(), d.device_props());
}

#[test]
fn login_payload_carries_the_user_and_device() {
    let t = &transcripts()[1];
    assert_eq!(str_of(&t["client_payload"]["kind"]), "login");
    let p = ClientPayload::decode(hex(&t["client_payload"]["hex"]).as_slice()).unwrap();
    // jid "15551234567:7@s.whatsapp.net" -> username 15551234567, device 7.
    let jid = str_of(&t["client_payload"]["creds_used"]["jid"]);
    let (user, rest) = jid.split_once(':').unwrap();
    assert_eq!(p.username(), user.parse::<u64>().unwrap());
    assert_eq!(p.device().to_string(), rest.split('@').next().unwrap());
    assert_eq!(p.pull, Some(true));
    assert!(p.device_pairing_data.is_none());
}

#[test]
fn handshake_frames_decode_and_reencode_identically() {
    for t in transcripts() {
        let name = str_of(&t["name"]);
        let keys = &t["keys"];
        for f in t["frames"].as_array().unwrap() {
            let bytes = hex(&f["handshake_message_hex"]);
            let m = HandshakeMessage::decode(bytes.as_slice()).expect("HandshakeMessage");
            assert_eq!(m.encode_to_vec(), bytes, "{name}");
            match str_of(&f["name"]) {
                "client_hello" => {
                    let h: &handshake_message::ClientHello = m.client_hello.as_ref().unwrap();
                    assert_eq!(h.ephemeral(), hex(&keys["client_ephemeral"]["public"]));
                    assert!(m.server_hello.is_none() && m.client_finish.is_none());
                }
                "server_hello" => {
                    let h = m.server_hello.as_ref().unwrap();
                    assert_eq!(h.ephemeral(), hex(&keys["server_ephemeral"]["public"]));
                    assert_eq!(h.r#static(), hex(&f["static_ciphertext_hex"]));
                    assert_eq!(h.payload(), hex(&f["payload_ciphertext_hex"]));
                    assert!(m.client_hello.is_none() && m.client_finish.is_none());
                }
                "client_finish" => {
                    let h = m.client_finish.as_ref().unwrap();
                    assert_eq!(h.r#static(), hex(&f["static_ciphertext_hex"]));
                    assert_eq!(h.payload(), hex(&f["payload_ciphertext_hex"]));
                    assert!(m.client_hello.is_none() && m.server_hello.is_none());
                }
                other => panic!("unexpected frame {other}"),
            }
        }
    }
}

fn check_details(details: &[u8], expected: &Value) -> cert_chain::noise_certificate::Details {
    let d = cert_chain::noise_certificate::Details::decode(details).expect("Details decodes");
    let e = &expected["details"];
    assert_eq!(d.serial.map(u64::from), e["serial"].as_u64());
    assert_eq!(d.issuer_serial.map(u64::from), e["issuerSerial"].as_u64());
    assert_eq!(d.key(), hex(&e["key"]));
    assert_eq!(d.not_before, e["notBefore"].as_u64());
    assert_eq!(d.not_after, e["notAfter"].as_u64());
    assert_eq!(d.encode_to_vec(), details, "Details re-encodes identically");
    d
}

#[test]
fn cert_chains_decode_with_serials_keys_and_validity() {
    for t in transcripts() {
        let cc = &t["cert_chain"];
        for which in ["intermediate", "leaf"] {
            check_details(&hex(&cc[which]["details_hex"]), &cc[which]);
        }

        let bytes = hex(&cc["hex"]);
        let server_hello = t["frames"].as_array().unwrap()[1].clone();
        assert_eq!(hex(&server_hello["decrypted_payload_hex"]), bytes, "the server_hello payload");
        let chain = CertChain::decode(bytes.as_slice()).expect("CertChain decodes");
        assert_eq!(chain.encode_to_vec(), bytes);
        let leaf = chain.leaf.as_ref().expect("leaf");
        let inter = chain.intermediate.as_ref().expect("intermediate");
        assert_eq!(leaf.details(), hex(&cc["leaf"]["details_hex"]));
        assert_eq!(leaf.signature(), hex(&cc["leaf"]["signature"]));
        assert_eq!(inter.details(), hex(&cc["intermediate"]["details_hex"]));
        assert_eq!(inter.signature(), hex(&cc["intermediate"]["signature"]));

        // The chain links: root signs the intermediate, whose key signs the leaf, whose key is
        // the server's static key.
        let root = PublicKey::from_bytes(&hex(&cc["root"]["public"])).unwrap();
        let inter_details = check_details(inter.details(), &cc["intermediate"]);
        assert!(verify(&root, inter.details(), inter.signature()));
        let inter_key = PublicKey::from_bytes(inter_details.key()).unwrap();
        let leaf_details = check_details(leaf.details(), &cc["leaf"]);
        assert!(verify(&inter_key, leaf.details(), leaf.signature()));
        assert!(!verify(&root, leaf.details(), leaf.signature()));
        assert_eq!(leaf_details.issuer_serial(), inter_details.serial());
        assert_eq!(leaf_details.key(), hex(&t["keys"]["server_static"]["public"]));
    }
}

#[test]
fn session_message_protos_are_conversations() {
    let v = load("signal_session.json");
    let mut seen = 0;
    for t in v["transcripts"].as_array().unwrap() {
        for m in t["messages"].as_array().unwrap() {
            let bytes = hex(&m["message_proto_hex"]);
            let msg = Message::decode(bytes.as_slice()).expect("Message decodes");
            assert_eq!(msg.conversation(), str_of(&m["conversation"]));
            assert_eq!(
                msg,
                Message { conversation: msg.conversation.clone(), ..Default::default() }
            );
            assert_eq!(msg.encode_to_vec(), bytes);
            // The padded plaintext starts with the proto; the padding is n bytes of value n.
            let plain = hex(&m["plaintext_hex"]);
            let pad = *plain.last().unwrap() as usize;
            assert_eq!(&plain[..plain.len() - pad], bytes.as_slice());
            seen += 1;
        }
    }
    assert!(seen >= 20, "every transcript message was checked ({seen})");
}

#[test]
fn sender_key_distribution_carriers_decode() {
    let v = load("sender_keys.json");
    let transcripts = v["transcripts"].as_array().unwrap();
    assert_eq!(transcripts.len(), 2);
    for t in transcripts {
        let bytes = hex(&t["skdm_carrier_message_proto_hex"]);
        let msg = Message::decode(bytes.as_slice()).expect("Message decodes");
        let skdm = msg.sender_key_distribution_message.as_ref().expect("field 2");
        assert_eq!(skdm.group_id(), str_of(&t["group_id"]));
        assert_eq!(skdm.axolotl_sender_key_distribution_message(), hex(&t["skdm_hex"]));
        assert_eq!(msg.conversation, None);
        assert_eq!(msg.encode_to_vec(), bytes);
    }
}

#[test]
fn truncated_input_is_an_error_not_a_panic() {
    let t = &transcripts()[0];
    let bytes = hex(&t["client_payload"]["hex"]);
    for cut in 1..bytes.len() {
        // Every prefix either decodes (a cut at a field boundary) or fails cleanly.
        let _ = ClientPayload::decode(&bytes[..cut]);
    }
    assert!(ClientPayload::decode(&bytes[..bytes.len() - 1]).is_err());
    assert!(Message::decode(&[0x0a, 0x05, b'h'][..]).is_err(), "length past the end");
}

/// Minimal protobuf writer for hand-assembled wire bytes: the field numbers below are written
/// independently of the schema, so a wrong number or wire type in `proto/` fails these tests.
fn key(field: u32, wire: u8) -> Vec<u8> {
    varint(u64::from(field) << 3 | u64::from(wire))
}

fn varint(mut v: u64) -> Vec<u8> {
    let mut out = Vec::new();
    while v >= 0x80 {
        out.push((v as u8) | 0x80);
        v >>= 7;
    }
    out.push(v as u8);
    out
}

fn len_field(field: u32, body: &[u8]) -> Vec<u8> {
    let mut out = key(field, 2);
    out.extend(varint(body.len() as u64));
    out.extend_from_slice(body);
    out
}

fn varint_field(field: u32, v: u64) -> Vec<u8> {
    let mut out = key(field, 0);
    out.extend(varint(v));
    out
}

#[test]
fn deep_future_proof_nesting_is_bounded() {
    // ephemeralMessage (40) { message (1) { ... conversation (1) } }, `depth` wrappers deep.
    let nest = |depth: usize| {
        let mut bytes = len_field(1, b"inner");
        for _ in 0..depth {
            bytes = len_field(40, &len_field(1, &bytes));
        }
        bytes
    };
    let mut msg = Message::decode(nest(20).as_slice()).expect("20 wrappers decode");
    for _ in 0..20 {
        msg = *msg.ephemeral_message.expect("wrapper").message.expect("inner message");
    }
    assert_eq!(msg.conversation(), "inner");
    // Far past prost's recursion limit: a clean error, not a stack overflow.
    assert!(Message::decode(nest(5000).as_slice()).is_err());
}

#[test]
fn protocol_message_fields_sit_at_upstream_numbers() {
    use wazap::proto::{protocol_message, HistorySyncType};
    // Message.protocolMessage (12) { type (2) = HISTORY_SYNC_NOTIFICATION (5),
    //   historySyncNotification (6) { fileLength (2), mediaKey (3), directPath (5),
    //   syncType (6) = RECENT (3), chunkOrder (7) } }
    let hsn = [
        varint_field(2, 1234),
        len_field(3, &[7; 32]),
        len_field(5, b"/v/t62.1/x"),
        varint_field(6, 3),
        varint_field(7, 2),
    ]
    .concat();
    let pm = [varint_field(2, 5), len_field(6, &hsn)].concat();
    let msg = Message::decode(len_field(12, &pm).as_slice()).unwrap();
    let pm = msg.protocol_message.expect("protocolMessage");
    assert_eq!(pm.r#type(), protocol_message::Type::HistorySyncNotification);
    let n = pm.history_sync_notification.expect("historySyncNotification");
    assert_eq!(n.file_length(), 1234);
    assert_eq!(n.media_key(), [7; 32]);
    assert_eq!(n.direct_path(), "/v/t62.1/x");
    assert_eq!(n.sync_type(), HistorySyncType::Recent);
    assert_eq!(n.chunk_order(), 2);

    // protocolMessage { type = APP_STATE_SYNC_KEY_SHARE (6), appStateSyncKeyShare (7) {
    //   keys (1) { keyId (1) { keyId (1) }, keyData (2) { keyData (1), fingerprint (2)
    //   { rawId (1), currentIndex (2), deviceIndexes (3, packed) }, timestamp (3) } } } }
    let fingerprint = [varint_field(1, 99), varint_field(2, 1), len_field(3, &[0, 1, 2])].concat();
    let data = [len_field(1, &[9; 32]), len_field(2, &fingerprint), varint_field(3, 1700)].concat();
    let key_bytes = [len_field(1, &len_field(1, b"\x00\x00\x01")), len_field(2, &data)].concat();
    let pm = [varint_field(2, 6), len_field(7, &len_field(1, &key_bytes))].concat();
    let msg = Message::decode(len_field(12, &pm).as_slice()).unwrap();
    let pm = msg.protocol_message.expect("protocolMessage");
    assert_eq!(pm.r#type(), protocol_message::Type::AppStateSyncKeyShare);
    let share = pm.app_state_sync_key_share.expect("share");
    let k = &share.keys[0];
    assert_eq!(k.key_id.as_ref().unwrap().key_id(), b"\x00\x00\x01");
    let d = k.key_data.as_ref().unwrap();
    assert_eq!(d.key_data(), [9; 32]);
    assert_eq!(d.timestamp(), 1700);
    let f = d.fingerprint.as_ref().unwrap();
    assert_eq!((f.raw_id(), f.current_index()), (99, 1));
    assert_eq!(f.device_indexes, [0, 1, 2]);
}

#[test]
fn app_state_and_history_fields_sit_at_upstream_numbers() {
    use wazap::proto::{syncd_mutation, HistorySync, HistorySyncType, SyncActionData, SyncdPatch};
    // SyncdPatch { version (1) { version (1) }, mutations (2) { operation (1) = REMOVE,
    //   record (2) { index (1) { blob }, value (2) { blob }, keyId (3) { id } } },
    //   snapshotMac (4), patchMac (5), keyId (6), deviceIndex (8) }
    let record = [
        len_field(1, &len_field(1, b"idx")),
        len_field(2, &len_field(1, b"val")),
        len_field(3, &len_field(1, b"kid")),
    ]
    .concat();
    let patch = [
        len_field(1, &varint_field(1, 42)),
        len_field(2, &[varint_field(1, 1), len_field(2, &record)].concat()),
        len_field(4, b"smac"),
        len_field(5, b"pmac"),
        len_field(6, &len_field(1, b"kid")),
        varint_field(8, 3),
    ]
    .concat();
    let p = SyncdPatch::decode(patch.as_slice()).unwrap();
    assert_eq!(p.version.unwrap().version(), 42);
    let m = &p.mutations[0];
    assert_eq!(m.operation(), syncd_mutation::SyncdOperation::Remove);
    let r = m.record.as_ref().unwrap();
    assert_eq!(r.index.as_ref().unwrap().blob(), b"idx");
    assert_eq!(r.value.as_ref().unwrap().blob(), b"val");
    assert_eq!(r.key_id.as_ref().unwrap().id(), b"kid");
    assert_eq!((p.snapshot_mac(), p.patch_mac()), (&b"smac"[..], &b"pmac"[..]));
    assert_eq!(p.device_index(), 3);
    assert_eq!(p.encode_to_vec(), patch);

    // SyncActionData { index (1), value (2) { timestamp (1), muteAction (4) { muted (1),
    //   muteEndTimestamp (2) }, pushNameSetting (7) { name (1) } }, version (4) }
    let value = [
        varint_field(1, 1_700_000_000_000),
        len_field(4, &[varint_field(1, 1), varint_field(2, 1_800_000_000_000)].concat()),
        len_field(7, &len_field(1, b"Alice")),
    ]
    .concat();
    let index = br#"["mute","15551234567@s.whatsapp.net"]"#;
    let data = [len_field(1, index), len_field(2, &value), varint_field(4, 2)].concat();
    let d = SyncActionData::decode(data.as_slice()).unwrap();
    assert_eq!(d.index(), index);
    assert_eq!(d.version(), 2);
    let v = d.value.unwrap();
    assert_eq!(v.timestamp(), 1_700_000_000_000);
    let mute = v.mute_action.unwrap();
    assert_eq!((mute.muted(), mute.mute_end_timestamp()), (true, 1_800_000_000_000));
    assert_eq!(v.push_name_setting.unwrap().name(), "Alice");

    // HistorySync { syncType (1) = PUSH_NAME, conversations (2) { id (1), messages (2) {
    //   message (1) { key (1) { remoteJid (1), fromMe (2), id (3) }, message (2) {
    //   conversation (1) }, messageTimestamp (3), pushName (19) }, msgOrderId (2) } },
    //   pushnames (7) { id (1), pushname (2) }, phoneNumberToLidMappings (15) { pnJid, lidJid } }
    let key_bytes = [len_field(1, b"1@s.whatsapp.net"), varint_field(2, 1), len_field(3, b"ABC")];
    let wmi = [
        len_field(1, &key_bytes.concat()),
        len_field(2, &len_field(1, b"hi")),
        varint_field(3, 1_700_000_000),
        len_field(19, b"Bob"),
    ]
    .concat();
    let conv = [
        len_field(1, b"1@s.whatsapp.net"),
        len_field(2, &[len_field(1, &wmi), varint_field(2, 5)].concat()),
    ]
    .concat();
    let hs = [
        varint_field(1, 4),
        len_field(2, &conv),
        len_field(7, &[len_field(1, b"1@s.whatsapp.net"), len_field(2, b"Bob")].concat()),
        len_field(15, &[len_field(1, b"1@s.whatsapp.net"), len_field(2, b"9@lid")].concat()),
    ]
    .concat();
    let h = HistorySync::decode(hs.as_slice()).unwrap();
    assert_eq!(h.sync_type(), HistorySyncType::PushName);
    let c = &h.conversations[0];
    assert_eq!(c.id(), "1@s.whatsapp.net");
    assert_eq!(c.messages[0].msg_order_id(), 5);
    let w = c.messages[0].message.as_ref().unwrap();
    let k = w.key.as_ref().unwrap();
    assert_eq!((k.remote_jid(), k.from_me(), k.id()), ("1@s.whatsapp.net", true, "ABC"));
    assert_eq!(w.message.as_ref().unwrap().conversation(), "hi");
    assert_eq!((w.message_timestamp(), w.push_name()), (1_700_000_000, "Bob"));
    assert_eq!(h.pushnames[0].pushname(), "Bob");
    assert_eq!(h.phone_number_to_lid_mappings[0].lid_jid(), "9@lid");
    assert_eq!(h.encode_to_vec(), hs);
}
