//! Delivering [`Event`]s: each [`Client::events`](super::Client::events) call opens a new
//! unbounded subscription; an event goes to every open subscription in emission order.
//! Subscriptions work from any executor. Subscribe before `connect()` to see every event.
use std::pin::Pin;
use std::sync::Mutex;
use std::task::{Context, Poll};

use futures_util::Stream;
use tokio::sync::mpsc;

use crate::types::Event;

#[derive(Default)]
pub(crate) struct EventBus {
    subscribers: Mutex<Vec<mpsc::UnboundedSender<Event>>>,
}

impl EventBus {
    pub(crate) fn subscribe(&self) -> Events {
        let (tx, rx) = mpsc::unbounded_channel();
        self.lock().push(tx);
        Events { rx }
    }

    pub(crate) fn emit(&self, event: Event) {
        tracing::debug!(?event, "event");
        self.lock().retain(|s| s.send(event.clone()).is_ok());
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Vec<mpsc::UnboundedSender<Event>>> {
        self.subscribers.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

/// A subscription to a client's events; also a `Stream` of them. Ends when the client is
/// dropped.
#[derive(Debug)]
pub struct Events {
    rx: mpsc::UnboundedReceiver<Event>,
}

impl Events {
    /// The next event; `None` once the client is gone.
    pub async fn recv(&mut self) -> Option<Event> {
        self.rx.recv().await
    }

    /// The next event if one is already queued.
    pub fn try_recv(&mut self) -> Option<Event> {
        self.rx.try_recv().ok()
    }
}

impl Stream for Events {
    type Item = Event;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Event>> {
        self.rx.poll_recv(cx)
    }
}
