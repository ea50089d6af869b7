//! `/user/*`: which numbers are on WhatsApp, what usync tells about users (status, picture id,
//! devices), and where their profile pictures are. Fields are checked first, then the session
//! must be logged in (409 otherwise), as in `/chat/*`.
use serde::Deserialize;
use serde_json::{json, Map, Value};
use wazap::binary::Jid;
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
        .is_on_whatsapp(asked)
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
        .user_info(&jids)
        .await
        .map_err(|e| refused("cannot get the user info", e))?;
    let users: Map<String, Value> =
        info.iter().map(|(jid, entry)| (jid.to_string(), group_json::user(entry))).collect();
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
        .profile_picture(&jid, request.preview)
        .await
        .map_err(|e| refused("cannot get the avatar", e))?
        .ok_or_else(|| ApiError::not_found("no avatar found"))?;
    Ok(ok(group_json::picture(&picture)))
}
