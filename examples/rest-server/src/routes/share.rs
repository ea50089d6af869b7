//! `/chat/send/location` and `/chat/send/contact`: a place (`LocationMessage`) or a contact
//! card (`ContactMessage`), no upload involved.
use serde::Deserialize;
use wazap::proto;

use super::outgoing::{given, quoted, ready, reply_context, send, ContextInfo};
use crate::auth::UserAuth;
use crate::body::Body;
use crate::envelope::{ApiError, ApiResult};
use crate::phone::parse_jid;

#[derive(Deserialize)]
pub struct SendLocation {
    phone: String,
    #[serde(default)]
    latitude: Option<f64>,
    #[serde(default)]
    longitude: Option<f64>,
    #[serde(default)]
    name: Option<String>,
    #[serde(default)]
    id: Option<String>,
    #[serde(default)]
    contextinfo: Option<ContextInfo>,
}

/// A coordinate within `±limit` degrees; the error names the field. Unlike wuzapi, 0 is a
/// valid coordinate (the equator, the prime meridian): only an absent field is missing.
fn degrees(value: Option<f64>, field: &str, limit: f64) -> Result<f64, ApiError> {
    let value =
        value.ok_or_else(|| ApiError::bad_request(format!("missing {field} in payload")))?;
    if !value.is_finite() || value.abs() > limit {
        return Err(ApiError::bad_request(format!(
            "invalid {field} {value}: between -{limit} and {limit} degrees"
        )));
    }
    Ok(value)
}

pub fn location_message(
    latitude: f64,
    longitude: f64,
    name: Option<&str>,
    context: Option<Box<proto::ContextInfo>>,
) -> proto::Message {
    proto::Message {
        location_message: Some(Box::new(proto::LocationMessage {
            degrees_latitude: Some(latitude),
            degrees_longitude: Some(longitude),
            name: name.map(str::to_owned),
            context_info: context,
            ..Default::default()
        })),
        ..Default::default()
    }
}

pub async fn location(UserAuth(user): UserAuth, Body(request): Body<SendLocation>) -> ApiResult {
    let to = parse_jid(&request.phone, "Phone")?;
    let latitude = degrees(request.latitude, "Latitude", 90.0)?;
    let longitude = degrees(request.longitude, "Longitude", 180.0)?;
    let context = reply_context(&quoted(request.contextinfo.as_ref())?);
    ready(&user)?;
    let message = location_message(latitude, longitude, given(&request.name), context);
    send(&user, to, message, &request.id).await
}

#[derive(Deserialize)]
pub struct SendContact {
    phone: String,
    #[serde(default)]
    name: Option<String>,
    #[serde(default)]
    vcard: Option<String>,
    #[serde(default)]
    id: Option<String>,
    #[serde(default)]
    contextinfo: Option<ContextInfo>,
}

pub async fn contact(UserAuth(user): UserAuth, Body(request): Body<SendContact>) -> ApiResult {
    let to = parse_jid(&request.phone, "Phone")?;
    let name = given(&request.name)
        .ok_or_else(|| ApiError::bad_request("missing Name in payload"))?
        .to_owned();
    let vcard = request
        .vcard
        .as_deref()
        .filter(|v| !v.trim().is_empty())
        .ok_or_else(|| ApiError::bad_request("missing Vcard in payload"))?;
    // Phones show nothing for a card that is not a vCard.
    let starts_as_vcard =
        vcard.trim_start().get(..11).is_some_and(|b| b.eq_ignore_ascii_case("BEGIN:VCARD"));
    if !starts_as_vcard {
        return Err(ApiError::bad_request("invalid Vcard: a vCard starts with BEGIN:VCARD"));
    }
    let context = reply_context(&quoted(request.contextinfo.as_ref())?);
    ready(&user)?;
    let message = proto::Message {
        contact_message: Some(Box::new(proto::ContactMessage {
            display_name: Some(name),
            vcard: Some(vcard.to_owned()),
            context_info: context,
        })),
        ..Default::default()
    };
    send(&user, to, message, &request.id).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn coordinates_are_checked() {
        assert_eq!(degrees(Some(0.0), "Latitude", 90.0).unwrap(), 0.0);
        assert_eq!(degrees(Some(-33.5), "Latitude", 90.0).unwrap(), -33.5);
        let e = degrees(None, "Latitude", 90.0).unwrap_err();
        assert_eq!(e.message, "missing Latitude in payload");
        let e = degrees(Some(180.5), "Longitude", 180.0).unwrap_err();
        assert!(e.message.starts_with("invalid Longitude 180.5"), "{}", e.message);
    }
}
