//! The error a call reports: its [`wazap_result`] code and a message kept per thread for
//! `wazap_last_error_message`. Core errors map onto codes here.
use std::cell::RefCell;
use std::ffi::c_char;

use wazap_core::runtime::BlockingError;
use wazap_core::ClientError;

use crate::result::wazap_result::{self, *};

/// A failed call: what the C caller sees.
#[derive(Debug)]
pub(crate) struct FfiError {
    pub(crate) code: wazap_result,
    pub(crate) message: String,
}

impl FfiError {
    pub(crate) fn new(code: wazap_result, message: impl Into<String>) -> Self {
        Self { code, message: message.into() }
    }
}

impl From<ClientError> for FfiError {
    fn from(error: ClientError) -> Self {
        let code = match &error {
            ClientError::Socket(_) | ClientError::Proxy(_) | ClientError::Disconnected => {
                WAZAP_NETWORK
            }
            ClientError::Media(e) if e.is_network() => WAZAP_NETWORK,
            ClientError::Store(_) | ClientError::InvalidDeviceJid(_) => WAZAP_STORE,
            ClientError::NotConnected | ClientError::NoDevice => WAZAP_NOT_CONNECTED,
            ClientError::NotPaired => WAZAP_NOT_LOGGED_IN,
            ClientError::AlreadyConnected => WAZAP_ALREADY_CONNECTED,
            ClientError::AlreadyPaired => WAZAP_ALREADY_PAIRED,
            ClientError::IqTimeout => WAZAP_TIMEOUT,
            ClientError::ServerError { .. } => WAZAP_SERVER_ERROR,
            ClientError::InvalidPhone(_) => WAZAP_INVALID_ARGUMENT,
            ClientError::RuntimeGone => WAZAP_INTERNAL,
            // Encoding, bad answers, pairing checks; and variants added to the core later, until
            // they get a code of their own.
            _ => WAZAP_PROTOCOL,
        };
        Self::new(code, error.to_string())
    }
}

impl From<BlockingError> for FfiError {
    fn from(error: BlockingError) -> Self {
        let code = match error {
            BlockingError::InsideRuntime => WAZAP_WRONG_THREAD,
            BlockingError::TaskLost => WAZAP_INTERNAL,
        };
        Self::new(code, error.to_string())
    }
}

thread_local! {
    static LAST_ERROR: RefCell<String> = const { RefCell::new(String::new()) };
}

pub(crate) fn set_last_error(message: String) {
    LAST_ERROR.with(|slot| *slot.borrow_mut() = message);
}

pub(crate) fn clear_last_error() {
    LAST_ERROR.with(|slot| slot.borrow_mut().clear());
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
            let message = slot.borrow();
            let bytes = message.as_bytes();
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
