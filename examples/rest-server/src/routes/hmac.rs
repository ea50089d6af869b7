//! `/session/hmac/config` (wuzapi's ConfigureHmac, GetHmacConfig, DeleteHmacConfig): the key
//! that signs the user's webhook deliveries (`x-hmac-signature`), changed without recreating
//! the user. Takes effect on the next delivery.
use axum::extract::State;
use serde::Deserialize;
use serde_json::json;

use super::admin::db_error;
use crate::auth::UserAuth;
use crate::body::Body;
use crate::envelope::{ok, ApiError, ApiResult};
use crate::state::AppState;

/// wuzapi refuses shorter keys.
const MIN_KEY_LEN: usize = 32;

#[derive(Deserialize)]
pub struct SetHmac {
    hmac_key: String,
}

pub async fn get(UserAuth(user): UserAuth) -> ApiResult {
    let configured = !user.settings.read().hmac_key.is_empty();
    Ok(ok(json!({ "hmac_configured": configured })))
}

pub async fn set(
    UserAuth(user): UserAuth,
    State(state): State<AppState>,
    Body(request): Body<SetHmac>,
) -> ApiResult {
    if request.hmac_key.chars().count() < MIN_KEY_LEN {
        return Err(ApiError::bad_request(format!(
            "hmac_key: the HMAC key must be at least {MIN_KEY_LEN} characters"
        )));
    }
    state.db.set_hmac_key(user.id, request.hmac_key.clone()).await.map_err(db_error)?;
    user.settings.write().hmac_key = request.hmac_key;
    Ok(ok(json!({ "Details": "HMAC key configured successfully" })))
}

pub async fn delete(UserAuth(user): UserAuth, State(state): State<AppState>) -> ApiResult {
    state.db.set_hmac_key(user.id, String::new()).await.map_err(db_error)?;
    user.settings.write().hmac_key.clear();
    Ok(ok(json!({ "Details": "HMAC configuration deleted successfully" })))
}
