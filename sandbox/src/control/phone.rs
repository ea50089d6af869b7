//! The phones' messaging: `POST /control/send` (a phone sends a text) and `GET
//! /control/inbox?phone=` (what a phone received and decrypted).
use std::sync::Arc;

use axum::extract::State;
use axum::Json;
use serde::{Deserialize, Serialize};
use wazap::binary::Jid;

use super::body::{JsonBody, QueryArgs};
use super::ControlError;
use crate::jids::parse_phone;
use crate::phone::{send, InboxEntry};
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

fn phone(text: &str, what: &str) -> Result<String, ControlError> {
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
