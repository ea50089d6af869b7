//! `/group/*`: list and describe our groups, invite links, create, rename, describe, announce
//! and lock groups, join by link, leave, and change members. Answers are wuzapi's (whatsmeow's
//! `types.GroupInfo` as JSON, `{"Details": …}` for changes). Fields are checked first, then
//! the session must be logged in (409 otherwise); WhatsApp's refusals keep their meaning
//! (403 not allowed, 404 no such group; see [`refused`]).
use std::collections::HashMap;

use axum::extract::Query;
use serde::Deserialize;
use serde_json::{json, Value};
use wazap::api;
use wazap::binary::Jid;
use wazap::types::ParticipantAction;

use super::outgoing::{given, ready};
use super::refused::refused;
use crate::auth::UserAuth;
use crate::body::Body;
use crate::envelope::{ok, ApiError, ApiResult};
use crate::group_json;
use crate::phone::{parse_group_jid, parse_jid};

/// The query parameters, names lowercased (wuzapi reads `?groupJID=` and `?reset=`).
type Params = Query<HashMap<String, String>>;

fn param<'a>(params: &'a HashMap<String, String>, name: &str) -> Option<&'a str> {
    params
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.trim())
        .filter(|v| !v.is_empty())
}

/// The group of a GET: `GroupJID` in the JSON body (as wuzapi's documentation shows) or the
/// `groupJID` query parameter (as wuzapi's code reads it).
fn target(body: &Option<String>, params: &HashMap<String, String>) -> Result<Jid, ApiError> {
    match given(body).or_else(|| param(params, "groupjid")) {
        Some(text) => parse_group_jid(text, "GroupJID"),
        None => Err(ApiError::bad_request("missing GroupJID in payload (or ?groupJID=)")),
    }
}

/// wuzapi's answer to a change.
fn done(details: &str) -> ApiResult {
    Ok(ok(json!({ "Details": details })))
}

pub async fn list(UserAuth(user): UserAuth) -> ApiResult {
    ready(&user)?;
    let groups = user
        .session
        .client
        .call(api::JoinedGroups {})
        .await
        .map_err(|e| refused("cannot list the groups", e))?;
    let groups: Vec<Value> = groups.iter().map(group_json::group).collect();
    Ok(ok(json!({ "Groups": groups })))
}

#[derive(Deserialize, Default)]
pub struct GroupQuery {
    #[serde(default)]
    groupjid: Option<String>,
}

pub async fn info(
    UserAuth(user): UserAuth,
    Query(params): Params,
    Body(request): Body<GroupQuery>,
) -> ApiResult {
    let group = target(&request.groupjid, &params)?;
    ready(&user)?;
    let info = user
        .session
        .client
        .call(api::GroupInfoRequest { group })
        .await
        .map_err(|e| refused("cannot get the group info", e))?;
    Ok(ok(group_json::group(&info)))
}

#[derive(Deserialize, Default)]
pub struct InviteLink {
    #[serde(default)]
    groupjid: Option<String>,
    #[serde(default)]
    reset: Option<bool>,
}

pub async fn invite_link(
    UserAuth(user): UserAuth,
    Query(params): Params,
    Body(request): Body<InviteLink>,
) -> ApiResult {
    let group = target(&request.groupjid, &params)?;
    let reset = match (request.reset, param(&params, "reset")) {
        (Some(reset), _) => reset,
        (None, None) => false,
        (None, Some(text)) => match text.to_ascii_lowercase().as_str() {
            "true" | "1" => true,
            "false" | "0" => false,
            _ => {
                return Err(ApiError::bad_request(format!("invalid Reset {text:?}: true or false")))
            }
        },
    };
    ready(&user)?;
    let link = user
        .session
        .client
        .call(api::GroupInviteLink { group, reset })
        .await
        .map_err(|e| refused("cannot get the invite link", e))?;
    Ok(ok(json!({ "InviteLink": link })))
}

#[derive(Deserialize)]
pub struct SetName {
    groupjid: String,
    name: String,
}

pub async fn set_name(UserAuth(user): UserAuth, Body(request): Body<SetName>) -> ApiResult {
    let group = parse_group_jid(&request.groupjid, "GroupJID")?;
    let name = request.name.trim();
    if name.is_empty() {
        return Err(ApiError::bad_request("missing Name in payload"));
    }
    ready(&user)?;
    user.session
        .client
        .call(api::SetGroupName { group, text: name.to_owned() })
        .await
        .map_err(|e| refused("cannot rename the group", e))?;
    done("Group Name set successfully")
}

#[derive(Deserialize)]
pub struct SetPhoto {
    groupjid: String,
    image: String,
}

/// `Image`: a JPEG as a `data:image/jpeg;base64,…` URL (WhatsApp takes JPEG pictures only).
pub async fn set_photo(UserAuth(user): UserAuth, Body(request): Body<SetPhoto>) -> ApiResult {
    let group = parse_group_jid(&request.groupjid, "GroupJID")?;
    if request.image.trim().is_empty() {
        return Err(ApiError::bad_request("missing Image in payload"));
    }
    let image = crate::data_url::parse(&request.image, "image/jpeg")
        .map_err(|e| ApiError::bad_request(format!("Image {e}")))?;
    ready(&user)?;
    let id = user
        .session
        .client
        .call(api::SetGroupPhoto { group, image: Some(image.data) })
        .await
        .map_err(|e| refused("cannot set the group photo", e))?;
    Ok(ok(json!({ "Details": "Group Photo set successfully", "PictureID": id })))
}

#[derive(Deserialize)]
pub struct RemovePhoto {
    groupjid: String,
}

/// `/group/photo/remove`: the group goes without a picture.
pub async fn remove_photo(UserAuth(user): UserAuth, Body(request): Body<RemovePhoto>) -> ApiResult {
    let group = parse_group_jid(&request.groupjid, "GroupJID")?;
    ready(&user)?;
    user.session
        .client
        .call(api::SetGroupPhoto { group, image: None })
        .await
        .map_err(|e| refused("cannot remove the group photo", e))?;
    Ok(ok(json!({ "Details": "Group Photo removed successfully" })))
}

#[derive(Deserialize)]
pub struct SetTopic {
    groupjid: String,
    topic: String,
}

/// An empty `Topic` deletes the description (wuzapi refuses it; WhatsApp allows it).
pub async fn set_topic(UserAuth(user): UserAuth, Body(request): Body<SetTopic>) -> ApiResult {
    let group = parse_group_jid(&request.groupjid, "GroupJID")?;
    ready(&user)?;
    user.session
        .client
        .call(api::SetGroupTopic { group, text: request.topic })
        .await
        .map_err(|e| refused("cannot set the group topic", e))?;
    done("Group Topic set successfully")
}

#[derive(Deserialize)]
pub struct SetAnnounce {
    groupjid: String,
    announce: bool,
}

pub async fn set_announce(UserAuth(user): UserAuth, Body(request): Body<SetAnnounce>) -> ApiResult {
    let group = parse_group_jid(&request.groupjid, "GroupJID")?;
    ready(&user)?;
    user.session
        .client
        .call(api::SetGroupAnnounce { group, on: request.announce })
        .await
        .map_err(|e| refused("cannot set announce mode", e))?;
    done("Group Announce set successfully")
}

#[derive(Deserialize)]
pub struct SetLocked {
    groupjid: String,
    locked: bool,
}

pub async fn set_locked(UserAuth(user): UserAuth, Body(request): Body<SetLocked>) -> ApiResult {
    let group = parse_group_jid(&request.groupjid, "GroupJID")?;
    ready(&user)?;
    user.session
        .client
        .call(api::SetGroupLocked { group, on: request.locked })
        .await
        .map_err(|e| refused("cannot lock the group", e))?;
    done("Group Locked setting updated successfully")
}

#[derive(Deserialize)]
pub struct Create {
    name: String,
    participants: Vec<String>,
}

/// Answers the new group as `/group/info` does.
pub async fn create(UserAuth(user): UserAuth, Body(request): Body<Create>) -> ApiResult {
    let name = request.name.trim();
    if name.is_empty() {
        return Err(ApiError::bad_request("missing Name in payload"));
    }
    if request.participants.is_empty() {
        return Err(ApiError::bad_request("missing Participants in payload: list one or more"));
    }
    let participants = request
        .participants
        .iter()
        .enumerate()
        .map(|(i, p)| parse_jid(p, &format!("Participants[{i}]")).map(|j| j.to_non_ad()))
        .collect::<Result<Vec<_>, _>>()?;
    ready(&user)?;
    let info = user
        .session
        .client
        .call(api::CreateGroup { name: name.to_owned(), participants })
        .await
        .map_err(|e| refused("cannot create the group", e))?;
    Ok(ok(group_json::group(&info)))
}

#[derive(Deserialize)]
pub struct Leave {
    groupjid: String,
}

pub async fn leave(UserAuth(user): UserAuth, Body(request): Body<Leave>) -> ApiResult {
    let group = parse_group_jid(&request.groupjid, "GroupJID")?;
    ready(&user)?;
    user.session
        .client
        .call(api::LeaveGroup { group })
        .await
        .map_err(|e| refused("cannot leave the group", e))?;
    done("Group left successfully")
}

#[derive(Deserialize)]
pub struct Join {
    code: String,
}

/// `Code` is the invite code or the whole link. Beyond wuzapi, the answer names the group.
pub async fn join(UserAuth(user): UserAuth, Body(request): Body<Join>) -> ApiResult {
    let code = request.code.trim();
    if code.is_empty() {
        return Err(ApiError::bad_request("missing Code in payload"));
    }
    ready(&user)?;
    let group = user
        .session
        .client
        .call(api::JoinGroupWithLink { link: code.to_owned() })
        .await
        .map_err(|e| refused("cannot join the group", e))?;
    Ok(ok(json!({ "Details": "Group joined successfully", "GroupJID": group.to_string() })))
}

/// `/group/inviteinfo` `{"Code"}` (the code or the link): the group it leads to, as
/// `/group/info` answers it, without joining.
pub async fn invite_info(UserAuth(user): UserAuth, Body(request): Body<Join>) -> ApiResult {
    let code = request.code.trim();
    if code.is_empty() {
        return Err(ApiError::bad_request("missing Code in payload"));
    }
    ready(&user)?;
    let info = user
        .session
        .client
        .call(api::GroupInfoFromLink { link: code.to_owned() })
        .await
        .map_err(|e| refused("cannot get the invite info", e))?;
    Ok(ok(group_json::group(&info)))
}

#[derive(Deserialize)]
pub struct UpdateParticipants {
    groupjid: String,
    phone: Vec<String>,
    action: String,
}

/// Beyond wuzapi, the answer lists each member's outcome (`Error`: WhatsApp's code, 0 when
/// done), as whatsmeow returns them.
pub async fn update_participants(
    UserAuth(user): UserAuth,
    Body(request): Body<UpdateParticipants>,
) -> ApiResult {
    let group = parse_group_jid(&request.groupjid, "GroupJID")?;
    if request.phone.is_empty() {
        return Err(ApiError::bad_request("missing Phone in payload: list one or more"));
    }
    let members = request
        .phone
        .iter()
        .enumerate()
        .map(|(i, p)| parse_jid(p, &format!("Phone[{i}]")).map(|j| j.to_non_ad()))
        .collect::<Result<Vec<_>, _>>()?;
    let action: ParticipantAction = match request.action.trim().to_ascii_lowercase().as_str() {
        "" => return Err(ApiError::bad_request("missing Action in payload")),
        name => name.parse().map_err(|e| ApiError::bad_request(format!("invalid Action: {e}")))?,
    };
    ready(&user)?;
    let updates = user
        .session
        .client
        .call(api::UpdateGroupParticipants { group, participants: members, action })
        .await
        .map_err(|e| refused("cannot change the members", e))?;
    Ok(ok(json!({
        "Details": "Group Participants updated successfully",
        "Participants": updates.iter().map(group_json::participant_update).collect::<Vec<_>>(),
    })))
}
