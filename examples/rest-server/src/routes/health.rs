//! `GET /health` (no token, as wuzapi): the server answers, with its users and sessions
//! counted, in wuzapi's field names.
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::json;

use crate::state::AppState;
use crate::timefmt::{now_unix, rfc3339};

pub async fn health(State(state): State<AppState>) -> Response {
    let users = state.users();
    let connected = users.iter().filter(|u| u.session.client.is_connected()).count();
    let logged_in = users.iter().filter(|u| u.session.client.is_logged_in()).count();
    Json(json!({
        "status": "ok",
        "timestamp": rfc3339(now_unix()),
        "uptime": format!("{}s", state.started.elapsed().as_secs()),
        "active_connections": connected,
        "total_users": users.len(),
        "connected_users": connected,
        "logged_in_users": logged_in,
        "version": env!("CARGO_PKG_VERSION"),
    }))
    .into_response()
}
