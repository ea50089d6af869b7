//! The control API under `/control`: what tests and demos use to play the phones' part.
//! Every failure answers a 4xx (or 5xx) status with `{"error": "..."}`.
mod accounts;
mod app_state;
mod body;
mod changes;
mod devices;
mod error;
mod faults;
mod groups;
mod pair;
mod phone;

use std::sync::Arc;

use axum::routing::{get, post};
use axum::Router;

pub use devices::DeviceInfo;
pub use error::ControlError;

use crate::shared::Shared;

/// The routes, to be nested under `/control`.
pub fn router() -> Router<Arc<Shared>> {
    Router::new()
        .route("/accounts", post(accounts::create))
        .route("/devices", get(devices::list))
        .route("/unlink", post(devices::unlink))
        .route("/pair", post(pair::by_qr))
        .route("/pair-code", post(pair::by_code))
        .route("/groups", post(groups::create_group))
        .route("/send", post(phone::send_text))
        .route("/inbox", get(phone::inbox))
        .route("/edit", post(changes::edit))
        .route("/revoke", post(changes::revoke_message))
        .route("/poll", post(changes::poll))
        .route("/vote", post(changes::vote))
        .route("/reinstall", post(phone::reinstall))
        .route("/app-state", post(app_state::mutate).get(app_state::view))
        .route("/faults", post(faults::set).get(faults::view).delete(faults::clear))
        .fallback(|| async { ControlError::not_found("no such control endpoint") })
}
