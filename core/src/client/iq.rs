//! Request/response correlation: an outgoing `<iq>` gets a fresh id; the `<iq type="result|error">`
//! (or `<ack>`) with the same id completes it. Pending requests fail when the connection ends or
//! their timeout passes, so no caller waits forever.
use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;

use tokio::sync::oneshot;

use crate::binary::Node;

#[derive(Default)]
pub(crate) struct IqTracker {
    pending: Mutex<HashMap<String, oneshot::Sender<Node>>>,
}

impl IqTracker {
    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, oneshot::Sender<Node>>> {
        self.pending.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    pub(crate) fn register(&self, id: String) -> oneshot::Receiver<Node> {
        let (tx, rx) = oneshot::channel();
        self.lock().insert(id, tx);
        rx
    }

    pub(crate) fn cancel(&self, id: &str) {
        self.lock().remove(id);
    }

    /// Completes the request `node` answers; false when nothing waits for its id.
    pub(crate) fn complete(&self, node: Node) -> Result<(), Node> {
        let Some(id) = node.attr_str("id") else { return Err(node) };
        match self.lock().remove(id) {
            Some(tx) => {
                // The requester may have given up (timeout) in the meantime: nothing to do.
                let _ = tx.send(node);
                Ok(())
            }
            None => Err(node),
        }
    }

    /// Fails every pending request (their receivers see the sender dropped).
    pub(crate) fn fail_all(&self) {
        self.lock().clear();
    }

    pub(crate) fn pending(&self) -> usize {
        self.lock().len()
    }
}

/// Request ids as whatsmeow makes them: a random `a.b-` prefix per client, then a counter.
pub(crate) struct RequestIds {
    prefix: String,
    counter: AtomicU64,
}

impl RequestIds {
    pub(crate) fn new() -> Self {
        let [a, b]: [u8; 2] = rand::random();
        Self { prefix: format!("{a}.{b}-"), counter: AtomicU64::new(0) }
    }

    pub(crate) fn next(&self) -> String {
        format!("{}{}", self.prefix, self.counter.fetch_add(1, Ordering::Relaxed) + 1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn responses_complete_the_matching_request_only() {
        let tracker = IqTracker::default();
        let mut first = tracker.register("1".into());
        let mut second = tracker.register("2".into());
        let answer = Node::new("iq").attr("id", "2").attr("type", "result");
        assert!(tracker.complete(answer.clone()).is_ok());
        assert_eq!(second.try_recv().unwrap(), answer);
        assert!(first.try_recv().is_err());
        // An unknown id is handed back for normal dispatch.
        let stray = Node::new("iq").attr("id", "9");
        assert_eq!(tracker.complete(stray.clone()), Err(stray));
        assert_eq!(tracker.complete(Node::new("iq")), Err(Node::new("iq")));
        tracker.fail_all();
        assert!(matches!(first.try_recv(), Err(oneshot::error::TryRecvError::Closed)));
        assert_eq!(tracker.pending(), 0);
    }

    #[test]
    fn ids_are_unique_with_a_shared_prefix() {
        let ids = RequestIds::new();
        let (a, b) = (ids.next(), ids.next());
        assert_ne!(a, b);
        assert_eq!(a.rsplit_once('-').unwrap().0, b.rsplit_once('-').unwrap().0);
    }
}
