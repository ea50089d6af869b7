//! `/user/*`: which numbers are on WhatsApp, what usync tells about users (status, picture id,
//! devices), where their profile pictures are, and whom we block. Fields are checked first,
//! then the session must be logged in (409 otherwise), as in `/chat/*`.
use axum::extract::Path;
use serde::Deserialize;
use serde_json::{json, Map, Value};
use wazap::api;
use wazap::binary::Jid;
use wazap::client::Presence;
use wazap::types::BlocklistAction;
use wazap::user::normalize_phone;

use super::outgoing::ready;
use super::refused::refused;
use crate::auth::UserAuth;
use crate::body::Body;
use crate::envelope::{ok, ApiError, ApiResult};
use crate::group_json;
use crate::phone::parse_jid;

#[derive(Deserialize)]
pub struct Phones {
    phone: Vec<String>,
}

impl Phones {
    /// The list, refused when empty.
    fn listed(&self) -> Result<&[String], ApiError> {
        if self.phone.is_empty() {
            return Err(ApiError::bad_request("missing Phone in payload: list one or more"));
        }
        Ok(&self.phone)
    }
}

pub async fn check(UserAuth(user): UserAuth, Body(request): Body<Phones>) -> ApiResult {
    let asked = request.listed()?;
    // Each number as the core asks it (digits), to give the caller's spelling back as Query.
    let mut normalized = Vec::with_capacity(asked.len());
    for (i, phone) in asked.iter().enumerate() {
        let digits = normalize_phone(phone).ok_or_else(|| {
            ApiError::bad_request(format!(
                "invalid Phone[{i}] {phone:?}: a phone number in international form is required"
            ))
        })?;
        normalized.push(digits);
    }
    ready(&user)?;
    let results = user
        .session
        .client
        .call(api::IsOnWhatsappRequest { phones: asked.to_vec() })
        .await
        .map_err(|e| refused("cannot check the numbers", e))?;
    let users: Vec<Value> = results
        .iter()
        .map(|r| {
            let digits = r.query.trim_start_matches('+');
            let query = normalized
                .iter()
                .position(|n| n == digits)
                .map_or(r.query.as_str(), |i| asked[i].trim());
            json!({
                "Query": query,
                "IsInWhatsapp": r.is_in,
                "JID": r.jid.to_string(),
                "VerifiedName": "",
            })
        })
        .collect();
    Ok(ok(json!({ "Users": users })))
}

pub async fn info(UserAuth(user): UserAuth, Body(request): Body<Phones>) -> ApiResult {
    let asked = request.listed()?;
    let jids = asked
        .iter()
        .enumerate()
        .map(|(i, p)| parse_jid(p, &format!("Phone[{i}]")).map(|j| j.to_non_ad()))
        .collect::<Result<Vec<Jid>, _>>()?;
    ready(&user)?;
    let info = user
        .session
        .client
        .call(api::UserInfoRequest { users: jids })
        .await
        .map_err(|e| refused("cannot get the user info", e))?;
    let users: Map<String, Value> =
        info.iter().map(|(jid, entry)| (jid.clone(), group_json::user(entry))).collect();
    Ok(ok(json!({ "Users": users })))
}

#[derive(Deserialize)]
pub struct Avatar {
    phone: String,
    #[serde(default)]
    preview: bool,
}

/// `GET`/`POST /user/avatar`. No picture (or one hidden from us) is 404 `no avatar found`
/// (wuzapi says the same words with a 500).
pub async fn avatar(UserAuth(user): UserAuth, Body(request): Body<Avatar>) -> ApiResult {
    let jid = parse_jid(&request.phone, "Phone")?.to_non_ad();
    ready(&user)?;
    let picture = user
        .session
        .client
        .call(api::ProfilePictureRequest { user: jid, preview: request.preview })
        .await
        .map_err(|e| refused("cannot get the avatar", e))?
        .ok_or_else(|| ApiError::not_found("no avatar found"))?;
    Ok(ok(group_json::picture(&picture)))
}

/// `GET /user/blocklist` (a wazap route: wuzapi has none): whom we blocked, as whatsmeow's
/// `types.Blocklist` (`{"DHash", "JIDs"}`).
pub async fn blocklist(UserAuth(user): UserAuth) -> ApiResult {
    ready(&user)?;
    let list = user
        .session
        .client
        .call(api::GetBlocklist {})
        .await
        .map_err(|e| refused("cannot get the blocklist", e))?;
    Ok(ok(group_json::blocklist(&list)))
}

#[derive(Deserialize)]
pub struct UpdateBlocklist {
    phone: String,
    action: String,
}

/// `POST /user/blocklist` (a wazap route, after whatsmeow's `UpdateBlocklist`): `{"Phone",
/// "Action": "block"|"unblock"}`; answers the new list as `GET` does. A blocked user's
/// messages no longer reach the session.
pub async fn update_blocklist(
    UserAuth(user): UserAuth,
    Body(request): Body<UpdateBlocklist>,
) -> ApiResult {
    let jid = parse_jid(&request.phone, "Phone")?.to_non_ad();
    let action: BlocklistAction = match request.action.trim().to_ascii_lowercase().as_str() {
        "" => return Err(ApiError::bad_request("missing Action in payload")),
        name => name.parse().map_err(|e| ApiError::bad_request(format!("invalid Action: {e}")))?,
    };
    ready(&user)?;
    let list = user
        .session
        .client
        .call(api::UpdateBlocklist { jid, action })
        .await
        .map_err(|e| refused("cannot update the blocklist", e))?;
    Ok(ok(group_json::blocklist(&list)))
}

/// `GET /user/privacy` (a wazap route: wuzapi has none): our privacy settings, as whatsmeow's
/// `types.PrivacySettings` (`{"GroupAdd", "LastSeen", "Status", "Profile", "ReadReceipts",
/// "CallAdd", "Online", "Messages"}`).
pub async fn privacy(UserAuth(user): UserAuth) -> ApiResult {
    ready(&user)?;
    let settings = user
        .session
        .client
        .call(api::GetPrivacySettings {})
        .await
        .map_err(|e| refused("cannot get the privacy settings", e))?;
    Ok(ok(group_json::privacy(&settings)))
}

#[derive(Deserialize)]
pub struct SetPrivacy {
    name: String,
    value: String,
}

/// `POST /user/privacy` (a wazap route, after whatsmeow's `SetPrivacySetting`): `{"Name":
/// "last"|"online"|"profile"|"status"|"readreceipts"|"groupadd"|"calladd"|"messages",
/// "Value": "all"|"contacts"|"contact_blacklist"|"none"|"match_last_seen"|"known"}`; answers
/// the settings after the change as `GET` does.
pub async fn set_privacy(UserAuth(user): UserAuth, Body(request): Body<SetPrivacy>) -> ApiResult {
    let parse = |text: &str, what: &str| -> Result<String, ApiError> {
        match text.trim().to_ascii_lowercase().as_str() {
            "" => Err(ApiError::bad_request(format!("missing {what} in payload"))),
            text => Ok(text.to_owned()),
        }
    };
    let name = parse(&request.name, "Name")?
        .parse()
        .map_err(|e| ApiError::bad_request(format!("invalid Name: {e}")))?;
    let value = parse(&request.value, "Value")?
        .parse()
        .map_err(|e| ApiError::bad_request(format!("invalid Value: {e}")))?;
    ready(&user)?;
    let settings = user
        .session
        .client
        .call(api::SetPrivacySetting { name, value })
        .await
        .map_err(|e| refused("cannot set the privacy setting", e))?;
    Ok(ok(group_json::privacy(&settings)))
}

#[derive(Deserialize)]
pub struct SetPresence {
    #[serde(rename = "type")]
    kind: String,
}

/// `POST /user/presence` `{"type":"available"|"unavailable"}`: whether our contacts see us
/// online (wuzapi's SendPresence).
pub async fn presence(UserAuth(user): UserAuth, Body(request): Body<SetPresence>) -> ApiResult {
    let presence = match request.kind.trim().to_ascii_lowercase().as_str() {
        "available" => Presence::Available,
        "unavailable" => Presence::Unavailable,
        other => {
            return Err(ApiError::bad_request(format!(
                "invalid presence type {other:?}: available or unavailable"
            )))
        }
    };
    ready(&user)?;
    user.session
        .client
        .call(api::SendPresence { presence })
        .await
        .map_err(|e| refused("cannot set the presence", e))?;
    Ok(ok(json!({ "Details": "Presence set successfuly" })))
}

/// `GET /user/lid/{jid}`: the LID of a phone-number user (`{"jid","lid"}`), from what the
/// session knows or else asked of WhatsApp; 404 when WhatsApp has none.
pub async fn lid(UserAuth(user): UserAuth, Path(jid): Path<String>) -> ApiResult {
    let jid = parse_jid(&jid, "jid")?.to_non_ad();
    ready(&user)?;
    let lid = user
        .session
        .client
        .call(api::LidRequest { jid: jid.clone() })
        .await
        .map_err(|e| refused("cannot get the LID", e))?
        .ok_or_else(|| ApiError::not_found(format!("no LID known for {jid}")))?;
    Ok(ok(json!({ "jid": jid.to_string(), "lid": lid.to_string() })))
}
