//! The writer task: encodes queued nodes with the connection's dictionary and sends them, each
//! `latency` after it was queued (a server at network distance: frames stay in order and
//! pipelined, only later), plus the `delay_ms` of the faults in force.
use std::sync::Arc;
use std::time::Duration;

use futures_util::Sink;
use tokio::sync::mpsc;
use tokio::time::Instant;
use wazap::binary::Encoder;
use wazap::socket::{NoiseWriter, SocketError};

use super::handle::Outbound;
use crate::shared::Shared;

/// How long a connection that got its last node (a stream error or failure) stays open for the
/// client to close it first.
pub const CLOSE_GRACE: Duration = Duration::from_secs(5);

pub async fn run<W>(
    mut writer: NoiseWriter<W>,
    mut queue: mpsc::UnboundedReceiver<(Instant, Outbound)>,
    encoder: Encoder,
    shared: Arc<Shared>,
) where
    W: Sink<Vec<u8>, Error = SocketError> + Unpin,
{
    while let Some((queued, next)) = queue.recv().await {
        let latency = shared.latency + shared.faults.frame_delay();
        if !latency.is_zero() {
            tokio::time::sleep_until(queued + latency).await;
        }
        let (node, sent, last) = match next {
            Outbound::Node(node, sent) => (Some(node), sent, false),
            Outbound::Close(node) => (node, None, true),
        };
        if let Some(node) = &node {
            tracing::trace!(node = %super::show(node), "send");
            match encoder.try_encode(node) {
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
        if last {
            if node.is_some() {
                // Nothing more is sent; wait for the reader to see the client close (it
                // queues a bare Close) or for the grace to pass.
                let _ = tokio::time::timeout(CLOSE_GRACE, async {
                    while let Some((_, next)) = queue.recv().await {
                        if let Outbound::Close(_) = next {
                            break;
                        }
                    }
                })
                .await;
            }
            break;
        }
    }
    let _ = writer.close().await;
}
