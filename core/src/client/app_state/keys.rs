//! App state sync keys: our phone shares them (`protocolMessage.appStateSyncKeyShare`, sent
//! right after linking and whenever asked) and we keep them; a patch or snapshot under a key we
//! lack makes us ask the phone for it (`appStateSyncKeyRequest`, a peer message to device 0,
//! whatsmeow `requestAppStateKeys`), and every share resumes the collections that waited.
use std::sync::Arc;

use super::super::{lock, ClientError, Inner};
use super::sync;
use crate::appstate::Collection;
use crate::message::{build_peer_message, OutgoingDevice};
use crate::proto::{self, protocol_message};
use crate::store::AppStateKey;
use crate::types::MessageInfo;

/// The key share inside a decrypted message, if it is one.
pub(crate) fn on_key_share_message(
    inner: &Arc<Inner>,
    info: &MessageInfo,
    message: &proto::Message,
) {
    let Some(share) =
        message.protocol_message.as_ref().and_then(|p| p.app_state_sync_key_share.as_ref())
    else {
        return;
    };
    if !info.is_from_me {
        tracing::warn!(sender = %info.sender, "app state keys from another user ignored");
        return;
    }
    let keys: Vec<AppStateKey> = share
        .keys
        .iter()
        .filter_map(|k| {
            let id = k.key_id.as_ref()?.key_id.clone()?;
            let data = k.key_data.as_ref()?;
            Some(AppStateKey {
                id,
                data: data.key_data.clone()?,
                timestamp_ms: data.timestamp.unwrap_or_default(),
            })
        })
        .collect();
    let inner = inner.clone();
    tokio::spawn(async move {
        if let Err(e) = on_key_share(&inner, keys).await {
            tracing::warn!(error = %e, "app state keys not handled");
        }
    });
}

/// Stores shared keys, then syncs: every collection after the first share (the first full
/// sync), and those that waited for a key.
pub(crate) async fn on_key_share(
    inner: &Arc<Inner>,
    keys: Vec<AppStateKey>,
) -> Result<(), ClientError> {
    tracing::info!(count = keys.len(), "app state keys received");
    let store = inner.app_state_store().await?;
    super::super::blocking(move || store.put_keys(&keys)).await??;
    lock(&inner.app_state.waiting).clear();
    sync::sync(inner, &Collection::ALL).await;
    Ok(())
}

/// Whether `key_id` was asked for already (then a second miss is not waited for again).
pub(crate) fn already_requested(inner: &Inner, key_id: &[u8]) -> bool {
    lock(&inner.app_state.requested).contains(key_id)
}

/// Asks our phone for `key_id`; `collection` resumes when a share arrives.
pub(crate) async fn request(
    inner: &Arc<Inner>,
    collection: Collection,
    key_id: &[u8],
) -> Result<(), ClientError> {
    lock(&inner.app_state.requested).insert(key_id.to_vec());
    lock(&inner.app_state.waiting).insert(collection);
    let message = proto::Message {
        protocol_message: Some(Box::new(proto::ProtocolMessage {
            r#type: Some(protocol_message::Type::AppStateSyncKeyRequest as i32),
            app_state_sync_key_request: Some(proto::AppStateSyncKeyRequest {
                key_ids: vec![proto::AppStateSyncKeyId { key_id: Some(key_id.to_vec()) }],
            }),
            ..Default::default()
        })),
        ..Default::default()
    };
    send_to_phone(inner, &message).await
}

/// A peer message to our primary device (device 0).
async fn send_to_phone(inner: &Arc<Inner>, message: &proto::Message) -> Result<(), ClientError> {
    let phone = inner.own_jids()?.pn.to_non_ad();
    let store = inner.signal().await?;
    let device = OutgoingDevice::new(phone.clone())
        .with_encryption_jid(inner.messaging.encryption_jid(&phone));
    let identity = inner.device()?.account_bytes();
    let id = inner.new_message_id();
    let _guard = inner.messaging.send_lock.lock().await;
    inner.ensure_sessions(&store, std::slice::from_ref(&device)).await?;
    let node = build_peer_message(&*store, &device, &id, message, identity.as_deref())?;
    inner.send_node(node).await
}
