//! `/chat/send/edit`, `/chat/delete` and `/chat/send/poll` over HTTP on loopback, against the
//! sandbox: the contact's phone sees the edit and the deletion tied to the original id and the
//! poll with its options; its vote comes back as a `Message` webhook.
use crate::common;

use common::messaging::{inbox_entry, pair, phone, post, Hook};
use common::{assert_error, Env};
use serde_json::json;

#[tokio::test]
async fn edit_delete_and_poll_as_wuzapi() {
    let env = Env::start("chat-changes").await;
    phone(&env, "15551140001", "Me", false).await;
    phone(&env, "15551140002", "Contact", false).await;
    let mut hook = Hook::start().await;
    env.user("ana", &hook.receiver.url, "Message,Connected", "").await;
    pair(&env, &mut hook, "ana", "15551140001").await;
    let contact = "15551140002";

    let text = json!({ "Phone": contact, "Body": "helo", "Id": "3EB0ED170000001" });
    post(&env, "ana", "/chat/send/text", text).await;
    inbox_entry(&env, contact, |e| e["id"] == "3EB0ED170000001").await;

    let edit = json!({ "Phone": contact, "Body": "hello", "Id": "3EB0ED170000001" });
    let data = post(&env, "ana", "/chat/send/edit", edit).await;
    assert_eq!((&data["Details"], &data["Id"]), (&json!("Sent"), &json!("3EB0ED170000001")));
    let entry = inbox_entry(&env, contact, |e| e["kind"] == "edit").await;
    assert_eq!((&entry["target"], &entry["text"]), (&json!("3EB0ED170000001"), &json!("hello")));

    let delete = json!({ "Phone": contact, "Id": "3EB0ED170000001" });
    let data = post(&env, "ana", "/chat/delete", delete).await;
    assert_eq!((&data["Details"], &data["Id"]), (&json!("Deleted"), &json!("3EB0ED170000001")));
    let entry = inbox_entry(&env, contact, |e| e["kind"] == "revoke").await;
    assert_eq!(entry["target"], "3EB0ED170000001");

    let poll = json!({ "group": contact, "header": "Lunch?", "options": ["Pizza", "Sushi"] });
    let data = post(&env, "ana", "/chat/send/poll", poll).await;
    assert_eq!(data["Details"], "Poll sent successfully");
    let poll_id = data["Id"].as_str().unwrap().to_owned();
    let entry = inbox_entry(&env, contact, |e| e["kind"] == "poll").await;
    assert_eq!((&entry["id"], &entry["options"]), (&json!(poll_id), &json!(["Pizza", "Sushi"])));

    // The contact votes: a Message webhook with the vote (whatsmeow's pollUpdateMessage).
    let vote = json!({ "from": contact, "poll_id": poll_id, "options": ["Sushi"] });
    let (status, sent) = env.control("POST", "/control/vote", vote).await;
    assert_eq!(status, 200, "{sent}");
    let message = hook.message(sent["id"].as_str().unwrap()).await;
    let update = &message["event"]["Message"]["pollUpdateMessage"];
    assert_eq!(update["pollCreationMessageKey"]["ID"], json!(poll_id), "{message}");

    // Bad input says what is wrong.
    let one = json!({ "group": contact, "header": "?", "options": ["only"] });
    assert_error(
        &env.api.user("POST", "/chat/send/poll", "ana", Some(&one.to_string())).await,
        400,
        "2 options",
    );
    let no_id = json!({ "Phone": contact, "Body": "x" });
    assert_error(
        &env.api.user("POST", "/chat/send/edit", "ana", Some(&no_id.to_string())).await,
        400,
        "Id",
    );
    let no_id = json!({ "Phone": contact });
    assert_error(
        &env.api.user("POST", "/chat/delete", "ana", Some(&no_id.to_string())).await,
        400,
        "Id",
    );
    env.server.shutdown().await;
}
