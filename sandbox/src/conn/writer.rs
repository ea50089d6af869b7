//! The writer task: encodes queued nodes with the connection's dictionary and sends them, each
//! `latency` after it was queued (a server at network distance: frames stay in order and
//! pipelined, only later). After a final stanza it waits a little for the client to close.
use std::time::Duration;

use futures_util::Sink;
use tokio::sync::mpsc;
use tokio::time::Instant;
use wazap::binary::Encoder;
use wazap::socket::{NoiseWriter, SocketError};

use super::handle::Outbound;

pub async fn run<W>(
    mut writer: NoiseWriter<W>,
    mut queue: mpsc::UnboundedReceiver<(Instant, Outbound)>,
    encoder: Encoder,
    latency: Duration,
) where
    W: Sink<Vec<u8>, Error = SocketError> + Unpin,
{
    while let Some((queued, next)) = queue.recv().await {
        if !latency.is_zero() {
            tokio::time::sleep_until(queued + latency).await;
        }
        let (node, sent, last) = match next {
            Outbound::Node(node, sent) => (Some(node), sent, false),
            Outbound::Close(node) => (node, None, true),
        };
        let last_node = last && node.is_some();
        if let Some(node) = node {
            tracing::trace!(node = %super::show(&node), "send");
            match encoder.try_encode(&node) {
                Ok(bytes) => {
                    if let Err(e) = writer.send_frame(&bytes).await {
                        tracing::debug!(error = %e, "sending failed");
                        break;
                    }
                    if let Some(sent) = sent {
                        let _ = sent.send(());
                    }
                }
                Err(e) => tracing::error!(error = %e, tag = %node.tag, "cannot encode a reply"),
            }
        }
        if last_node {
            // A stream error or failure: give the client the time to read it and close first,
            // as it does (Baileys decodes frames asynchronously, and a close that overtakes
            // the last stanza makes it report "connection closed" instead of the reason). The
            // connection task queues a close once the client has closed.
            // Nothing more goes out after a final stanza.
            let deadline = Instant::now() + latency * CLOSE_GRACE_ROUND_TRIPS;
            while let Ok(Some((_, next))) = tokio::time::timeout_at(deadline, queue.recv()).await {
                if matches!(next, Outbound::Close(_)) {
                    break;
                }
            }
        }
        if last {
            break;
        }
    }
    let _ = writer.close().await;
}

/// How many latencies the server waits for the client to close after a final stanza.
const CLOSE_GRACE_ROUND_TRIPS: u32 = 10;
