//! Media: send a file as an image, video, audio, document or sticker message (upload +
//! send), and download the file of a received one. Files cross as byte buffers; a downloaded
//! file is owned by the caller and freed with [`wazap_bytes_free`].
use std::ffi::c_char;

use wazap::api;

use crate::boundary::call;
use crate::client::{run, run_json};
use crate::error::FfiError;
use crate::handle::wazap_client;
use crate::messaging::{arg_jid, optional_out};
use crate::result::wazap_result::{self, *};
use crate::strings::{arg_opt_str, arg_str};

/// Uploads `data_len` bytes at `data` and sends them to `to` as a media message of `kind`
/// (`"image"`, `"video"`, `"audio"`, `"document"` or `"sticker"`); blocks until the server
/// acked the message. `mimetype` NULL takes the kind's usual one (`image/jpeg`, `video/mp4`,
/// `audio/ogg; codecs=opus`, `application/octet-stream`, `image/webp`). `caption` (images,
/// videos, documents) may be NULL; `file_name` is required for documents and refused for the
/// other kinds; `voice_note` makes audio a recorded voice message. `*result_json` (may be NULL
/// if not wanted) receives `{"id":…,"timestamp":…}` as for `wazap_client_send_text`.
///
/// # Safety
/// String arguments are NULL or NUL-terminated; `data` points to `data_len` readable bytes;
/// `result_json` is NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn wazap_client_send_media(
    client: *const wazap_client,
    to: *const c_char,
    kind: *const c_char,
    data: *const u8,
    data_len: usize,
    mimetype: *const c_char,
    caption: *const c_char,
    file_name: *const c_char,
    voice_note: bool,
    result_json: *mut *mut c_char,
) -> wazap_result {
    call(|| {
        // SAFETY: every pointer is forwarded from this function's contract.
        let out = unsafe { optional_out(result_json) };
        let owned = |s: Option<&str>| s.map(str::to_owned);
        let to = unsafe { arg_jid(to, "to") }?;
        let kind = unsafe { arg_str(kind, "kind") }?.to_owned();
        let caption = owned(unsafe { arg_opt_str(caption, "caption") }?);
        let file_name = owned(unsafe { arg_opt_str(file_name, "file_name") }?);
        let mimetype = owned(unsafe { arg_opt_str(mimetype, "mimetype") }?);
        if data.is_null() {
            return Err(FfiError::new(WAZAP_NULL_POINTER, "data is NULL"));
        }
        // SAFETY: non-NULL, and the caller promises `data_len` readable bytes.
        let data = unsafe { std::slice::from_raw_parts(data, data_len) }.to_vec();
        let media =
            api::SendMedia { to, kind, mimetype, caption, file_name, voice_note, id: None, data };
        run_json(client, media, out)
    })
}

/// Downloads, verifies and decrypts the file of a received image, video, audio, document or
/// sticker message. `message_raw` is the `raw` field of the message event's `message` (the
/// `Message` protobuf in base64), as the event JSON carries it. On success `*data` points to
/// `*len` bytes that the caller frees with `wazap_bytes_free(*data, *len)`; on error `*data`
/// is NULL and `*len` 0.
///
/// # Safety
/// `message_raw` is NULL or NUL-terminated; `data` and `len` are NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn wazap_client_download(
    client: *const wazap_client,
    message_raw: *const c_char,
    data: *mut *mut u8,
    len: *mut usize,
) -> wazap_result {
    call(|| {
        if data.is_null() || len.is_null() {
            return Err(FfiError::new(WAZAP_NULL_POINTER, "data or len is NULL"));
        }
        // SAFETY: both non-NULL and writable by the caller's promise; cleared so that an
        // error leaves no dangling output.
        unsafe {
            *data = std::ptr::null_mut();
            *len = 0;
        }
        // SAFETY: forwarded from this function's contract.
        let message = unsafe { arg_str(message_raw, "message_raw") }?.to_owned();
        let file = run(client, api::Download { message })?.0.into_boxed_slice();
        let size = file.len();
        // SAFETY: checked writable above. The buffer is reclaimed by wazap_bytes_free.
        unsafe {
            *len = size;
            *data = Box::into_raw(file).cast::<u8>();
        }
        Ok(())
    })
}

/// Frees a buffer that wazap returned (`wazap_client_download`), with the length it came
/// with. NULL is ignored.
///
/// # Safety
/// `data` is NULL or a buffer returned by wazap with length `len`, not freed yet.
#[no_mangle]
pub unsafe extern "C" fn wazap_bytes_free(data: *mut u8, len: usize) {
    if data.is_null() {
        return;
    }
    let _ = std::panic::catch_unwind(|| {
        // SAFETY: the buffer came from Box<[u8]>::into_raw with this length, freed once.
        drop(unsafe { Box::from_raw(std::ptr::slice_from_raw_parts_mut(data, len)) });
    });
}
