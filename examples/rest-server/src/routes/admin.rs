//! The admin API (admin token in `Authorization`): list (all, or one by id), create and delete
//! users, with wuzapi's field names. wuzapi answers create and delete with bare JSON (`{"id"}`,
//! `{"Details"}`) and its later versions with the envelope: both are given, the bare fields
//! beside `code`, `data` and `success`.
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Deserialize;
use serde_json::{json, Map, Value};

use super::check_webhook_url;
use crate::auth::AdminAuth;
use crate::body::Body;
use crate::db::UserRow;
use crate::db::{DbError, NewUser};
use crate::envelope::{ok, ApiError, ApiResult};
use crate::event_types::{join, EventList};
use crate::qr;
use crate::state::AppState;

#[derive(Deserialize)]
pub struct CreateUser {
    name: String,
    token: String,
    #[serde(default)]
    webhook: String,
    #[serde(default)]
    events: Option<EventList>,
    #[serde(default)]
    hmackey: String,
    /// wuzapi's `expiration` (a number, kept and shown).
    #[serde(default)]
    expiration: i64,
}

/// A user as wuzapi's `GET /admin/users` lists it.
fn user_json(state: &AppState, row: &UserRow) -> Value {
    let session = state.user(row.id);
    let (connected, logged_in, qrcode) = session
        .map(|u| {
            let client = &u.session.client;
            let code = if client.is_logged_in() { None } else { client.qr() };
            let image = code.and_then(|c| qr::data_url(&c).ok()).unwrap_or_default();
            (client.is_connected(), client.is_logged_in(), image)
        })
        .unwrap_or_default();
    json!({
        "id": row.id,
        "name": row.name,
        "token": row.token,
        "webhook": row.webhook,
        "events": row.events,
        "jid": row.jid,
        "qrcode": qrcode,
        "connected": connected,
        "loggedIn": logged_in,
        "expiration": row.expiration,
        "proxy_url": row.proxy_url,
        "hmacKeyConfigured": !row.hmac_key.is_empty(),
    })
}

pub async fn list(_: AdminAuth, State(state): State<AppState>) -> ApiResult {
    let rows = state.db.users().await.map_err(db_error)?;
    let users: Vec<_> = rows.iter().map(|row| user_json(&state, row)).collect();
    Ok(ok(users))
}

/// `GET /admin/users/{id}`: as wuzapi, the list holding that one user (empty when unknown).
pub async fn one(_: AdminAuth, State(state): State<AppState>, Path(id): Path<String>) -> ApiResult {
    let id = parse_id(&id)?;
    let row = state.db.user(id).await.map_err(db_error)?;
    let users: Vec<_> = row.iter().map(|row| user_json(&state, row)).collect();
    Ok(ok(users))
}

fn parse_id(id: &str) -> Result<i64, ApiError> {
    id.parse().map_err(|_| ApiError::bad_request(format!("user id must be a number, got {id:?}")))
}

/// wuzapi's bare answer `fields` and the envelope around `data`, in one object.
fn bare_and_enveloped(fields: Value, data: Value) -> Response {
    let mut body = match fields {
        Value::Object(map) => map,
        _ => Map::new(),
    };
    body.insert("code".into(), Value::from(200));
    body.insert("data".into(), data);
    body.insert("success".into(), Value::from(true));
    (StatusCode::OK, Json(Value::Object(body))).into_response()
}

pub async fn create(
    _: AdminAuth,
    State(state): State<AppState>,
    Body(request): Body<CreateUser>,
) -> ApiResult {
    let name = request.name.trim().to_owned();
    if name.is_empty() {
        return Err(ApiError::bad_request("name must not be empty"));
    }
    let token = request.token.trim().to_owned();
    if token.is_empty() {
        return Err(ApiError::bad_request("token must not be empty"));
    }
    let webhook = check_webhook_url(&request.webhook)?;
    let events = match &request.events {
        Some(list) => list.parse()?,
        None => Vec::new(),
    };
    let row = state
        .db
        .insert_user(NewUser {
            name,
            token,
            webhook,
            events: join(&events),
            hmac_key: request.hmackey,
            expiration: request.expiration,
        })
        .await
        .map_err(db_error)?;
    state.add_user(&row);
    tracing::info!(id = row.id, name = %row.name, "user created");
    let data = json!({ "id": row.id, "name": row.name, "token": row.token, "webhook": row.webhook,
                       "events": row.events, "expiration": row.expiration });
    Ok(bare_and_enveloped(json!({ "id": row.id }), data))
}

pub async fn remove(
    _: AdminAuth,
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> ApiResult {
    let id = parse_id(&id)?;
    if !state.db.delete_user(id).await.map_err(db_error)? {
        return Err(ApiError::not_found(format!("no user with id {id}")));
    }
    if let Some(user) = state.remove_user(id) {
        let client = &user.session.client;
        // Unlink the device when we can; otherwise at least forget its keys.
        let unlinked = client.is_logged_in() && client.logout().await.is_ok();
        if !unlinked {
            client.disconnect().await;
            if let Err(e) = state.forget_device(id).await {
                tracing::warn!(id, "could not delete the device of the removed user: {e}");
            }
        }
    }
    tracing::info!(id, "user deleted");
    let details = "User deleted successfully";
    Ok(bare_and_enveloped(json!({ "Details": details }), json!({ "id": id, "Details": details })))
}

pub fn db_error(e: DbError) -> ApiError {
    match e {
        DbError::DuplicateToken => ApiError::conflict("a user with this token already exists"),
        other => ApiError::internal(other.to_string()),
    }
}
