//! The client functions: create, connect, pair, status, events, disconnect, logout, free.
//! Messaging functions live in `messaging.rs`. Each function: check the C arguments, build the
//! core's request (`wazap::api`), run it on the client behind the handle (blocking this thread
//! until the core's runtime answers), write the outputs.
use std::ffi::{c_char, c_void};
use std::future::Future;
use std::time::Duration;

use wazap::api::{self, ClientOptions, Request};

use crate::boundary::call;
use crate::error::FfiError;
use crate::events::{event_json, wazap_event_callback, Hub, NoEvent};
use crate::handle::{self, wazap_client, Entry};
use crate::result::wazap_result::{self, *};
use crate::strings::{arg_opt_str, arg_str, give_string, out_ptr};

/// Runs a core future to completion from this (non-runtime) thread.
pub(crate) fn block<F>(future: F) -> Result<F::Output, FfiError>
where
    F: Future + Send + 'static,
    F::Output: Send + 'static,
{
    Ok(wazap::runtime::block_on(future)?)
}

/// Runs `request` on the client behind `client` and waits for its answer.
pub(crate) fn run<R: Request>(
    client: *const wazap_client,
    request: R,
) -> Result<R::Answer, FfiError> {
    let client = handle::get(client)?.client.clone();
    Ok(block(client.call(request))??)
}

/// Runs `request` and writes its answer's JSON to `out`.
pub(crate) fn run_json<R>(
    client: *const wazap_client,
    request: R,
    out: Option<&mut *mut c_char>,
) -> Result<(), FfiError>
where
    R: Request,
    R::Answer: serde::Serialize,
{
    let answer = run(client, request)?;
    if let Some(out) = out {
        let json = serde_json::to_string(&answer)
            .map_err(|e| FfiError::new(WAZAP_INTERNAL, format!("answer to JSON: {e}")))?;
        *out = give_string(json)?;
    }
    Ok(())
}

/// Creates a client whose device lives in the SQLite file `store_path` (created if missing),
/// configured by `config_json` (NULL or a JSON object; see the header's introduction for the
/// keys). Nothing connects yet. On success `*out` is the new handle; on error it is NULL.
///
/// # Safety
/// `store_path` and `config_json` are NULL or NUL-terminated strings; `out` is NULL or
/// writable.
#[no_mangle]
pub unsafe extern "C" fn wazap_client_new(
    store_path: *const c_char,
    config_json: *const c_char,
    out: *mut *mut wazap_client,
) -> wazap_result {
    call(|| {
        // SAFETY: forwarded from this function's contract.
        let out = unsafe { out_ptr(out, "out") }?;
        let path = unsafe { arg_str(store_path, "store_path") }?;
        let json = unsafe { arg_opt_str(config_json, "config_json") }?;
        // A JSON argument that does not parse or has an unknown key or a wrong type is
        // WAZAP_INVALID_JSON; a value the core refuses, WAZAP_INVALID_ARGUMENT.
        let options = match json {
            None => ClientOptions::default(),
            Some(text) => ClientOptions::from_json(text)
                .map_err(|e| FfiError::new(WAZAP_INVALID_JSON, format!("config_json: {e}")))?,
        };
        let client = options.open(path)?;
        // Subscribe before anything can happen, so that no event is missed.
        let hub = Hub::start(client.events());
        *out = handle::register(Entry { client, hub });
        Ok(())
    })
}

/// Connects (blocking until the handshake is done). An unpaired device then receives `qr`
/// events; a paired one logs in and receives `connected`. The client stays connected (and
/// reconnects by itself) until `wazap_client_disconnect`.
#[no_mangle]
pub extern "C" fn wazap_client_connect(client: *const wazap_client) -> wazap_result {
    call(|| run(client, api::Connect {}))
}

/// Closes the connection and stops reconnecting; the pairing is kept. Blocking.
#[no_mangle]
pub extern "C" fn wazap_client_disconnect(client: *const wazap_client) -> wazap_result {
    call(|| run(client, api::Disconnect {}))
}

/// Unlinks this device from the account, disconnects, and deletes its keys. Blocking.
#[no_mangle]
pub extern "C" fn wazap_client_logout(client: *const wazap_client) -> wazap_result {
    call(|| run(client, api::Logout {}))
}

/// The QR code currently to show (the text to encode in a QR image), or "" when none is
/// (not connected yet, already paired, or the codes expired). Free `*out` with
/// `wazap_string_free`.
///
/// # Safety
/// `out` is NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn wazap_client_qr(
    client: *const wazap_client,
    out: *mut *mut c_char,
) -> wazap_result {
    call(|| {
        // SAFETY: forwarded from this function's contract.
        let out = unsafe { out_ptr(out, "out") }?;
        let entry = handle::get(client)?;
        *out = give_string(entry.client.qr().unwrap_or_default())?;
        Ok(())
    })
}

/// Pairs by phone number instead of a QR scan: `phone` is the account's number (digits, `+`,
/// spaces allowed); `*code_out` receives the code (`XXXX-XXXX`) the user types into the phone.
/// Call after `wazap_client_connect`, once the first `qr` event arrived. Blocking.
///
/// # Safety
/// `phone` is NULL or a NUL-terminated string; `code_out` is NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn wazap_client_pair_phone(
    client: *const wazap_client,
    phone: *const c_char,
    code_out: *mut *mut c_char,
) -> wazap_result {
    call(|| {
        // SAFETY: forwarded from this function's contract.
        let out = unsafe { out_ptr(code_out, "code_out") }?;
        let phone = unsafe { arg_str(phone, "phone") }?;
        *out = give_string(run(client, api::PairPhone::new(phone))?)?;
        Ok(())
    })
}

/// The client's state as JSON: `{"connected":bool,"logged_in":bool,"jid":string|null,
/// "lid":string|null}`. Free `*json_out` with `wazap_string_free`.
///
/// # Safety
/// `json_out` is NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn wazap_client_status(
    client: *const wazap_client,
    json_out: *mut *mut c_char,
) -> wazap_result {
    call(|| {
        // SAFETY: forwarded from this function's contract.
        let out = unsafe { out_ptr(json_out, "json_out") }?;
        run_json(client, api::Status {}, Some(out))
    })
}

/// Sets the event callback (NULL clears it). While a callback is set, every event goes to it,
/// in order, on the client's event thread, and `wazap_client_next_event` is refused; events
/// that arrived before are delivered to it first. When this returns, the previous callback is
/// not running and will not be called again, so its `user_data` may be released.
///
/// # Safety
/// `cb` is NULL or a function that may be called from another thread with `user_data`.
#[no_mangle]
pub unsafe extern "C" fn wazap_client_set_event_callback(
    client: *const wazap_client,
    cb: wazap_event_callback,
    user_data: *mut c_void,
) -> wazap_result {
    call(|| {
        handle::get(client)?.hub.set_callback(cb, user_data);
        Ok(())
    })
}

/// Waits up to `timeout_ms` (0: do not wait) for the next event and returns its JSON in
/// `*json_out` (an object with a `type` key; free it with `wazap_string_free`). Returns
/// `WAZAP_TIMEOUT` when no event came, `WAZAP_INVALID_ARGUMENT` while a callback is set, and
/// `WAZAP_INVALID_HANDLE` when the client is freed meanwhile by another thread.
///
/// # Safety
/// `json_out` is NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn wazap_client_next_event(
    client: *const wazap_client,
    timeout_ms: u32,
    json_out: *mut *mut c_char,
) -> wazap_result {
    call(|| {
        // SAFETY: forwarded from this function's contract.
        let out = unsafe { out_ptr(json_out, "json_out") }?;
        let entry = handle::get(client)?;
        match entry.hub.next(Duration::from_millis(timeout_ms.into())) {
            Ok(event) => {
                *out = give_string(event_json(&event).1)?;
                Ok(())
            }
            Err(NoEvent::Timeout) => {
                Err(FfiError::new(WAZAP_TIMEOUT, format!("no event within {timeout_ms} ms")))
            }
            Err(NoEvent::Closed) => Err(handle::invalid()),
            Err(NoEvent::CallbackSet) => Err(FfiError::new(
                WAZAP_INVALID_ARGUMENT,
                "events go to the callback while one is set",
            )),
        }
    })
}

/// Disconnects and frees the client. NULL is accepted (nothing happens, `WAZAP_OK`); a handle
/// already freed gives `WAZAP_INVALID_HANDLE`. When this returns, no event callback of this
/// client is running or will run (unless it is called from that callback, which is allowed:
/// the callback then is the last one). Calls blocked on this client in other threads return
/// `WAZAP_INVALID_HANDLE` (`next_event`) or finish their core call first.
#[no_mangle]
pub extern "C" fn wazap_client_free(client: *mut wazap_client) -> wazap_result {
    if client.is_null() {
        return WAZAP_OK;
    }
    call(|| {
        let entry = handle::remove(client).ok_or_else(handle::invalid)?;
        entry.hub.close();
        let session = entry.client.clone();
        // From a runtime thread blocking is refused; dropping the last clone also stops the
        // session, only without waiting for the close.
        let _ = block(async move { session.disconnect().await });
        Ok(())
    })
}
