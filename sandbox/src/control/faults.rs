//! `POST /control/faults` (a [`FaultSpec`]: what the server does to every connection from now
//! on), `DELETE /control/faults` (stops them) and `GET /control/faults` (what is in force and
//! what was injected). A contract: keep these names (see [`crate::faults`]).
use std::sync::Arc;

use axum::extract::State;
use axum::Json;

use super::body::JsonBody;
use super::ControlError;
use crate::faults::{FaultSpec, FaultsView};
use crate::shared::Shared;

pub async fn set(
    State(shared): State<Arc<Shared>>,
    JsonBody(spec): JsonBody<FaultSpec>,
) -> Result<Json<FaultsView>, ControlError> {
    spec.validate().map_err(ControlError::bad_request)?;
    shared.faults.set(spec);
    Ok(Json(shared.faults.view()))
}

pub async fn clear(State(shared): State<Arc<Shared>>) -> Json<FaultsView> {
    shared.faults.clear();
    Json(shared.faults.view())
}

pub async fn view(State(shared): State<Arc<Shared>>) -> Json<FaultsView> {
    Json(shared.faults.view())
}
