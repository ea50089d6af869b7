//! `/webhook`: the user's webhook URL and subscribed events.
use axum::extract::State;
use serde::Deserialize;
use serde_json::json;

use super::admin::db_error;
use super::check_webhook_url;
use crate::auth::UserAuth;
use crate::body::Body;
use crate::envelope::{ok, ApiResult};
use crate::event_types::{join, EventList};
use crate::state::AppState;

#[derive(Deserialize)]
pub struct SetWebhook {
    webhookurl: String,
    #[serde(default)]
    events: Option<EventList>,
}

pub async fn get(UserAuth(user): UserAuth) -> ApiResult {
    let settings = user.settings.snapshot();
    Ok(ok(json!({ "subscribe": settings.events, "webhook": settings.webhook })))
}

pub async fn set(
    UserAuth(user): UserAuth,
    State(state): State<AppState>,
    Body(request): Body<SetWebhook>,
) -> ApiResult {
    let url = check_webhook_url(&request.webhookurl)?;
    let events = match &request.events {
        Some(list) => list.parse()?,
        None => user.settings.read().events.clone(),
    };
    state.db.set_webhook(user.id, url.clone(), join(&events)).await.map_err(db_error)?;
    {
        let mut settings = user.settings.write();
        settings.webhook = url.clone();
        settings.events = events.clone();
    }
    Ok(ok(json!({ "webhook": url, "events": events })))
}

/// `PUT /webhook` (wuzapi's UpdateWebhook): `{"webhook", "events"?, "active"}`; not active
/// clears both, events absent keep the subscription.
#[derive(Deserialize)]
pub struct UpdateWebhook {
    #[serde(default)]
    webhook: String,
    #[serde(default)]
    events: Option<EventList>,
    #[serde(default)]
    active: bool,
}

pub async fn update(
    UserAuth(user): UserAuth,
    State(state): State<AppState>,
    Body(request): Body<UpdateWebhook>,
) -> ApiResult {
    let (url, events) = if request.active {
        let url = check_webhook_url(&request.webhook)?;
        let events = match &request.events {
            Some(list) => list.parse()?,
            None => user.settings.read().events.clone(),
        };
        (url, events)
    } else {
        (String::new(), Vec::new())
    };
    state.db.set_webhook(user.id, url.clone(), join(&events)).await.map_err(db_error)?;
    {
        let mut settings = user.settings.write();
        settings.webhook = url.clone();
        settings.events = events.clone();
    }
    Ok(ok(json!({ "webhook": url, "events": events, "active": request.active })))
}

/// `DELETE /webhook`: no webhook, no subscription.
pub async fn delete(UserAuth(user): UserAuth, State(state): State<AppState>) -> ApiResult {
    state.db.set_webhook(user.id, String::new(), String::new()).await.map_err(db_error)?;
    {
        let mut settings = user.settings.write();
        settings.webhook.clear();
        settings.events.clear();
    }
    Ok(ok(json!({ "Details": "Webhook and events deleted successfully" })))
}
