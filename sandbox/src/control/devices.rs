//! `GET /control/devices?phone=`: the account's devices (the phone and linked companions);
//! `POST /control/unlink {"phone","device"}`: the phone unlinks a companion (Settings, Linked
//! devices, Log out).
use std::sync::Arc;

use axum::extract::State;
use axum::Json;
use serde::{Deserialize, Serialize};

use super::body::{JsonBody, QueryArgs};
use super::ControlError;
use crate::handlers::devices::unlink as unlink_device;
use crate::jids::parse_phone;
use crate::shared::Shared;
use crate::state::PHONE_PLATFORM;

#[derive(Deserialize)]
pub struct DevicesQuery {
    pub phone: String,
}

#[derive(Serialize, Debug, PartialEq, Eq)]
pub struct DeviceInfo {
    pub device: u16,
    pub jid: String,
    pub lid: String,
    /// The companion's `DeviceProps.os`, or the phone's platform for device 0.
    pub name: String,
    /// Absent for the phone.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub key_index: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub paired_at: Option<u64>,
    /// Whether a connection of the device is logged in now.
    pub connected: bool,
}

pub async fn list(
    State(shared): State<Arc<Shared>>,
    QueryArgs(query): QueryArgs<DevicesQuery>,
) -> Result<Json<Vec<DeviceInfo>>, ControlError> {
    let phone = parse_phone(&query.phone)
        .ok_or_else(|| ControlError::bad_request("phone must be an international number"))?;
    let state = shared.state();
    let account = state
        .account(&phone)
        .ok_or_else(|| ControlError::not_found(format!("unknown account {phone}")))?;
    let info = |device: u16, name: &str, key_index, paired_at| DeviceInfo {
        device,
        jid: account.jid().with_device(device).to_string(),
        lid: account.lid_jid().with_device(device).to_string(),
        name: name.to_owned(),
        key_index,
        paired_at,
        connected: device == 0 || shared.conn_of(&phone, device).is_some(),
    };
    let mut devices = vec![info(0, PHONE_PLATFORM, None, None)];
    devices.extend(
        account.devices.values().map(|d| info(d.id, &d.name, Some(d.key_index), Some(d.paired_at))),
    );
    Ok(Json(devices))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Unlink {
    pub phone: String,
    /// The companion's device id (`GET /devices`), 1 or more.
    pub device: u16,
}

#[derive(Serialize)]
pub struct Unlinked {
    pub device_jid: String,
}

/// The phone unlinks companion `device`: it is forgotten, its connection (if any) ends with
/// `<stream:error code="401"><conflict type="device_removed"/>`, a later login of it fails
/// with 401, and the account's other companions get a `devices` notification.
pub async fn unlink(
    State(shared): State<Arc<Shared>>,
    JsonBody(request): JsonBody<Unlink>,
) -> Result<Json<Unlinked>, ControlError> {
    let phone = parse_phone(&request.phone)
        .ok_or_else(|| ControlError::bad_request("phone must be an international number"))?;
    let jid = {
        let state = shared.state();
        let account = state
            .account(&phone)
            .ok_or_else(|| ControlError::not_found(format!("unknown account {phone}")))?;
        account.jid().with_device(request.device).to_string()
    };
    if request.device == 0 {
        return Err(ControlError::bad_request("device 0 is the phone itself"));
    }
    if !unlink_device(&shared, &phone, request.device, None) {
        return Err(ControlError::not_found(format!("{jid} is not linked")));
    }
    tracing::info!(%jid, "unlinked by the phone");
    Ok(Json(Unlinked { device_jid: jid }))
}
