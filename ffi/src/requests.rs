//! Requests by name with JSON arguments and a JSON answer: every request of the core
//! (`wazap::api::REQUESTS`), one entry point for all of them.
use std::ffi::c_char;

use wazap::api::{self, Reply};

use crate::boundary::call;
use crate::client::block;
use crate::error::FfiError;
use crate::handle::{self, wazap_client};
use crate::result::wazap_result::{self, *};
use crate::strings::{arg_opt_str, arg_str, give_string, out_ptr};

/// Runs request `method` with `args_json` (a JSON object, or NULL for none) and blocks until
/// it is answered; `*result_json` receives the answer as JSON (`null` for requests that only
/// act), freed with `wazap_string_free`. Requests: `joined_groups` {}, `group_info`
/// {group}, `create_group` {name, participants[]}, `set_group_name` / `set_group_topic`
/// {group, text}, `set_group_announce` / `set_group_locked` {group, on}, `group_invite_link`
/// {group, reset?}, `join_group_with_link` {link}, `leave_group` {group},
/// `update_group_participants` {group, participants[], action: add|remove|promote|demote},
/// `is_on_whatsapp` {phones[]}, `user_info` {users[]}, `profile_picture` {user, preview?},
/// `set_group_photo` {group, image} and `set_profile_picture` {image} (a JPEG in base64, or
/// null to remove; the answer is the new picture's id), `get_blocklist` {} and
/// `update_blocklist` {jid, action: block|unblock} (answer: {dhash, jids[]}); and every other
/// request of the core by its name (`connect`, `send_text` {to, text, id?, reply_to?,
/// mentions?}, `send_presence` {presence}, `status`…: the list is `wazap::api::REQUESTS`,
/// their arguments `wazap::api`'s structs). Requests that answer a file (`download`) or send
/// one (`send_media`) have their own functions.
/// Unknown requests and bad arguments are `WAZAP_INVALID_ARGUMENT` (or
/// `WAZAP_INVALID_JSON` when `args_json` does not parse), checked before anything is sent.
///
/// # Safety
/// `method` and `args_json` are NULL (only `args_json`) or NUL-terminated; `result_json` is
/// writable.
#[no_mangle]
pub unsafe extern "C" fn wazap_client_request(
    client: *const wazap_client,
    method: *const c_char,
    args_json: *const c_char,
    result_json: *mut *mut c_char,
) -> wazap_result {
    call(|| {
        // SAFETY: every pointer is forwarded from this function's contract.
        let out = unsafe { out_ptr(result_json, "result_json") }?;
        let method = unsafe { arg_str(method, "method") }?.to_owned();
        let args = unsafe { arg_opt_str(args_json, "args_json") }?.unwrap_or("").to_owned();
        if !args.trim().is_empty() {
            serde_json::from_str::<serde_json::Value>(&args).map_err(|e| {
                FfiError::new(WAZAP_INVALID_JSON, format!("args_json is not JSON: {e}"))
            })?;
        }
        let client = handle::get(client)?.client.clone();
        match block(api::request(&client, &method, &args, None))?? {
            Reply::Json(answer) => *out = give_string(answer)?,
            Reply::Bytes(_) => {
                let why = format!("{method} answers a file: use its own function");
                return Err(FfiError::new(WAZAP_INVALID_ARGUMENT, why));
            }
        }
        Ok(())
    })
}
