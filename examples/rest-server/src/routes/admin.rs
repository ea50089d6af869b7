//! The admin API (admin token in `Authorization`): list, create and delete users.
use axum::extract::{Path, State};
use serde::Deserialize;
use serde_json::json;

use super::check_webhook_url;
use crate::auth::AdminAuth;
use crate::body::Body;
use crate::db::{DbError, NewUser};
use crate::envelope::{ok, ApiError, ApiResult};
use crate::event_types::{join, EventList};
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
}

pub async fn list(_: AdminAuth, State(state): State<AppState>) -> ApiResult {
    let rows = state.db.users().await.map_err(db_error)?;
    let users: Vec<_> = rows
        .iter()
        .map(|row| {
            let session = state.user(row.id);
            let (connected, logged_in) = session
                .map(|u| (u.session.client.is_connected(), u.session.client.is_logged_in()))
                .unwrap_or_default();
            json!({
                "id": row.id,
                "name": row.name,
                "token": row.token,
                "webhook": row.webhook,
                "events": row.events,
                "jid": row.jid,
                "connected": connected,
                "loggedIn": logged_in,
                "hmacKeyConfigured": !row.hmac_key.is_empty(),
            })
        })
        .collect();
    Ok(ok(users))
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
        })
        .await
        .map_err(db_error)?;
    state.add_user(&row);
    tracing::info!(id = row.id, name = %row.name, "user created");
    Ok(ok(json!({ "id": row.id, "name": row.name, "webhook": row.webhook, "events": row.events })))
}

pub async fn remove(
    _: AdminAuth,
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> ApiResult {
    let id: i64 = id
        .parse()
        .map_err(|_| ApiError::bad_request(format!("user id must be a number, got {id:?}")))?;
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
    Ok(ok(json!({ "id": id, "Details": "User deleted" })))
}

pub fn db_error(e: DbError) -> ApiError {
    match e {
        DbError::DuplicateToken => ApiError::conflict("a user with this token already exists"),
        other => ApiError::internal(other.to_string()),
    }
}
