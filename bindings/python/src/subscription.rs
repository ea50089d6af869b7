//! `EventSubscription`: one subscription to a client's events, read by the wrapper's handler
//! dispatcher thread or by an async iterator. Events cross as the core's JSON (the stable
//! schema shared with C, Node and REST); the wrapper builds the dataclasses.
use std::sync::Arc;
use std::time::{Duration, Instant};

use pyo3::prelude::*;
use tokio::sync::{watch, Mutex};
use wazap::client::Events;

use crate::bridge;
use crate::config::seconds;
use crate::errors::BindingError;

/// How long a blocking wait runs before it takes the GIL to check for Ctrl-C.
const SIGNAL_CHECK: Duration = Duration::from_millis(200);

struct Shared {
    events: Mutex<Events>,
    /// Set by `close()` or when the client is gone; wakes every waiter.
    closed: watch::Sender<bool>,
}

enum Next {
    Event(String),
    Timeout,
    Closed,
}

/// A subscription to one client's events, in emission order.
#[pyclass(module = "wazap._native", frozen)]
pub struct EventSubscription {
    shared: Arc<Shared>,
}

impl EventSubscription {
    pub(crate) fn new(events: Events) -> Self {
        let (closed, _) = watch::channel(false);
        Self { shared: Arc::new(Shared { events: Mutex::new(events), closed }) }
    }
}

async fn next_event(shared: Arc<Shared>, limit: Option<Duration>) -> Result<Next, BindingError> {
    let mut closed = shared.closed.subscribe();
    let wait = async {
        let mut events = shared.events.lock().await;
        tokio::select! {
            event = events.recv() => match event {
                Some(event) => serde_json::to_string(&event)
                    .map(Next::Event)
                    .map_err(|e| BindingError::internal(format!("event to JSON: {e}"))),
                None => {
                    shared.closed.send_replace(true);
                    Ok(Next::Closed)
                }
            },
            _ = closed.wait_for(|closed| *closed) => Ok(Next::Closed),
        }
    };
    if *shared.closed.borrow() {
        return Ok(Next::Closed);
    }
    match limit {
        Some(limit) => tokio::time::timeout(limit, wait).await.unwrap_or(Ok(Next::Timeout)),
        None => wait.await,
    }
}

#[pymethods]
impl EventSubscription {
    /// The next event as JSON, waiting at most `timeout` seconds (`None`: until one comes).
    /// Returns `None` on timeout or once the subscription is closed (see `closed`). The GIL is
    /// released while waiting; Ctrl-C interrupts the wait.
    #[pyo3(signature = (timeout=None))]
    fn next(&self, py: Python<'_>, timeout: Option<f64>) -> PyResult<Option<String>> {
        let deadline = match timeout {
            Some(t) => Some(Instant::now() + seconds("timeout", t).map_err(|e| e.into_pyerr(py))?),
            None => None,
        };
        loop {
            let slice = match deadline {
                Some(deadline) => {
                    deadline.saturating_duration_since(Instant::now()).min(SIGNAL_CHECK)
                }
                None => SIGNAL_CHECK,
            };
            let shared = self.shared.clone();
            match bridge::block(py, next_event(shared, Some(slice)))? {
                Next::Event(json) => return Ok(Some(json)),
                Next::Closed => return Ok(None),
                Next::Timeout => {
                    if deadline.is_some_and(|d| Instant::now() >= d) {
                        return Ok(None);
                    }
                    py.check_signals()?;
                }
            }
        }
    }

    /// Waits for the next event on the core's runtime and calls `done(error, json_or_None)`
    /// (`None` once the subscription is closed).
    fn next_async(&self, done: PyObject) {
        let shared = self.shared.clone();
        bridge::spawn(
            async move {
                Ok(match next_event(shared, None).await? {
                    Next::Event(json) => Some(json),
                    Next::Timeout | Next::Closed => None,
                })
            },
            done,
        );
    }

    /// Ends the subscription: pending and later waits return `None`.
    fn close(&self) {
        self.shared.closed.send_replace(true);
    }

    /// Whether the subscription ended (closed, or the client is gone).
    #[getter]
    fn closed(&self) -> bool {
        *self.shared.closed.borrow()
    }
}
