//! [`wazap_result`]: the status every call returns. The numbers are part of the ABI: never
//! renumber, only append.
use std::ffi::c_char;

/// The status of a wazap call. `WAZAP_OK` is 0; every other value is an error whose message
/// `wazap_last_error_message` returns on the same thread.
#[allow(non_camel_case_types)]
#[repr(u32)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum wazap_result {
    WAZAP_OK = 0,
    /// A required pointer argument was NULL.
    WAZAP_NULL_POINTER = 1,
    /// A string argument is not valid UTF-8.
    WAZAP_INVALID_UTF8 = 2,
    /// A JSON argument does not parse, or does not have the expected shape.
    WAZAP_INVALID_JSON = 3,
    /// The client handle was freed, or never came from `wazap_client_new`.
    WAZAP_INVALID_HANDLE = 4,
    /// An argument has a valid type but an unusable value (bad key hex, bad phone number...).
    WAZAP_INVALID_ARGUMENT = 5,
    /// The call needs a connection (or a loaded device): call `wazap_client_connect` first.
    WAZAP_NOT_CONNECTED = 6,
    /// The call needs a paired, logged-in device.
    WAZAP_NOT_LOGGED_IN = 7,
    /// A wait ended without an answer (an iq, or `wazap_client_next_event` with no event).
    WAZAP_TIMEOUT = 8,
    /// The connection, TLS, the proxy or the handshake failed, or the connection dropped.
    WAZAP_NETWORK = 9,
    /// The server's answer broke the protocol, or pairing failed a check.
    WAZAP_PROTOCOL = 10,
    /// The device store (SQLite) failed.
    WAZAP_STORE = 11,
    /// wazap panicked; the call was abandoned (a bug: please report the message).
    WAZAP_PANIC = 12,
    /// `wazap_client_connect` on a client that is already connected.
    WAZAP_ALREADY_CONNECTED = 13,
    /// Pairing was asked of a device that is already paired.
    WAZAP_ALREADY_PAIRED = 14,
    /// The server answered with an error code (the message carries it).
    WAZAP_SERVER_ERROR = 15,
    /// A blocking call was made from a thread that drives an async runtime.
    WAZAP_WRONG_THREAD = 16,
    /// The output buffer was too small; the output was truncated.
    WAZAP_BUFFER_TOO_SMALL = 17,
    /// The core's runtime lost the task (shutdown), or another internal failure.
    WAZAP_INTERNAL = 18,
}

use wazap_result::*;

const NAMES: [(wazap_result, &str); 19] = [
    (WAZAP_OK, "WAZAP_OK\0"),
    (WAZAP_NULL_POINTER, "WAZAP_NULL_POINTER\0"),
    (WAZAP_INVALID_UTF8, "WAZAP_INVALID_UTF8\0"),
    (WAZAP_INVALID_JSON, "WAZAP_INVALID_JSON\0"),
    (WAZAP_INVALID_HANDLE, "WAZAP_INVALID_HANDLE\0"),
    (WAZAP_INVALID_ARGUMENT, "WAZAP_INVALID_ARGUMENT\0"),
    (WAZAP_NOT_CONNECTED, "WAZAP_NOT_CONNECTED\0"),
    (WAZAP_NOT_LOGGED_IN, "WAZAP_NOT_LOGGED_IN\0"),
    (WAZAP_TIMEOUT, "WAZAP_TIMEOUT\0"),
    (WAZAP_NETWORK, "WAZAP_NETWORK\0"),
    (WAZAP_PROTOCOL, "WAZAP_PROTOCOL\0"),
    (WAZAP_STORE, "WAZAP_STORE\0"),
    (WAZAP_PANIC, "WAZAP_PANIC\0"),
    (WAZAP_ALREADY_CONNECTED, "WAZAP_ALREADY_CONNECTED\0"),
    (WAZAP_ALREADY_PAIRED, "WAZAP_ALREADY_PAIRED\0"),
    (WAZAP_SERVER_ERROR, "WAZAP_SERVER_ERROR\0"),
    (WAZAP_WRONG_THREAD, "WAZAP_WRONG_THREAD\0"),
    (WAZAP_BUFFER_TOO_SMALL, "WAZAP_BUFFER_TOO_SMALL\0"),
    (WAZAP_INTERNAL, "WAZAP_INTERNAL\0"),
];

/// The name of a `wazap_result` value (`"WAZAP_TIMEOUT"`), or `"WAZAP_UNKNOWN"`. The string is
/// static: do not free it. Takes a plain integer so that any value is safe to pass.
#[no_mangle]
pub extern "C" fn wazap_result_name(result: u32) -> *const c_char {
    // Nothing here can panic: a table lookup over constants.
    NAMES
        .iter()
        .find(|(code, _)| *code as u32 == result)
        .map_or("WAZAP_UNKNOWN\0", |(_, name)| name)
        .as_ptr()
        .cast()
}
