//! Event delivery for one client. A pump task on the core's runtime moves each event into a
//! queue; from there it goes either to the C callback (on this client's dispatcher thread, a
//! plain OS thread that wazap starts when a callback is first set) or to
//! `wazap_client_next_event`. Each event is delivered once.
//!
//! The callback runs on the dispatcher thread, not on a runtime thread, so it may call any wazap
//! function, including blocking ones and `wazap_client_free` on its own client.
use std::collections::VecDeque;
use std::ffi::{c_char, c_void, CString};
use std::sync::{Arc, Condvar, Mutex, MutexGuard, OnceLock};
use std::thread::{JoinHandle, ThreadId};
use std::time::{Duration, Instant};

use wazap::client::Events;
use wazap::Event;

/// The event callback: `user_data` as given, the event's type (`"qr"`, `"connected"`, ...),
/// and its JSON (NUL-terminated, `len` bytes without the NUL). Both strings are borrowed: they
/// are valid only until the callback returns.
#[allow(non_camel_case_types)]
pub type wazap_event_callback = Option<
    unsafe extern "C" fn(
        user_data: *mut c_void,
        event_type: *const c_char,
        json: *const c_char,
        len: usize,
    ),
>;

/// A callback with its user data. The pointer is only handed back to the callback.
#[derive(Clone, Copy)]
struct Callback {
    function: unsafe extern "C" fn(*mut c_void, *const c_char, *const c_char, usize),
    user_data: *mut c_void,
}

// SAFETY: the header's threading contract makes the caller responsible for `user_data` being
// usable from the dispatcher thread; wazap never dereferences it.
unsafe impl Send for Callback {}

#[derive(Default)]
struct State {
    queue: VecDeque<Event>,
    callback: Option<Callback>,
    closed: bool,
}

/// Why [`Hub::next`] returned without an event.
pub(crate) enum NoEvent {
    Timeout,
    Closed,
    CallbackSet,
}

#[derive(Default)]
pub(crate) struct Hub {
    state: Mutex<State>,
    changed: Condvar,
    /// Held while the callback runs, so that changing the callback or freeing the client waits
    /// for a running callback to return.
    dispatching: Mutex<()>,
    dispatcher: Mutex<Option<JoinHandle<()>>>,
    dispatcher_id: OnceLock<ThreadId>,
    pump: Mutex<Option<tokio::task::JoinHandle<()>>>,
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

impl Hub {
    /// A hub fed by `events`.
    pub(crate) fn start(mut events: Events) -> Arc<Self> {
        let hub = Arc::new(Hub::default());
        let feed = hub.clone();
        let pump = wazap::runtime::spawn(async move {
            while let Some(event) = events.recv().await {
                feed.push(event);
            }
        });
        *lock(&hub.pump) = Some(pump);
        hub
    }

    fn push(&self, event: Event) {
        let mut state = lock(&self.state);
        state.queue.push_back(event);
        self.changed.notify_all();
    }

    fn on_dispatcher(&self) -> bool {
        self.dispatcher_id.get() == Some(&std::thread::current().id())
    }

    /// Waits up to `timeout` for the next event (pull mode).
    pub(crate) fn next(&self, timeout: Duration) -> Result<Event, NoEvent> {
        let deadline = Instant::now() + timeout;
        let mut state = lock(&self.state);
        loop {
            if state.closed {
                return Err(NoEvent::Closed);
            }
            if state.callback.is_some() {
                return Err(NoEvent::CallbackSet);
            }
            if let Some(event) = state.queue.pop_front() {
                return Ok(event);
            }
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return Err(NoEvent::Timeout);
            }
            state = self
                .changed
                .wait_timeout(state, left)
                .unwrap_or_else(|poisoned| poisoned.into_inner())
                .0;
        }
    }

    /// Sets (or with `None` clears) the callback; once this returns, the previous callback is
    /// not running and will not be called again.
    pub(crate) fn set_callback(
        self: &Arc<Self>,
        function: wazap_event_callback,
        user_data: *mut c_void,
    ) {
        let callback = function.map(|function| Callback { function, user_data });
        {
            // From inside the callback the dispatching lock is ours already.
            let _quiet = (!self.on_dispatcher()).then(|| lock(&self.dispatching));
            let mut state = lock(&self.state);
            state.callback = callback;
            self.changed.notify_all();
        }
        if callback.is_some() {
            let mut dispatcher = lock(&self.dispatcher);
            if dispatcher.is_none() {
                let hub = self.clone();
                let thread = std::thread::Builder::new()
                    .name("wazap-events".into())
                    .spawn(move || hub.dispatch_loop());
                // If the OS refuses a thread, events stay queued; set_callback's caller sees
                // no error, but next_event keeps working once the callback is cleared.
                if let Ok(thread) = thread {
                    let _ = self.dispatcher_id.set(thread.thread().id());
                    *dispatcher = Some(thread);
                }
            }
        }
    }

    fn dispatch_loop(&self) {
        loop {
            {
                let mut state = lock(&self.state);
                while !state.closed && (state.callback.is_none() || state.queue.is_empty()) {
                    state =
                        self.changed.wait(state).unwrap_or_else(|poisoned| poisoned.into_inner());
                }
                if state.closed {
                    return;
                }
            }
            let _running = lock(&self.dispatching);
            let (callback, event) = {
                let mut state = lock(&self.state);
                if state.closed {
                    return;
                }
                match state.callback {
                    Some(callback) => match state.queue.pop_front() {
                        Some(event) => (callback, event),
                        None => continue,
                    },
                    None => continue,
                }
            };
            deliver(callback, &event);
        }
    }

    /// Stops delivery: wakes waiters, stops the pump, and (unless called from the callback)
    /// waits for the dispatcher thread to end. Returns once no callback will run any more.
    pub(crate) fn close(&self) {
        {
            let mut state = lock(&self.state);
            state.closed = true;
            state.callback = None;
            state.queue.clear();
            self.changed.notify_all();
        }
        if let Some(pump) = lock(&self.pump).take() {
            pump.abort();
        }
        let dispatcher = lock(&self.dispatcher).take();
        if let Some(dispatcher) = dispatcher {
            if self.on_dispatcher() {
                // Freed from inside the callback: the loop ends when the callback returns.
                drop(dispatcher);
            } else {
                let _ = dispatcher.join();
            }
        }
    }
}

/// The JSON of an event (the core's one schema) and its `type` field.
pub(crate) fn event_json(event: &Event) -> (String, String) {
    #[derive(serde::Deserialize)]
    struct Tagged {
        #[serde(rename = "type")]
        kind: String,
    }
    let json = serde_json::to_string(event).unwrap_or_else(|_| "{}".into());
    let kind = serde_json::from_str::<Tagged>(&json).map(|t| t.kind).unwrap_or_default();
    (kind, json)
}

fn deliver(callback: Callback, event: &Event) {
    let (kind, json) = event_json(event);
    // serde_json escapes NUL, so neither string holds one; skip the event if that ever changed.
    let (Ok(kind), Ok(json)) = (CString::new(kind), CString::new(json)) else { return };
    let len = json.as_bytes().len();
    // SAFETY: the function pointer and user data come from wazap_client_set_event_callback;
    // the strings live until the call returns, as the header promises.
    unsafe { (callback.function)(callback.user_data, kind.as_ptr(), json.as_ptr(), len) };
}
