//! The HTTP routes, one file per group of endpoints.
pub mod admin;
pub mod app_state;
pub mod changes;
pub mod chat;
pub mod download;
pub mod groups;
pub mod health;
pub mod hmac;
pub mod media;
pub mod outgoing;
pub mod refused;
pub mod session;
pub mod share;
pub mod users;
pub mod webhook;

use axum::extract::DefaultBodyLimit;
use axum::routing::{get, post};
use axum::Router;

use crate::envelope::ApiError;
use crate::state::AppState;

/// The API; `media_body_limit` bounds the bodies of the media endpoints (their files travel
/// inside the JSON), beyond which they answer 413.
pub fn router(state: AppState, media_body_limit: usize) -> Router {
    let media = Router::new()
        .route("/chat/send/image", post(media::image))
        .route("/chat/send/audio", post(media::audio))
        .route("/chat/send/document", post(media::document))
        .route("/chat/send/video", post(media::video))
        .route("/chat/send/sticker", post(media::sticker))
        .route("/group/photo", post(groups::set_photo))
        .layer(DefaultBodyLimit::max(media_body_limit));
    Router::new()
        .route("/health", get(health::health))
        .route("/admin/users", get(admin::list).post(admin::create))
        .route("/admin/users/:id", get(admin::one).delete(admin::remove))
        .route("/session/connect", post(session::connect))
        .route("/session/disconnect", post(session::disconnect))
        .route("/session/logout", post(session::logout))
        .route("/session/status", get(session::status))
        .route("/session/qr", get(session::qr))
        .route("/session/pairphone", post(session::pair_phone))
        .route("/session/proxy", post(session::set_proxy))
        .route("/session/hmac/config", get(hmac::get).post(hmac::set).delete(hmac::delete))
        .route(
            "/webhook",
            get(webhook::get).post(webhook::set).put(webhook::update).delete(webhook::delete),
        )
        .route("/chat/send/text", post(chat::send_text))
        .route("/chat/markread", post(chat::mark_read))
        .route("/chat/presence", post(chat::presence))
        .route("/chat/react", post(chat::react))
        .route("/chat/send/edit", post(changes::edit))
        .route("/chat/delete", post(changes::delete))
        .route("/chat/send/poll", post(changes::poll))
        .route("/chat/send/location", post(share::location))
        .route("/chat/send/contact", post(share::contact))
        .route("/chat/downloadimage", post(download::image))
        .route("/chat/downloadvideo", post(download::video))
        .route("/chat/downloadaudio", post(download::audio))
        .route("/chat/downloaddocument", post(download::document))
        .route("/chat/downloadsticker", post(download::sticker))
        .route("/user/presence", post(users::presence))
        .route("/user/lid/:jid", get(users::lid))
        .route("/user/check", post(users::check))
        .route("/user/info", post(users::info))
        .route("/user/avatar", get(users::avatar).post(users::avatar))
        .route("/user/blocklist", get(users::blocklist).post(users::update_blocklist))
        .route("/user/privacy", get(users::privacy).post(users::set_privacy))
        .route("/group/list", get(groups::list))
        .route("/group/info", get(groups::info))
        .route("/group/invitelink", get(groups::invite_link))
        .route("/group/photo/remove", post(groups::remove_photo))
        .route("/group/name", post(groups::set_name))
        .route("/group/topic", post(groups::set_topic))
        .route("/group/announce", post(groups::set_announce))
        .route("/group/locked", post(groups::set_locked))
        .route("/group/create", post(groups::create))
        .route("/group/leave", post(groups::leave))
        .route("/group/join", post(groups::join))
        .route("/group/inviteinfo", post(groups::invite_info))
        .route("/group/updateparticipants", post(groups::update_participants))
        .route("/user/contacts", get(app_state::contacts))
        .route("/chat/archive", post(app_state::archive))
        .route("/chat/pin", post(app_state::pin))
        .route("/chat/mute", post(app_state::mute))
        .route("/label/edit", post(app_state::edit_label))
        .route("/label/chat", post(app_state::label_chat))
        .merge(media)
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
