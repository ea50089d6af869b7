//! Node.js bindings of wazap. This cdylib exports one class, `NativeClient`, whose one call is
//! `request` (the core's requests by name, with JSON arguments); `index.js` wraps it into the
//! public `Client` (an EventEmitter with Promise-returning methods, argument checks and coded
//! errors). A new core request needs nothing here: one method in `index.js`, one declaration
//! in `index.d.ts`.
mod client;
mod error;
mod events;

use napi_derive::napi;

/// The core's error kinds (`ErrorCode` is `ERR_` + each in capitals).
#[napi]
pub fn error_kinds() -> Vec<&'static str> {
    wazap::api::ErrorKind::ALL.iter().map(|k| k.code()).collect()
}

/// The names of the core's requests.
#[napi]
pub fn requests() -> Vec<&'static str> {
    wazap::api::REQUESTS.to_vec()
}

/// The pairing QR code `text` drawn with Unicode half blocks for a terminal (the core's
/// `api::qr_terminal`).
#[napi]
pub fn qr_terminal(text: String) -> napi::Result<String> {
    wazap::api::qr_terminal(&text).map_err(error::from_api)
}
