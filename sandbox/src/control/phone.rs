//! The phones' messaging: `POST /control/send` (a phone sends a text), `GET
//! /control/inbox?phone=` (what a phone received and decrypted) and `POST /control/reinstall`
//! (the phone reinstalls WhatsApp: a new identity).
use std::sync::Arc;

use axum::extract::State;
use axum::Json;
use serde::{Deserialize, Serialize};
use wazap::binary::Jid;

use super::body::{JsonBody, QueryArgs};
use super::ControlError;
use crate::jids::parse_phone;
use crate::phone::{reinstall, send, InboxEntry};
use crate::shared::Shared;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SendText {
    pub from: String,
    pub to: String,
    pub text: String,
}

#[derive(Serialize)]
pub struct Sent {
    pub id: String,
}

#[derive(Deserialize)]
pub struct InboxQuery {
    pub phone: String,
}

pub(super) fn phone(text: &str, what: &str) -> Result<String, ControlError> {
    parse_phone(text)
        .ok_or_else(|| ControlError::bad_request(format!("{what} must be an international number")))
}

pub async fn send_text(
    State(shared): State<Arc<Shared>>,
    JsonBody(request): JsonBody<SendText>,
) -> Result<Json<Sent>, ControlError> {
    let from = phone(&request.from, "from")?;
    let to: Jid = match parse_phone(&request.to) {
        Some(number) => Jid::pn(number),
        None => request
            .to
            .parse()
            .map_err(|_| ControlError::bad_request("to must be a phone number or a JID"))?,
    };
    if shared.state().account(&from).is_none() {
        return Err(ControlError::not_found(format!("unknown account {from}")));
    }
    let text = request.text;
    let id = tokio::task::spawn_blocking(move || send::send_text(&shared, &from, &to, &text))
        .await
        .map_err(|e| ControlError::internal(e.to_string()))??;
    Ok(Json(Sent { id }))
}

pub async fn inbox(
    State(shared): State<Arc<Shared>>,
    QueryArgs(query): QueryArgs<InboxQuery>,
) -> Result<Json<Vec<InboxEntry>>, ControlError> {
    let phone = phone(&query.phone, "phone")?;
    let state = shared.state();
    if state.account(&phone).is_none() {
        return Err(ControlError::not_found(format!("unknown account {phone}")));
    }
    Ok(Json(state.durable.inboxes.get(&phone).cloned().unwrap_or_default()))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Reinstall {
    pub phone: String,
}

#[derive(Serialize)]
pub struct Reinstalled {
    /// The companions that were unlinked.
    pub removed_devices: Vec<u16>,
    /// How many devices of other accounts were told of the new identity.
    pub notified_devices: usize,
}

/// `POST /control/reinstall {"phone"}`: the phone reinstalls WhatsApp (new identity, companions
/// unlinked, contacts notified; see `phone::reinstall`).
pub async fn reinstall(
    State(shared): State<Arc<Shared>>,
    JsonBody(request): JsonBody<Reinstall>,
) -> Result<Json<Reinstalled>, ControlError> {
    let phone = phone(&request.phone, "phone")?;
    let done = tokio::task::spawn_blocking(move || reinstall::reinstall(&shared, &phone))
        .await
        .map_err(|e| ControlError::internal(e.to_string()))?
        .ok_or_else(|| ControlError::not_found(format!("unknown account {}", request.phone)))?;
    Ok(Json(Reinstalled {
        removed_devices: done.removed_devices,
        notified_devices: done.notified_devices,
    }))
}
