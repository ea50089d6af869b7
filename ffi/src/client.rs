//! The client functions: create, connect, pair, status, events, disconnect, logout, free.
//! Messaging functions live in `messaging.rs`. Each function: check the arguments, look the
//! handle up, run the core call (blocking calls go through the core's runtime), write outputs.
use std::ffi::{c_char, c_void};
use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use wazap_core::pair::CompanionClientType;
use wazap_core::store::SqliteStore;
use wazap_core::Client;

use crate::boundary::call;
use crate::config;
use crate::error::FfiError;
use crate::events::{event_json, wazap_event_callback, Hub, NoEvent};
use crate::handle::{self, wazap_client, Entry};
use crate::result::wazap_result::{self, *};
use crate::strings::{arg_opt_str, arg_str, give_string, out_ptr};

/// What the phone shows for a device paired by code ("Link with phone number").
const PAIR_CLIENT_TYPE: CompanionClientType = CompanionClientType::Chrome;
const PAIR_DISPLAY_NAME: &str = "Chrome (Linux)";

/// Runs a core future to completion from this (non-runtime) thread.
pub(crate) fn block<F>(future: F) -> Result<F::Output, FfiError>
where
    F: Future + Send + 'static,
    F::Output: Send + 'static,
{
    Ok(wazap_core::runtime::block_on(future)?)
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
        let parsed = config::parse(json)?;
        let store = SqliteStore::open(path)
            .map_err(|e| FfiError::new(WAZAP_STORE, format!("opening {path}: {e}")))?;
        let client = Client::new(Arc::new(store.account(parsed.account)), parsed.client);
        // Subscribe before anything can happen, so that no event is missed.
        let hub = Hub::start(client.events());
        *out = handle::register(Entry { client, hub });
        Ok(())
    })
}

/// Runs `body` on the live client behind `client`.
fn with_client<F>(client: *const wazap_client, body: F) -> wazap_result
where
    F: FnOnce(&Entry) -> Result<(), FfiError>,
{
    call(|| {
        let entry = handle::get(client)?;
        body(&entry)
    })
}

/// Connects (blocking until the handshake is done). An unpaired device then receives `qr`
/// events; a paired one logs in and receives `connected`. The client stays connected (and
/// reconnects by itself) until `wazap_client_disconnect`.
#[no_mangle]
pub extern "C" fn wazap_client_connect(client: *const wazap_client) -> wazap_result {
    with_client(client, |entry| {
        let client = entry.client.clone();
        Ok(block(async move { client.connect().await })??)
    })
}

/// Closes the connection and stops reconnecting; the pairing is kept. Blocking.
#[no_mangle]
pub extern "C" fn wazap_client_disconnect(client: *const wazap_client) -> wazap_result {
    with_client(client, |entry| {
        let client = entry.client.clone();
        block(async move { client.disconnect().await })
    })
}

/// Unlinks this device from the account, disconnects, and deletes its keys. Blocking.
#[no_mangle]
pub extern "C" fn wazap_client_logout(client: *const wazap_client) -> wazap_result {
    with_client(client, |entry| {
        let client = entry.client.clone();
        Ok(block(async move { client.logout().await })??)
    })
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
        *out = give_string(entry.hub.qr())?;
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
        let phone = unsafe { arg_str(phone, "phone") }?.to_owned();
        let entry = handle::get(client)?;
        let client = entry.client.clone();
        let code = block(async move {
            client.pair_phone(&phone, true, PAIR_CLIENT_TYPE, PAIR_DISPLAY_NAME).await
        })??;
        *out = give_string(code)?;
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
        let entry = handle::get(client)?;
        let c = &entry.client;
        let status = serde_json::json!({
            "connected": c.is_connected(),
            "logged_in": c.is_logged_in(),
            "jid": c.jid().map(|j| j.to_string()),
            "lid": c.lid().map(|j| j.to_string()),
        });
        *out = give_string(status.to_string())?;
        Ok(())
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
    with_client(client, |entry| {
        entry.hub.set_callback(cb, user_data);
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
