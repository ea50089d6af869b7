//! Groups and users as wuzapi answers them: whatsmeow's `types.GroupInfo`, `types.UserInfo` and
//! `types.IsOnWhatsAppResponse` marshalled by Go's `encoding/json` (field names as in the Go
//! structs, embedded structs flattened, an unset JID as `""`, an unset time as Go's zero time).
use serde_json::{json, Map, Value};
use wazap::binary::Jid;
use wazap::types::{
    Blocklist, BlocklistChange, GroupChange, GroupInfo, GroupParticipant, JoinedGroup,
    ParticipantUpdate, PrivacySettings, PrivacyValue, ProfilePicture, UserInfo,
};

use crate::timefmt::rfc3339;
use crate::wuz_events::ZERO_TIME;

/// An optional JID as Go marshals `types.JID` (the zero JID is `""`).
fn jid(value: Option<&Jid>) -> String {
    value.map(Jid::to_string).unwrap_or_default()
}

/// Unix seconds as RFC 3339, or Go's zero time.
fn time(secs: Option<u64>) -> String {
    match secs.and_then(|s| i64::try_from(s).ok()) {
        Some(s) => rfc3339(s),
        None => ZERO_TIME.to_owned(),
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

/// JIDs as Go marshals a `[]types.JID` that whatsmeow only appends to: `null` when empty.
fn jids(list: &[Jid]) -> Value {
    if list.is_empty() {
        return Value::Null;
    }
    list.iter().map(|j| Value::String(j.to_string())).collect()
}

/// A `w:gp2` change (whatsmeow `events.GroupInfo`): what did not change is `null`.
pub fn group_change(change: &GroupChange) -> Value {
    let unknown: Vec<Value> = change.unknown.iter().map(|tag| json!({ "Tag": tag })).collect();
    json!({
        "JID": change.jid.to_string(),
        "Notify": change.notify.clone().unwrap_or_default(),
        "Sender": change.sender.as_ref().map(Jid::to_string),
        "SenderPN": Value::Null,
        "Timestamp": time(Some(change.timestamp)),
        "Name": change.name.as_ref().map(|n| json!({
            "Name": n.name,
            "NameSetAt": time(n.set_at),
            "NameSetBy": jid(n.set_by.as_ref()),
            "NameSetByPN": "",
        })),
        "Topic": change.topic.as_ref().map(|t| json!({
            "Topic": t.topic,
            "TopicID": t.id.clone().unwrap_or_default(),
            "TopicSetAt": time(Some(t.set_at)),
            "TopicSetBy": jid(t.set_by.as_ref()),
            "TopicSetByPN": "",
            "TopicDeleted": t.deleted,
        })),
        "Locked": change.locked.map(|locked| json!({ "IsLocked": locked })),
        "Announce": change.announce.map(|a| json!({ "IsAnnounce": a, "AnnounceVersionID": "" })),
        "Ephemeral": change.ephemeral_secs.map(|secs| json!({
            "IsEphemeral": secs > 0,
            "DisappearingTimer": secs,
        })),
        "MembershipApprovalMode": Value::Null,
        "Delete": change.deleted.as_ref().map(|reason| json!({
            "Deleted": true,
            "DeleteReason": reason,
        })),
        "Link": Value::Null,
        "Unlink": Value::Null,
        "NewInviteLink": change.new_invite_link,
        "PrevParticipantVersionID": "",
        "ParticipantVersionID": "",
        "JoinReason": change.join_reason.clone().unwrap_or_default(),
        "Join": jids(&change.join),
        "Leave": jids(&change.leave),
        "Promote": jids(&change.promote),
        "Demote": jids(&change.demote),
        "UnknownChanges": if unknown.is_empty() { Value::Null } else { Value::Array(unknown) },
    })
}

/// We became a member (whatsmeow `events.JoinedGroup`: its own fields, then the group's
/// flattened).
pub fn joined_group(joined: &JoinedGroup) -> Value {
    let mut fields = Map::new();
    fields.insert("Reason".into(), json!(joined.reason.clone().unwrap_or_default()));
    fields.insert("Type".into(), json!(""));
    fields.insert("CreateKey".into(), json!(""));
    fields.insert("Sender".into(), json!(joined.sender.as_ref().map(Jid::to_string)));
    fields.insert("SenderPN".into(), Value::Null);
    fields.insert("Notify".into(), json!(joined.notify.clone().unwrap_or_default()));
    // Go flattens the embedded `types.GroupInfo`.
    if let Value::Object(group_fields) = group(&joined.group) {
        fields.extend(group_fields);
    }
    Value::Object(fields)
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

/// Our blocklist as whatsmeow's `types.Blocklist`.
pub fn blocklist(list: &Blocklist) -> Value {
    json!({ "DHash": list.dhash, "JIDs": list.jids.iter().map(Jid::to_string).collect::<Vec<_>>() })
}

/// Privacy settings as whatsmeow's `types.PrivacySettings` (`""` for one not told).
pub fn privacy(settings: &PrivacySettings) -> Value {
    let name = |v: Option<PrivacyValue>| v.map(|v| v.name()).unwrap_or_default();
    json!({
        "GroupAdd": name(settings.group_add),
        "LastSeen": name(settings.last_seen),
        "Status": name(settings.status),
        "Profile": name(settings.profile),
        "ReadReceipts": name(settings.read_receipts),
        "CallAdd": name(settings.call_add),
        "Online": name(settings.online),
        "Messages": name(settings.messages),
    })
}

/// A privacy change as whatsmeow's `events.PrivacySettings`: the new values (`NewSettings`)
/// and an `…Changed` flag for each setting that changed.
pub fn privacy_change(changed: &PrivacySettings) -> Value {
    json!({
        "NewSettings": privacy(changed),
        "GroupAddChanged": changed.group_add.is_some(),
        "LastSeenChanged": changed.last_seen.is_some(),
        "StatusChanged": changed.status.is_some(),
        "ProfileChanged": changed.profile.is_some(),
        "ReadReceiptsChanged": changed.read_receipts.is_some(),
        "CallAddChanged": changed.call_add.is_some(),
        "OnlineChanged": changed.online.is_some(),
        "MessagesChanged": changed.messages.is_some(),
    })
}

/// A blocklist change as whatsmeow's `events.Blocklist` (`DHash`, `Changes` of `JID` and
/// `Action`).
pub fn blocklist_change(dhash: &str, changes: &[BlocklistChange]) -> Value {
    let changes: Vec<Value> = changes
        .iter()
        .map(|c| json!({ "JID": c.jid.to_string(), "Action": c.action.name() }))
        .collect();
    json!({ "Action": "", "DHash": dhash, "PrevDHash": "", "Changes": changes })
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
        assert_eq!((&value["TopicSetAt"], &value["TopicSetBy"]), (&json!(ZERO_TIME), &json!("")));
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

    #[test]
    fn changes_leave_what_did_not_change_null() {
        let change = GroupChange {
            jid: Jid::group("120363000000000001"),
            sender: Some(Jid::pn("5491155554444")),
            notify: Some("Ann".into()),
            timestamp: 1_650_572_126,
            name: None,
            topic: None,
            announce: Some(true),
            locked: None,
            ephemeral_secs: None,
            join: vec![Jid::pn("5491155554445")],
            join_reason: Some("invite".into()),
            leave: vec![],
            promote: vec![],
            demote: vec![],
            new_invite_link: None,
            deleted: None,
            unknown: vec!["membership_approval_mode".into()],
        };
        let value = group_change(&change);
        assert_eq!(value["Sender"], "5491155554444@s.whatsapp.net");
        assert_eq!(value["Timestamp"], "2022-04-21T20:15:26Z");
        assert_eq!(value["Announce"], json!({ "IsAnnounce": true, "AnnounceVersionID": "" }));
        assert_eq!((&value["Name"], &value["Locked"]), (&Value::Null, &Value::Null));
        assert_eq!(value["Join"], json!(["5491155554445@s.whatsapp.net"]));
        assert_eq!((&value["Leave"], &value["JoinReason"]), (&Value::Null, &json!("invite")));
        assert_eq!(value["UnknownChanges"], json!([{ "Tag": "membership_approval_mode" }]));

        let joined = joined_group(&JoinedGroup {
            sender: None,
            notify: None,
            reason: Some("invite".into()),
            group: info(),
        });
        assert_eq!((&joined["Reason"], &joined["Sender"]), (&json!("invite"), &Value::Null));
        assert_eq!(joined["JID"], "120363000000000001@g.us");
        assert_eq!(joined["Participants"][0]["IsSuperAdmin"], true);
    }
}
