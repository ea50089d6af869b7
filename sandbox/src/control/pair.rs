//! `POST /control/pair` (the phone scans a QR code) and `POST /control/pair-code` (the phone's
//! user enters a pairing code). Both answer `{"device_jid"}` once pair-success was sent.
use std::sync::Arc;

use axum::extract::State;
use axum::Json;
use serde::{Deserialize, Serialize};

use super::body::JsonBody;
use super::ControlError;
use crate::handlers::{pair_code, pairing};
use crate::jids::parse_phone;
use crate::shared::Shared;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PairQr {
    pub phone: String,
    pub qr: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PairCode {
    pub phone: String,
    pub code: String,
}

#[derive(Serialize)]
pub struct Paired {
    pub device_jid: String,
}

fn phone(text: &str) -> Result<String, ControlError> {
    parse_phone(text)
        .ok_or_else(|| ControlError::bad_request("phone must be an international number"))
}

pub async fn by_qr(
    State(shared): State<Arc<Shared>>,
    JsonBody(request): JsonBody<PairQr>,
) -> Result<Json<Paired>, ControlError> {
    let phone = phone(&request.phone)?;
    let device_jid = pairing::pair_by_qr(&shared, &phone, &request.qr).await?;
    Ok(Json(Paired { device_jid }))
}

pub async fn by_code(
    State(shared): State<Arc<Shared>>,
    JsonBody(request): JsonBody<PairCode>,
) -> Result<Json<Paired>, ControlError> {
    let phone = phone(&request.phone)?;
    let device_jid = pair_code::pair_by_code(&shared, &phone, &request.code).await?;
    Ok(Json(Paired { device_jid }))
}
