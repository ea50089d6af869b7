//! The outbox: stanzas that must reach the server (messages, retry answers, retry receipts),
//! kept from the moment they are written until the server acks them. A connection that drops
//! before the ack loses nothing: once the next connection is logged in, the outbox writes
//! everything still unacked again, in the order it was first sent, before any new stanza (a
//! resent message keeps its id and ciphertext, so a receiver that got it the first time sees a
//! duplicate and drops it). Sends made while no connection is up wait here for the next one.
//!
//! The server acks each stanza with `<ack class id [type]>` (whatsmeow `handleAck`); an ack
//! completes the oldest pending stanza of that class, id and type.
use std::collections::VecDeque;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use tokio::sync::{oneshot, watch};

use super::connection::Conn;
use super::{ClientError, Inner};
use crate::binary::Node;

/// What identifies a stanza in an ack: its tag (the ack's `class`), id and type (receipts).
#[derive(Debug, Clone, PartialEq, Eq)]
struct AckKey {
    class: String,
    id: String,
    kind: Option<String>,
}

impl AckKey {
    fn of_stanza(node: &Node) -> Option<Self> {
        Some(Self {
            class: node.tag.to_string(),
            id: node.attr_str("id")?.to_owned(),
            kind: node.attr_str("type").map(str::to_owned),
        })
    }

    /// Whether `ack` acknowledges the stanza of this key (messages match by id alone: the
    /// server's message ack carries no type, or the message's `type="text"`).
    fn acked_by(&self, ack: &Node) -> bool {
        ack.attr_str("class") == Some(self.class.as_str())
            && ack.attr_str("id") == Some(self.id.as_str())
            && (self.class == "message"
                || ack.attr_str("type").is_none()
                || ack.attr_str("type") == self.kind.as_deref())
    }
}

struct Pending {
    key: AckKey,
    node: Node,
    /// Told the ack, if someone waits for it.
    done: Option<oneshot::Sender<Node>>,
}

/// Stanzas waiting for the server's ack, oldest first.
pub(crate) struct Outbox {
    pending: Mutex<VecDeque<Pending>>,
    /// The connection the outbox was flushed on (new stanzas are written at once only there);
    /// `None` while no connection is logged in.
    online: watch::Sender<Option<u64>>,
}

impl Default for Outbox {
    fn default() -> Self {
        Self { pending: Mutex::new(VecDeque::new()), online: watch::channel(None).0 }
    }
}

/// How long a stanza nobody waits for is kept for its ack.
const RELIABLE_LIMIT: Duration = Duration::from_secs(60);

/// Most stanzas kept waiting; past this a send fails at once rather than grow without bound.
pub(crate) const MAX_PENDING: usize = 20_000;

impl Outbox {
    fn lock(&self) -> MutexGuard<'_, VecDeque<Pending>> {
        self.pending.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// The connection the outbox writes on, if any.
    pub(crate) fn online(&self) -> Option<u64> {
        *self.online.borrow()
    }

    /// Waits (at most `limit`) until a connection is logged in and flushed.
    pub(crate) async fn wait_online(&self, limit: Duration) -> Result<(), ClientError> {
        let mut online = self.online.subscribe();
        let waited = tokio::time::timeout(limit, online.wait_for(Option::is_some)).await;
        match waited {
            Ok(Ok(_)) => Ok(()),
            _ => Err(ClientError::NotConnected),
        }
    }

    /// Keeps `node` until the server acks it; the receiver gets the ack.
    fn push(&self, node: &Node) -> Result<oneshot::Receiver<Node>, ClientError> {
        let key = AckKey::of_stanza(node)
            .ok_or_else(|| ClientError::BadResponse("a stanza without id".into()))?;
        let (done, rx) = oneshot::channel();
        let mut pending = self.lock();
        if pending.len() >= MAX_PENDING {
            return Err(ClientError::NotConnected);
        }
        pending.push_back(Pending { key, node: node.clone(), done: Some(done) });
        Ok(rx)
    }

    /// An ack from the server: completes the stanza it acknowledges; `Err` gives the node back
    /// when nothing here waited for it.
    pub(crate) fn complete(&self, ack: Node) -> Result<(), Node> {
        let mut pending = self.lock();
        let Some(at) = pending.iter().position(|p| p.key.acked_by(&ack)) else {
            return Err(ack);
        };
        let done = pending.remove(at).and_then(|p| p.done);
        drop(pending);
        if let Some(done) = done {
            let _ = done.send(ack);
        }
        Ok(())
    }

    /// Forgets the stanza with `id` (its sender gave up waiting).
    fn abandon(&self, node: &Node) {
        if let Some(key) = AckKey::of_stanza(node) {
            self.lock().retain(|p| p.key != key);
        }
    }

    /// The connection ended: new stanzas wait for the next one.
    pub(crate) fn offline(&self, conn_id: u64) {
        self.online.send_if_modified(|online| {
            let ours = *online == Some(conn_id);
            if ours {
                *online = None;
            }
            ours
        });
    }

    pub(crate) fn len(&self) -> usize {
        self.lock().len()
    }
}

impl Inner {
    /// Writes `node` (a message, retry answer or retry receipt) so that it reaches the server
    /// even across connection drops; the returned receiver gets the server's ack. Call with
    /// the send lock held, so stanzas leave in order.
    pub(crate) async fn send_reliably(
        &self,
        node: &Node,
    ) -> Result<oneshot::Receiver<Node>, ClientError> {
        let rx = self.outbox.push(node)?;
        if let (Some(online), Some(conn)) = (self.outbox.online(), self.current_conn()) {
            if online == conn.id {
                // A failed write leaves it to the next connection's flush.
                let _ = conn.send(node).await;
            }
        }
        Ok(rx)
    }

    /// Waits up to `limit` for the ack of a stanza given to [`Inner::send_reliably`]; on a
    /// timeout it is given up (not written again).
    pub(crate) async fn reliable_ack(
        &self,
        node: &Node,
        rx: oneshot::Receiver<Node>,
        limit: Duration,
    ) -> Result<Node, ClientError> {
        match tokio::time::timeout(limit, rx).await {
            Ok(Ok(ack)) => Ok(ack),
            Ok(Err(_)) => Err(ClientError::Disconnected),
            Err(_) => {
                self.outbox.abandon(node);
                Err(ClientError::IqTimeout)
            }
        }
    }

    /// [`Inner::send_reliably`] for a stanza nobody waits for (a retry answer or receipt):
    /// it is given up after [`RELIABLE_LIMIT`] without an ack.
    pub(crate) async fn send_until_acked(self: &Arc<Self>, node: Node) -> Result<(), ClientError> {
        let rx = self.send_reliably(&node).await?;
        let inner = self.clone();
        tokio::spawn(async move {
            if let Err(e) = inner.reliable_ack(&node, rx, RELIABLE_LIMIT).await {
                tracing::info!(error = %e, tag = %node.tag, id = ?node.attr_str("id"), "no ack");
            }
        });
        Ok(())
    }

    /// A connection is logged in: writes what is still unacked on it, oldest first, then lets
    /// new stanzas go straight to it. Holds the send lock so nothing new overtakes.
    pub(crate) async fn flush_outbox(&self, conn: Conn) {
        let _guard = self.messaging.send_lock.lock().await;
        let nodes: Vec<Node> = self.outbox.lock().iter().map(|p| p.node.clone()).collect();
        if !nodes.is_empty() {
            tracing::info!(count = nodes.len(), "writing unacked stanzas again");
        }
        for node in &nodes {
            if conn.send(node).await.is_err() {
                // Gone already: the next connection flushes again.
                return;
            }
        }
        if self.current_conn().is_some_and(|c| c.id == conn.id) {
            self.outbox.online.send_replace(Some(conn.id));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn message(id: &str) -> Node {
        Node::new("message").attr("id", id.to_owned()).attr("type", "text")
    }

    fn ack(class: &str, id: &str, kind: Option<&'static str>) -> Node {
        Node::new("ack")
            .attr("class", class.to_owned())
            .attr("id", id.to_owned())
            .opt_attr("type", kind)
    }

    #[test]
    fn acks_complete_by_class_id_and_type_oldest_first() {
        let outbox = Outbox::default();
        let mut first = outbox.push(&message("A")).unwrap();
        let mut again = outbox.push(&message("A")).unwrap();
        let retry = Node::new("receipt").attr("id", "A").attr("type", "retry");
        let mut receipt = outbox.push(&retry).unwrap();
        assert!(outbox.complete(ack("message", "B", None)).is_err());
        assert!(outbox.complete(ack("receipt", "A", Some("read"))).is_err());
        assert!(outbox.complete(ack("message", "A", Some("text"))).is_ok());
        assert!(first.try_recv().is_ok());
        assert!(again.try_recv().is_err(), "the second copy still waits");
        assert!(outbox.complete(ack("receipt", "A", Some("retry"))).is_ok());
        assert!(receipt.try_recv().is_ok());
        assert_eq!(outbox.len(), 1);
        outbox.abandon(&message("A"));
        assert_eq!(outbox.len(), 0);
        assert!(again.try_recv().is_err());
    }

    #[test]
    fn only_the_connection_it_flushed_on_takes_it_offline() {
        let outbox = Outbox::default();
        outbox.online.send_replace(Some(3));
        outbox.offline(2);
        assert_eq!(outbox.online(), Some(3));
        outbox.offline(3);
        assert_eq!(outbox.online(), None);
    }
}
