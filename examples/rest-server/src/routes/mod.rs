//! The HTTP routes, one file per group of endpoints.
pub mod admin;
pub mod chat;
pub mod session;
pub mod webhook;

use axum::routing::{delete, get, post};
use axum::Router;

use crate::envelope::ApiError;
use crate::state::AppState;

pub fn router(state: AppState) -> Router {
    Router::new()
        .route("/admin/users", get(admin::list).post(admin::create))
        .route("/admin/users/:id", delete(admin::remove))
        .route("/session/connect", post(session::connect))
        .route("/session/disconnect", post(session::disconnect))
        .route("/session/logout", post(session::logout))
        .route("/session/status", get(session::status))
        .route("/session/qr", get(session::qr))
        .route("/session/pairphone", post(session::pair_phone))
        .route("/webhook", get(webhook::get).post(webhook::set))
        .route("/chat/send/text", post(chat::send_text))
        .route("/chat/markread", post(chat::mark_read))
        .route("/chat/presence", post(chat::presence))
        .route("/chat/react", post(chat::react))
        .fallback(|| async { ApiError::not_found("no such endpoint") })
        .method_not_allowed_fallback(|| async {
            ApiError::new(axum::http::StatusCode::METHOD_NOT_ALLOWED, "method not allowed")
        })
        .with_state(state)
}

/// Checks a webhook URL: empty (no webhook) or an absolute http(s) URL.
pub fn check_webhook_url(url: &str) -> Result<String, ApiError> {
    let url = url.trim();
    if url.is_empty() {
        return Ok(String::new());
    }
    let parsed = reqwest::Url::parse(url)
        .map_err(|e| ApiError::bad_request(format!("invalid webhook URL {url:?}: {e}")))?;
    if !matches!(parsed.scheme(), "http" | "https") || parsed.host_str().is_none() {
        return Err(ApiError::bad_request(format!(
            "invalid webhook URL {url:?}: an http:// or https:// URL is required"
        )));
    }
    Ok(url.to_owned())
}
