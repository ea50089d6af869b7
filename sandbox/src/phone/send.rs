//! The phone sends a text, end-to-end encrypted like any device, then routes the stanza through
//! `handlers::message::route` as a companion's would be routed:
//! - to a user: encrypted for every device of the recipient and for the account's own
//!   companions (wrapped in `deviceSentMessage`);
//! - to a group: encrypted once with the phone's sender key for the group (`skmsg`; the key is
//!   created on first use and kept in the phone's Signal store), the key itself going, in a
//!   pkmsg/msg per device, to every member device that has not had it yet (which devices did
//!   is kept in the durable state, so a restart does not hand it out again).
use rand::rngs::OsRng;
use rand::RngCore;
use wazap::binary::{Jid, Node, Server};
use wazap::crypto::sha256;
use wazap::message::{
    build_direct_message, build_group_message, build_peer_message, sender_key_targets,
    DirectMessage, GroupMessage, OutgoingDevice,
};
use wazap::proto::Message;
use wazap::types::OwnJids;

use super::sessions::{ensure_sessions, session_jid};
use crate::control::ControlError;
use crate::handlers::message;
use crate::shared::Shared;
use crate::state::unix_now;

/// A message id as WhatsApp Web makes them: `3EB0` + the first 9 bytes of SHA-256(time ‖ user ‖
/// random), hex (protocol-notes §6).
pub fn new_message_id(user: &str) -> String {
    let mut input = unix_now().to_be_bytes().to_vec();
    input.extend_from_slice(user.as_bytes());
    input.extend_from_slice(b"@c.us");
    let mut random = [0u8; 16];
    OsRng.fill_bytes(&mut random);
    input.extend_from_slice(&random);
    format!("3EB0{}", hex::encode_upper(&sha256(&input)[..9]))
}

/// Sends `text` from the phone of `phone` to `to` (a user or a group); returns the message id.
pub fn send_text(
    shared: &Shared,
    phone: &str,
    to: &Jid,
    text: &str,
) -> Result<String, ControlError> {
    let message = Message { conversation: Some(text.to_owned()), ..Default::default() };
    send_message(shared, phone, to, &message)
}

/// Sends `message` from the phone of `phone` to `to`; returns the message id.
pub fn send_message(
    shared: &Shared,
    phone: &str,
    to: &Jid,
    message: &Message,
) -> Result<String, ControlError> {
    let to = to.to_non_ad();
    // Encrypted and routed in one go: sessions advance one message at a time, and messages
    // are routed in the order of their counters.
    let lock = shared.phone_crypto_lock(phone);
    let _crypto = lock.lock().unwrap_or_else(|p| p.into_inner());
    let node = match to.server {
        Server::Pn | Server::Lid => direct(shared, phone, &to, message)?,
        Server::Group => group(shared, phone, &to, message)?,
        _ => return Err(ControlError::bad_request("the phone sends to users and groups only")),
    };
    let id = node.attr_str("id").unwrap_or_default().to_owned();
    super::retry_buffer::remember(shared, phone, &id, &to, message);
    let ack = message::route(shared, phone, 0, &node)
        .ok_or_else(|| ControlError::internal("message without id"))?;
    match ack.attr_str("error") {
        Some(code) => {
            Err(ControlError::bad_request(format!("the server refused the message: {code}")))
        }
        None => Ok(id),
    }
}

/// The phone's own JIDs (device 0).
pub fn own_jids(shared: &Shared, phone: &str) -> Result<OwnJids, ControlError> {
    let state = shared.state();
    let account = state
        .account(phone)
        .ok_or_else(|| ControlError::not_found(format!("unknown account {phone}")))?;
    Ok(OwnJids::new(account.jid().with_device(0), Some(account.lid_jid().with_device(0))))
}

/// `devices` as the phone encrypts for them: named as given on the wire, sessions under LIDs.
fn outgoing(shared: &Shared, devices: Vec<Jid>) -> Vec<OutgoingDevice> {
    let state = shared.state();
    devices
        .into_iter()
        .map(|d| {
            let lid = session_jid(&state, &d);
            OutgoingDevice::new(d).with_encryption_jid(lid)
        })
        .collect()
}

fn store_of(
    shared: &Shared,
    phone: &str,
) -> Result<std::sync::Arc<wazap::store::SqliteSignalStore>, ControlError> {
    shared
        .phone_store(phone)
        .ok_or_else(|| ControlError::not_found(format!("unknown account {phone}")))
}

fn direct(shared: &Shared, phone: &str, to: &Jid, message: &Message) -> Result<Node, ControlError> {
    let store = store_of(shared, phone)?;
    let own = own_jids(shared, phone)?;
    let lid_mode = to.server == Server::Lid;
    let (recipient, own_devices) = {
        let state = shared.state();
        let recipient_phone = state
            .phone_of(to)
            .ok_or_else(|| ControlError::not_found(format!("{to} is not on the sandbox")))?;
        let user = |a: &crate::state::Account| if lid_mode { a.lid_jid() } else { a.jid() };
        let recipient = state.account(&recipient_phone).map(|a| a.device_jids(&user(a)));
        let own_devices: Vec<Jid> = match state.account(phone) {
            Some(me) if recipient_phone != phone => {
                me.device_jids(&user(me)).into_iter().filter(|j| j.device != 0).collect()
            }
            _ => Vec::new(),
        };
        (recipient.unwrap_or_default(), own_devices)
    };
    let all: Vec<Jid> = recipient.iter().chain(&own_devices).cloned().collect();
    ensure_sessions(shared, &store, &all);
    let id = new_message_id(phone);
    let recipient = outgoing(shared, recipient);
    let own_devices = outgoing(shared, own_devices);
    let msg = DirectMessage {
        id: &id,
        to,
        message,
        recipient_devices: &recipient,
        own_devices: &own_devices,
        device_identity: None,
    };
    let out = build_direct_message(&*store, &own, &msg)
        .map_err(|e| ControlError::internal(format!("encryption failed: {e}")))?;
    for (jid, e) in &out.failed {
        tracing::warn!(%jid, error = %e, "the phone's message not encrypted for a device");
    }
    Ok(out.node)
}

fn group(shared: &Shared, phone: &str, to: &Jid, message: &Message) -> Result<Node, ControlError> {
    let store = store_of(shared, phone)?;
    let own = own_jids(shared, phone)?;
    let (devices, holders) = {
        let state = shared.state();
        let group = state
            .durable
            .groups
            .get(&to.user)
            .ok_or_else(|| ControlError::not_found(format!("no group {to}")))?;
        if !group.members.contains_key(phone) {
            return Err(ControlError::new(
                axum::http::StatusCode::FORBIDDEN,
                format!("{phone} is not a member of {to}"),
            ));
        }
        let mut devices = Vec::new();
        for member in group.members.keys() {
            let Some(account) = state.account(member) else { continue };
            devices.extend(account.device_jids(&account.jid()));
        }
        devices.retain(|d| !own.is_this_device(d));
        let holders: Vec<Jid> = state
            .durable
            .sender_key_holders
            .get(phone)
            .and_then(|groups| groups.get(&to.user))
            .map(|set| set.iter().filter_map(|j| j.parse().ok()).collect())
            .unwrap_or_default();
        (devices, holders)
    };
    let id = new_message_id(phone);
    let devices = outgoing(shared, devices);
    let msg = GroupMessage {
        id: &id,
        group: to,
        message,
        sender: &own.pn,
        devices: &devices,
        devices_with_sender_key: &holders,
        device_identity: None,
    };
    let encrypt_error =
        |e: wazap::message::MessageError| ControlError::internal(format!("encryption failed: {e}"));
    let targets = sender_key_targets(&*store, &own, &msg).map_err(encrypt_error)?;
    let targets: Vec<Jid> = targets.into_iter().map(|d| d.jid).collect();
    ensure_sessions(shared, &store, &targets);
    let out = build_group_message(&*store, &own, &msg).map_err(encrypt_error)?;
    for (jid, e) in &out.failed {
        tracing::warn!(%jid, error = %e, "the phone's sender key not sent to a device");
    }
    {
        let mut state = shared.state();
        let groups = state.durable.sender_key_holders.entry(phone.to_owned()).or_default();
        let set = groups.entry(to.user.clone()).or_default();
        if out.new_sender_key {
            set.clear();
        }
        set.extend(out.sender_key_recipients.iter().map(Jid::to_string));
        state.save();
    }
    Ok(out.node)
}

/// Sends `message` from the phone to its own companion `device` as a peer message (app state
/// keys, history sync notifications); returns the message id.
pub fn send_peer(
    shared: &Shared,
    phone: &str,
    device: u16,
    message: &Message,
) -> Result<String, ControlError> {
    let store = store_of(shared, phone)?;
    let jid = own_jids(shared, phone)?.pn.with_device(device);
    if !ensure_sessions(shared, &store, std::slice::from_ref(&jid)).is_empty() {
        return Err(ControlError::not_found(format!("no session with {jid}")));
    }
    let target = outgoing(shared, vec![jid]).remove(0);
    let id = new_message_id(phone);
    let node = build_peer_message(&*store, &target, &id, message, None)
        .map_err(|e| ControlError::internal(format!("encryption failed: {e}")))?;
    let ack = message::route(shared, phone, 0, &node)
        .ok_or_else(|| ControlError::internal("message without id"))?;
    match ack.attr_str("error") {
        Some(code) => {
            Err(ControlError::bad_request(format!("the server refused the message: {code}")))
        }
        None => Ok(id),
    }
}
