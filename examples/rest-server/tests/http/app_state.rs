//! App state over HTTP: the phone's contacts listed by `GET /user/contacts` in wuzapi's shape,
//! and a chat archived with `POST /chat/archive` reaching the phone; bad input refused.
use crate::common;

use common::messaging::{pair, phone, post, Hook};
use common::{assert_error, bounded, Env};
use serde_json::{json, Value};

#[tokio::test]
async fn contacts_are_listed_and_an_archive_reaches_the_phone() {
    common::logs();
    let env = Env::start("app-state").await;
    let (ann, bo) = ("15551250001", "15551250002");
    phone(&env, ann, "Ann", false).await;
    let contact = json!({"phone": ann, "action": "contact", "target": bo,
        "full_name": "Bo Svensson", "first_name": "Bo"});
    let (status, value) = env.control("POST", "/control/app-state", contact).await;
    assert_eq!(status, 200, "{value}");
    let mut hook = Hook::start().await;
    env.user("ann", &hook.receiver.url, "Connected", "").await;
    pair(&env, &mut hook, "ann", ann).await;

    // The first sync runs after login; the list holds Bo once it is done.
    let bo_jid = format!("{bo}@s.whatsapp.net");
    let listed = bounded(async {
        loop {
            let (status, value) = env.api.user("GET", "/user/contacts", "ann", None).await;
            assert_eq!(status, 200, "{value}");
            if value["data"].get(&bo_jid).is_some() {
                return value["data"].clone();
            }
            tokio::time::sleep(std::time::Duration::from_millis(30)).await;
        }
    })
    .await;
    assert_eq!(
        listed[&bo_jid],
        json!({"BusinessName": "", "FirstName": "Bo", "Found": true, "FullName": "Bo Svensson",
            "PushName": ""}),
        "{listed}"
    );

    let answer = post(&env, "ann", "/chat/archive", json!({ "Phone": bo, "Archive": true })).await;
    assert_eq!(answer, json!({ "Details": "Chat archived" }));
    let (status, view) =
        env.control("GET", &format!("/control/app-state?phone={ann}"), Value::Null).await;
    assert_eq!(status, 200, "{view}");
    let archived =
        view.as_array().unwrap().iter().flat_map(|c| c["changes"].as_array().unwrap()).any(|c| {
            c["kind"] == "archive" && c["chat"] == bo_jid.as_str() && c["archived"] == true
        });
    assert!(archived, "{view}");
    let answer = post(&env, "ann", "/chat/mute", json!({ "Phone": bo, "Duration": 3600 })).await;
    assert_eq!(answer, json!({ "Details": "Chat muted" }));

    let call =
        |path: &'static str, body: &'static str| env.api.user("POST", path, "ann", Some(body));
    assert_error(&call("/chat/archive", r#"{"Archive":true}"#).await, 400, "Phone");
    assert_error(&call("/chat/pin", r#"{"Phone":"x y"}"#).await, 400, "invalid Phone");
    assert_error(&call("/chat/mute", r#"{"Phone":"1555","Duration":-1}"#).await, 400, "Duration");
    env.user("idle", "", "", "").await;
    let (status, value) = env.api.user("GET", "/user/contacts", "idle", None).await;
    assert_error(&(status, value), 409, "not connected");
    env.server.shutdown().await;
}
