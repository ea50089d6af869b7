//! Send order: each send takes a ticket when it is called, and encrypts and writes only when
//! every earlier ticket is done, so messages leave in call order even when many sends run at
//! once on a multi-threaded runtime. A send dropped before its turn gives its turn up.
//!
//! Only the next ticket is woken when one finishes: waking every waiter (a `Notify` with
//! `notify_waiters`) made a burst of n sends cost n² wake-ups.
use std::collections::{BTreeSet, HashMap};
use std::future::poll_fn;
use std::sync::{Arc, Mutex};
use std::task::{Poll, Waker};

#[derive(Default)]
struct State {
    next: u64,
    serving: u64,
    done: BTreeSet<u64>,
    /// The tasks waiting for their turn, by ticket.
    waiting: HashMap<u64, Waker>,
}

#[derive(Default)]
pub(crate) struct SendOrder {
    state: Mutex<State>,
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
        poll_fn(|cx| {
            let mut state = self.order.lock();
            if state.serving == self.id {
                state.waiting.remove(&self.id);
                return Poll::Ready(());
            }
            state.waiting.insert(self.id, cx.waker().clone());
            Poll::Pending
        })
        .await
    }
}

impl Drop for Ticket {
    fn drop(&mut self) {
        let mut state = self.order.lock();
        state.waiting.remove(&self.id);
        state.done.insert(self.id);
        loop {
            let serving = state.serving;
            if !state.done.remove(&serving) {
                break;
            }
            state.serving += 1;
        }
        let next = state.serving;
        let waker = state.waiting.remove(&next);
        drop(state);
        if let Some(waker) = waker {
            waker.wake();
        }
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

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn many_waiters_run_in_ticket_order() {
        let order = Arc::new(SendOrder::default());
        let tickets: Vec<Ticket> = (0..500).map(|_| order.ticket()).collect();
        let log = Arc::new(Mutex::new(Vec::new()));
        // Spawned last-first, so the scheduler's order is the opposite of the tickets'.
        let mut tasks = Vec::new();
        for (i, ticket) in tickets.into_iter().enumerate().rev() {
            let log = log.clone();
            tasks.push(tokio::spawn(async move {
                ticket.turn().await;
                log.lock().unwrap().push(i);
            }));
        }
        for task in tasks {
            task.await.unwrap();
        }
        assert_eq!(*log.lock().unwrap(), (0..500).collect::<Vec<_>>());
    }
}
