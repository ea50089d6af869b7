//! `/user/*` over HTTP on loopback, against the sandbox: registered and unknown numbers told
//! apart, user info (status, picture id, devices, LID), avatars before and after the contact
//! sets a picture, and every bad-input case.
use std::sync::Arc;

use crate::common;

use common::messaging::{pair, phone, post, Hook};
use common::{assert_error, bounded, Env};
use serde_json::{json, Value};
use wazap::binary::{Jid, Node, Server};
use wazap::Event;

/// What the sandbox gives every new account as its "about" text.
const DEFAULT_STATUS: &str = "Hey there! I am using WhatsApp.";

/// Links a plain wazap companion to `phone`'s account (outside the REST server) and sets the
/// account's profile picture with it, as WhatsApp would let the user do; returns the picture id.
async fn set_picture(env: &Env, phone: &str) -> String {
    let store = Arc::new(wazap::store::MemoryDeviceStore::new());
    let client = wazap::Client::new(store, common::client_config(&env.sandbox));
    let mut events = client.events();
    bounded(client.connect()).await.expect("connect");
    // The QR code, scanned by the account's phone; then wait for the login.
    let code = bounded(async {
        loop {
            if let Event::Qr { code, .. } = events.recv().await.expect("client alive") {
                return code;
            }
        }
    })
    .await;
    let (status, value) =
        env.control("POST", "/control/pair", json!({ "phone": phone, "qr": code })).await;
    assert_eq!(status, 200, "pair: {value}");
    bounded(async { while events.recv().await.expect("client alive") != Event::Connected {} })
        .await;
    let jpeg: Vec<u8> =
        [0xFF, 0xD8, 0xFF, 0xE0].into_iter().chain((0..1500u32).map(|i| i as u8)).collect();
    let set = Node::new("iq")
        .attr("xmlns", "w:profile:picture")
        .attr("type", "set")
        .attr("to", Jid::server_only(Server::Pn))
        .child(Node::new("picture").attr("type", "image").bytes(jpeg));
    let answer = bounded(client.send_iq(set, None)).await.expect("set picture");
    let id = answer.child_by_tag("picture").and_then(|p| p.attr_str("id")).expect("picture id");
    let id = id.to_owned();
    client.disconnect().await;
    id
}

#[tokio::test]
async fn numbers_are_checked_and_users_described_with_their_avatars() {
    common::logs();
    let env = Env::start("users-life").await;
    let (uma, vic) = ("15551220001", "15551220002");
    phone(&env, uma, "Uma", false).await;
    phone(&env, vic, "Vic", false).await;
    let mut hook = Hook::start().await;
    env.user("uma", &hook.receiver.url, "Connected", "").await;
    pair(&env, &mut hook, "uma", uma).await;

    // Each number comes back as the caller spelled it.
    let data = post(&env, "uma", "/user/check", json!({ "Phone": [vic, "+1 555 122 0999"] })).await;
    let users = data["Users"].as_array().expect("Users");
    assert_eq!(users.len(), 2, "{data}");
    let known = users.iter().find(|u| u["Query"] == vic).expect("Vic answered");
    assert_eq!(known["IsInWhatsapp"], true);
    assert_eq!(known["JID"], format!("{vic}@s.whatsapp.net"));
    assert_eq!(known["VerifiedName"], "");
    let stranger = users.iter().find(|u| u["Query"] == "+1 555 122 0999").expect("unknown");
    assert_eq!(stranger["IsInWhatsapp"], false);
    assert_eq!(stranger["JID"], "15551220999@s.whatsapp.net");

    // Info, keyed by JID: the default status, no picture, Vic's phone among the devices.
    let data = post(&env, "uma", "/user/info", json!({ "Phone": [vic] })).await;
    let about = &data["Users"][format!("{vic}@s.whatsapp.net")];
    assert_eq!(about["Status"], DEFAULT_STATUS, "{data}");
    assert_eq!(about["PictureID"], "");
    assert_eq!(about["VerifiedName"], Value::Null);
    let devices = about["Devices"].as_array().expect("Devices");
    assert!(devices.iter().any(|d| *d == format!("{vic}@s.whatsapp.net")), "{about}");
    assert!(about["LID"].as_str().is_some_and(|l| l.ends_with("@lid")), "{about}");

    // No picture yet: 404, by GET (as documented) and POST (as wuzapi routes it).
    let body = json!({ "Phone": vic, "Preview": true }).to_string();
    assert_error(&env.api.user("GET", "/user/avatar", "uma", Some(&body)).await, 404, "no avatar");
    assert_error(&env.api.user("POST", "/user/avatar", "uma", Some(&body)).await, 404, "no avatar");

    // Vic sets one: the full picture and the preview, and the id in the info.
    let id = set_picture(&env, vic).await;
    let picture = post(&env, "uma", "/user/avatar", json!({ "Phone": vic })).await;
    assert_eq!((&picture["ID"], &picture["Type"]), (&json!(id), &json!("image")));
    let url = picture["URL"].as_str().expect("URL");
    let path = picture["DirectPath"].as_str().expect("DirectPath");
    assert!(!path.is_empty() && url.ends_with(path), "{picture}");
    let (status, preview) = env.api.user("GET", "/user/avatar", "uma", Some(&body)).await;
    assert_eq!(status, 200, "{preview}");
    assert_eq!((&preview["data"]["ID"], &preview["data"]["Type"]), (&json!(id), &json!("preview")));
    let data = post(&env, "uma", "/user/info", json!({ "Phone": [vic, uma] })).await;
    assert_eq!(data["Users"][format!("{vic}@s.whatsapp.net")]["PictureID"], id);
    assert_eq!(data["Users"][format!("{uma}@s.whatsapp.net")]["PictureID"], "");
    env.server.shutdown().await;
}

#[tokio::test]
async fn user_calls_check_their_fields_then_the_session() {
    let env = Env::start("users-bad").await;
    env.user("uid", "", "", "").await;
    let call = |method: &'static str, path: &'static str, body: &'static str| {
        env.api.user(method, path, "uid", Some(body))
    };
    for path in ["/user/check", "/user/info"] {
        assert_error(&call("POST", path, "{}").await, 400, "missing field `phone`");
        assert_error(&call("POST", path, r#"{"Phone":"1555"}"#).await, 400, "field `phone`");
        assert_error(&call("POST", path, r#"{"Phone":[]}"#).await, 400, "missing Phone");
        assert_error(&call("POST", path, r#"{"Phone":["1555",7]}"#).await, 400, "field `phone[1]`");
        assert_error(&call("POST", path, r#"{"Phone":["1555","12ab"]}"#).await, 400, "Phone[1]");
        assert_error(&call("GET", path, r#"{"Phone":["1555"]}"#).await, 405, "method not allowed");
    }
    let avatar = "/user/avatar";
    assert_error(&call("POST", avatar, "{}").await, 400, "missing field `phone`");
    assert_error(&call("POST", avatar, r#"{"Phone":""}"#).await, 400, "missing Phone");
    assert_error(&call("GET", avatar, r#"{"Phone":"x y"}"#).await, 400, "invalid Phone");
    let mistyped = r#"{"Phone":"1555","Preview":"yes"}"#;
    assert_error(&call("POST", avatar, mistyped).await, 400, "field `preview`");

    let valid: [(&str, &str, &str); 3] = [
        ("POST", "/user/check", r#"{"Phone":["15551230001"]}"#),
        ("POST", "/user/info", r#"{"Phone":["15551230001"]}"#),
        ("GET", avatar, r#"{"Phone":"15551230001"}"#),
    ];
    for (method, path, body) in valid {
        assert_error(&call(method, path, body).await, 409, "not connected");
    }
    let (status, value) = env.api.user("POST", "/session/connect", "uid", None).await;
    assert_eq!(status, 200, "{value}");
    for (method, path, body) in valid {
        assert_error(&call(method, path, body).await, 409, "not logged in");
    }
    assert_error(&env.api.raw("POST", "/user/check", &[], Some("{}")).await, 401, "missing Token");
    env.server.shutdown().await;
}

#[tokio::test]
async fn a_blocked_contact_is_listed_and_its_messages_do_not_arrive() {
    common::logs();
    let env = Env::start("users-block").await;
    let (wes, xia) = ("15551240001", "15551240002");
    phone(&env, wes, "Wes", false).await;
    phone(&env, xia, "Xia", false).await;
    let mut hook = Hook::start().await;
    env.user("wes", &hook.receiver.url, "Message,Connected", "").await;
    pair(&env, &mut hook, "wes", wes).await;
    let (status, empty) = env.api.user("GET", "/user/blocklist", "wes", None).await;
    assert_eq!((status, &empty["data"]["JIDs"]), (200, &json!([])), "{empty}");

    // Wes blocks Xia: the list names her (by LID, as the server keeps it).
    let xia_lid = post(&env, "wes", "/user/info", json!({ "Phone": [xia] })).await["Users"]
        [format!("{xia}@s.whatsapp.net")]["LID"]
        .as_str()
        .expect("Xia's LID")
        .to_owned();
    let list =
        post(&env, "wes", "/user/blocklist", json!({ "Phone": xia, "Action": "block" })).await;
    assert_eq!(list["JIDs"], json!([xia_lid]), "{list}");
    assert!(list["DHash"].as_str().is_some_and(|h| !h.is_empty()), "{list}");
    let (_, listed) = env.api.user("GET", "/user/blocklist", "wes", None).await;
    assert_eq!(listed["data"], list);

    // Her next message never reaches Wes; once unblocked, the one after does, and it is the
    // first message webhook Wes gets.
    let send = |text: &'static str| {
        env.control("POST", "/control/send", json!({ "from": xia, "to": wes, "text": text }))
    };
    let (status, blocked) = send("while blocked").await;
    assert_eq!(status, 200, "{blocked}");
    let list =
        post(&env, "wes", "/user/blocklist", json!({ "Phone": xia, "Action": "unblock" })).await;
    assert_eq!(list["JIDs"], json!([]), "{list}");
    let (status, sent) = send("after unblocking").await;
    assert_eq!(status, 200, "{sent}");
    let first = hook
        .find("a message from Xia", |b| {
            b["type"] == "Message" && b["event"]["Info"]["IsFromMe"] == false
        })
        .await;
    assert_eq!(first["event"]["Message"], json!({ "conversation": "after unblocking" }));
    assert_eq!(first["event"]["Info"]["ID"], sent["id"]);

    // Bad input names the field; a session that cannot send says so.
    let call = |body: &'static str| env.api.user("POST", "/user/blocklist", "wes", Some(body));
    assert_error(&call(r#"{"Phone":"x y","Action":"block"}"#).await, 400, "invalid Phone");
    assert_error(&call(r#"{"Phone":"1555","Action":"mute"}"#).await, 400, "invalid Action");
    assert_error(&call(r#"{"Phone":"1555","Action":""}"#).await, 400, "missing Action");
    env.user("idle", "", "", "").await;
    let (status, value) = env.api.user("GET", "/user/blocklist", "idle", None).await;
    assert_error(&(status, value), 409, "not connected");
    env.server.shutdown().await;
}

#[tokio::test]
async fn privacy_settings_are_read_and_set() {
    common::logs();
    let env = Env::start("users-privacy").await;
    let yan = "15551250001";
    phone(&env, yan, "Yan", false).await;
    let mut hook = Hook::start().await;
    env.user("yan", &hook.receiver.url, "Connected", "").await;
    pair(&env, &mut hook, "yan", yan).await;
    let (status, settings) = env.api.user("GET", "/user/privacy", "yan", None).await;
    assert_eq!((status, &settings["data"]["LastSeen"]), (200, &json!("all")), "{settings}");
    assert_eq!(settings["data"]["ReadReceipts"], json!("all"), "{settings}");

    let after =
        post(&env, "yan", "/user/privacy", json!({ "Name": "readreceipts", "Value": "none" }))
            .await;
    assert_eq!(after["ReadReceipts"], json!("none"), "{after}");
    assert_eq!(after["LastSeen"], json!("all"), "{after}");
    let (_, read) = env.api.user("GET", "/user/privacy", "yan", None).await;
    assert_eq!(read["data"], after);

    let call = |body: &'static str| env.api.user("POST", "/user/privacy", "yan", Some(body));
    assert_error(&call(r#"{"Name":"seen","Value":"all"}"#).await, 400, "invalid Name");
    assert_error(&call(r#"{"Name":"last","Value":""}"#).await, 400, "missing Value");
    assert_error(&call(r#"{"Name":"online","Value":"none"}"#).await, 400, "online takes");
    env.server.shutdown().await;
}
