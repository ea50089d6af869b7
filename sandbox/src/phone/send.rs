//! The phone sends a text to a user: encrypts it for every device of the recipient (starting
//! sessions from their published bundles when needed) and for the account's own companions
//! (wrapped in `deviceSentMessage`), then routes the stanza like any device's.
use prost::Message as _;
use rand::rngs::OsRng;
use rand::RngCore;
use wazap::binary::{Jid, Node, Server};
use wazap::crypto::sha256;
use wazap::proto::{DeviceSentMessage, Message};
use wazap::signal::{encrypt, pad_message, process_pre_key_bundle, PreKeyBundle, RandomKeys};
use wazap::store::SessionStore;

use super::receive::address;
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

/// Sends `text` from the phone of `phone` to the user `to`; returns the message id.
pub fn send_text(
    shared: &Shared,
    phone: &str,
    to: &Jid,
    text: &str,
) -> Result<String, ControlError> {
    if !matches!(to.server, Server::Pn | Server::Lid) {
        return Err(ControlError::bad_request("the phone sends to users only (groups: not yet)"));
    }
    let store = shared
        .phone_store(phone)
        .ok_or_else(|| ControlError::not_found(format!("unknown account {phone}")))?;
    let lid_mode = to.server == Server::Lid;
    // (device JID, is one of our own companions, its bundle if we have no session yet)
    let mut targets: Vec<(Jid, bool, Option<PreKeyBundle>)> = Vec::new();
    {
        let mut state = shared.state();
        let recipient = state
            .phone_of(to)
            .ok_or_else(|| ControlError::not_found(format!("{to} is not on the sandbox")))?;
        for (owner, own) in [(recipient.clone(), false), (phone.to_owned(), true)] {
            if own && owner == recipient {
                continue;
            }
            let Some(account) = state.account_mut(&owner) else { continue };
            let user = if lid_mode { account.lid_jid() } else { account.jid() };
            let ids: Vec<u16> = account.device_ids();
            for d in ids {
                if own && d == 0 {
                    continue;
                }
                let jid = user.clone().with_device(d);
                let has_session = store
                    .load_session(&address(&jid))
                    .ok()
                    .flatten()
                    .is_some_and(|r| !r.is_empty());
                let bundle = if has_session {
                    None
                } else {
                    account.bundles.get_mut(&d).map(|k| {
                        let b = k.take_bundle();
                        PreKeyBundle {
                            registration_id: b.registration_id,
                            device_id: u32::from(d),
                            pre_key: b.one_time.map(|(id, key)| (id, key.public())),
                            signed_pre_key_id: b.signed.id,
                            signed_pre_key: b.signed.public.public(),
                            signed_pre_key_signature: b.signed.signature.0.clone(),
                            identity_key: b.identity.public(),
                        }
                    })
                };
                targets.push((jid, own, bundle));
            }
        }
        state.save();
    }
    let plain = Message { conversation: Some(text.to_owned()), ..Default::default() };
    let own_plain = Message {
        device_sent_message: Some(Box::new(DeviceSentMessage {
            destination_jid: Some(to.to_non_ad().to_string()),
            message: Some(Box::new(plain.clone())),
            phash: None,
        })),
        ..Default::default()
    };
    let mut participants = Vec::new();
    for (jid, own, bundle) in targets {
        let addr = address(&jid);
        if let Some(bundle) = bundle {
            if let Err(e) = process_pre_key_bundle(&*store, &addr, &bundle, &mut RandomKeys) {
                tracing::warn!(%jid, error = %e, "no session with this device; skipped");
                continue;
            }
        }
        let payload = if own { &own_plain } else { &plain };
        let padded = pad_message(&payload.encode_to_vec(), &mut OsRng);
        match encrypt(&*store, &addr, &padded) {
            Ok(ct) => participants.push(Node::new("to").attr("jid", jid).child(
                Node::new("enc").attr("v", "2").attr("type", ct.enc_type()).bytes(ct.into_bytes()),
            )),
            Err(e) => tracing::warn!(%jid, error = %e, "encryption failed; device skipped"),
        }
    }
    let id = new_message_id(phone);
    let stanza = Node::new("message")
        .attr("id", id.clone())
        .attr("type", "text")
        .attr("to", to.to_non_ad())
        .child(Node::new("participants").children(participants));
    let ack = message::route(shared, phone, 0, &stanza)
        .ok_or_else(|| ControlError::internal("message without id"))?;
    match ack.attr_str("error") {
        Some(code) => {
            Err(ControlError::bad_request(format!("the server refused the message: {code}")))
        }
        None => Ok(id),
    }
}
