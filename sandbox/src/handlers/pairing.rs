//! QR pairing, server side. An unpaired companion's registration is kept with six refs and
//! answered with `<pair-device>`; when the account's phone scans a QR code (control API), the
//! phone signs the companion's identity and the server sends `<pair-success>`; the companion's
//! `<pair-device-sign>` reply is checked (device signature), the device is linked, and the
//! connection is told to reconnect with `<stream:error code="515"/>`.
//!
//! Pairing by code ([`super::pair_code`]) ends in the same [`issue_pair_success`].
use std::time::Duration;

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use prost::Message;
use rand::rngs::OsRng;
use rand::RngCore;
use thiserror::Error;
use wazap::binary::Node;
use wazap::crypto::PublicKey;
use wazap::pair::{parse_qr, qr_timeout, verify_pair_device_sign};
use wazap::proto::client_payload::DevicePairingRegistrationData;
use wazap::proto::DeviceProps;
use wazap::signal::verify_signed_pre_key;

use super::{devices, stanza};
use crate::conn::{ConnCtx, ConnHandle, Session};
use crate::control::ControlError;
use crate::phone;
use crate::shared::Shared;
use crate::state::codec::{HexBytes, Key32};
use crate::state::{
    unix_now, AwaitingSign, Device, DeviceKeys, Registration, SignedPrekey, State, PHONE_PLATFORM,
};

/// How many refs a `<pair-device>` carries (whatsmeow and Baileys show them in turn).
pub const REF_COUNT: usize = 6;

/// Why a registration payload is refused.
#[derive(Debug, Error, PartialEq, Eq)]
pub enum RegistrationError {
    #[error("devicePairingData lacks {0}")]
    Missing(&'static str),
    #[error("devicePairingData field {0} has the wrong length")]
    Length(&'static str),
    #[error("the key type is not 0x05")]
    KeyType,
    #[error("the signed prekey signature does not verify")]
    BadSignature,
}

fn field<'a>(
    value: &'a Option<Vec<u8>>,
    name: &'static str,
    len: usize,
) -> Result<&'a [u8], RegistrationError> {
    let bytes = value.as_deref().ok_or(RegistrationError::Missing(name))?;
    if bytes.len() != len {
        return Err(RegistrationError::Length(name));
    }
    Ok(bytes)
}

fn key(bytes: &[u8]) -> PublicKey {
    let mut k = [0u8; 32];
    k.copy_from_slice(bytes);
    PublicKey(k)
}

fn be(bytes: &[u8]) -> u32 {
    bytes.iter().fold(0, |acc, b| (acc << 8) | u32::from(*b))
}

/// A ref as the real server makes them: `2@` and random base64 (never a comma, which separates
/// the QR fields).
fn new_ref() -> String {
    let mut raw = [0u8; 36];
    OsRng.fill_bytes(&mut raw);
    format!("2@{}", STANDARD.encode(raw))
}

/// `<pair-device><ref>…</ref>×N</pair-device>`. Each ref is raw bytes (BINARY_8), as the real
/// server sends it: whatsmeow takes only `[]byte` content for a ref (`handlePairDevice` in
/// pair.go) and skips anything else, so text that the encoder would pack as a token or a JID
/// ("2@…" parses as one) left it with no QR code.
pub fn pair_device<'a>(refs: impl IntoIterator<Item = &'a str>) -> Node {
    Node::new("pair-device").children(refs.into_iter().map(|r| Node::new("ref").bytes(r)))
}

/// Keeps an unpaired companion's registration and sends it `<pair-device>` with fresh refs.
pub fn register(
    shared: &Shared,
    handle: &ConnHandle,
    noise_key: &PublicKey,
    data: &DevicePairingRegistrationData,
) -> Result<(), RegistrationError> {
    let registration_id = be(field(&data.e_regid, "eRegid", 4)?);
    if field(&data.e_keytype, "eKeytype", 1)? != [wazap::crypto::DJB_TYPE] {
        return Err(RegistrationError::KeyType);
    }
    let identity = key(field(&data.e_ident, "eIdent", 32)?);
    let signed_prekey_id = be(field(&data.e_skey_id, "eSkeyId", 3)?);
    let signed_prekey = key(field(&data.e_skey_val, "eSkeyVal", 32)?);
    let signature = field(&data.e_skey_sig, "eSkeySig", 64)?.to_vec();
    verify_signed_pre_key(&identity, &signed_prekey, &signature)
        .map_err(|_| RegistrationError::BadSignature)?;
    let name = data
        .device_props
        .as_deref()
        .and_then(|p| DeviceProps::decode(p).ok())
        .and_then(|p| p.os)
        .unwrap_or_default();

    // The real server's schedule: the first ref for 60 s, each next one 20 s more.
    let now = tokio::time::Instant::now();
    let mut shown_until = now;
    let refs: Vec<(String, tokio::time::Instant)> = (0..REF_COUNT)
        .map(|i| {
            shown_until += qr_timeout(i);
            (new_ref(), shown_until)
        })
        .collect();
    let pair_device = pair_device(refs.iter().map(|(r, _)| r.as_str()));
    shared.state().pending.add(Registration {
        conn: handle.clone(),
        noise_key: *noise_key,
        identity,
        registration_id,
        signed_prekey_id,
        signed_prekey,
        signed_prekey_signature: signature,
        name,
        refs,
        awaiting: None,
        code: None,
    });
    let (_, iq) = stanza::iq_set("md", pair_device);
    handle.send(iq);
    tracing::info!("registration: pair-device sent");
    Ok(())
}

/// The phone scans a QR code: checks it against the pending registrations and sends
/// `<pair-success>`; answers the new device's JID once that was sent.
pub async fn pair_by_qr(shared: &Shared, phone: &str, qr: &str) -> Result<String, ControlError> {
    let qr = parse_qr(qr).map_err(|e| ControlError::bad_request(format!("malformed QR: {e}")))?;
    let (conn, iq, device_jid) = {
        let mut state = shared.state();
        if state.account(phone).is_none() {
            return Err(ControlError::not_found(format!("unknown account {phone}")));
        }
        let conn_id = *state
            .pending
            .refs
            .get(&qr.reference)
            .ok_or_else(|| ControlError::not_found("unknown QR ref"))?;
        let registration = state
            .pending
            .registrations
            .get(&conn_id)
            .ok_or_else(|| ControlError::not_found("unknown QR ref"))?;
        let expiry = registration.refs.iter().find(|(r, _)| *r == qr.reference).map(|(_, e)| *e);
        if expiry.map_or(true, |e| tokio::time::Instant::now() > e) {
            return Err(ControlError::gone("the QR ref has expired"));
        }
        if registration.noise_key != qr.noise_public || registration.identity != qr.identity_public
        {
            return Err(ControlError::bad_request(
                "the QR keys differ from those of the connection that received the ref",
            ));
        }
        if registration.awaiting.is_some() {
            return Err(ControlError::conflict("this companion is being paired already"));
        }
        let identity = registration.identity;
        issue_pair_success(&mut state, conn_id, phone, &identity, &qr.adv_secret)?
    };
    send_pair_success(&conn, iq).await?;
    Ok(device_jid)
}

/// Sends a pair-success and waits until it was written.
pub async fn send_pair_success(conn: &ConnHandle, iq: Node) -> Result<(), ControlError> {
    match tokio::time::timeout(Duration::from_secs(10), conn.send_confirmed(iq)).await {
        Ok(Ok(())) => Ok(()),
        _ => Err(ControlError::gone("the companion disconnected before pair-success was sent")),
    }
}

/// Allocates the companion's device id and key index, has the phone sign its identity, and
/// builds `<iq type="set" xmlns="md"><pair-success>…`; the registration now waits for the
/// companion's signature. Returns the connection, the iq and the device JID.
pub fn issue_pair_success(
    state: &mut State,
    conn_id: u64,
    phone: &str,
    companion_identity: &PublicKey,
    adv_secret: &[u8; 32],
) -> Result<(ConnHandle, Node, String), ControlError> {
    let account = state
        .account_mut(phone)
        .ok_or_else(|| ControlError::not_found(format!("unknown account {phone}")))?;
    let device = account.next_device;
    account.next_device = device
        .checked_add(1)
        .ok_or_else(|| ControlError::conflict("the account has no device ids left"))?;
    let key_index = account.next_key_index;
    account.next_key_index += 1;
    let timestamp = unix_now();
    let identity = phone::grant_companion(
        &account.primary.identity_pair(),
        account.adv_raw_id,
        key_index,
        timestamp,
        companion_identity,
        adv_secret,
    );
    let jid = account.jid().with_device(device);
    let lid = account.lid_jid().with_device(device);
    let success = Node::new("pair-success")
        .child(Node::new("device-identity").bytes(identity))
        .child(Node::new("device").attr("jid", jid.clone()).attr("lid", lid))
        .child(Node::new("biz"))
        .child(Node::new("platform").attr("name", PHONE_PLATFORM));
    let (iq_id, iq) = stanza::iq_set("md", success);
    state.save();
    let registration = state
        .pending
        .registrations
        .get_mut(&conn_id)
        .ok_or_else(|| ControlError::gone("the companion disconnected"))?;
    registration.awaiting =
        Some(AwaitingSign { iq_id, phone: phone.to_owned(), device, key_index, timestamp });
    tracing::info!(%jid, "pair-success issued");
    Ok((registration.conn.clone(), iq, jid.to_string()))
}

/// An iq result or error from the client: the answer to one of our iqs (`pair-device`,
/// `pair-success`).
pub async fn on_iq_reply(ctx: &mut ConnCtx, iq: &Node) {
    if ctx.session != Session::Registering {
        return;
    }
    let id = iq.attr_str("id").unwrap_or_default();
    let awaiting = {
        let state = ctx.shared.state();
        state
            .pending
            .registrations
            .get(&ctx.handle.id)
            .and_then(|r| r.awaiting.clone().filter(|a| a.iq_id == id))
    };
    let Some(awaiting) = awaiting else { return };
    match complete(&ctx.shared, ctx.handle.id, &awaiting, iq) {
        Ok(()) => {
            devices::notify_change(&ctx.shared, &awaiting.phone, "add", awaiting.device, 0);
            tracing::info!(phone = %awaiting.phone, device = awaiting.device, "paired");
            phone::new_companion::expect(&ctx.shared, &awaiting.phone, awaiting.device);
            ctx.handle.close(Some(stanza::stream_error_code(515)));
        }
        Err(reason) => {
            tracing::info!(%reason, "pairing failed");
            ctx.shared.state().pending.remove(ctx.handle.id);
            ctx.handle.close(None);
        }
    }
}

/// Checks `<pair-device-sign>` and links the device.
fn complete(
    shared: &Shared,
    conn_id: u64,
    awaiting: &AwaitingSign,
    iq: &Node,
) -> Result<(), String> {
    if iq.attr_str("type") == Some("error") {
        let error = iq.child_by_tag("error").map(crate::conn::show).unwrap_or_default();
        return Err(format!("the companion rejected pair-success: {error}"));
    }
    let signed = iq
        .child_by_path(&["pair-device-sign", "device-identity"])
        .and_then(Node::content_bytes)
        .ok_or("pair-device-sign without device-identity")?;
    let mut state = shared.state();
    let registration = state.pending.remove(conn_id).ok_or("registration vanished")?;
    let account = state.account_mut(&awaiting.phone).ok_or("account vanished")?;
    let account_key = account.primary.identity_pair().public;
    let verified = verify_pair_device_sign(signed, &account_key, &registration.identity)
        .map_err(|e| format!("bad pair-device-sign: {e}"))?;
    if verified.key_index() != awaiting.key_index {
        return Err("pair-device-sign names another key index".into());
    }
    let keys = DeviceKeys::new(
        registration.registration_id,
        registration.identity.into(),
        SignedPrekey {
            id: registration.signed_prekey_id,
            public: registration.signed_prekey.into(),
            signature: HexBytes(registration.signed_prekey_signature.clone()),
        },
    );
    account.bundles.insert(awaiting.device, keys);
    account.devices.insert(
        awaiting.device,
        Device {
            id: awaiting.device,
            noise_key: Key32(registration.noise_key.0),
            identity: registration.identity.into(),
            name: registration.name.clone(),
            key_index: awaiting.key_index,
            adv_identity: HexBytes(verified.identity.encode_to_vec()),
            paired_at: awaiting.timestamp,
        },
    );
    account.devices_changed = unix_now();
    state.save();
    Ok(())
}
