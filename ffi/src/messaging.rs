//! Messaging: send text, reactions, read receipts, presence (and subscribing to it) and chat
//! state. JIDs are strings (`15550001@s.whatsapp.net`, `…@g.us`, `…@lid`); a bare number
//! means a phone-number user. Each function reads its C arguments into the core's request and
//! runs it (`client::run`).
use std::ffi::c_char;

use wazap::api::{self, args};
use wazap::binary::Jid;

use crate::boundary::call;
use crate::client::run_json;
use crate::error::FfiError;
use crate::handle::wazap_client;
use crate::result::wazap_result::{self, *};
use crate::strings::{arg_opt_str, arg_str, out_ptr};

/// A JID argument.
///
/// # Safety
/// `ptr` is NULL or a NUL-terminated string.
pub(crate) unsafe fn arg_jid(ptr: *const c_char, what: &str) -> Result<Jid, FfiError> {
    // SAFETY: forwarded from the caller.
    Ok(args::address(unsafe { arg_str(ptr, what) }?, what)?)
}

/// An optional JID argument (NULL: none).
///
/// # Safety
/// `ptr` is NULL or a NUL-terminated string.
unsafe fn arg_opt_jid(ptr: *const c_char, what: &str) -> Result<Option<Jid>, FfiError> {
    // SAFETY: forwarded from the caller.
    match unsafe { arg_opt_str(ptr, what) }? {
        Some(text) => Ok(Some(args::address(text, what)?)),
        None => Ok(None),
    }
}

/// A name one of the core's enums spells (`"available"`, `"composing"`…).
///
/// # Safety
/// `ptr` is NULL or a NUL-terminated string.
unsafe fn arg_name<T>(ptr: *const c_char, what: &str) -> Result<T, FfiError>
where
    T: std::str::FromStr,
    T::Err: std::fmt::Display,
{
    // SAFETY: forwarded from the caller.
    let text = unsafe { arg_str(ptr, what) }?;
    text.parse().map_err(|e| FfiError::new(WAZAP_INVALID_ARGUMENT, format!("{what}: {e}")))
}

/// A JSON array of message ids.
///
/// # Safety
/// `ptr` is NULL or a NUL-terminated string.
unsafe fn arg_ids(ptr: *const c_char) -> Result<Vec<String>, FfiError> {
    // SAFETY: forwarded from the caller.
    let ids = unsafe { arg_str(ptr, "ids_json") }?;
    serde_json::from_str(ids).map_err(|e| {
        FfiError::new(WAZAP_INVALID_JSON, format!("ids_json (an array of strings): {e}"))
    })
}

/// Sends a text message to `to` (a user or a group); blocks until the server acked it.
/// `*result_json` (may be NULL if not wanted) receives `{"id":"3EB0…","timestamp":unix_seconds}`.
///
/// # Safety
/// `to` and `text` are NULL or NUL-terminated strings; `result_json` is NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn wazap_client_send_text(
    client: *const wazap_client,
    to: *const c_char,
    text: *const c_char,
    result_json: *mut *mut c_char,
) -> wazap_result {
    call(|| {
        // SAFETY: forwarded from this function's contract.
        let out = unsafe { optional_out(result_json) };
        let to = unsafe { arg_jid(to, "to") }?;
        let text = unsafe { arg_str(text, "text") }?;
        run_json(client, api::SendText::new(to, text), out)
    })
}

/// Reacts with `emoji` ("" removes our reaction) to message `id` in `chat`, sent by `sender`
/// (`from_me` non-zero: a message of ours). `*result_json` as for `wazap_client_send_text`.
///
/// # Safety
/// String arguments are NULL or NUL-terminated; `result_json` is NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn wazap_client_send_reaction(
    client: *const wazap_client,
    chat: *const c_char,
    sender: *const c_char,
    id: *const c_char,
    from_me: bool,
    emoji: *const c_char,
    result_json: *mut *mut c_char,
) -> wazap_result {
    call(|| {
        // SAFETY: forwarded from this function's contract.
        let out = unsafe { optional_out(result_json) };
        let reaction = api::SendReaction {
            chat: unsafe { arg_jid(chat, "chat") }?,
            sender: unsafe { arg_jid(sender, "sender") }?,
            id: unsafe { arg_str(id, "id") }?.to_owned(),
            emoji: unsafe { arg_str(emoji, "emoji") }?.to_owned(),
            from_me,
        };
        run_json(client, reaction, out)
    })
}

/// Marks messages as read: `ids_json` is a JSON array of message ids, `chat` the chat, and
/// `sender` (NULL in one-to-one chats) who sent them in a group.
///
/// # Safety
/// String arguments are NULL (only `sender`) or NUL-terminated.
#[no_mangle]
pub unsafe extern "C" fn wazap_client_mark_read(
    client: *const wazap_client,
    ids_json: *const c_char,
    chat: *const c_char,
    sender: *const c_char,
) -> wazap_result {
    call(|| {
        // SAFETY: forwarded from this function's contract.
        let read = api::MarkRead {
            ids: unsafe { arg_ids(ids_json) }?,
            chat: unsafe { arg_jid(chat, "chat") }?,
            sender: unsafe { arg_opt_jid(sender, "sender") }?,
        };
        run_json(client, read, None)
    })
}

/// Tells our contacts whether we are online: `presence` is `"available"` or `"unavailable"`.
///
/// # Safety
/// `presence` is NULL or NUL-terminated.
#[no_mangle]
pub unsafe extern "C" fn wazap_client_send_presence(
    client: *const wazap_client,
    presence: *const c_char,
) -> wazap_result {
    call(|| {
        // SAFETY: forwarded from this function's contract.
        let presence = unsafe { arg_name(presence, "presence") }?;
        run_json(client, api::SendPresence { presence }, None)
    })
}

/// Typing state in `chat`: `state` is `"composing"` or `"paused"`; `media` is NULL (text) or
/// `"audio"` (recording a voice note).
///
/// # Safety
/// `chat` and `state` are NULL or NUL-terminated; `media` likewise.
#[no_mangle]
pub unsafe extern "C" fn wazap_client_send_chat_presence(
    client: *const wazap_client,
    chat: *const c_char,
    state: *const c_char,
    media: *const c_char,
) -> wazap_result {
    call(|| {
        // SAFETY: forwarded from this function's contract.
        let presence = api::SendChatPresence {
            chat: unsafe { arg_jid(chat, "chat") }?,
            state: unsafe { arg_name(state, "state") }?,
            media: match unsafe { arg_opt_str(media, "media") }? {
                None => wazap::client::ChatStateMedia::Text,
                Some(_) => unsafe { arg_name(media, "media") }?,
            },
        };
        run_json(client, presence, None)
    })
}

/// Asks for `jid`'s presence: `presence` events follow when that user goes online or offline
/// (and one with the current state right away).
///
/// # Safety
/// `jid` is NULL or NUL-terminated.
#[no_mangle]
pub unsafe extern "C" fn wazap_client_subscribe_presence(
    client: *const wazap_client,
    jid: *const c_char,
) -> wazap_result {
    call(|| {
        // SAFETY: forwarded from this function's contract.
        let jid = unsafe { arg_jid(jid, "jid") }?;
        run_json(client, api::SubscribePresence { jid }, None)
    })
}

/// An optional output: NULL means the caller does not want it.
///
/// # Safety
/// `out` is NULL or writable.
pub(crate) unsafe fn optional_out<'a>(out: *mut *mut c_char) -> Option<&'a mut *mut c_char> {
    // SAFETY: forwarded from the caller.
    (!out.is_null()).then(|| unsafe { out_ptr(out, "result_json") }.ok()).flatten()
}
