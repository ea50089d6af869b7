//! Incoming `<receipt>`: delivery, read, played… become `Receipt` events; a retry receipt is
//! answered from the retry buffer by encrypting the message again for the device that asked
//! (with a new session from the keys it sent), at most `MAX_RETRIES` times per device.
use std::sync::Arc;

use super::dispatch::send_ack;
use super::session::Session;
use super::{ClientError, Inner};
use crate::binary::{Jid, Node};
use crate::message::{
    build_read_receipt, build_retry_message, parse_receipt, parse_retry_receipt, MAX_RETRIES,
};
use crate::types::{Event, ReceiptType};

pub(crate) async fn handle_receipt(inner: &Arc<Inner>, session: &Session, node: Node) {
    send_ack(&session.conn, &node).await;
    let receipt = match parse_receipt(&node) {
        Ok(receipt) => receipt,
        Err(e) => {
            tracing::warn!(error = %e, %node, "malformed receipt");
            return;
        }
    };
    if receipt.receipt_type == ReceiptType::Retry {
        let inner = inner.clone();
        // Answering may need a prekey fetch: off the read loop.
        tokio::spawn(async move {
            if let Err(e) = answer_retry(&inner, &node).await {
                tracing::warn!(error = %e, "retry receipt not answered");
            }
        });
        return;
    }
    inner.emit(Event::Receipt {
        receipt_type: receipt.receipt_type.clone(),
        ids: receipt.ids,
        chat: receipt.chat,
        sender_alt: receipt.sender.as_ref().and_then(|sender| inner.other_identity(sender)),
        sender: receipt.sender,
        is_group: receipt.is_group,
        timestamp: receipt.timestamp,
    });
}

async fn answer_retry(inner: &Arc<Inner>, node: &Node) -> Result<(), ClientError> {
    let bad = |e: crate::message::MessageError| ClientError::BadResponse(e.to_string());
    let request = parse_retry_receipt(node).map_err(bad)?;
    let requester = request.requester().map_err(bad)?.clone();
    let Some(sent) = inner.messaging.sent(&request.message_id) else {
        tracing::info!(id = %request.message_id, "retry for a message no longer kept");
        return Ok(());
    };
    if inner.messaging.next_answer(&request.message_id, &requester) > MAX_RETRIES {
        tracing::info!(id = %request.message_id, %requester, "retries exhausted");
        return Ok(());
    }
    let own = inner.own_jids()?;
    let store = inner.signal().await?;
    let identity = inner.device()?.account_bytes();
    let encryption_jid = inner.messaging.encryption_jid(&requester);
    let _guard = inner.messaging.send_lock.lock().await;
    if request.bundle.is_none() {
        // No keys sent: use the session we have, or fetch the device's bundle.
        let device = crate::message::OutgoingDevice::new(requester.clone())
            .with_encryption_jid(encryption_jid.clone());
        inner.ensure_sessions(&store, &[device]).await?;
    }
    let group_sender = sent.chat.is_group().then(|| own.pn.clone());
    let signal = inner.messaging.signal_guard();
    let stanza = build_retry_message(
        &*store,
        &own,
        &request,
        &sent.message,
        group_sender.as_ref(),
        Some(&encryption_jid),
        identity.as_deref(),
    )
    .map_err(bad)?;
    drop(signal);
    if sent.chat.is_group() {
        inner.messaging.add_sender_key_holders(&sent.chat, false, &[requester]);
    }
    inner.send_until_acked(stanza).await
}

impl Inner {
    /// Sends read receipts (or `played`…) for messages of `sender` in `chat`.
    pub(crate) async fn mark_read(
        &self,
        ids: &[String],
        chat: &Jid,
        sender: Option<&Jid>,
        receipt_type: ReceiptType,
    ) -> Result<(), ClientError> {
        let t = super::send::unix_now();
        let node: Node = build_read_receipt(ids, chat, sender, t, &receipt_type)
            .map_err(|e| ClientError::BadResponse(e.to_string()))?;
        self.send_node(node).await
    }
}
