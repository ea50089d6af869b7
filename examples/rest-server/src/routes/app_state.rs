//! The app state routes: the contacts (`GET /user/contacts`, wuzapi's shape:
//! `{"<jid>": {"BusinessName", "FirstName", "Found", "FullName", "PushName"}}`), and the chat
//! settings changed on every device of the account. wuzapi (asternic/wuzapi @79ee4cd, routes.go)
//! has no chat-setting routes; these follow the names of issue 15 in wuzapi's style (`Phone`,
//! a boolean named after the action, `{"Details": …}`): `POST /chat/archive {"Phone",
//! "Archive"}`, `POST /chat/pin {"Phone", "Pin"}`, `POST /chat/mute {"Phone", "Mute",
//! "Duration"}` (seconds; 0 or none: for ever), `POST /label/edit {"LabelID", "Name", "Color",
//! "Deleted"}`, `POST /label/chat {"LabelID", "Phone", "Labeled"}`.
use serde::Deserialize;
use serde_json::{json, Map, Value};
use wazap::api;

use super::outgoing::ready;
use super::refused::refused;
use crate::auth::UserAuth;
use crate::body::Body;
use crate::envelope::{ok, ApiError, ApiResult};
use crate::phone::parse_jid;

fn yes() -> bool {
    true
}

/// `GET /user/contacts`.
pub async fn contacts(UserAuth(user): UserAuth) -> ApiResult {
    ready(&user)?;
    let contacts = user
        .session
        .client
        .call(api::Contacts {})
        .await
        .map_err(|e| refused("cannot list the contacts", e))?;
    let text = |v: &Option<String>| Value::String(v.clone().unwrap_or_default());
    let data: Map<String, Value> = contacts
        .iter()
        .map(|c| {
            let entry = json!({
                "BusinessName": text(&c.business_name),
                "FirstName": text(&c.first_name),
                "Found": true,
                "FullName": text(&c.full_name),
                "PushName": text(&c.push_name),
            });
            (c.jid.to_string(), entry)
        })
        .collect();
    Ok(ok(data))
}

async fn done<T>(
    user: &crate::state::User,
    request: impl api::Request<Answer = T>,
    what: &str,
    details: &str,
) -> ApiResult {
    user.session.client.call(request).await.map_err(|e| refused(what, e))?;
    Ok(ok(json!({ "Details": details })))
}

#[derive(Deserialize)]
pub struct Archive {
    #[serde(default)]
    phone: String,
    #[serde(default = "yes")]
    archive: bool,
}

/// `POST /chat/archive`.
pub async fn archive(UserAuth(user): UserAuth, Body(request): Body<Archive>) -> ApiResult {
    let chat = parse_jid(&request.phone, "Phone")?.to_non_ad();
    ready(&user)?;
    let archived = request.archive;
    let details = if archived { "Chat archived" } else { "Chat unarchived" };
    done(&user, api::ArchiveChat { chat, archived }, "cannot archive the chat", details).await
}

#[derive(Deserialize)]
pub struct Pin {
    #[serde(default)]
    phone: String,
    #[serde(default = "yes")]
    pin: bool,
}

/// `POST /chat/pin`.
pub async fn pin(UserAuth(user): UserAuth, Body(request): Body<Pin>) -> ApiResult {
    let chat = parse_jid(&request.phone, "Phone")?.to_non_ad();
    ready(&user)?;
    let pinned = request.pin;
    let details = if pinned { "Chat pinned" } else { "Chat unpinned" };
    done(&user, api::PinChat { chat, pinned }, "cannot pin the chat", details).await
}

#[derive(Deserialize)]
pub struct Mute {
    #[serde(default)]
    phone: String,
    #[serde(default = "yes")]
    mute: bool,
    /// Seconds from now; 0 or none: for ever.
    #[serde(default)]
    duration: Option<i64>,
}

/// `POST /chat/mute`.
pub async fn mute(UserAuth(user): UserAuth, Body(request): Body<Mute>) -> ApiResult {
    let chat = parse_jid(&request.phone, "Phone")?.to_non_ad();
    let until_ms = match request.duration {
        Some(d) if d < 0 => return Err(ApiError::bad_request("Duration must not be negative")),
        Some(d) if d > 0 => Some(now_ms().saturating_add(d.saturating_mul(1000))),
        _ => None,
    };
    ready(&user)?;
    let muted = request.mute;
    let details = if muted { "Chat muted" } else { "Chat unmuted" };
    done(&user, api::MuteChat { chat, muted, until_ms }, "cannot mute the chat", details).await
}

fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
}

#[derive(Deserialize)]
pub struct EditLabel {
    #[serde(rename = "labelid")]
    label_id: String,
    name: String,
    #[serde(default)]
    color: i32,
    #[serde(default)]
    deleted: bool,
}

/// `POST /label/edit`.
pub async fn edit_label(UserAuth(user): UserAuth, Body(request): Body<EditLabel>) -> ApiResult {
    if request.label_id.trim().is_empty() {
        return Err(ApiError::bad_request("missing LabelID in payload"));
    }
    ready(&user)?;
    let EditLabel { label_id: id, name, color, deleted } = request;
    done(&user, api::EditLabel { id, name, color, deleted }, "cannot edit the label", "Label saved")
        .await
}

#[derive(Deserialize)]
pub struct LabelChat {
    #[serde(rename = "labelid")]
    label_id: String,
    #[serde(default)]
    phone: String,
    #[serde(default = "yes")]
    labeled: bool,
}

/// `POST /label/chat`.
pub async fn label_chat(UserAuth(user): UserAuth, Body(request): Body<LabelChat>) -> ApiResult {
    if request.label_id.trim().is_empty() {
        return Err(ApiError::bad_request("missing LabelID in payload"));
    }
    let chat = parse_jid(&request.phone, "Phone")?.to_non_ad();
    ready(&user)?;
    let (label, labeled) = (request.label_id, request.labeled);
    let details = if labeled { "Label added" } else { "Label removed" };
    done(&user, api::LabelChat { label, chat, labeled }, "cannot label the chat", details).await
}
