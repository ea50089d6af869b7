//! Errors crossing into JavaScript. napi-rs only lets a Promise reject with its own `Status`
//! codes, so a native error carries our stable code as a `CODE: message` prefix; `index.js`
//! turns it back into an `Error` (or `TypeError`) whose `code` property is that code.
use std::fmt::Display;

use wazap::ClientError;

/// A wrong JavaScript type (→ `TypeError`).
pub const INVALID_ARG_TYPE: &str = "ERR_INVALID_ARG_TYPE";
/// A value of the right type that is not acceptable (→ `Error`).
pub const INVALID_ARG: &str = "ERR_INVALID_ARG";
/// The client was closed with `close()`.
pub const CLOSED: &str = "ERR_CLOSED";

/// An error for JavaScript with a stable `code`.
pub fn coded(code: &str, message: impl Display) -> napi::Error {
    napi::Error::from_reason(format!("{code}: {message}"))
}

/// The stable code of a core error. Codes never change once published; a new core variant
/// gets a new code (the match is exhaustive so that adding one is a compile error here).
pub fn code_of(error: &ClientError) -> &'static str {
    match error {
        ClientError::Socket(_) => "ERR_CONNECTION",
        ClientError::Proxy(_) => "ERR_PROXY",
        ClientError::Store(_) => "ERR_STORE",
        ClientError::Encode(_) => "ERR_ENCODE",
        ClientError::NotConnected => "ERR_NOT_CONNECTED",
        ClientError::AlreadyConnected => "ERR_ALREADY_CONNECTED",
        ClientError::Disconnected => "ERR_DISCONNECTED",
        ClientError::IqTimeout => "ERR_TIMEOUT",
        ClientError::ServerError { .. } => "ERR_SERVER",
        ClientError::BadResponse(_) | ClientError::Group(_) | ClientError::User(_) => {
            "ERR_BAD_RESPONSE"
        }
        ClientError::NoDevice => "ERR_NO_DEVICE",
        ClientError::AlreadyPaired => "ERR_ALREADY_PAIRED",
        ClientError::NotPaired => "ERR_NOT_PAIRED",
        ClientError::InvalidDeviceJid(_) => "ERR_STORE",
        ClientError::InvalidPhone(_) => INVALID_ARG,
        ClientError::Adv(_) | ClientError::CodePairing(_) => "ERR_PAIRING",
        ClientError::Message(_) => "ERR_MESSAGE",
        ClientError::Media(_) => "ERR_MEDIA",
        ClientError::RuntimeGone => "ERR_INTERNAL",
    }
}

/// A core error for JavaScript.
pub fn from_client(error: ClientError) -> napi::Error {
    coded(code_of(&error), &error)
}

/// A failed request by name: bad arguments are `ERR_INVALID_ARG`, the rest the core error's.
pub fn from_request(error: wazap::client::RequestError) -> napi::Error {
    match error {
        wazap::client::RequestError::Client(e) => from_client(e),
        other => coded(INVALID_ARG, other),
    }
}
