//! Receiving `<message>`: decrypt (pkmsg, msg, skmsg), commit the Signal changes, emit the
//! event, then the delivery receipt and the ack, in that order: a crash before the commit
//! leaves the message to be redelivered and decrypted again, and nothing is acked before it
//! is committed. A failure emits `UndecryptableMessage` and asks the sender for a retry (with
//! fresh keys); a redelivery is acked without a second event. Messages are handled in the
//! order they arrive (the read loop awaits each), so per-chat order is kept.
use std::sync::Arc;

use rand::rngs::OsRng;

use super::dispatch::send_ack;
use super::identity::{changed_identity, trust_new_identity};
use super::session::Session;
use super::{app_state, history_sync};
use super::{ClientError, Inner};
use crate::binary::Node;
use crate::crypto::KeyPair;
use crate::message::{
    build_message_receipt, build_retry_receipt, decrypt_with_info, parse_message_info,
    sender_encryption_jid, MessageError, RetryKeys, MAX_RETRIES,
};
use crate::signal::PreKeyRecord;
use crate::types::{Event, MessageContent, MessageInfo};

pub(crate) async fn handle_message(inner: &Arc<Inner>, session: &Session, node: Node) {
    if let Err(e) = receive(inner, session, &node).await {
        tracing::warn!(error = %e, "message not handled");
    }
    send_ack(&session.conn, &node).await;
}

async fn receive(inner: &Arc<Inner>, session: &Session, node: &Node) -> Result<(), ClientError> {
    let own = inner.own_jids()?;
    let info = match parse_message_info(node, &own) {
        Ok(info) => info,
        Err(e) => {
            tracing::warn!(error = %e, %node, "malformed message");
            return Ok(());
        }
    };
    learn_lids(inner, &info);
    let encryption_jid = match &info.sender_alt {
        Some(_) => sender_encryption_jid(&info),
        None => inner.messaging.encryption_jid(&info.sender),
    };
    let store = inner.signal().await?;
    let stanza = node.clone();
    let info_for_decrypt = info.clone();
    let sender_jid = encryption_jid.clone();
    // Decrypt and commit on the blocking pool (SQLite touches the disk).
    let locked = inner.clone();
    let (outcome, identity_changed) = super::blocking(move || {
        let _signal = locked.messaging.signal_guard();
        let mut result =
            decrypt_with_info(&*store, info_for_decrypt.clone(), &stanza, &encryption_jid);
        // The sender's identity key changed: trust the new one, drop the old session, and
        // decrypt again (a pkmsg then builds the new session; a msg asks for a retry).
        let mut identity_changed = false;
        if let Some((address, received)) = result.as_ref().err().and_then(changed_identity) {
            if let Err(e) = trust_new_identity(&*store, &address, &received) {
                return (Err(MessageError::Store(e)), false);
            }
            identity_changed = true;
            result = decrypt_with_info(&*store, info_for_decrypt, &stanza, &encryption_jid);
        }
        let outcome = result.and_then(|mut decrypted| {
            let changes = std::mem::take(&mut decrypted.changes);
            store.commit(changes)?;
            Ok(decrypted)
        });
        (outcome, identity_changed)
    })
    .await?;
    if identity_changed {
        inner.emit_identity_change(&sender_jid, true);
    }
    match outcome {
        Ok(decrypted) => {
            inner.messaging.clear_retry(&info.id);
            let fresh = inner.messaging.first_sighting(&info.chat, &info.sender, &info.id);
            if fresh && !decrypted.is_key_distribution_only() {
                if let Some(notification) = history_sync::notification_of(&decrypted.message) {
                    history_sync::on_notification(inner, &decrypted.info, notification);
                }
                app_state::on_key_share_message(inner, &decrypted.info, &decrypted.message);
                app_state::learn_push_name(inner, &decrypted.info).await;
                let content = MessageContent::new(decrypted.message, decrypted.flags);
                let content = inner.on_poll_message(&decrypted.info, content);
                inner.emit(Event::Message {
                    info: Box::new(decrypted.info),
                    message: Box::new(content),
                });
            }
            if info.category.as_deref() != Some("peer") {
                let active = inner.messaging.receipts.active();
                match build_message_receipt(node, &info, active) {
                    Ok(receipt) => session.conn.send(&receipt).await?,
                    Err(e) => tracing::debug!(error = %e, "no receipt"),
                }
            }
        }
        Err(MessageError::Duplicate) => tracing::debug!(id = %info.id, "redelivered message"),
        // A copy of a message already emitted that does not decrypt (a second answer to our
        // retry receipt, under a session the first one replaced): nothing is missing.
        Err(e) if inner.messaging.was_seen(&info.chat, &info.sender, &info.id) => {
            tracing::debug!(id = %info.id, error = %e, "undecryptable copy of a message already had");
        }
        Err(MessageError::Unavailable(kind)) => {
            inner.emit(Event::UndecryptableMessage {
                info: Box::new(info),
                reason: kind,
                unavailable: true,
            });
        }
        // Another copy of a message we already asked for again (delivered twice): the retry
        // receipt is on its way (the outbox keeps it until the server acks it); a second one
        // would only make the sender start a new session.
        Err(e)
            if e.wants_retry() && !is_retry_answer(node) && inner.messaging.retrying(&info.id) =>
        {
            tracing::debug!(id = %info.id, error = %e, "copy of a message already asked for again");
        }
        Err(e) if e.wants_retry() => {
            tracing::info!(id = %info.id, error = %e, "cannot decrypt; asking for a retry");
            let count = inner.messaging.next_retry(&info.id);
            if count == 1 {
                inner.emit(Event::UndecryptableMessage {
                    info: Box::new(info.clone()),
                    reason: e.to_string(),
                    unavailable: false,
                });
            }
            if count <= MAX_RETRIES {
                // Off the read loop: the receipt needs a fresh prekey, whose lock a prekey
                // refill may hold while it waits for an iq answer only this loop can read
                // (offline messages arrive right after login, when the refill runs).
                let with_keys = count > 1 || matches!(e, MessageError::NoSession(_));
                let (inner, node) = (inner.clone(), node.clone());
                tokio::spawn(async move {
                    if let Err(e) = send_retry_receipt(&inner, &node, count, with_keys).await {
                        tracing::warn!(error = %e, "retry receipt not sent");
                    }
                });
            }
        }
        Err(e) => {
            tracing::warn!(id = %info.id, error = %e, "undecryptable message");
            inner.emit(Event::UndecryptableMessage {
                info: Box::new(info),
                reason: e.to_string(),
                unavailable: false,
            });
        }
    }
    Ok(())
}

/// Whether `node` answers a retry receipt (its `<enc>` carries the retry `count`).
fn is_retry_answer(node: &Node) -> bool {
    node.children_by_tag("enc").any(|enc| enc.attr_str("count").is_some())
}

/// Remembers the LID↔phone pairs a stanza reveals.
fn learn_lids(inner: &Inner, info: &MessageInfo) {
    if let Some(alt) = &info.sender_alt {
        let (pn, lid) = if info.sender.is_pn() { (&info.sender, alt) } else { (alt, &info.sender) };
        if pn.is_pn() && lid.is_lid() {
            inner.messaging.add_lid(&pn.user, &lid.user);
        }
    }
}

/// Asks the sender to encrypt `node` again. The first retry asks only that: the sender
/// encrypts again under the session it has (a lost sender key or a message key that went
/// missing do not need a new session). From the second retry on, or when we have no session
/// with the sender, the receipt carries a fresh one-time prekey so the sender can start a new
/// session (whatsmeow `sendRetryReceipt`: keys when `retryCount > 1 || forceIncludeIdentity`).
async fn send_retry_receipt(
    inner: &Arc<Inner>,
    node: &Node,
    count: u32,
    with_keys: bool,
) -> Result<(), ClientError> {
    let device = inner.device()?;
    let receipt = if with_keys {
        let store = inner.signal().await?;
        let pre_key = {
            let _guard = inner.pre_key_lock.lock().await;
            let id = inner.device()?.next_pre_key_id;
            let record = PreKeyRecord::new(id, KeyPair::generate(&mut OsRng));
            let stored = record.clone();
            let signal = store.clone();
            super::blocking(move || signal.store_pre_key(&stored)).await??;
            inner.update_device(|d| d.advance_pre_key_id(1)).await?;
            record
        };
        let identity = device.account_bytes().unwrap_or_default();
        let keys = RetryKeys {
            identity: device.identity_key.public,
            pre_key: &pre_key,
            signed_pre_key: &device.signed_pre_key,
            device_identity: &identity,
        };
        build_retry_receipt(node, count, device.registration_id, Some(&keys))
    } else {
        build_retry_receipt(node, count, device.registration_id, None)
    }
    .map_err(|e| ClientError::BadResponse(e.to_string()))?;
    // Through the outbox: a retry receipt lost with its connection would lose the message.
    let _guard = inner.messaging.send_lock.lock().await;
    inner.send_until_acked(receipt).await
}
