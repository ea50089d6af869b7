//! What every `/chat/send/*` shares: the session must be able to send, the optional quoted
//! message (`ContextInfo`), the optional message id, and wuzapi's answer.
use serde::Deserialize;
use serde_json::json;
use wazap::binary::Jid;
use wazap::client::SendResult;
use wazap::message::text;
use wazap::proto;

use super::session::client_error;
use crate::envelope::{ok, ApiError, ApiResult};
use crate::phone::parse_jid;
use crate::state::User;
use crate::timefmt::rfc3339;

/// The session can send: connected and logged in.
pub fn ready(user: &User) -> Result<(), ApiError> {
    let client = &user.session.client;
    if !client.is_connected() {
        return Err(ApiError::conflict("not connected: POST /session/connect first"));
    }
    if !client.is_logged_in() {
        return Err(ApiError::conflict("not logged in: pair the session first (GET /session/qr)"));
    }
    Ok(())
}

/// wuzapi's answer to a sent message.
pub fn sent(result: SendResult) -> ApiResult {
    let time = i64::try_from(result.timestamp).unwrap_or(i64::MAX);
    Ok(ok(json!({ "Details": "Sent", "Id": result.id, "Timestamp": rfc3339(time) })))
}

/// A missing or empty optional string is `None`.
pub fn given(value: &Option<String>) -> Option<&str> {
    value.as_deref().map(str::trim).filter(|v| !v.is_empty())
}

/// The message a reply quotes (its id and who sent it), and the users a text mentions.
#[derive(Deserialize, Default)]
pub struct ContextInfo {
    #[serde(default)]
    stanzaid: Option<String>,
    #[serde(default)]
    participant: Option<String>,
    /// wuzapi's `MentionedJID`: JIDs (or numbers) the text mentions as `@<number>`.
    #[serde(default)]
    mentionedjid: Vec<String>,
}

/// The users `context` mentions.
pub fn mentions(context: Option<&ContextInfo>) -> Result<Vec<Jid>, ApiError> {
    let Some(context) = context else { return Ok(Vec::new()) };
    context
        .mentionedjid
        .iter()
        .enumerate()
        .map(|(i, m)| parse_jid(m, &format!("ContextInfo.MentionedJID[{i}]")))
        .collect()
}

/// The quoted message of a request: `(id, sender)`, both given or neither.
pub fn quoted(context: Option<&ContextInfo>) -> Result<Option<(String, Jid)>, ApiError> {
    let Some(context) = context else { return Ok(None) };
    match (given(&context.stanzaid), given(&context.participant)) {
        (None, None) => Ok(None),
        (Some(_), None) => Err(ApiError::bad_request("missing Participant in ContextInfo")),
        (None, Some(_)) => Err(ApiError::bad_request("missing StanzaId in ContextInfo")),
        (Some(id), Some(participant)) => {
            Ok(Some((id.to_owned(), parse_jid(participant, "ContextInfo.Participant")?)))
        }
    }
}

/// The `contextInfo` of a reply to `quoted`. As wuzapi, the quoted message is an empty
/// conversation: the API is not given the original's content.
pub fn reply_context(quoted: &Option<(String, Jid)>) -> Option<Box<proto::ContextInfo>> {
    let (id, sender) = quoted.as_ref()?;
    Some(Box::new(proto::ContextInfo {
        stanza_id: Some(id.clone()),
        participant: Some(sender.to_non_ad().to_string()),
        quoted_message: Some(Box::new(text(""))),
        ..Default::default()
    }))
}

/// Sends `message` to `to`, with the caller's id if it gave one.
pub async fn send(user: &User, to: Jid, message: proto::Message, id: &Option<String>) -> ApiResult {
    let id = given(id).map(str::to_owned);
    let result =
        user.session.client.send_message_with_id(to, message, id).await.map_err(client_error)?;
    sent(result)
}
