//! `POST /control/groups`: the creator's phone creates a group.
use std::sync::Arc;

use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use serde::{Deserialize, Serialize};

use super::body::JsonBody;
use super::ControlError;
use crate::handlers::groups::{create, GroupError};
use crate::jids::parse_phone;
use crate::shared::Shared;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CreateGroup {
    pub creator: String,
    pub subject: String,
    #[serde(default)]
    pub participants: Vec<String>,
}

#[derive(Serialize)]
pub struct Created {
    pub jid: String,
}

pub async fn create_group(
    State(shared): State<Arc<Shared>>,
    JsonBody(request): JsonBody<CreateGroup>,
) -> Result<(StatusCode, Json<Created>), ControlError> {
    let creator = parse_phone(&request.creator)
        .ok_or_else(|| ControlError::bad_request("creator must be an international number"))?;
    let mut participants = Vec::new();
    for p in &request.participants {
        let phone = parse_phone(p).ok_or_else(|| {
            ControlError::bad_request(format!("participant {p:?} is not a number"))
        })?;
        if shared.state().account(&phone).is_none() {
            return Err(ControlError::not_found(format!("unknown account {phone}")));
        }
        participants.push(phone);
    }
    let id = create(&shared, &creator, &request.subject, &participants).map_err(|e| match e {
        GroupError::UnknownCreator => ControlError::not_found(format!("unknown account {creator}")),
        GroupError::EmptySubject => ControlError::bad_request("subject must not be empty"),
    })?;
    Ok((StatusCode::CREATED, Json(Created { jid: format!("{id}@g.us") })))
}
