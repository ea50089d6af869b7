//! Groups and users as wuzapi answers them: whatsmeow's `types.GroupInfo`, `types.UserInfo` and
//! `types.IsOnWhatsAppResponse` marshalled by Go's `encoding/json` (field names as in the Go
//! structs, embedded structs flattened, an unset JID as `""`, an unset time as Go's zero time).
use serde_json::{json, Value};
use wazap::binary::Jid;
use wazap::types::{GroupInfo, GroupParticipant, ParticipantUpdate, ProfilePicture, UserInfo};

use crate::timefmt::rfc3339;

/// Go's zero `time.Time`, which wuzapi shows for a time WhatsApp did not give.
pub const GO_ZERO_TIME: &str = "0001-01-01T00:00:00Z";

/// An optional JID as Go marshals `types.JID` (the zero JID is `""`).
fn jid(value: Option<&Jid>) -> String {
    value.map(Jid::to_string).unwrap_or_default()
}

/// Unix seconds as RFC 3339, or Go's zero time.
fn time(secs: Option<u64>) -> String {
    match secs.and_then(|s| i64::try_from(s).ok()) {
        Some(s) => rfc3339(s),
        None => GO_ZERO_TIME.to_owned(),
    }
}

/// A group (whatsmeow `types.GroupInfo`).
pub fn group(info: &GroupInfo) -> Value {
    // LID-addressed groups name their members by LID.
    let addressing = if info.participants.iter().any(|p| p.jid.is_lid()) { "lid" } else { "pn" };
    let participant_count = info.participant_count.map_or(info.participants.len(), |n| n as usize);
    json!({
        "JID": info.jid.to_string(),
        "OwnerJID": jid(info.owner.as_ref()),
        "Name": info.name,
        "NameSetAt": time(info.name_set_at),
        "NameSetBy": jid(info.name_set_by.as_ref()),
        "Topic": info.topic,
        "TopicID": info.topic_id.clone().unwrap_or_default(),
        "TopicSetAt": time(info.topic_set_at),
        "TopicSetBy": jid(info.topic_set_by.as_ref()),
        "TopicDeleted": false,
        "IsLocked": info.locked,
        "IsAnnounce": info.announce,
        "AnnounceVersionID": "",
        "IsEphemeral": info.ephemeral_secs.is_some_and(|s| s > 0),
        "DisappearingTimer": info.ephemeral_secs.unwrap_or(0),
        "AddressingMode": addressing,
        "GroupCreated": time(info.created),
        "ParticipantVersionID": "",
        "Participants": info.participants.iter().map(participant).collect::<Vec<_>>(),
        "ParticipantCount": participant_count,
    })
}

/// A member (whatsmeow `types.GroupParticipant`).
fn participant(p: &GroupParticipant) -> Value {
    json!({
        "JID": p.jid.to_string(),
        "PhoneNumber": jid(p.phone_number.as_ref()),
        "LID": jid(p.lid.as_ref()),
        "IsAdmin": p.is_admin,
        "IsSuperAdmin": p.is_super_admin,
        "DisplayName": "",
        "Error": 0,
    })
}

/// The outcome for one member of a participant change (whatsmeow answers with
/// `types.GroupParticipant`s whose `Error` is the server's code, 0 when done).
pub fn participant_update(update: &ParticipantUpdate) -> Value {
    json!({
        "JID": update.jid.to_string(),
        "LID": jid(update.lid.as_ref()),
        "Error": update.error.unwrap_or(0),
    })
}

/// What usync says about a user (whatsmeow `types.UserInfo`).
pub fn user(info: &UserInfo) -> Value {
    json!({
        "VerifiedName": Value::Null,
        "Status": info.status,
        "PictureID": info.picture_id.clone().unwrap_or_default(),
        "Devices": info.devices.iter().map(Jid::to_string).collect::<Vec<_>>(),
        "LID": jid(info.lid.as_ref()),
    })
}

/// Where to get a profile picture, with the field names of the API's documentation
/// (`URL`, `ID`, `Type`, `DirectPath`).
pub fn picture(picture: &ProfilePicture) -> Value {
    json!({
        "URL": picture.url,
        "ID": picture.id,
        "Type": picture.kind,
        "DirectPath": picture.direct_path,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn info() -> GroupInfo {
        GroupInfo {
            jid: Jid::group("120363000000000001"),
            name: "Super Group".into(),
            name_set_by: Some(Jid::pn("5491155554444")),
            name_set_at: Some(1_650_572_126),
            topic: String::new(),
            topic_id: None,
            topic_set_by: None,
            topic_set_at: None,
            owner: Some(Jid::pn("5491155554444")),
            created: Some(1_650_572_126),
            announce: true,
            locked: false,
            ephemeral_secs: Some(86_400),
            participant_count: None,
            participants: vec![GroupParticipant {
                jid: Jid::pn("5491155554444"),
                lid: None,
                phone_number: None,
                is_admin: true,
                is_super_admin: true,
            }],
        }
    }

    #[test]
    fn groups_have_whatsmeows_field_names_and_go_zero_values() {
        let value = group(&info());
        assert_eq!(value["JID"], "120363000000000001@g.us");
        assert_eq!(value["OwnerJID"], "5491155554444@s.whatsapp.net");
        assert_eq!(value["NameSetAt"], "2022-04-21T20:15:26Z");
        assert_eq!(
            (&value["TopicSetAt"], &value["TopicSetBy"]),
            (&json!(GO_ZERO_TIME), &json!(""))
        );
        assert_eq!((&value["IsAnnounce"], &value["IsLocked"]), (&json!(true), &json!(false)));
        assert_eq!(
            (&value["IsEphemeral"], &value["DisappearingTimer"]),
            (&json!(true), &json!(86_400))
        );
        assert_eq!(value["ParticipantCount"], 1);
        let member = &value["Participants"][0];
        assert_eq!(member["JID"], "5491155554444@s.whatsapp.net");
        assert_eq!((&member["IsAdmin"], &member["IsSuperAdmin"]), (&json!(true), &json!(true)));
        assert_eq!(member["LID"], "");
        assert_eq!(value["AddressingMode"], "pn");
    }
}
