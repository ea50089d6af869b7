//! Strings across the boundary: borrowed C strings in, owned strings out (freed by
//! [`wazap_string_free`]).
use std::ffi::{c_char, CStr, CString};

use crate::error::FfiError;
use crate::result::wazap_result::*;

/// Borrows a NUL-terminated UTF-8 argument; `what` names it in the error message.
///
/// # Safety
/// `ptr` is NULL or a NUL-terminated string valid for `'a`.
pub(crate) unsafe fn arg_str<'a>(ptr: *const c_char, what: &str) -> Result<&'a str, FfiError> {
    if ptr.is_null() {
        return Err(FfiError::new(WAZAP_NULL_POINTER, format!("{what} is NULL")));
    }
    // SAFETY: non-NULL, and the caller promises a NUL-terminated string.
    let text = unsafe { CStr::from_ptr(ptr) };
    text.to_str()
        .map_err(|e| FfiError::new(WAZAP_INVALID_UTF8, format!("{what} is not UTF-8: {e}")))
}

/// Like [`arg_str`], but NULL is allowed and gives `None`.
///
/// # Safety
/// As [`arg_str`].
pub(crate) unsafe fn arg_opt_str<'a>(
    ptr: *const c_char,
    what: &str,
) -> Result<Option<&'a str>, FfiError> {
    if ptr.is_null() {
        Ok(None)
    } else {
        // SAFETY: forwarded from the caller.
        unsafe { arg_str(ptr, what) }.map(Some)
    }
}

/// Checks an output pointer and clears what it points to, so the caller sees NULL on error.
///
/// # Safety
/// `out` is NULL or writable.
pub(crate) unsafe fn out_ptr<'a, T>(
    out: *mut *mut T,
    what: &str,
) -> Result<&'a mut *mut T, FfiError> {
    if out.is_null() {
        return Err(FfiError::new(WAZAP_NULL_POINTER, format!("{what} is NULL")));
    }
    // SAFETY: non-NULL and writable by the caller's promise.
    let slot = unsafe { &mut *out };
    *slot = std::ptr::null_mut();
    Ok(slot)
}

/// Hands a string to C; the caller frees it with [`wazap_string_free`].
pub(crate) fn give_string(text: String) -> Result<*mut c_char, FfiError> {
    CString::new(text)
        .map(CString::into_raw)
        .map_err(|_| FfiError::new(WAZAP_INTERNAL, "the output string contains a NUL byte"))
}

/// Frees a string that wazap returned (`char **` outputs). NULL is ignored.
///
/// # Safety
/// `s` is NULL or a string returned by wazap that was not freed yet.
#[no_mangle]
pub unsafe extern "C" fn wazap_string_free(s: *mut c_char) {
    if s.is_null() {
        return;
    }
    let _ = std::panic::catch_unwind(|| {
        // SAFETY: the string came from CString::into_raw (give_string) and is freed once.
        drop(unsafe { CString::from_raw(s) });
    });
}
