//! `POST /control/accounts`: creates an account (a phone number with a simulated phone).
use std::sync::Arc;

use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use serde::{Deserialize, Serialize};
use wazap::appstate::MutationSpec;

use super::body::JsonBody;
use super::ControlError;
use crate::jids::parse_phone;
use crate::phone::app_state;
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
    let created = {
        let mut state = shared.state();
        let account = state.create_account(&phone, &request.push_name, request.echo).map_err(
            |e| match e {
                CreateAccountError::Exists(_) => ControlError::conflict(e.to_string()),
            },
        )?;
        Created { jid: account.jid().to_string(), lid: account.lid_jid().to_string() }
    };
    // A real account's app state has its push name from the start (whatsmeow learns its own
    // name only from there).
    if !request.push_name.is_empty() {
        let spec = [MutationSpec::push_name(&request.push_name)];
        tokio::task::spawn_blocking(move || app_state::mutate(&shared, &phone, &spec, None))
            .await
            .map_err(|e| ControlError::internal(e.to_string()))?
            .map_err(|e| ControlError::internal(e.to_string()))?;
    }
    tracing::info!(jid = %created.jid, lid = %created.lid, "account created");
    Ok((StatusCode::CREATED, Json(created)))
}
