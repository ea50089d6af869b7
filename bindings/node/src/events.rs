//! Delivering core events to JavaScript: one task per client reads the core's subscription and
//! calls the JavaScript handler through a threadsafe function with each event as JSON (the
//! core's stable `{"type":"…",…}` form).
//!
//! The threadsafe function is created *weak* (unref'd): it never keeps Node's event loop
//! alive by itself. `index.js` refs it while the client is meant to stay connected (between
//! `connect()` and `disconnect()`/`logout()`/`close()` or a terminal event), like an open
//! socket; `close()` ends the task and releases it, so a script exits once its clients are
//! closed.
use std::sync::Arc;

use napi::threadsafe_function::{ThreadsafeFunction, ThreadsafeFunctionCallMode};
use napi::{Env, Status};
use wazap::client::Events;

/// The JavaScript handler `(json: string) => void`, weak, errors not passed as first argument.
pub type EventFn = ThreadsafeFunction<String, (), String, Status, false, true>;

/// Starts forwarding `events` to `handler`; the task ends when the client is dropped (its
/// subscription closes) or when Node is shutting down.
pub fn forward(mut events: Events, handler: Arc<EventFn>) -> napi::tokio::task::JoinHandle<()> {
    wazap::runtime::spawn(async move {
        while let Some(event) = events.recv().await {
            let json = match serde_json::to_string(&event) {
                Ok(json) => json,
                Err(_) => continue,
            };
            if handler.call(json, ThreadsafeFunctionCallMode::NonBlocking) == Status::Closing {
                break;
            }
        }
    })
}

/// Refs (`true`) or unrefs the handler: whether pending events keep the process alive.
pub fn keep_alive(env: &Env, handler: &EventFn, on: bool) -> napi::Result<()> {
    // SAFETY: called on the JavaScript thread with its env; the handle is alive because the
    // caller holds `handler` (it is released only when the last clone drops).
    let status = unsafe {
        if on {
            napi::sys::napi_ref_threadsafe_function(env.raw(), handler.raw())
        } else {
            napi::sys::napi_unref_threadsafe_function(env.raw(), handler.raw())
        }
    };
    if status == napi::sys::Status::napi_ok {
        Ok(())
    } else {
        Err(napi::Error::from_reason("ERR_INTERNAL: cannot (un)ref the event handler"))
    }
}
