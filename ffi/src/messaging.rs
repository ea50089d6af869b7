//! Messaging: send text, reactions, read receipts, presence (and subscribing to it) and chat
//! state. JIDs are strings (`15550001@s.whatsapp.net`, `…@g.us`, `…@lid`); a bare number
//! means a phone-number user.
use std::ffi::c_char;

use serde::Serialize;
use wazap_core::binary::Jid;
use wazap_core::client::{ChatState, ChatStateMedia, Presence, SendResult};

use crate::boundary::call;
use crate::client::block;
use crate::error::FfiError;
use crate::handle::{self, wazap_client};
use crate::result::wazap_result::{self, *};
use crate::strings::{arg_opt_str, arg_str, give_string, out_ptr};

/// Parses a JID argument (see [`Jid::parse_address`]); digits alone (with an optional `+`)
/// are a phone number.
fn parse_jid(text: &str, what: &str) -> Result<Jid, FfiError> {
    Jid::parse_address(text)
        .map_err(|e| FfiError::new(WAZAP_INVALID_ARGUMENT, format!("{what}: {e}")))
}

/// # Safety
/// `ptr` is NULL or a NUL-terminated string.
pub(crate) unsafe fn arg_jid(ptr: *const c_char, what: &str) -> Result<Jid, FfiError> {
    // SAFETY: forwarded from the caller.
    parse_jid(unsafe { arg_str(ptr, what) }?, what)
}

#[derive(Serialize)]
struct Sent {
    id: String,
    timestamp: u64,
}

pub(crate) fn sent_json(result: SendResult) -> Result<*mut c_char, FfiError> {
    let json = serde_json::to_string(&Sent { id: result.id, timestamp: result.timestamp })
        .map_err(|e| FfiError::new(WAZAP_INTERNAL, e.to_string()))?;
    give_string(json)
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
        let text = unsafe { arg_str(text, "text") }?.to_owned();
        let client = handle::get(client)?.client.clone();
        let sent = block(async move { client.send_text(to, &text).await })??;
        if let Some(out) = out {
            *out = sent_json(sent)?;
        }
        Ok(())
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
        let chat = unsafe { arg_jid(chat, "chat") }?;
        let sender = unsafe { arg_jid(sender, "sender") }?;
        let id = unsafe { arg_str(id, "id") }?.to_owned();
        let emoji = unsafe { arg_str(emoji, "emoji") }?.to_owned();
        let client = handle::get(client)?.client.clone();
        let sent =
            block(async move { client.send_reaction(chat, sender, &id, from_me, &emoji).await })??;
        if let Some(out) = out {
            *out = sent_json(sent)?;
        }
        Ok(())
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
        let ids = unsafe { arg_str(ids_json, "ids_json") }?;
        let ids: Vec<String> = serde_json::from_str(ids).map_err(|e| {
            FfiError::new(WAZAP_INVALID_JSON, format!("ids_json (an array of strings): {e}"))
        })?;
        if ids.is_empty() {
            return Err(FfiError::new(WAZAP_INVALID_ARGUMENT, "ids_json is empty"));
        }
        let chat = unsafe { arg_jid(chat, "chat") }?;
        let sender = match unsafe { arg_opt_str(sender, "sender") }? {
            Some(text) => Some(parse_jid(text, "sender")?),
            None => None,
        };
        let client = handle::get(client)?.client.clone();
        Ok(block(async move { client.mark_read(&ids, chat, sender).await })??)
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
        let presence = match unsafe { arg_str(presence, "presence") }? {
            "available" => Presence::Available,
            "unavailable" => Presence::Unavailable,
            other => {
                return Err(FfiError::new(
                    WAZAP_INVALID_ARGUMENT,
                    format!("presence {other:?}: expected \"available\" or \"unavailable\""),
                ))
            }
        };
        let client = handle::get(client)?.client.clone();
        Ok(block(async move { client.send_presence(presence).await })??)
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
        let chat = unsafe { arg_jid(chat, "chat") }?;
        let state = match unsafe { arg_str(state, "state") }? {
            "composing" => ChatState::Composing,
            "paused" => ChatState::Paused,
            other => {
                return Err(FfiError::new(
                    WAZAP_INVALID_ARGUMENT,
                    format!("state {other:?}: expected \"composing\" or \"paused\""),
                ))
            }
        };
        let media = match unsafe { arg_opt_str(media, "media") }? {
            None | Some("text") => ChatStateMedia::Text,
            Some("audio") => ChatStateMedia::Audio,
            Some(other) => {
                return Err(FfiError::new(
                    WAZAP_INVALID_ARGUMENT,
                    format!("media {other:?}: expected NULL, \"text\" or \"audio\""),
                ))
            }
        };
        let client = handle::get(client)?.client.clone();
        Ok(block(async move { client.send_chat_presence(chat, state, media).await })??)
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
        let client = handle::get(client)?.client.clone();
        Ok(block(async move { client.subscribe_presence(jid).await })??)
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
