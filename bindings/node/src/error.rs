//! Errors crossing into JavaScript. napi-rs only lets a Promise reject with its own `Status`
//! codes, so a native error carries our stable code as a `CODE: message` prefix; `index.js`
//! turns it back into an `Error` (or `TypeError`) whose `code` property is that code. A core
//! error's code is its kind's: `ERR_` + the kind in capitals (`not_connected` →
//! `ERR_NOT_CONNECTED`).
use std::fmt::Display;

use wazap::api;

/// The client was closed with `close()` (the one code of the binding itself, besides
/// `index.js`'s `ERR_INVALID_ARG_TYPE`).
pub const CLOSED: &str = "ERR_CLOSED";

/// An error for JavaScript with a stable `code`.
pub fn coded(code: &str, message: impl Display) -> napi::Error {
    napi::Error::from_reason(format!("{code}: {message}"))
}

/// A core error for JavaScript.
pub fn from_api(error: api::Error) -> napi::Error {
    coded(&format!("ERR_{}", error.kind().code().to_ascii_uppercase()), error.message())
}
