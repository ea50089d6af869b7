//! Send order: each send takes a ticket when it is called, and encrypts and writes only when
//! every earlier ticket is done, so messages leave in call order even when many sends run at
//! once on a multi-threaded runtime. A send dropped before its turn gives its turn up.
use std::collections::BTreeSet;
use std::sync::{Arc, Mutex};

use tokio::sync::Notify;

#[derive(Default)]
struct State {
    next: u64,
    serving: u64,
    done: BTreeSet<u64>,
}

#[derive(Default)]
pub(crate) struct SendOrder {
    state: Mutex<State>,
    notify: Notify,
}

/// A place in the send order; dropping it lets the next one go.
pub(crate) struct Ticket {
    id: u64,
    order: Arc<SendOrder>,
}

impl SendOrder {
    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    pub(crate) fn ticket(self: &Arc<Self>) -> Ticket {
        let mut state = self.lock();
        let id = state.next;
        state.next += 1;
        Ticket { id, order: self.clone() }
    }
}

impl Ticket {
    /// Waits until every earlier ticket is done.
    pub(crate) async fn turn(&self) {
        loop {
            let notified = self.order.notify.notified();
            tokio::pin!(notified);
            notified.as_mut().enable();
            if self.order.lock().serving == self.id {
                return;
            }
            notified.await;
        }
    }
}

impl Drop for Ticket {
    fn drop(&mut self) {
        let mut state = self.order.lock();
        state.done.insert(self.id);
        loop {
            let serving = state.serving;
            if !state.done.remove(&serving) {
                break;
            }
            state.serving += 1;
        }
        drop(state);
        self.order.notify.notify_waiters();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn turns_follow_ticket_order_and_dropped_tickets_give_way() {
        let order = Arc::new(SendOrder::default());
        let first = order.ticket();
        let second = order.ticket();
        let third = order.ticket();
        drop(second);
        let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
        let t = tx.clone();
        let waiter = tokio::spawn(async move {
            third.turn().await;
            t.send(3).unwrap();
        });
        first.turn().await;
        tx.send(1).unwrap();
        assert!(rx.try_recv().is_ok_and(|v| v == 1));
        drop(first);
        waiter.await.unwrap();
        assert_eq!(rx.recv().await, Some(3));
    }
}
