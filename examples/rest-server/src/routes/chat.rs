//! `/chat/*`: send a text (or a reply), mark messages read, typing indicators, reactions.
//! Fields are checked before the session, so a bad request says what is wrong even when the
//! session is down; then the session must be logged in (409 otherwise).
use axum::http::StatusCode;
use serde::Deserialize;
use serde_json::json;
use wazap::api::{
    MarkRead as MarkReadRequest, Quote, SendChatPresence, SendReaction, SendText as SendTextRequest,
};
use wazap::binary::Jid;
use wazap::client::{ChatState, ChatStateMedia};

use super::outgoing::{given, mentions, quoted, ready, sent, ContextInfo};
use super::session::client_error;
use crate::auth::UserAuth;
use crate::body::Body;
use crate::envelope::{ok, ApiError, ApiResult};
use crate::phone::parse_jid;

/// wuzapi's prefix of a reaction's `Id` naming one of our own messages.
const OWN_PREFIX: &str = "me:";

#[derive(Deserialize)]
pub struct SendText {
    phone: String,
    body: String,
    #[serde(default)]
    id: Option<String>,
    #[serde(default)]
    contextinfo: Option<ContextInfo>,
}

pub async fn send_text(UserAuth(user): UserAuth, Body(request): Body<SendText>) -> ApiResult {
    let to = parse_jid(&request.phone, "Phone")?;
    if request.body.is_empty() {
        return Err(ApiError::bad_request("missing Body in payload"));
    }
    // As wuzapi: a reply quotes an empty text (the API is not given the original's content).
    let reply_to = quoted(request.contextinfo.as_ref())?.map(|(id, sender)| Quote {
        id,
        sender,
        message: None,
    });
    let mentions = mentions(request.contextinfo.as_ref())?;
    let id = given(&request.id).map(str::to_owned);
    ready(&user)?;
    // Always an extendedTextMessage, as wuzapi sends every text.
    let text = SendTextRequest {
        reply_to,
        id,
        mentions,
        extended: true,
        ..SendTextRequest::new(to, request.body)
    };
    sent(user.session.client.call(text).await.map_err(client_error)?)
}

#[derive(Deserialize)]
pub struct MarkRead {
    id: Vec<String>,
    chat: String,
    #[serde(default)]
    sender: Option<String>,
}

pub async fn mark_read(UserAuth(user): UserAuth, Body(request): Body<MarkRead>) -> ApiResult {
    if request.id.is_empty() || request.id.iter().any(|id| id.trim().is_empty()) {
        return Err(ApiError::bad_request("Id must list one or more message ids"));
    }
    let chat = parse_jid(&request.chat, "Chat")?.to_non_ad();
    let sender = given(&request.sender).map(|s| parse_jid(s, "Sender")).transpose()?;
    ready(&user)?;
    // In a group without Sender (wuzapi's clients send none): each message's sender as the
    // session saw it; one unknown goes without, as wuzapi sends it.
    let mut batches: Vec<(Option<Jid>, Vec<String>)> = Vec::new();
    for id in request.id {
        let by = match &sender {
            Some(s) => Some(s.clone()),
            None if chat.is_group() => user.session.state.recent.sender(&chat, &id),
            None => None,
        };
        match batches.iter_mut().find(|(s, _)| *s == by) {
            Some((_, ids)) => ids.push(id),
            None => batches.push((by, vec![id])),
        }
    }
    for (sender, ids) in batches {
        let read = MarkReadRequest { ids, chat: chat.clone(), sender };
        user.session.client.call(read).await.map_err(client_error)?;
    }
    Ok(ok(json!({ "Details": "Message(s) marked as read" })))
}

#[derive(Deserialize)]
pub struct ChatPresence {
    phone: String,
    state: String,
    #[serde(default)]
    media: Option<String>,
}

pub async fn presence(UserAuth(user): UserAuth, Body(request): Body<ChatPresence>) -> ApiResult {
    let chat = parse_jid(&request.phone, "Phone")?;
    let state: ChatState = request
        .state
        .trim()
        .to_ascii_lowercase()
        .parse()
        .map_err(|e| ApiError::bad_request(format!("invalid State: {e}")))?;
    let media = match given(&request.media) {
        None => ChatStateMedia::Text,
        Some(media) => media
            .to_ascii_lowercase()
            .parse()
            .map_err(|e| ApiError::bad_request(format!("invalid Media (audio or empty): {e}")))?,
    };
    ready(&user)?;
    let presence = SendChatPresence { chat, state, media };
    user.session.client.call(presence).await.map_err(client_error)?;
    Ok(ok(json!({ "Details": "Chat presence set successfully" })))
}

#[derive(Deserialize)]
pub struct React {
    phone: String,
    body: String,
    id: String,
    /// In groups, who sent the message reacted to (unless it is ours); found among the
    /// session's recent messages when absent (wuzapi's clients send none).
    #[serde(default)]
    participant: Option<String>,
}

pub async fn react(UserAuth(user): UserAuth, Body(request): Body<React>) -> ApiResult {
    let chat = parse_jid(&request.phone, "Phone")?;
    let (id, from_me) = match request.id.trim().strip_prefix(OWN_PREFIX) {
        Some(id) => (id.trim(), true),
        None => (request.id.trim(), false),
    };
    if id.is_empty() {
        return Err(ApiError::bad_request("missing Id in payload"));
    }
    let mut participant =
        given(&request.participant).map(|p| parse_jid(p, "Participant")).transpose()?;
    // An empty Body removes our reaction; wuzapi also accepts the word "remove".
    let emoji = if request.body == "remove" { "" } else { request.body.as_str() };
    ready(&user)?;
    if chat.is_group() && !from_me && participant.is_none() {
        participant = user.session.state.recent.sender(&chat.to_non_ad(), id);
        if participant.is_none() {
            return Err(ApiError::bad_request(format!(
                "missing Participant: message {id} is not among this session's recent messages; \
                 name who sent it"
            )));
        }
    }
    let client = &user.session.client;
    let sender: Jid = match (from_me, participant) {
        (true, _) => client.jid().map(|j| j.to_non_ad()).ok_or_else(|| {
            ApiError::new(StatusCode::CONFLICT, "not logged in: pair the session first")
        })?,
        (false, Some(participant)) => participant.to_non_ad(),
        (false, None) => chat.to_non_ad(),
    };
    let reaction = SendReaction {
        chat: chat.to_non_ad(),
        sender,
        id: id.to_owned(),
        emoji: emoji.to_owned(),
        from_me,
    };
    sent(client.call(reaction).await.map_err(client_error)?)
}
