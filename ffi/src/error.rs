//! The error a call reports: its [`wazap_result`] code, the core's [`ErrorKind`] when the core
//! failed, and a message, kept per thread for `wazap_last_error_message` and
//! `wazap_last_error_kind`. Result codes map from the kinds here.
use std::cell::RefCell;
use std::ffi::{c_char, CString};
use std::sync::OnceLock;

use wazap::api::{self, ErrorKind};
use wazap::runtime::BlockingError;
use wazap::ClientError;

use crate::result::wazap_result::{self, *};

/// A failed call: what the C caller sees.
#[derive(Debug)]
pub(crate) struct FfiError {
    pub(crate) code: wazap_result,
    /// The core's kind; `None` for errors of the C boundary itself (NULL, UTF-8, handles…).
    pub(crate) kind: Option<ErrorKind>,
    pub(crate) message: String,
}

impl FfiError {
    pub(crate) fn new(code: wazap_result, message: impl Into<String>) -> Self {
        Self { code, kind: None, message: message.into() }
    }
}

/// The result code of a kind. Codes are coarser than kinds; `wazap_last_error_kind` tells the
/// kinds apart.
fn code_of(kind: ErrorKind) -> wazap_result {
    match kind {
        ErrorKind::InvalidArgument => WAZAP_INVALID_ARGUMENT,
        ErrorKind::Connection
        | ErrorKind::Proxy
        | ErrorKind::Disconnected
        | ErrorKind::MediaUnreachable => WAZAP_NETWORK,
        ErrorKind::Store => WAZAP_STORE,
        ErrorKind::NotConnected | ErrorKind::NoDevice => WAZAP_NOT_CONNECTED,
        ErrorKind::NotPaired => WAZAP_NOT_LOGGED_IN,
        ErrorKind::AlreadyConnected => WAZAP_ALREADY_CONNECTED,
        ErrorKind::AlreadyPaired => WAZAP_ALREADY_PAIRED,
        ErrorKind::Timeout => WAZAP_TIMEOUT,
        ErrorKind::Server => WAZAP_SERVER_ERROR,
        ErrorKind::Encode
        | ErrorKind::BadResponse
        | ErrorKind::Pairing
        | ErrorKind::Message
        | ErrorKind::Media => WAZAP_PROTOCOL,
        ErrorKind::Panic => WAZAP_PANIC,
        ErrorKind::WrongThread => WAZAP_WRONG_THREAD,
        // Internal, and kinds a newer core adds until they get a code of their own.
        _ => WAZAP_INTERNAL,
    }
}

impl From<api::Error> for FfiError {
    fn from(error: api::Error) -> Self {
        let kind = error.kind();
        Self { code: code_of(kind), kind: Some(kind), message: error.message().to_owned() }
    }
}

impl From<ClientError> for FfiError {
    fn from(error: ClientError) -> Self {
        api::Error::from(error).into()
    }
}

impl From<BlockingError> for FfiError {
    fn from(error: BlockingError) -> Self {
        api::Error::from(error).into()
    }
}

thread_local! {
    static LAST_ERROR: RefCell<(String, u32)> = const { RefCell::new((String::new(), 0)) };
}

pub(crate) fn set_last_error(message: String, kind: Option<ErrorKind>) {
    LAST_ERROR.with(|slot| *slot.borrow_mut() = (message, kind.map_or(0, ErrorKind::number)));
}

pub(crate) fn clear_last_error() {
    LAST_ERROR.with(|slot| *slot.borrow_mut() = (String::new(), 0));
}

/// The kind of the last failed wazap call made on this thread: a number that never changes
/// (`wazap_error_kind_name` names it), finer than the result code (`WAZAP_NETWORK` is a
/// connection, proxy, disconnect or media-host failure). 0 after a call that succeeded, and
/// for errors of the C boundary itself (NULL, UTF-8, JSON, handles).
#[no_mangle]
pub extern "C" fn wazap_last_error_kind() -> u32 {
    std::panic::catch_unwind(|| LAST_ERROR.with(|slot| slot.borrow().1)).unwrap_or(0)
}

/// The stable name of an error kind number (`"not_connected"`, `"media_unreachable"`…), or
/// `"none"` for 0 and `"unknown"` for a number this build does not know. The string is static:
/// do not free it.
#[no_mangle]
pub extern "C" fn wazap_error_kind_name(kind: u32) -> *const c_char {
    static NAMES: OnceLock<Vec<CString>> = OnceLock::new();
    let run = std::panic::catch_unwind(|| {
        let names = NAMES.get_or_init(|| {
            let known = ErrorKind::ALL.iter().map(|k| k.code());
            std::iter::once("none").chain(known).filter_map(|n| CString::new(n).ok()).collect()
        });
        let name = match kind {
            0 => names.first(),
            n => ErrorKind::from_number(n).and_then(|k| names.get(k.number() as usize)),
        };
        name.map_or(c"unknown".as_ptr(), |n| n.as_ptr())
    });
    run.unwrap_or(c"unknown".as_ptr())
}

/// Copies the message of the last failed wazap call made on this thread (empty after a call
/// that succeeded) into `buf` as a NUL-terminated string of at most `len` bytes including the
/// NUL. `*out_len` (when `out_len` is not NULL) receives the full message length, without the
/// NUL. Returns `WAZAP_BUFFER_TOO_SMALL` when the message was truncated, `WAZAP_NULL_POINTER`
/// when `buf` is NULL and `len` is not 0. Does not change the stored message.
///
/// # Safety
/// `buf` must point to `len` writable bytes (or be NULL with `len` 0); `out_len` must be NULL
/// or point to a writable `size_t`.
#[no_mangle]
pub unsafe extern "C" fn wazap_last_error_message(
    buf: *mut c_char,
    len: usize,
    out_len: *mut usize,
) -> wazap_result {
    let run = std::panic::catch_unwind(|| {
        LAST_ERROR.with(|slot| {
            let last = slot.borrow();
            let bytes = last.0.as_bytes();
            if !out_len.is_null() {
                // SAFETY: the caller passes NULL or a writable size_t.
                unsafe { *out_len = bytes.len() };
            }
            if len == 0 {
                return if bytes.is_empty() { WAZAP_OK } else { WAZAP_BUFFER_TOO_SMALL };
            }
            if buf.is_null() {
                return WAZAP_NULL_POINTER;
            }
            let copied = bytes.len().min(len - 1);
            // SAFETY: the caller passes `len` writable bytes at `buf`; we write `copied + 1 <=
            // len` of them.
            unsafe {
                std::ptr::copy_nonoverlapping(bytes.as_ptr(), buf.cast::<u8>(), copied);
                *buf.add(copied) = 0;
            }
            if copied < bytes.len() {
                WAZAP_BUFFER_TOO_SMALL
            } else {
                WAZAP_OK
            }
        })
    });
    run.unwrap_or(WAZAP_PANIC)
}
