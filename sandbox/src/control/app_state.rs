//! The phone's app state (a contract: keep these names): `POST /control/app-state`
//! `{"phone","action":"contact|mute|pin|archive|star|read|label","target":"<jid or number>",…}`
//! makes the phone change a contact or a chat setting (one patch; the companions get a
//! `server_sync`), and `GET /control/app-state?phone=` shows what the phone's collections hold.
//!
//! Per action: `contact` `full_name` [`first_name`]; `mute` [`muted`=true] [`until` unix ms];
//! `pin` [`pinned`]; `archive` [`archived`]; `star` `message_id` [`from_me`] [`sender`]
//! [`starred`]; `read` [`read`]; `label` `label_id` with a `target` chat [`labeled`], or
//! without one `name` [`color`] [`deleted`] (creates/edits the label). `fault`
//! (`patch_mac|key_id|new_key`) makes the patch arrive broken in that way, to test recovery.
use std::sync::Arc;

use axum::extract::State;
use axum::Json;
use serde::{Deserialize, Serialize};
use wazap::appstate::action::message_range;
use wazap::appstate::{Change, MutationSpec};
use wazap::binary::Jid;

use super::body::{JsonBody, QueryArgs};
use super::ControlError;
use crate::jids::parse_phone;
use crate::phone::app_state::{self, AppStateFailure, Fault};
use crate::shared::Shared;
use crate::state::unix_now;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AppStateRequest {
    pub phone: String,
    pub action: String,
    pub target: Option<String>,
    pub full_name: Option<String>,
    pub first_name: Option<String>,
    pub muted: Option<bool>,
    pub until: Option<i64>,
    pub pinned: Option<bool>,
    pub archived: Option<bool>,
    pub message_id: Option<String>,
    pub from_me: Option<bool>,
    pub sender: Option<String>,
    pub starred: Option<bool>,
    pub read: Option<bool>,
    pub label_id: Option<String>,
    pub name: Option<String>,
    pub color: Option<i32>,
    pub deleted: Option<bool>,
    pub labeled: Option<bool>,
    pub fault: Option<String>,
}

#[derive(Serialize)]
pub struct Patched {
    pub collection: String,
    pub version: u64,
}

fn jid(text: &str, what: &str) -> Result<Jid, ControlError> {
    match parse_phone(text) {
        Some(number) => Ok(Jid::pn(number)),
        None => text.parse().map_err(|_| {
            ControlError::bad_request(format!("{what} must be a phone number or a JID"))
        }),
    }
}

fn need<'a>(value: &'a Option<String>, what: &str) -> Result<&'a str, ControlError> {
    value.as_deref().ok_or_else(|| ControlError::bad_request(format!("{what} is required")))
}

fn spec(r: &AppStateRequest) -> Result<Vec<MutationSpec>, ControlError> {
    let target = || jid(need(&r.target, "target")?, "target");
    let range = || message_range(unix_now() as i64, None);
    Ok(match r.action.as_str() {
        "contact" => {
            vec![MutationSpec::contact(
                &target()?,
                need(&r.full_name, "full_name")?,
                r.first_name.as_deref(),
            )]
        }
        "mute" => vec![MutationSpec::mute(&target()?, r.muted.unwrap_or(true), r.until)],
        "pin" => vec![MutationSpec::pin(&target()?, r.pinned.unwrap_or(true))],
        "archive" => {
            let chat = target()?;
            let archived = r.archived.unwrap_or(true);
            let mut specs = vec![MutationSpec::archive(&chat, archived, range())];
            if archived {
                // An archived chat is unpinned (whatsmeow BuildArchive).
                specs.push(MutationSpec::pin(&chat, false));
            }
            specs
        }
        "star" => {
            let sender = r.sender.as_deref().map(|s| jid(s, "sender")).transpose()?;
            vec![MutationSpec::star(
                &target()?,
                sender.as_ref(),
                need(&r.message_id, "message_id")?,
                r.from_me.unwrap_or(false),
                r.starred.unwrap_or(true),
            )]
        }
        "read" => {
            vec![MutationSpec::mark_chat_as_read(&target()?, r.read.unwrap_or(true), range())]
        }
        "label" => {
            let label = need(&r.label_id, "label_id")?;
            match &r.target {
                Some(_) => {
                    vec![MutationSpec::label_chat(label, &target()?, r.labeled.unwrap_or(true))]
                }
                None => vec![MutationSpec::label_edit(
                    label,
                    need(&r.name, "name")?,
                    r.color.unwrap_or(0),
                    r.deleted.unwrap_or(false),
                )],
            }
        }
        other => {
            return Err(ControlError::bad_request(format!(
                "unknown action {other:?} (contact, mute, pin, archive, star, read, label)"
            )))
        }
    })
}

fn fault(text: Option<&str>) -> Result<Option<Fault>, ControlError> {
    Ok(match text {
        None => None,
        Some("patch_mac") => Some(Fault::PatchMac),
        Some("key_id") => Some(Fault::KeyId),
        Some("new_key") => Some(Fault::NewKey),
        Some(other) => {
            return Err(ControlError::bad_request(format!(
                "unknown fault {other:?} (patch_mac, key_id, new_key)"
            )))
        }
    })
}

fn failure(e: AppStateFailure) -> ControlError {
    match e {
        AppStateFailure::UnknownAccount => ControlError::not_found("unknown account"),
        AppStateFailure::Conflict => ControlError::conflict(e.to_string()),
        other => ControlError::internal(other.to_string()),
    }
}

fn account(text: &str) -> Result<String, ControlError> {
    parse_phone(text)
        .ok_or_else(|| ControlError::bad_request("phone must be an international number"))
}

pub async fn mutate(
    State(shared): State<Arc<Shared>>,
    JsonBody(request): JsonBody<AppStateRequest>,
) -> Result<Json<Patched>, ControlError> {
    let phone = account(&request.phone)?;
    let specs = spec(&request)?;
    let fault = fault(request.fault.as_deref())?;
    if shared.state().account(&phone).is_none() {
        return Err(ControlError::not_found(format!("unknown account {phone}")));
    }
    let (collection, version) =
        tokio::task::spawn_blocking(move || app_state::mutate(&shared, &phone, &specs, fault))
            .await
            .map_err(|e| ControlError::internal(e.to_string()))?
            .map_err(failure)?;
    Ok(Json(Patched { collection: collection.to_string(), version }))
}

#[derive(Deserialize)]
pub struct ViewQuery {
    pub phone: String,
}

#[derive(Serialize)]
pub struct CollectionView {
    pub name: String,
    pub version: u64,
    pub changes: Vec<Change>,
}

pub async fn view(
    State(shared): State<Arc<Shared>>,
    QueryArgs(query): QueryArgs<ViewQuery>,
) -> Result<Json<Vec<CollectionView>>, ControlError> {
    let phone = account(&query.phone)?;
    let mut state = shared.state();
    let collections = app_state::view(&mut state, &phone).map_err(failure)?;
    Ok(Json(
        collections
            .into_iter()
            .map(|(c, version, changes)| CollectionView { name: c.to_string(), version, changes })
            .collect(),
    ))
}
