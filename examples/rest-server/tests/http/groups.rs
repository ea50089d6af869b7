//! `/group/*` over HTTP on loopback, against the sandbox: a group created through the API is
//! listed and described in whatsmeow's shape, renamed, described, announced and locked, shared
//! by an invite link that another API user joins (and that a reset revokes), its members
//! promoted and removed, then left; WhatsApp's refusals and every bad-input case.
use crate::common;

use common::messaging::{pair, phone, post, Hook};
use common::{assert_error, Env};
use serde_json::{json, Value};

/// `GET path` with a JSON body (as wuzapi's documentation sends it); must succeed.
async fn get(env: &Env, token: &str, path: &str, body: Value) -> Value {
    let (status, value) = env.api.user("GET", path, token, Some(&body.to_string())).await;
    assert_eq!(status, 200, "{path}: {value}");
    assert_eq!(value["success"], true, "{value}");
    value["data"].clone()
}

/// The member `phone` of a group answer, if listed.
fn member<'a>(group: &'a Value, phone: &str) -> Option<&'a Value> {
    let jid = format!("{phone}@s.whatsapp.net");
    group["Participants"].as_array()?.iter().find(|p| p["JID"] == jid || p["PhoneNumber"] == jid)
}

#[tokio::test]
async fn a_group_is_created_described_changed_shared_and_left() {
    common::logs();
    let env = Env::start("groups-life").await;
    let (ann, ben, cat) = ("15551210001", "15551210002", "15551210003");
    phone(&env, ann, "Ann", false).await;
    phone(&env, ben, "Ben", false).await;
    phone(&env, cat, "Cat", false).await;
    let mut ann_hook = Hook::start().await;
    let mut ben_hook = Hook::start().await;
    env.user("ann", &ann_hook.receiver.url, "Connected,GroupInfo,JoinedGroup", "").await;
    env.user("ben", &ben_hook.receiver.url, "Connected", "").await;
    pair(&env, &mut ann_hook, "ann", ann).await;
    pair(&env, &mut ben_hook, "ben", ben).await;

    // Create: the answer is the new group, Ann its super admin, Cat a member.
    let created =
        post(&env, "ann", "/group/create", json!({ "Name": "Team", "Participants": [cat] })).await;
    let group = created["JID"].as_str().expect("JID").to_owned();
    assert!(group.ends_with("@g.us"), "{created}");
    assert_eq!(created["Name"], "Team");
    assert_eq!(created["OwnerJID"], format!("{ann}@s.whatsapp.net"));
    let owner = member(&created, ann).expect("Ann is a member");
    assert_eq!((&owner["IsAdmin"], &owner["IsSuperAdmin"]), (&json!(true), &json!(true)));
    let plain = member(&created, cat).expect("Cat is a member");
    assert_eq!((&plain["IsAdmin"], &plain["IsSuperAdmin"]), (&json!(false), &json!(false)));
    assert!(member(&created, ben).is_none());
    assert!(created["GroupCreated"].as_str().is_some_and(|t| t.ends_with('Z')), "{created}");

    // Ann's session hears of the new group, in whatsmeow's events.JoinedGroup shape.
    let is_joined = |b: &Value| b["type"] == "JoinedGroup" && b["event"]["JID"] == group;
    let joined = ann_hook.find("JoinedGroup", is_joined).await;
    assert_eq!(joined["event"]["Name"], "Team");
    assert!(member(&joined["event"], cat).is_some(), "{joined}");
    assert!(joined["event"]["Sender"].as_str().is_some_and(|s| s.starts_with(ann)), "{joined}");

    // Listed, and described by body or by query.
    let (status, listed) = env.api.user("GET", "/group/list", "ann", None).await;
    assert_eq!(status, 200, "{listed}");
    let groups = listed["data"]["Groups"].as_array().expect("Groups");
    assert!(groups.iter().any(|g| g["JID"] == group && g["Name"] == "Team"), "{listed}");
    let info = get(&env, "ann", "/group/info", json!({ "GroupJID": group })).await;
    assert_eq!((&info["JID"], &info["Name"]), (&json!(group), &json!("Team")));
    assert_eq!((&info["IsAnnounce"], &info["IsLocked"]), (&json!(false), &json!(false)));
    assert_eq!(info["ParticipantCount"], 2);
    let (status, by_query) =
        env.api.user("GET", &format!("/group/info?groupJID={group}"), "ann", None).await;
    assert_eq!(status, 200, "{by_query}");
    assert_eq!(by_query["data"]["Name"], "Team");

    // Rename, describe, announce, lock: each is seen in the next /group/info.
    let data = post(&env, "ann", "/group/name", json!({ "GroupJID": group, "Name": "Crew" })).await;
    assert_eq!(data["Details"], "Group Name set successfully");
    let data =
        post(&env, "ann", "/group/topic", json!({ "GroupJID": group, "Topic": "Our plans" })).await;
    assert_eq!(data["Details"], "Group Topic set successfully");
    let data =
        post(&env, "ann", "/group/announce", json!({ "GroupJID": group, "Announce": true })).await;
    assert_eq!(data["Details"], "Group Announce set successfully");
    let data =
        post(&env, "ann", "/group/locked", json!({ "GroupJID": group, "Locked": true })).await;
    assert_eq!(data["Details"], "Group Locked setting updated successfully");
    let renamed = ann_hook
        .find("GroupInfo of the rename", |b| {
            b["type"] == "GroupInfo" && b["event"]["Name"]["Name"] == "Crew"
        })
        .await;
    let change = &renamed["event"];
    assert_eq!(change["JID"], group);
    assert!(change["Sender"].as_str().is_some_and(|s| s.starts_with(ann)), "{change}");
    assert_eq!((&change["Topic"], &change["Join"]), (&Value::Null, &Value::Null), "{change}");
    let locked = ann_hook
        .find("GroupInfo of the lock", |b| {
            b["type"] == "GroupInfo" && b["event"]["Locked"]["IsLocked"] == true
        })
        .await;
    assert_eq!(locked["event"]["Name"], Value::Null);
    // A photo (a JPEG data URL), seen by the members as the group's avatar.
    let jpeg = "data:image/jpeg;base64,/9j/4AECAw==";
    let data = post(&env, "ann", "/group/photo", json!({ "GroupJID": group, "Image": jpeg })).await;
    assert_eq!(data["Details"], "Group Photo set successfully");
    let picture_id = data["PictureID"].as_str().expect("PictureID").to_owned();
    let avatar = get(&env, "ann", "/user/avatar", json!({ "Phone": group })).await;
    assert_eq!(avatar["ID"], picture_id.as_str(), "{avatar}");
    // Removed (wuzapi's /group/photo/remove): the group has no avatar; then set again.
    let data = post(&env, "ann", "/group/photo/remove", json!({ "GroupJID": group })).await;
    assert_eq!(data["Details"], "Group Photo removed successfully");
    let body = json!({ "Phone": group }).to_string();
    assert_error(&env.api.user("POST", "/user/avatar", "ann", Some(&body)).await, 404, "no avatar");
    let data = post(&env, "ann", "/group/photo", json!({ "GroupJID": group, "Image": jpeg })).await;
    assert!(data["PictureID"].as_str().is_some_and(|id| !id.is_empty()), "{data}");
    let info = get(&env, "ann", "/group/info", json!({ "GroupJID": group })).await;
    assert_eq!((&info["Name"], &info["Topic"]), (&json!("Crew"), &json!("Our plans")));
    assert_eq!(info["NameSetBy"], format!("{ann}@s.whatsapp.net"));
    assert!(!info["TopicID"].as_str().unwrap_or_default().is_empty(), "{info}");
    assert_eq!((&info["IsAnnounce"], &info["IsLocked"]), (&json!(true), &json!(true)));

    // Ben is not a member: WhatsApp refuses him the info and the link.
    let body = json!({ "GroupJID": group }).to_string();
    assert_error(&env.api.user("GET", "/group/info", "ben", Some(&body)).await, 403, "refused");
    assert_error(
        &env.api.user("GET", "/group/invitelink", "ben", Some(&body)).await,
        403,
        "refused",
    );

    // The link is stable until reset; Ben joins with it.
    let link = get(&env, "ann", "/group/invitelink", json!({ "GroupJID": group })).await;
    let link = link["InviteLink"].as_str().expect("InviteLink").to_owned();
    assert!(link.starts_with("https://chat.whatsapp.com/") && link.len() > 26, "{link}");
    let again = get(&env, "ann", "/group/invitelink", json!({ "GroupJID": group })).await;
    assert_eq!(again["InviteLink"], link);
    // Before joining, Ben sees where the link leads (wuzapi's /group/inviteinfo).
    let preview = post(&env, "ben", "/group/inviteinfo", json!({ "Code": link })).await;
    assert_eq!((&preview["JID"], &preview["Name"]), (&json!(group), &json!("Crew")), "{preview}");
    let unknown = json!({ "Code": "NoSuchInviteCode1" }).to_string();
    assert_error(
        &env.api.user("POST", "/group/inviteinfo", "ben", Some(&unknown)).await,
        404,
        "refused",
    );
    let joined = post(&env, "ben", "/group/join", json!({ "Code": link })).await;
    assert_eq!(joined["Details"], "Group joined successfully");
    assert_eq!(joined["GroupJID"], group);
    let info = get(&env, "ben", "/group/info", json!({ "GroupJID": group })).await;
    assert!(member(&info, ben).is_some(), "{info}");
    let ben_jid = format!("{ben}@s.whatsapp.net");
    let arrived = ann_hook
        .find("GroupInfo of Ben's join", |b| {
            b["type"] == "GroupInfo"
                && b["event"]["Join"].as_array().is_some_and(|j| j.contains(&json!(ben_jid)))
        })
        .await;
    assert_eq!(arrived["event"]["JoinReason"], "invite");
    // A reset (by query) revokes the old link.
    let (status, fresh) = env
        .api
        .user("GET", &format!("/group/invitelink?groupJID={group}&reset=true"), "ann", None)
        .await;
    assert_eq!(status, 200, "{fresh}");
    let fresh = fresh["data"]["InviteLink"].as_str().expect("InviteLink").to_owned();
    assert_ne!(fresh, link);

    // Promote Ben, remove Cat; an unknown number is refused member by member.
    let data = post(
        &env,
        "ann",
        "/group/updateparticipants",
        json!({ "GroupJID": group, "Phone": [ben], "Action": "promote" }),
    )
    .await;
    assert_eq!(data["Details"], "Group Participants updated successfully");
    assert_eq!(data["Participants"][0]["Error"], 0, "{data}");
    let data = post(
        &env,
        "ann",
        "/group/updateparticipants",
        json!({ "GroupJID": group, "Phone": [cat, "15551219999"], "Action": "remove" }),
    )
    .await;
    let outcomes = data["Participants"].as_array().expect("Participants");
    let outcome = |phone: &str| {
        outcomes
            .iter()
            .find(|p| p["JID"].as_str().is_some_and(|j| j.starts_with(phone)))
            .unwrap_or_else(|| panic!("{phone} in {data}"))["Error"]
            .clone()
    };
    assert_eq!(outcome(cat), 0);
    assert_eq!(outcome("15551219999"), 404);
    let info = get(&env, "ann", "/group/info", json!({ "GroupJID": group })).await;
    assert_eq!(member(&info, ben).expect("Ben")["IsAdmin"], true);
    assert!(member(&info, cat).is_none(), "{info}");

    // Ben leaves: the group is gone from his list, and his info request is refused.
    let data = post(&env, "ben", "/group/leave", json!({ "GroupJID": group })).await;
    assert_eq!(data["Details"], "Group left successfully");
    let (status, listed) = env.api.user("GET", "/group/list", "ben", None).await;
    assert_eq!(status, 200, "{listed}");
    assert!(
        listed["data"]["Groups"].as_array().is_some_and(|g| g.iter().all(|g| g["JID"] != group)),
        "{listed}"
    );
    assert_error(&env.api.user("GET", "/group/info", "ben", Some(&body)).await, 403, "refused");
    // The revoked link no longer works; the fresh code does.
    let stale = json!({ "Code": link }).to_string();
    assert_error(&env.api.user("POST", "/group/join", "ben", Some(&stale)).await, 404, "refused");
    let code = fresh.trim_start_matches("https://chat.whatsapp.com/");
    let joined = post(&env, "ben", "/group/join", json!({ "Code": code })).await;
    assert_eq!(joined["GroupJID"], group);
    // A group that does not exist.
    let none = json!({ "GroupJID": "120363999999999999@g.us" }).to_string();
    assert_error(&env.api.user("GET", "/group/info", "ann", Some(&none)).await, 404, "refused");
    env.server.shutdown().await;
}

#[tokio::test]
async fn group_calls_check_their_fields_then_the_session() {
    let env = Env::start("groups-bad").await;
    env.user("gid", "", "", "").await;
    let call = |method: &'static str, path: &'static str, body: &'static str| {
        env.api.user(method, path, "gid", Some(body))
    };
    let group = "120363000000000001@g.us";

    for path in ["/group/info", "/group/invitelink"] {
        assert_error(&call("GET", path, "{}").await, 400, "missing GroupJID");
        assert_error(&call("GET", path, r#"{"GroupJID":"1555"}"#).await, 400, "invalid GroupJID");
        assert_error(&call("GET", path, r#"{"GroupJID":5}"#).await, 400, "field `groupjid`");
        let (status, value) = env
            .api
            .user("GET", &format!("{path}?groupJID=15551@s.whatsapp.net"), "gid", None)
            .await;
        assert_error(&(status, value), 400, "invalid GroupJID");
    }
    let invite = "/group/invitelink";
    let reset = r#"{"GroupJID":"120363000000000001@g.us","Reset":"yes"}"#;
    assert_error(&call("GET", invite, reset).await, 400, "field `reset`");
    let bad_reset =
        env.api.user("GET", &format!("{invite}?groupJID={group}&reset=maybe"), "gid", None).await;
    assert_error(&bad_reset, 400, "invalid Reset");

    let name = "/group/name";
    assert_error(&call("POST", name, r#"{"Name":"x"}"#).await, 400, "missing field `groupjid`");
    let no_name = r#"{"GroupJID":"120363000000000001@g.us"}"#;
    assert_error(&call("POST", name, no_name).await, 400, "missing field `name`");
    let empty_name = r#"{"GroupJID":"120363000000000001@g.us","Name":" "}"#;
    assert_error(&call("POST", name, empty_name).await, 400, "missing Name");
    assert_error(&call("POST", name, r#"{"GroupJID":"x","Name":"y"}"#).await, 400, "GroupJID");

    let photo = "/group/photo";
    assert_error(&call("POST", photo, no_name).await, 400, "missing field `image`");
    let png = r#"{"GroupJID":"120363000000000001@g.us","Image":"data:image/png;base64,iVBO"}"#;
    assert_error(&call("POST", photo, png).await, 400, "Image must be a data:image/jpeg");
    let raw = r#"{"GroupJID":"120363000000000001@g.us","Image":"/9j/4AECAw=="}"#;
    assert_error(&call("POST", photo, raw).await, 400, "Image is not a data URL");

    let topic = "/group/topic";
    assert_error(&call("POST", topic, no_name).await, 400, "missing field `topic`");
    let announce = "/group/announce";
    assert_error(&call("POST", announce, no_name).await, 400, "missing field `announce`");
    let mistyped = r#"{"GroupJID":"120363000000000001@g.us","Announce":"on"}"#;
    assert_error(&call("POST", announce, mistyped).await, 400, "field `announce`");
    let locked = "/group/locked";
    assert_error(&call("POST", locked, no_name).await, 400, "missing field `locked`");

    let create = "/group/create";
    assert_error(
        &call("POST", create, r#"{"Name":"x"}"#).await,
        400,
        "missing field `participants`",
    );
    let nameless = r#"{"Name":"","Participants":["1555"]}"#;
    assert_error(&call("POST", create, nameless).await, 400, "missing Name");
    let alone = r#"{"Name":"x","Participants":[]}"#;
    assert_error(&call("POST", create, alone).await, 400, "missing Participants");
    let bad = r#"{"Name":"x","Participants":["1555","12ab"]}"#;
    assert_error(&call("POST", create, bad).await, 400, "invalid Participants[1]");

    assert_error(&call("POST", "/group/leave", "{}").await, 400, "missing field `groupjid`");
    assert_error(&call("POST", "/group/join", "{}").await, 400, "missing field `code`");
    assert_error(&call("POST", "/group/join", r#"{"Code":""}"#).await, 400, "missing Code");

    let update = "/group/updateparticipants";
    let body = r#"{"GroupJID":"120363000000000001@g.us","Phone":[],"Action":"add"}"#;
    assert_error(&call("POST", update, body).await, 400, "missing Phone");
    let body = r#"{"GroupJID":"120363000000000001@g.us","Phone":["1555"],"Action":"ban"}"#;
    assert_error(&call("POST", update, body).await, 400, "invalid Action");
    let body = r#"{"GroupJID":"120363000000000001@g.us","Phone":["1555"],"Action":""}"#;
    assert_error(&call("POST", update, body).await, 400, "missing Action");
    let body = r#"{"GroupJID":"120363000000000001@g.us","Phone":"1555","Action":"add"}"#;
    assert_error(&call("POST", update, body).await, 400, "field `phone`: invalid type");
    let body = r#"{"GroupJID":"120363000000000001@g.us","Phone":["x"],"Action":"add"}"#;
    assert_error(&call("POST", update, body).await, 400, "invalid Phone[0]");

    // Valid requests before the session is up: 409, then "not logged in" once connected.
    let valid: [(&str, &str, &str); 12] = [
        ("GET", "/group/list", ""),
        ("GET", "/group/info", no_name),
        ("GET", invite, no_name),
        ("POST", name, r#"{"GroupJID":"120363000000000001@g.us","Name":"n"}"#),
        ("POST", topic, r#"{"GroupJID":"120363000000000001@g.us","Topic":""}"#),
        (
            "POST",
            photo,
            r#"{"GroupJID":"120363000000000001@g.us","Image":"data:image/jpeg;base64,/9j/"}"#,
        ),
        ("POST", announce, r#"{"GroupJID":"120363000000000001@g.us","Announce":false}"#),
        ("POST", locked, r#"{"GroupJID":"120363000000000001@g.us","Locked":true}"#),
        ("POST", create, r#"{"Name":"x","Participants":["1555"]}"#),
        ("POST", "/group/leave", no_name),
        ("POST", "/group/join", r#"{"Code":"AbCdEf"}"#),
        ("POST", update, r#"{"GroupJID":"120363000000000001@g.us","Phone":["1"],"Action":"add"}"#),
    ];
    for (method, path, body) in valid {
        assert_error(&call(method, path, body).await, 409, "not connected");
    }
    let (status, value) = env.api.user("POST", "/session/connect", "gid", None).await;
    assert_eq!(status, 200, "{value}");
    for (method, path, body) in valid {
        assert_error(&call(method, path, body).await, 409, "not logged in");
    }
    assert_error(&call("POST", "/group/list", "").await, 405, "method not allowed");
    assert_error(&call("POST", "/group/info", no_name).await, 405, "method not allowed");
    assert_error(&env.api.raw("GET", "/group/list", &[], None).await, 401, "missing Token");
    env.server.shutdown().await;
}
