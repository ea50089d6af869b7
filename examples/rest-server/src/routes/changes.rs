//! wuzapi's routes that change a message or ask a question: `/chat/send/edit` (edit our
//! message), `/chat/delete` (delete it for everyone) and `/chat/send/poll` (send a poll). Each
//! forwards onto the core's request of the same meaning.
use serde::Deserialize;
use serde_json::json;
use wazap::api::{EditMessage, Quote, RevokeMessage, SendPoll};
use wazap::binary::Jid;

use super::outgoing::{given, quoted, ready, ContextInfo};
use super::session::client_error;
use crate::auth::UserAuth;
use crate::body::Body;
use crate::envelope::{ok, ApiError, ApiResult};
use crate::phone::parse_jid;
use crate::timefmt::rfc3339;

fn at(timestamp: u64) -> String {
    rfc3339(i64::try_from(timestamp).unwrap_or(i64::MAX))
}

fn required<'a>(value: &'a str, what: &str) -> Result<&'a str, ApiError> {
    match value.trim() {
        "" => Err(ApiError::bad_request(format!("missing {what} in payload"))),
        value => Ok(value),
    }
}

#[derive(Deserialize)]
pub struct Edit {
    phone: String,
    body: String,
    #[serde(default)]
    id: String,
    #[serde(default)]
    contextinfo: Option<ContextInfo>,
}

/// `POST /chat/send/edit {Phone, Body, Id, ContextInfo?}`: our message `Id` now says `Body`
/// (quoting, as wuzapi, the message `ContextInfo` names). Answers the original's `Id`.
pub async fn edit(UserAuth(user): UserAuth, Body(request): Body<Edit>) -> ApiResult {
    let chat = parse_jid(&request.phone, "Phone")?;
    if request.body.is_empty() {
        return Err(ApiError::bad_request("missing Body in payload"));
    }
    let id = required(&request.id, "Id")?.to_owned();
    let quote = quoted(request.contextinfo.as_ref())?;
    ready(&user)?;
    // As wuzapi: a quote shows an empty text (the API is not given the original's content).
    let reply_to = quote.map(|(id, sender)| Quote { id, sender, message: None });
    let edit = EditMessage { reply_to, ..EditMessage::text(chat, id.clone(), request.body) };
    let result = user.session.client.call(edit).await.map_err(client_error)?;
    Ok(ok(json!({ "Details": "Sent", "Id": id, "Timestamp": at(result.timestamp) })))
}

#[derive(Deserialize)]
pub struct Delete {
    phone: String,
    #[serde(default)]
    id: String,
    /// In groups, the member whose message an admin deletes (not in wuzapi, which deletes
    /// only our own).
    #[serde(default)]
    participant: Option<String>,
}

/// `POST /chat/delete {Phone, Id, Participant?}`: deletes message `Id` for everyone.
pub async fn delete(UserAuth(user): UserAuth, Body(request): Body<Delete>) -> ApiResult {
    let chat = parse_jid(&request.phone, "Phone")?;
    let id = required(&request.id, "Id")?.to_owned();
    let sender: Option<Jid> =
        given(&request.participant).map(|p| parse_jid(p, "Participant")).transpose()?;
    ready(&user)?;
    let revoke = RevokeMessage { chat, id: id.clone(), sender };
    let result = user.session.client.call(revoke).await.map_err(client_error)?;
    Ok(ok(json!({ "Details": "Deleted", "Id": id, "Timestamp": at(result.timestamp) })))
}

#[derive(Deserialize)]
pub struct Poll {
    group: String,
    header: String,
    #[serde(default)]
    options: Vec<String>,
    #[serde(default)]
    id: Option<String>,
    /// How many options a voter may choose (not in wuzapi, whose polls are single choice):
    /// default 1, 0 any number.
    #[serde(default)]
    selectable: Option<u32>,
}

/// `POST /chat/send/poll {group, header, options, Id?}`: a poll in a group (or a chat).
pub async fn poll(UserAuth(user): UserAuth, Body(request): Body<Poll>) -> ApiResult {
    let to = parse_jid(required(&request.group, "Group")?, "Group")?;
    let name = required(&request.header, "Header")?.to_owned();
    if request.options.len() < 2 {
        return Err(ApiError::bad_request("at least 2 options are required"));
    }
    ready(&user)?;
    let poll = SendPoll {
        to,
        name,
        options: request.options,
        selectable: request.selectable.unwrap_or(1),
        id: given(&request.id).map(str::to_owned),
    };
    let result = user.session.client.call(poll).await.map_err(client_error)?;
    Ok(ok(json!({ "Details": "Poll sent successfully", "Id": result.id })))
}
