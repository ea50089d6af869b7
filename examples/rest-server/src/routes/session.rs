//! `/session/*`: connect, disconnect, logout, status, QR code, pairing by phone number.
use std::sync::atomic::Ordering;
use std::time::Duration;

use axum::extract::State;
use serde::Deserialize;
use serde_json::json;
use wazap::api::requests::{
    Connect as ConnectRequest, Disconnect, Logout, PairPhone as PairRequest,
};
use wazap::api::{self, ErrorKind};

use super::admin::db_error;
use crate::auth::UserAuth;
use crate::body::Body;
use crate::envelope::{ok, ApiError, ApiResult};
use crate::event_types::{join, EventList};
use crate::qr;
use crate::state::AppState;

/// How long `Immediate: false` waits for the login (wuzapi: 10 s).
const LOGIN_WAIT: Duration = Duration::from_secs(10);
/// How long `/session/qr` and `/session/pairphone` wait for the first QR code after connect.
const QR_WAIT: Duration = Duration::from_secs(10);

#[derive(Deserialize, Default)]
pub struct Connect {
    #[serde(default)]
    subscribe: Option<EventList>,
    /// wuzapi: absent or true returns at once; false waits up to 10 s for the login.
    #[serde(default)]
    immediate: Option<bool>,
}

/// A failed call as an HTTP error, by its kind: what the caller can fix is 400 or 409, the
/// rest is WhatsApp (or the way there) failing, 502.
pub fn client_error(e: impl Into<api::Error>) -> ApiError {
    let e = e.into();
    match e.kind() {
        ErrorKind::NotConnected | ErrorKind::Disconnected => {
            ApiError::conflict(format!("{e}: POST /session/connect first"))
        }
        ErrorKind::AlreadyConnected => ApiError::conflict("already connected"),
        ErrorKind::NotPaired | ErrorKind::NoDevice => {
            ApiError::conflict(format!("{e}: pair the session first (GET /session/qr)"))
        }
        ErrorKind::AlreadyPaired => ApiError::conflict("this session is already paired"),
        ErrorKind::InvalidArgument => ApiError::bad_request(e.message()),
        _ => ApiError::upstream(format!("WhatsApp: {e}")),
    }
}

pub async fn connect(
    UserAuth(user): UserAuth,
    State(state): State<AppState>,
    Body(request): Body<Connect>,
) -> ApiResult {
    let session = &user.session;
    if session.client.is_connected() {
        return Err(ApiError::conflict("already connected"));
    }
    if let Some(list) = &request.subscribe {
        let events = list.parse()?;
        if !events.is_empty() {
            state.db.set_events(user.id, join(&events)).await.map_err(db_error)?;
            user.settings.write().events = events;
        }
    }
    session.client.call(ConnectRequest {}).await.map_err(client_error)?;
    session.state.wanted.store(true, Ordering::SeqCst);
    state.db.set_connected(user.id, true).await.map_err(db_error)?;
    let logged_in = if request.immediate == Some(false) {
        session.wait_logged_in(LOGIN_WAIT).await
    } else {
        session.client.is_logged_in()
    };
    let settings = user.settings.snapshot();
    let details = if logged_in {
        "Connected!"
    } else {
        "Connected: not logged in yet, scan the QR code from /session/qr"
    };
    Ok(ok(json!({
        "details": details,
        "events": join(&settings.events),
        "jid": session.client.jid().map(|j| j.to_string()).unwrap_or_default(),
        "webhook": settings.webhook,
    })))
}

pub async fn disconnect(UserAuth(user): UserAuth, State(state): State<AppState>) -> ApiResult {
    let session = &user.session;
    if !session.client.is_connected() && !session.state.wanted.load(Ordering::SeqCst) {
        return Err(ApiError::conflict("not connected"));
    }
    session.client.call(Disconnect {}).await.map_err(client_error)?;
    session.state.wanted.store(false, Ordering::SeqCst);
    state.db.set_connected(user.id, false).await.map_err(db_error)?;
    Ok(ok(json!({ "Details": "Disconnected" })))
}

pub async fn logout(UserAuth(user): UserAuth, State(state): State<AppState>) -> ApiResult {
    let session = &user.session;
    if !session.client.is_logged_in() {
        return Err(ApiError::conflict("not logged in"));
    }
    match session.client.call(Logout {}).await {
        Ok(()) => {}
        // The device was unlinked and disconnected; only deleting its keys failed (a lock held
        // by a concurrent wipe): finish that ourselves.
        Err(e) if e.kind() == ErrorKind::Store => {
            tracing::warn!(user = user.id, "logout: deleting the device failed ({e}); retrying");
            state.forget_device(user.id).await.map_err(|e| ApiError::internal(e.to_string()))?;
        }
        Err(e) => return Err(client_error(e)),
    }
    session.state.wanted.store(false, Ordering::SeqCst);
    state.db.set_connected(user.id, false).await.map_err(db_error)?;
    state.db.set_jid(user.id, String::new()).await.map_err(db_error)?;
    Ok(ok(json!({ "Details": "Logged out" })))
}

pub async fn status(UserAuth(user): UserAuth) -> ApiResult {
    let client = &user.session.client;
    let settings = user.settings.snapshot();
    Ok(ok(json!({
        "Connected": client.is_connected(),
        "LoggedIn": client.is_logged_in(),
        "Jid": client.jid().map(|j| j.to_string()).unwrap_or_default(),
        "Name": settings.name,
        "Webhook": settings.webhook,
        "Events": join(&settings.events),
    })))
}

/// Checks the session can pair (connected, not logged in) and waits for its QR code.
async fn current_qr(user: &crate::state::User) -> Result<String, ApiError> {
    let session = &user.session;
    if session.client.is_logged_in() {
        return Err(ApiError::conflict("already logged in"));
    }
    if !session.client.is_connected() && !session.state.wanted.load(Ordering::SeqCst) {
        return Err(ApiError::conflict("not connected: POST /session/connect first"));
    }
    session
        .client
        .wait_qr(QR_WAIT)
        .await
        .ok_or_else(|| ApiError::conflict("no QR code available (yet); try again shortly"))
}

pub async fn qr(UserAuth(user): UserAuth) -> ApiResult {
    let code = current_qr(&user).await?;
    let image = qr::data_url(&code).map_err(|e| ApiError::internal(e.to_string()))?;
    Ok(ok(json!({ "QRCode": image, "Code": code })))
}

#[derive(Deserialize)]
pub struct PairPhone {
    phone: String,
}

pub async fn pair_phone(UserAuth(user): UserAuth, Body(request): Body<PairPhone>) -> ApiResult {
    if request.phone.trim().is_empty() {
        return Err(ApiError::bad_request("Phone must not be empty"));
    }
    current_qr(&user).await?;
    let code =
        user.session.client.call(PairRequest::new(request.phone)).await.map_err(client_error)?;
    Ok(ok(json!({ "LinkingCode": code })))
}

#[derive(Deserialize)]
pub struct SetProxy {
    #[serde(default)]
    proxy_url: String,
    #[serde(default)]
    enable: bool,
}

/// `POST /session/proxy` `{"proxy_url":"socks5://[user:pass@]host:port"|"http://…","enable"}`:
/// the proxy the session connects through from its next connect; refused while connected (as
/// wuzapi, with 409 instead of its 400). `enable: false` removes it.
pub async fn set_proxy(
    UserAuth(user): UserAuth,
    State(state): State<AppState>,
    Body(request): Body<SetProxy>,
) -> ApiResult {
    if user.session.client.is_connected() || user.session.state.wanted.load(Ordering::SeqCst) {
        return Err(ApiError::conflict(
            "cannot set proxy while connected. Please disconnect first",
        ));
    }
    let url = request.proxy_url.trim().to_owned();
    if request.enable {
        if url.is_empty() {
            return Err(ApiError::bad_request("missing proxy_url in payload"));
        }
        url.parse::<wazap::socket::Proxy>()
            .map_err(|e| ApiError::bad_request(format!("invalid proxy_url: {e}")))?;
    }
    let stored = if request.enable { url } else { String::new() };
    state.db.set_proxy(user.id, stored.clone()).await.map_err(db_error)?;
    // The session is down: rebuild it on a client that uses the new proxy.
    if let Some(row) = state.db.user(user.id).await.map_err(db_error)? {
        state.add_user(&row);
    }
    if stored.is_empty() {
        return Ok(ok(json!({ "Details": "Proxy disabled successfully" })));
    }
    Ok(ok(json!({ "Details": "Proxy configured successfully", "ProxyURL": stored })))
}
