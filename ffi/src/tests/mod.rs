//! Tests of the extern API, called as C would call it.
mod bad_input;
mod sandbox;

use std::ffi::{c_char, CStr, CString};
use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};

use crate::error::wazap_last_error_message;
use crate::result::wazap_result;
use crate::strings::wazap_string_free;

/// A C string literal for the calls.
fn c(text: &str) -> CString {
    CString::new(text).unwrap()
}

/// The last error message of this thread.
fn last_error() -> String {
    let mut buf = vec![0 as c_char; 512];
    let mut len = 0usize;
    // SAFETY: buf has buf.len() bytes; len is writable.
    let result = unsafe { wazap_last_error_message(buf.as_mut_ptr(), buf.len(), &mut len) };
    assert_eq!(result, wazap_result::WAZAP_OK);
    // SAFETY: wazap wrote a NUL-terminated string.
    unsafe { CStr::from_ptr(buf.as_ptr()) }.to_str().unwrap().to_owned()
}

/// Takes a string wazap returned, freeing it.
fn take(ptr: *mut c_char) -> String {
    assert!(!ptr.is_null());
    // SAFETY: wazap returned a NUL-terminated string that we free right after.
    let text = unsafe { CStr::from_ptr(ptr) }.to_str().unwrap().to_owned();
    unsafe { wazap_string_free(ptr) };
    text
}

/// A fresh path for a store file, removed with its SQLite side files on drop.
struct TempStore(PathBuf);

impl TempStore {
    fn new() -> Self {
        static N: AtomicUsize = AtomicUsize::new(0);
        let n = N.fetch_add(1, Ordering::Relaxed);
        Self(std::env::temp_dir().join(format!("wazap-ffi-{}-{n}.db", std::process::id())))
    }

    fn c_path(&self) -> CString {
        c(self.0.to_str().unwrap())
    }
}

impl Drop for TempStore {
    fn drop(&mut self) {
        for suffix in ["", "-wal", "-shm"] {
            let _ = std::fs::remove_file(format!("{}{suffix}", self.0.display()));
        }
    }
}
