//! `POST /control/accounts`: creates an account (a phone number with a simulated phone).
use std::sync::Arc;

use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use serde::{Deserialize, Serialize};

use super::body::JsonBody;
use super::ControlError;
use crate::jids::parse_phone;
use crate::shared::Shared;
use crate::state::CreateAccountError;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CreateAccount {
    pub phone: String,
    #[serde(default)]
    pub push_name: String,
    #[serde(default)]
    pub echo: bool,
}

#[derive(Serialize)]
pub struct Created {
    pub jid: String,
    pub lid: String,
}

pub async fn create(
    State(shared): State<Arc<Shared>>,
    JsonBody(request): JsonBody<CreateAccount>,
) -> Result<(StatusCode, Json<Created>), ControlError> {
    let phone = parse_phone(&request.phone).ok_or_else(|| {
        ControlError::bad_request("phone must be an international number: 5 to 20 digits")
    })?;
    let mut state = shared.state();
    let account =
        state.create_account(&phone, &request.push_name, request.echo).map_err(|e| match e {
            CreateAccountError::Exists(_) => ControlError::conflict(e.to_string()),
        })?;
    let created = Created { jid: account.jid().to_string(), lid: account.lid_jid().to_string() };
    tracing::info!(jid = %created.jid, lid = %created.lid, "account created");
    Ok((StatusCode::CREATED, Json(created)))
}
