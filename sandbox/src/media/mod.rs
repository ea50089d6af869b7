//! The media host, on the same port as everything else (media_conn hands out this host):
//! - `POST /mms/<type>/<token>?auth=…[&token=…]`: the body is an encrypted media file; `auth`
//!   must be a live media_conn token and `<token>` the URL-safe base64 SHA-256 of the body (the
//!   file's `fileEncSha256`, whatsmeow upload.go / Baileys `getWAUploadToServer`). Answers
//!   `{"url", "direct_path"}` as the real host does.
//! - `GET /v/sandbox/<id>.enc?…`: downloads by direct path (the query a client appends is
//!   ignored).
pub mod store;

use std::collections::HashMap;
use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, Path, Query, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use base64::engine::general_purpose::{URL_SAFE, URL_SAFE_NO_PAD};
use base64::Engine;
use wazap::crypto::sha256;

pub use store::MediaStore;

use crate::control::ControlError;
use crate::shared::Shared;
use crate::state::unix_now;

/// Largest upload accepted (WhatsApp's limit for documents is 2 GB; a sandbox needs less).
pub const MAX_UPLOAD: usize = 64 * 1024 * 1024;

pub fn router() -> Router<Arc<Shared>> {
    Router::new()
        .route("/mms/:kind/:token", post(upload))
        .route("/v/sandbox/:file", get(download))
        .layer(DefaultBodyLimit::max(MAX_UPLOAD))
}

fn valid_kind(kind: &str) -> bool {
    !kind.is_empty()
        && kind.len() <= 40
        && kind.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

/// A media request failed on purpose (`media_5xx_ratio`).
fn unavailable() -> ControlError {
    ControlError::new(StatusCode::SERVICE_UNAVAILABLE, "media host unavailable (injected fault)")
}

/// The direct path of a blob.
pub fn direct_path(id: &str) -> String {
    format!("/v/sandbox/{id}.enc?ccb=11-4")
}

async fn upload(
    State(shared): State<Arc<Shared>>,
    Path((kind, token)): Path<(String, String)>,
    Query(query): Query<HashMap<String, String>>,
    body: Bytes,
) -> Result<Json<serde_json::Value>, ControlError> {
    if shared.faults.fail_media() {
        return Err(unavailable());
    }
    if !valid_kind(&kind) {
        return Err(ControlError::bad_request("unknown media type"));
    }
    let auth = query
        .get("auth")
        .ok_or_else(|| ControlError::new(StatusCode::UNAUTHORIZED, "missing auth"))?;
    let live =
        shared.state().media_tokens.get(auth).is_some_and(|(_, expiry)| *expiry > unix_now());
    if !live {
        return Err(ControlError::new(
            StatusCode::UNAUTHORIZED,
            "unknown or expired media auth token",
        ));
    }
    let hash = sha256(&body);
    let claimed = URL_SAFE
        .decode(token.as_bytes())
        .or_else(|_| URL_SAFE_NO_PAD.decode(token.trim_end_matches('=').as_bytes()))
        .map_err(|_| ControlError::bad_request("the token is not URL-safe base64"))?;
    if claimed != hash {
        return Err(ControlError::bad_request("the token is not the SHA-256 of the body"));
    }
    let id = hex::encode(hash);
    shared
        .media
        .put(&id, body.to_vec())
        .await
        .map_err(|e| ControlError::internal(format!("cannot store the upload: {e}")))?;
    let direct_path = direct_path(&id);
    let url = format!("{}{direct_path}", shared.addresses.media_url);
    tracing::debug!(%kind, bytes = body.len(), %direct_path, "media uploaded");
    Ok(Json(serde_json::json!({ "url": url, "direct_path": direct_path })))
}

async fn download(State(shared): State<Arc<Shared>>, Path(file): Path<String>) -> Response {
    if shared.faults.fail_media() {
        return unavailable().into_response();
    }
    let id = file.strip_suffix(".enc").unwrap_or(&file);
    match shared.media.get(id).await {
        Some(blob) => ([(header::CONTENT_TYPE, "application/octet-stream")], blob.as_ref().clone())
            .into_response(),
        None => ControlError::not_found("no such media").into_response(),
    }
}
