//! The phones change what was said: `POST /control/edit {from, to, id, text}` (edits the
//! phone's message `id`), `POST /control/revoke {from, to, id, sender?}` (deletes it for
//! everyone; with `sender`, another member's group message, as an admin), `POST /control/poll
//! {from, to, name, options, selectable?}` and `POST /control/vote {from, poll_id, options}`.
//! Each answers `{"id"}` of the message the phone sent.
use std::sync::Arc;

use axum::extract::State;
use axum::Json;
use rand::rngs::OsRng;
use rand::RngCore;
use serde::Deserialize;
use wazap::binary::Jid;
use wazap::message::{edit_message, message_key, poll_creation, revoke, text, PollCreation};
use wazap::proto::Message;

use super::body::JsonBody;
use super::phone::{phone, Sent};
use super::ControlError;
use crate::jids::parse_phone;
use crate::phone::{polls, send};
use crate::shared::Shared;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Edit {
    pub from: String,
    pub to: String,
    pub id: String,
    pub text: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Revoke {
    pub from: String,
    pub to: String,
    pub id: String,
    #[serde(default)]
    pub sender: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Poll {
    pub from: String,
    pub to: String,
    pub name: String,
    pub options: Vec<String>,
    #[serde(default = "one")]
    pub selectable: u32,
}

fn one() -> u32 {
    1
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Vote {
    pub from: String,
    pub poll_id: String,
    #[serde(default)]
    pub options: Vec<String>,
}

/// A chat or a user: a phone number or a JID.
fn jid(text: &str, what: &str) -> Result<Jid, ControlError> {
    match parse_phone(text) {
        Some(number) => Ok(Jid::pn(number)),
        None => text.parse().map_err(|_| {
            ControlError::bad_request(format!("{what} must be a phone number or a JID"))
        }),
    }
}

fn account(shared: &Shared, from: &str) -> Result<String, ControlError> {
    let from = phone(from, "from")?;
    if shared.state().account(&from).is_none() {
        return Err(ControlError::not_found(format!("unknown account {from}")));
    }
    Ok(from)
}

/// Sends `message` from `from` to `to` off the async runtime (the phone's crypto and routing
/// are blocking); a poll is kept so that its votes open.
async fn send_off(
    shared: Arc<Shared>,
    from: String,
    to: Jid,
    message: Message,
) -> Result<Json<Sent>, ControlError> {
    let id = tokio::task::spawn_blocking(move || {
        let id = send::send_message(&shared, &from, &to, &message)?;
        let own = send::own_jids(&shared, &from)?;
        let sender = if to.is_lid() { own.lid.unwrap_or(own.pn) } else { own.pn };
        polls::remember(&shared, &from, &to, &sender, &id, &message);
        Ok::<_, ControlError>(id)
    })
    .await
    .map_err(|e| ControlError::internal(e.to_string()))??;
    Ok(Json(Sent { id }))
}

pub async fn edit(
    State(shared): State<Arc<Shared>>,
    JsonBody(request): JsonBody<Edit>,
) -> Result<Json<Sent>, ControlError> {
    let from = account(&shared, &request.from)?;
    let to = jid(&request.to, "to")?;
    let now_ms = crate::state::unix_now() as i64 * 1000;
    let message = edit_message(&to, &request.id, text(request.text), now_ms);
    send_off(shared, from, to, message).await
}

pub async fn revoke_message(
    State(shared): State<Arc<Shared>>,
    JsonBody(request): JsonBody<Revoke>,
) -> Result<Json<Sent>, ControlError> {
    let from = account(&shared, &request.from)?;
    let to = jid(&request.to, "to")?;
    let key = match &request.sender {
        Some(sender) => message_key(&to, &jid(sender, "sender")?, &request.id, false),
        None => message_key(&to, &to, &request.id, true),
    };
    send_off(shared, from, to, revoke(key)).await
}

pub async fn poll(
    State(shared): State<Arc<Shared>>,
    JsonBody(request): JsonBody<Poll>,
) -> Result<Json<Sent>, ControlError> {
    let from = account(&shared, &request.from)?;
    let to = jid(&request.to, "to")?;
    let mut secret = [0u8; 32];
    OsRng.fill_bytes(&mut secret);
    let creation = PollCreation {
        name: request.name,
        options: request.options,
        selectable: request.selectable,
    };
    let message =
        poll_creation(&creation, secret).map_err(|e| ControlError::bad_request(e.to_string()))?;
    send_off(shared, from, to, message).await
}

pub async fn vote(
    State(shared): State<Arc<Shared>>,
    JsonBody(request): JsonBody<Vote>,
) -> Result<Json<Sent>, ControlError> {
    let from = account(&shared, &request.from)?;
    let id = tokio::task::spawn_blocking(move || {
        polls::vote(&shared, &from, &request.poll_id, &request.options)
    })
    .await
    .map_err(|e| ControlError::internal(e.to_string()))??;
    Ok(Json(Sent { id }))
}
