//! History sync: our phone announces history-sync blobs in `protocolMessage`s
//! (`HISTORY_SYNC_NOTIFICATION`, right after linking, then now and then). We acknowledge each
//! with a `hist_sync` receipt, then one task per client downloads them in the order they came
//! (whatsmeow `handleHistorySyncNotificationLoop`), saves their phone-number↔LID pairs and
//! emits [`Event::HistorySync`]; its push names go to the contacts. A failed download is logged; the phone's notification stays
//! in the message event, so the application can call `download_history_sync` later.
use std::sync::{Arc, Weak};

use tokio::sync::mpsc;

use super::download::download;
use super::{lock, ClientError, Inner};
use crate::binary::{Jid, Node};
use crate::media::{inflate_history_sync, MediaRef, TransferError};
use crate::proto::{self, HistorySyncNotification};
use crate::types::{Event, HistorySync, MessageInfo};

/// Handles a history-sync notification from our own phone (others' are ignored).
pub(crate) fn on_notification(
    inner: &Arc<Inner>,
    info: &MessageInfo,
    notification: &HistorySyncNotification,
) {
    if !info.is_from_me {
        tracing::warn!(sender = %info.sender, "history sync notification from another user ignored");
        return;
    }
    let receipt_inner = inner.clone();
    let id = info.id.clone();
    tokio::spawn(async move {
        if let Err(e) = send_receipt(&receipt_inner, &id).await {
            tracing::debug!(error = %e, "hist_sync receipt not sent");
        }
    });
    if inner.config.download_history {
        queue(inner, notification.clone());
    }
}

/// `<receipt id type="hist_sync" to="own user">` (whatsmeow `SendProtocolMessageReceipt`).
async fn send_receipt(inner: &Inner, id: &str) -> Result<(), ClientError> {
    let own = inner.own_jids()?.pn.to_non_ad();
    let receipt =
        Node::new("receipt").attr("id", id.to_owned()).attr("type", "hist_sync").attr("to", own);
    inner.send_node(receipt).await
}

/// Hands the notification to the client's download task, starting it if needed.
fn queue(inner: &Arc<Inner>, notification: HistorySyncNotification) {
    let mut slot = lock(&inner.history_queue);
    let sender = slot.get_or_insert_with(|| {
        let (tx, rx) = mpsc::unbounded_channel();
        // Weak: the task must not keep a dropped client alive; it ends with the channel.
        tokio::spawn(run(Arc::downgrade(inner), rx));
        tx
    });
    if sender.send(notification).is_err() {
        tracing::warn!("history sync task gone; notification dropped");
    }
}

async fn run(inner: Weak<Inner>, mut rx: mpsc::UnboundedReceiver<HistorySyncNotification>) {
    while let Some(notification) = rx.recv().await {
        let Some(inner) = inner.upgrade() else { return };
        match fetch(&inner, &notification).await {
            Ok(sync) => inner.emit(Event::HistorySync(Box::new(sync))),
            Err(e) => tracing::warn!(error = %e, "history sync not downloaded"),
        }
    }
}

/// Downloads (or takes the inline payload), decodes and applies one history-sync blob.
pub(crate) async fn fetch(
    inner: &Arc<Inner>,
    notification: &HistorySyncNotification,
) -> Result<HistorySync, ClientError> {
    let compressed = match &notification.initial_hist_bootstrap_inline_payload {
        Some(inline) => inline.clone(),
        None => download(inner, &MediaRef::from_history_notification(notification)?).await?,
    };
    // Inflating, decoding and describing a large chunk is CPU work: off the runtime threads.
    let sync = super::blocking(move || {
        Ok::<_, TransferError>(HistorySync::from_raw(&inflate_history_sync(&compressed)?)?)
    })
    .await??;
    tracing::info!(
        sync_type = %sync.sync_type,
        chunk = ?sync.chunk_order,
        conversations = sync.conversations.len(),
        "history sync received"
    );
    save_lid_pairs(inner, &sync).await?;
    save_push_names(inner, &sync).await?;
    Ok(sync)
}

/// Saves the push names to the contacts (see `app_state`).
async fn save_push_names(inner: &Arc<Inner>, sync: &HistorySync) -> Result<(), ClientError> {
    let names: Vec<(Jid, String)> = sync
        .push_names
        .iter()
        .filter(|p| !p.name.is_empty())
        .filter_map(|p| Some((p.jid.parse::<Jid>().ok()?, p.name.clone())))
        .collect();
    if names.is_empty() {
        return Ok(());
    }
    super::app_state::store_push_names(inner, names).await
}

/// Saves the pairs to the LID map (and its store, on the blocking pool).
async fn save_lid_pairs(inner: &Arc<Inner>, sync: &HistorySync) -> Result<(), ClientError> {
    let pairs: Vec<(String, String)> = sync
        .lid_mappings
        .iter()
        .filter_map(|m| {
            let (pn, lid) = (m.pn.parse::<Jid>().ok()?, m.lid.parse::<Jid>().ok()?);
            (pn.is_pn() && lid.is_lid()).then_some((pn.user, lid.user))
        })
        .collect();
    if pairs.is_empty() {
        return Ok(());
    }
    let inner = inner.clone();
    super::blocking(move || {
        for (pn, lid) in &pairs {
            inner.messaging.add_lid(pn, lid);
        }
    })
    .await
}

/// The notification inside a decrypted message, if it is one.
pub(crate) fn notification_of(message: &proto::Message) -> Option<&HistorySyncNotification> {
    message.protocol_message.as_ref()?.history_sync_notification.as_ref()
}
