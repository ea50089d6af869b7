//! The sending side of a connection as other tasks see it: a queue of nodes to the writer task,
//! each stamped with the moment it was queued (the writer holds it back until the configured
//! latency has passed since then).
use tokio::sync::{mpsc, oneshot};
use tokio::time::Instant;
use wazap::binary::Node;

/// What the writer task does next.
#[derive(Debug)]
pub enum Outbound {
    /// Encode and send a node; `sent` fires once it was written.
    Node(Node, Option<oneshot::Sender<()>>),
    /// Send an optional last node (a stream error) and close the websocket.
    Close(Option<Node>),
}

/// A cheap handle to one connection's writer.
#[derive(Debug, Clone)]
pub struct ConnHandle {
    pub id: u64,
    tx: mpsc::UnboundedSender<(Instant, Outbound)>,
}

impl ConnHandle {
    pub fn new(id: u64) -> (Self, mpsc::UnboundedReceiver<(Instant, Outbound)>) {
        let (tx, rx) = mpsc::unbounded_channel();
        (Self { id, tx }, rx)
    }

    /// Queues a node; `false` when the connection is gone.
    pub fn send(&self, node: Node) -> bool {
        self.tx.send((Instant::now(), Outbound::Node(node, None))).is_ok()
    }

    /// Queues a node and returns a receiver that completes once it was written (an error if
    /// the connection went away first).
    pub fn send_confirmed(&self, node: Node) -> oneshot::Receiver<()> {
        let (done, rx) = oneshot::channel();
        // A failed send drops `done`, which the receiver reports.
        let _ = self.tx.send((Instant::now(), Outbound::Node(node, Some(done))));
        rx
    }

    /// Sends `last` (if any) and closes.
    pub fn close(&self, last: Option<Node>) {
        let _ = self.tx.send((Instant::now(), Outbound::Close(last)));
    }

    /// Completes when the writer task has ended.
    pub async fn closed(&self) {
        self.tx.closed().await
    }

    pub fn is_closed(&self) -> bool {
        self.tx.is_closed()
    }
}
