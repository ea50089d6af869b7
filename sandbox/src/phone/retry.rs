//! Retry receipts, both ways, as a real device handles them (whatsmeow retry.go):
//! - the phone cannot decrypt a message (no session, bad MAC, unknown sender key): it answers
//!   with `<receipt type="retry">` carrying its registration id and fresh keys (a new one-time
//!   prekey, its signed prekey and identity), so the sender can start a new session;
//! - a device cannot decrypt something the phone sent: the phone encrypts the message again
//!   from its [`super::retry_buffer`] for that device alone (with its sender key, in a group).
use rand::rngs::OsRng;
use wazap::binary::{Jid, Node};
use wazap::crypto::KeyPair;
use wazap::message::{
    build_retry_message, build_retry_receipt, parse_retry_receipt, RetryKeys, MAX_RETRIES,
};
use wazap::signal::PreKeyRecord;
use wazap::store::{PreKeyStore, SignedPreKeyStore, SqliteSignalStore};

use super::send::own_jids;
use super::sessions::session_jid;
use crate::handlers::{message, receipt};
use crate::shared::Shared;
use crate::state::codec::Key32;

/// Asks the sender of `node` (a message the phone could not decrypt) to send it again.
pub fn ask_again(shared: &Shared, phone: &str, store: &SqliteSignalStore, node: &Node) {
    let Some(id) = node.attr_str("id") else { return };
    let count = shared.state().phone_sent.next_retry(phone, id);
    if count > MAX_RETRIES {
        tracing::info!(%phone, %id, "the phone gives up on a message");
        return;
    }
    let Some(keys) = fresh_keys(shared, phone, store) else { return };
    let (identity, registration_id, pre_key, signed) = keys;
    let retry_keys =
        RetryKeys { identity, pre_key: &pre_key, signed_pre_key: &signed, device_identity: &[] };
    match build_retry_receipt(node, count, registration_id, Some(&retry_keys)) {
        Ok(retry) => {
            tracing::info!(%phone, %id, count, "the phone asks for a retry");
            receipt::relay(shared, phone, 0, &retry);
        }
        Err(e) => tracing::warn!(error = %e, "cannot build a retry receipt"),
    }
}

/// A new one-time prekey (kept in the phone's store and keys), the signed prekey, the identity
/// and the registration id.
fn fresh_keys(
    shared: &Shared,
    phone: &str,
    store: &SqliteSignalStore,
) -> Option<(wazap::crypto::PublicKey, u32, PreKeyRecord, wazap::signal::SignedPreKeyRecord)> {
    let (pre_key, identity, registration_id, signed_id) = {
        let mut state = shared.state();
        let account = state.account_mut(phone)?;
        let id = account.primary.prekeys.keys().next_back().map_or(1, |last| last + 1);
        let pair = KeyPair::generate(&mut OsRng);
        account.primary.prekeys.insert(id, Key32(*pair.private_bytes()));
        let keys = &account.primary;
        let out = (
            PreKeyRecord::new(id, pair),
            keys.identity_pair().public,
            keys.registration_id,
            keys.signed_prekey_id,
        );
        state.save();
        out
    };
    if let Err(e) = store.store_pre_key(&pre_key) {
        tracing::warn!(error = %e, "cannot keep the retry prekey");
        return None;
    }
    let signed = store.load_signed_pre_key(signed_id).ok().flatten()?;
    Some((identity, registration_id, pre_key, signed))
}

/// A device asks for a message the phone sent: encrypt it again for that device alone.
pub fn answer(shared: &Shared, phone: &str, node: &Node) {
    let request = match parse_retry_receipt(node) {
        Ok(request) => request,
        Err(e) => {
            tracing::info!(error = %e, "malformed retry receipt");
            return;
        }
    };
    let Some((chat, sent)) = shared.state().phone_sent.get(phone, &request.message_id) else {
        tracing::info!(%phone, id = %request.message_id, "retry for a message the phone no longer has");
        return;
    };
    let Some(store) = shared.phone_store(phone) else { return };
    let Ok(own) = own_jids(shared, phone) else { return };
    let Ok(requester) = request.requester().cloned() else { return };
    let encryption = session_jid(&shared.state(), &requester);
    let group_sender: Option<&Jid> = chat.is_group().then_some(&own.pn);
    let lock = shared.phone_crypto_lock(phone);
    let _crypto = lock.lock().unwrap_or_else(|p| p.into_inner());
    match build_retry_message(&*store, &own, &request, &sent, group_sender, Some(&encryption), None)
    {
        Ok(resend) => {
            tracing::info!(%phone, %requester, id = %request.message_id, "the phone sends again");
            if let Some(ack) = message::route(shared, phone, 0, &resend) {
                if let Some(code) = ack.attr_str("error") {
                    tracing::warn!(%code, "the resent message was refused");
                }
            }
        }
        Err(e) => tracing::warn!(%requester, error = %e, "cannot encrypt the message again"),
    }
}
