//! The `HistorySync` webhook over HTTP on loopback: a user subscribed to `HistorySync` links
//! its session to a phone that already has chats, and its webhook receives the phone's
//! `INITIAL_BOOTSTRAP` (those chats, in whatsmeow's JSON names) and then its `PUSH_NAME` sync.
use crate::common;

use common::{bounded, Env, Receiver};
use serde_json::{json, Value};

/// A sandbox account with a push name.
async fn phone(env: &Env, number: &str, name: &str) {
    let body = json!({ "phone": number, "push_name": name });
    let (status, value) = env.control("POST", "/control/accounts", body).await;
    assert_eq!(status, 201, "{value}");
}

/// The phone of `from` texts `to` (a phone-to-phone message, no client involved); its id.
async fn phone_sends(env: &Env, from: &str, to: &str, text: &str) -> String {
    let body = json!({ "from": from, "to": to, "text": text });
    let (status, value) = env.control("POST", "/control/send", body).await;
    assert_eq!(status, 200, "send: {value}");
    value["id"].as_str().expect("id").to_owned()
}

/// Waits until the phone of `number` has `text` in its inbox (the phone worker runs apart).
async fn inbox_has(env: &Env, number: &str, text: &str) {
    bounded(async {
        loop {
            let path = format!("/control/inbox?phone={number}");
            let (status, inbox) = env.control("GET", &path, Value::Null).await;
            assert_eq!(status, 200, "{inbox}");
            if inbox.as_array().is_some_and(|l| l.iter().any(|e| e["text"] == text)) {
                return;
            }
            tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        }
    })
    .await
}

/// The `Data` of the next webhook, which must be a `HistorySync` (the only type subscribed).
async fn next_history(hook: &mut Receiver) -> Value {
    let delivery = hook.next().await;
    assert_eq!(delivery.body["type"], "HistorySync", "{:#}", delivery.body);
    delivery.body["event"]["Data"].clone()
}

#[tokio::test]
async fn a_linked_session_posts_the_phone_history_then_its_push_names() {
    common::logs();
    let env = Env::start("history").await;
    let (alice, bob) = ("15551130001", "15551130002");
    phone(&env, alice, "Alice").await;
    phone(&env, bob, "Bob").await;
    let group = json!({ "creator": alice, "subject": "Book club", "participants": [bob] });
    let (status, value) = env.control("POST", "/control/groups", group).await;
    assert_eq!(status, 201, "{value}");
    let group = value["jid"].as_str().expect("group jid").to_owned();
    // Bob's phone writes to Alice's phone before Alice links the server's session.
    let said = phone_sends(&env, bob, alice, "see you at eight").await;
    inbox_has(&env, alice, "see you at eight").await;

    let mut hook = Receiver::start(0).await;
    env.user("ana", &hook.url, "HistorySync", "").await;
    env.pair("ana", alice).await;

    // The bootstrap: both chats, whatsmeow's names, the stored message with its key.
    let bootstrap = next_history(&mut hook).await;
    assert_eq!(bootstrap["syncType"], 0, "INITIAL_BOOTSTRAP: {bootstrap:#}");
    let chats = bootstrap["conversations"].as_array().expect("conversations");
    let chat = |id: &str| chats.iter().find(|c| c["ID"] == id).cloned();
    let bob_jid = format!("{bob}@s.whatsapp.net");
    let with_bob = chat(&bob_jid).unwrap_or_else(|| panic!("the chat with Bob: {bootstrap:#}"));
    let stored = &with_bob["messages"][0]["message"];
    assert_eq!(
        stored["key"],
        json!({ "remoteJID": bob_jid, "fromMe": false, "ID": said }),
        "{with_bob:#}"
    );
    assert_eq!(stored["message"], json!({ "conversation": "see you at eight" }));
    assert!(stored["messageTimestamp"].as_u64().is_some_and(|t| t > 0), "{stored}");
    assert_eq!(with_bob["messages"][0]["msgOrderID"], 1);
    assert!(with_bob["conversationTimestamp"].as_u64().is_some(), "{with_bob}");
    let club = chat(&group).unwrap_or_else(|| panic!("the group chat: {bootstrap:#}"));
    assert_eq!(club["name"], "Book club");
    let members: Vec<&str> = club["participant"]
        .as_array()
        .expect("participant")
        .iter()
        .filter_map(|p| p["userJID"].as_str())
        .collect();
    assert_eq!(members.len(), 2, "{club}");
    assert!(members.contains(&bob_jid.as_str()), "{club}");
    let mappings = bootstrap["phoneNumberToLidMappings"].as_array().expect("mappings");
    assert!(
        mappings.iter().any(|m| m["pnJID"] == bob_jid.as_str()
            && m["lidJID"].as_str().is_some_and(|l| l.ends_with("@lid"))),
        "{mappings:?}"
    );

    // Then the push names the phone knows.
    let names = next_history(&mut hook).await;
    assert_eq!(names["syncType"], 4, "PUSH_NAME: {names:#}");
    let pushnames = names["pushnames"].as_array().expect("pushnames");
    assert!(pushnames.contains(&json!({ "ID": bob_jid, "pushname": "Bob" })), "{pushnames:?}");
}
