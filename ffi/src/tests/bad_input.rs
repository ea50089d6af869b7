//! Bad input from C gives an error code and a message, never a crash.
use std::ffi::c_char;
use std::ptr::{null, null_mut};

use super::{c, last_error, take, TempStore};
use crate::client::*;
use crate::error::{wazap_error_kind_name, wazap_last_error_kind, wazap_last_error_message};
use crate::handle::wazap_client;
use crate::result::wazap_result::{self, *};
use crate::result::wazap_result_name;

fn new_client(store: &TempStore, json: Option<&str>) -> (wazap_result, *mut wazap_client) {
    let json = json.map(c);
    let mut out = 8 as *mut wazap_client; // garbage the call must overwrite
    let result = unsafe {
        wazap_client_new(
            store.c_path().as_ptr(),
            json.as_ref().map_or(null(), |j| j.as_ptr()),
            &mut out,
        )
    };
    (result, out)
}

#[test]
fn null_pointers_are_refused() {
    let store = TempStore::new();
    let result = unsafe { wazap_client_new(null(), null(), &mut null_mut()) };
    assert_eq!(result, WAZAP_NULL_POINTER);
    assert!(last_error().contains("store_path"), "{}", last_error());
    let result = unsafe { wazap_client_new(store.c_path().as_ptr(), null(), null_mut()) };
    assert_eq!(result, WAZAP_NULL_POINTER);
    assert_eq!(wazap_client_connect(null()), WAZAP_NULL_POINTER);
    assert_eq!(wazap_client_disconnect(null()), WAZAP_NULL_POINTER);
    assert_eq!(wazap_client_logout(null()), WAZAP_NULL_POINTER);
    assert_eq!(unsafe { wazap_client_qr(null(), &mut null_mut()) }, WAZAP_NULL_POINTER);
    assert_eq!(unsafe { wazap_client_status(null(), &mut null_mut()) }, WAZAP_NULL_POINTER);
    assert_eq!(unsafe { wazap_client_next_event(null(), 0, &mut null_mut()) }, WAZAP_NULL_POINTER);
    assert_eq!(wazap_client_free(null_mut()), WAZAP_OK, "free(NULL) is a no-op");

    let (result, client) = new_client(&store, None);
    assert_eq!(result, WAZAP_OK);
    assert_eq!(unsafe { wazap_client_qr(client, null_mut()) }, WAZAP_NULL_POINTER);
    assert_eq!(unsafe { wazap_client_status(client, null_mut()) }, WAZAP_NULL_POINTER);
    let mut code = null_mut();
    assert_eq!(unsafe { wazap_client_pair_phone(client, null(), &mut code) }, WAZAP_NULL_POINTER);
    assert!(last_error().contains("phone"));
    assert!(code.is_null());
    assert_eq!(wazap_client_free(client), WAZAP_OK);
}

#[test]
fn invalid_utf8_is_refused() {
    let store = TempStore::new();
    let bad = [0xffu8, 0xfe, b'x', 0];
    let mut out = null_mut();
    let result = unsafe { wazap_client_new(bad.as_ptr().cast::<c_char>(), null(), &mut out) };
    assert_eq!(result, WAZAP_INVALID_UTF8);
    assert!(out.is_null());
    assert!(last_error().contains("UTF-8"), "{}", last_error());
    let result = unsafe {
        wazap_client_new(store.c_path().as_ptr(), bad.as_ptr().cast::<c_char>(), &mut out)
    };
    assert_eq!(result, WAZAP_INVALID_UTF8);

    let (_, client) = new_client(&store, None);
    let mut code = null_mut();
    let result =
        unsafe { wazap_client_pair_phone(client, bad.as_ptr().cast::<c_char>(), &mut code) };
    assert_eq!(result, WAZAP_INVALID_UTF8);
    assert_eq!(wazap_client_free(client), WAZAP_OK);
}

#[test]
fn invalid_json_and_values_are_refused() {
    let store = TempStore::new();
    for json in ["{", "[]", r#"{"url": 3}"#, r#"{"no_such_key": 1}"#] {
        let (result, out) = new_client(&store, Some(json));
        assert_eq!(result, WAZAP_INVALID_JSON, "{json}");
        assert!(out.is_null());
        assert!(last_error().starts_with("config_json"), "{}", last_error());
    }
    let (result, _) = new_client(&store, Some(r#"{"root_public_key":"not hex"}"#));
    assert_eq!(result, WAZAP_INVALID_ARGUMENT);
    let (result, _) = new_client(&store, Some(r#"{"proxy":"gopher://x"}"#));
    assert_eq!(result, WAZAP_INVALID_ARGUMENT);
}

#[test]
fn an_unopenable_store_is_a_store_error() {
    let mut out = null_mut();
    let path = c("/nonexistent-dir/wazap/x.db");
    let result = unsafe { wazap_client_new(path.as_ptr(), null(), &mut out) };
    assert_eq!(result, WAZAP_STORE);
    assert!(last_error().contains("/nonexistent-dir"), "{}", last_error());
}

#[test]
fn freed_and_made_up_handles_are_refused() {
    let store = TempStore::new();
    let (result, client) = new_client(&store, None);
    assert_eq!(result, WAZAP_OK);
    let mut status = null_mut();
    assert_eq!(unsafe { wazap_client_status(client, &mut status) }, WAZAP_OK);
    let status: serde_json::Value = serde_json::from_str(&take(status)).unwrap();
    assert_eq!(status["connected"], false);
    assert_eq!(status["logged_in"], false);
    assert!(status["jid"].is_null());

    assert_eq!(wazap_client_free(client), WAZAP_OK);
    assert_eq!(wazap_client_free(client), WAZAP_INVALID_HANDLE, "double free");
    assert_eq!(wazap_client_connect(client), WAZAP_INVALID_HANDLE);
    assert_eq!(unsafe { wazap_client_status(client, &mut null_mut()) }, WAZAP_INVALID_HANDLE);
    assert_eq!(
        unsafe { wazap_client_next_event(client, 0, &mut null_mut()) },
        WAZAP_INVALID_HANDLE
    );
    assert!(last_error().contains("freed"));

    // A new client never gets the old handle back.
    let (_, second) = new_client(&store, None);
    assert_ne!(second, client);
    assert_eq!(wazap_client_connect(client), WAZAP_INVALID_HANDLE);
    assert_eq!(wazap_client_free(second), WAZAP_OK);

    let made_up = 0x1234_5678 as *mut wazap_client;
    assert_eq!(wazap_client_disconnect(made_up), WAZAP_INVALID_HANDLE);
    assert_eq!(wazap_client_free(made_up), WAZAP_INVALID_HANDLE);
}

#[test]
fn next_event_times_out_with_its_own_code() {
    let store = TempStore::new();
    let (_, client) = new_client(&store, None);
    let mut json = null_mut();
    let started = std::time::Instant::now();
    assert_eq!(unsafe { wazap_client_next_event(client, 50, &mut json) }, WAZAP_TIMEOUT);
    assert!(started.elapsed() >= std::time::Duration::from_millis(50));
    assert!(json.is_null());
    let mut qr = null_mut();
    assert_eq!(unsafe { wazap_client_qr(client, &mut qr) }, WAZAP_OK);
    assert_eq!(take(qr), "", "no QR before connecting");
    assert_eq!(wazap_client_free(client), WAZAP_OK);
}

#[test]
fn calls_needing_a_connection_say_so() {
    let store = TempStore::new();
    let (_, client) = new_client(&store, None);
    let phone = c("15550001111");
    let mut code = null_mut();
    let result = unsafe { wazap_client_pair_phone(client, phone.as_ptr(), &mut code) };
    assert_eq!(result, WAZAP_NOT_CONNECTED, "{}", last_error());
    assert_eq!(kind_name(wazap_last_error_kind()), "no_device", "the core's finer kind");
    assert_eq!(wazap_client_free(client), WAZAP_OK);
}

fn kind_name(kind: u32) -> String {
    // SAFETY: a static NUL-terminated string.
    unsafe { std::ffi::CStr::from_ptr(wazap_error_kind_name(kind)) }.to_str().unwrap().to_owned()
}

#[test]
fn error_kinds_have_stable_numbers_and_names() {
    // The numbers are the core's ErrorKind numbers, the names its codes.
    for kind in wazap::api::ErrorKind::ALL {
        assert_eq!(kind_name(kind.number()), kind.code());
    }
    assert_eq!((kind_name(0), kind_name(9999)), ("none".into(), "unknown".into()));
    assert_eq!(
        (kind_name(1), kind_name(6), kind_name(21)),
        ("invalid_arg".into(), "not_connected".into(), "internal".into())
    );
    // An error of the C boundary itself has no core kind; a success clears it.
    assert_eq!(wazap_client_connect(null()), WAZAP_NULL_POINTER);
    assert_eq!(wazap_last_error_kind(), 0);
    let store = TempStore::new();
    let (_, client) = new_client(&store, Some(r#"{"proxy":"gopher://x"}"#));
    assert!(client.is_null());
    assert_eq!(kind_name(wazap_last_error_kind()), "invalid_arg");
    let (result, client) = new_client(&store, None);
    assert_eq!((result, wazap_last_error_kind()), (WAZAP_OK, 0));
    assert_eq!(wazap_client_free(client), WAZAP_OK);
}

#[test]
fn last_error_message_truncates_and_reports_the_length() {
    assert_eq!(wazap_client_connect(null()), WAZAP_NULL_POINTER);
    let full = last_error();
    assert_eq!(full, "client is NULL");
    let mut buf = [0x55 as c_char; 7];
    let mut len = 0usize;
    let result = unsafe { wazap_last_error_message(buf.as_mut_ptr(), buf.len(), &mut len) };
    assert_eq!(result, WAZAP_BUFFER_TOO_SMALL);
    assert_eq!(len, full.len());
    let text: Vec<u8> = buf.iter().map(|&b| b as u8).collect();
    assert_eq!(&text, b"client\0");
    // Size query, then NULL buffer with a length.
    let result = unsafe { wazap_last_error_message(null_mut(), 0, &mut len) };
    assert_eq!((result, len), (WAZAP_BUFFER_TOO_SMALL, full.len()));
    let result = unsafe { wazap_last_error_message(null_mut(), 4, null_mut()) };
    assert_eq!(result, WAZAP_NULL_POINTER);
    // A successful call clears the message.
    assert_eq!(wazap_client_free(null_mut()), WAZAP_OK);
    let store = TempStore::new();
    let (result, client) = new_client(&store, None);
    assert_eq!(result, WAZAP_OK);
    assert_eq!(last_error(), "");
    assert_eq!(wazap_client_free(client), WAZAP_OK);
}

#[test]
fn result_names_are_stable() {
    let name = |code: u32| {
        // SAFETY: a static NUL-terminated string.
        unsafe { std::ffi::CStr::from_ptr(wazap_result_name(code)) }.to_str().unwrap()
    };
    assert_eq!(name(0), "WAZAP_OK");
    assert_eq!(name(WAZAP_INVALID_HANDLE as u32), "WAZAP_INVALID_HANDLE");
    assert_eq!(name(8), "WAZAP_TIMEOUT");
    assert_eq!(name(12), "WAZAP_PANIC");
    assert_eq!(name(9999), "WAZAP_UNKNOWN");
    // The ABI numbers.
    let numbers = [
        (WAZAP_NULL_POINTER, 1),
        (WAZAP_INVALID_UTF8, 2),
        (WAZAP_INVALID_JSON, 3),
        (WAZAP_INVALID_HANDLE, 4),
        (WAZAP_INVALID_ARGUMENT, 5),
        (WAZAP_NOT_CONNECTED, 6),
        (WAZAP_NOT_LOGGED_IN, 7),
        (WAZAP_TIMEOUT, 8),
        (WAZAP_NETWORK, 9),
        (WAZAP_PROTOCOL, 10),
        (WAZAP_STORE, 11),
        (WAZAP_PANIC, 12),
    ];
    for (code, number) in numbers {
        assert_eq!(code as u32, number);
    }
}

#[test]
fn a_panic_becomes_a_result() {
    let result = crate::boundary::call(|| panic!("boom"));
    assert_eq!(result, wazap_result::WAZAP_PANIC);
    assert!(last_error().contains("boom"), "{}", last_error());
}
