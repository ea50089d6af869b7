//! Delivering [`Event`]s: each [`Client::events`](super::Client::events) call opens a new
//! unbounded subscription; an event goes to every open subscription in emission order.
//! Subscriptions work from any executor. Subscribe before `connect()` to see every event.
//!
//! The bus also keeps the QR code that is current ([`Client::qr`](super::Client::qr)), by one
//! rule applied as each event goes out: a `Qr` event makes its code current; pairing, a login,
//! the last code expiring, a disconnect or a logout end it (a code belongs to its connection).
use std::pin::Pin;
use std::sync::Mutex;
use std::task::{Context, Poll};

use futures_util::Stream;
use tokio::sync::{mpsc, watch};

use crate::types::Event;

pub(crate) struct EventBus {
    subscribers: Mutex<Vec<mpsc::UnboundedSender<Event>>>,
    qr: watch::Sender<Option<String>>,
}

impl Default for EventBus {
    fn default() -> Self {
        Self { subscribers: Mutex::default(), qr: watch::channel(None).0 }
    }
}

/// What `event` does to the current QR code: `Some(code)` makes it current, `Some(None)`
/// ends it, `None` leaves it.
fn qr_after(event: &Event) -> Option<Option<&str>> {
    match event {
        Event::Qr { code, .. } => Some(Some(code)),
        Event::PairSuccess { .. }
        | Event::Connected
        | Event::QrTimeout
        | Event::Disconnected { .. }
        | Event::LoggedOut { .. } => Some(None),
        _ => None,
    }
}

impl EventBus {
    pub(crate) fn subscribe(&self) -> Events {
        let (tx, rx) = mpsc::unbounded_channel();
        self.lock().push(tx);
        Events { rx }
    }

    pub(crate) fn emit(&self, event: Event) {
        tracing::debug!(?event, "event");
        if let Some(qr) = qr_after(&event) {
            self.qr.send_replace(qr.map(str::to_owned));
        }
        self.lock().retain(|s| s.send(event.clone()).is_ok());
    }

    /// The QR code to show now, if any.
    pub(crate) fn qr(&self) -> Option<String> {
        self.qr.borrow().clone()
    }

    /// Waits up to `limit` for a QR code to be current.
    pub(crate) async fn wait_qr(&self, limit: std::time::Duration) -> Option<String> {
        let mut rx = self.qr.subscribe();
        let found = tokio::time::timeout(limit, rx.wait_for(Option::is_some)).await;
        let code: Option<String> = match found {
            Ok(Ok(code)) => code.clone(),
            _ => None,
        };
        code
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_qr_code_is_current_until_pairing_login_expiry_or_disconnect() {
        let bus = EventBus::default();
        assert_eq!(bus.qr(), None);
        bus.emit(Event::Qr { code: "A".into(), timeout_ms: 1 });
        bus.emit(Event::OfflineSyncCompleted { count: 0 });
        assert_eq!(bus.qr().as_deref(), Some("A"));
        bus.emit(Event::Qr { code: "B".into(), timeout_ms: 1 });
        assert_eq!(bus.qr().as_deref(), Some("B"));
        for end in [
            Event::PairSuccess {
                jid: "1:1@s.whatsapp.net".parse().unwrap(),
                lid: None,
                platform: String::new(),
                business_name: String::new(),
            },
            Event::Connected,
            Event::QrTimeout,
            Event::Disconnected { reason: "x".into() },
            Event::LoggedOut { reason: "x".into(), on_connect: false },
        ] {
            bus.emit(Event::Qr { code: "C".into(), timeout_ms: 1 });
            bus.emit(end.clone());
            assert_eq!(bus.qr(), None, "{end:?}");
        }
    }
}
