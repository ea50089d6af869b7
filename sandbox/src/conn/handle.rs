//! The sending side of a connection as other tasks see it: a queue of nodes to the writer task,
//! each stamped with the moment it was queued (the writer holds it back until the configured
//! latency has passed since then).
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use tokio::sync::{mpsc, oneshot};
use tokio::time::Instant;
use wazap::binary::Node;

/// What the writer task does next.
#[derive(Debug)]
pub enum Outbound {
    /// Encode and send a node; `sent` fires once it was written.
    Node(Node, Option<oneshot::Sender<()>>),
    /// Send an optional last node (a stream error or failure) and close the websocket; after a
    /// last node, only once the client closed its side or [`super::writer::CLOSE_GRACE`] passed.
    Close(Option<Node>),
}

/// A cheap handle to one connection's writer.
#[derive(Debug, Clone)]
pub struct ConnHandle {
    pub id: u64,
    tx: mpsc::UnboundedSender<(Instant, Outbound)>,
    /// Set once the connection is being ended: the client's stanzas are no longer handled.
    ending: Arc<AtomicBool>,
}

impl ConnHandle {
    pub fn new(id: u64) -> (Self, mpsc::UnboundedReceiver<(Instant, Outbound)>) {
        let (tx, rx) = mpsc::unbounded_channel();
        (Self { id, tx, ending: Arc::new(AtomicBool::new(false)) }, rx)
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

    /// Sends `last` (if any) and closes: at once without a last node; with one, the client
    /// is left to close first, as WhatsApp's server does (whatsmeow drops a `<stream:error
    /// code="515">` that is followed at once by the close: its handler queue stops with the
    /// socket, so it would never reconnect).
    pub fn close(&self, last: Option<Node>) {
        self.ending.store(true, Ordering::Relaxed);
        let _ = self.tx.send((Instant::now(), Outbound::Close(last)));
    }

    /// Whether [`ConnHandle::close`] was called.
    pub fn is_ending(&self) -> bool {
        self.ending.load(Ordering::Relaxed)
    }

    /// Completes when the writer task has ended.
    pub async fn closed(&self) {
        self.tx.closed().await
    }

    pub fn is_closed(&self) -> bool {
        self.tx.is_closed()
    }
}
