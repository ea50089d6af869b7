//! `/chat/*` over HTTP on loopback, against the sandbox: texts to a simulated contact (seen in
//! its inbox) and its answers as `Message` webhooks, replies, read and delivery receipts, chat
//! presence, reactions (incl. `me:`), subscriptions, and every bad-input case.
use crate::common;

use common::messaging::{inbox_entry, pair, phone, post, Hook};
use common::{assert_error, Env};
use serde_json::{json, Value};

fn is_rfc3339_utc(text: &Value) -> bool {
    let t = text.as_str().unwrap_or_default();
    t.len() == 20 && t.ends_with('Z') && t.as_bytes()[10] == b'T'
}

#[tokio::test]
async fn texts_to_an_echo_contact_receipts_reactions_and_its_replies() {
    let env = Env::start("chat-echo").await;
    phone(&env, "15551120001", "Me", false).await;
    phone(&env, "15551120002", "Echo", true).await;
    let mut hook = Hook::start().await;
    env.user("ana", &hook.receiver.url, "Message,ReadReceipt,Connected", "").await;
    pair(&env, &mut hook, "ana", "15551120001").await;

    // A text with our own id reaches the contact's inbox; the answer is wuzapi's.
    let data = post(
        &env,
        "ana",
        "/chat/send/text",
        json!({ "Phone": "15551120002", "Body": "hello echo", "Id": "3EB0C0FFEE000001" }),
    )
    .await;
    assert_eq!(data["Details"], "Sent");
    assert_eq!(data["Id"], "3EB0C0FFEE000001");
    assert!(is_rfc3339_utc(&data["Timestamp"]), "{data}");
    let entry = inbox_entry(&env, "15551120002", |e| e["id"] == "3EB0C0FFEE000001").await;
    assert_eq!((&entry["text"], &entry["kind"]), (&json!("hello echo"), &json!("text")));
    assert_eq!(entry["chat"], "15551120001@s.whatsapp.net");

    // The contact's phone acknowledges delivery, then echoes the text back.
    let delivered = hook.receipt("Delivered", "3EB0C0FFEE000001").await;
    assert_eq!(delivered["event"]["Chat"], "15551120002@s.whatsapp.net");
    assert_eq!(delivered["event"]["IsFromMe"], false);
    let echo =
        hook.find("the echo", |b| b["event"]["Message"]["conversation"] == "hello echo").await;
    assert_eq!(echo["type"], "Message");
    let info = &echo["event"]["Info"];
    assert_eq!(info["Chat"], "15551120002@s.whatsapp.net");
    assert!(info["Sender"].as_str().unwrap().starts_with("15551120002"), "{info}");
    assert_eq!((&info["IsFromMe"], &info["IsGroup"]), (&json!(false), &json!(false)));
    assert_eq!(info["PushName"], "Echo");
    assert!(is_rfc3339_utc(&info["Timestamp"]), "{info}");
    let echo_id = info["ID"].as_str().unwrap().to_owned();

    // A full JID as Phone, and no Id: one is generated.
    let data = post(
        &env,
        "ana",
        "/chat/send/text",
        json!({ "phone": "15551120002@s.whatsapp.net", "body": "by jid" }),
    )
    .await;
    let generated = data["Id"].as_str().unwrap().to_owned();
    assert!(!generated.is_empty());
    inbox_entry(&env, "15551120002", |e| e["id"] == generated && e["text"] == "by jid").await;

    // Mark the echo read: the contact gets a read receipt for it.
    let data = post(
        &env,
        "ana",
        "/chat/markread",
        json!({ "Id": [echo_id], "Chat": "15551120002@s.whatsapp.net" }),
    )
    .await;
    assert_eq!(data["Details"], "Message(s) marked as read");
    inbox_entry(&env, "15551120002", |e| {
        e["kind"] == "receipt" && e["id"] == echo_id && e["text"] == "read"
    })
    .await;

    // React to the contact's message, then to our own (`me:`), then remove that reaction.
    let data = post(
        &env,
        "ana",
        "/chat/react",
        json!({ "Phone": "15551120002", "Body": "👍", "Id": echo_id }),
    )
    .await;
    assert_eq!(data["Details"], "Sent");
    let reaction_id = data["Id"].as_str().unwrap().to_owned();
    let entry = inbox_entry(&env, "15551120002", |e| e["id"] == reaction_id).await;
    assert_eq!((&entry["kind"], &entry["text"]), (&json!("reaction"), &json!("👍")));
    for emoji in ["❤️", ""] {
        let data = post(
            &env,
            "ana",
            "/chat/react",
            json!({ "Phone": "15551120002", "Body": emoji, "Id": "me:3EB0C0FFEE000001" }),
        )
        .await;
        let id = data["Id"].as_str().unwrap().to_owned();
        let entry = inbox_entry(&env, "15551120002", |e| e["id"] == id).await;
        assert_eq!((&entry["kind"], &entry["text"]), (&json!("reaction"), &json!(emoji)));
    }

    // Typing indicators are accepted (the simulated phone does not show them).
    let data = post(
        &env,
        "ana",
        "/chat/presence",
        json!({ "Phone": "15551120002", "State": "composing", "Media": "audio" }),
    )
    .await;
    assert_eq!(data["Details"], "Chat presence set successfully");

    // The contact writes on its own: a Message webhook.
    let (status, sent) = env
        .control(
            "POST",
            "/control/send",
            json!({ "from": "15551120002", "to": "15551120001", "text": "a reply from the phone" }),
        )
        .await;
    assert_eq!(status, 200, "{sent}");
    let id = sent["id"].as_str().unwrap();
    let message = hook.message(id).await;
    assert_eq!(message["event"]["Message"], json!({ "conversation": "a reply from the phone" }));
    // Only subscribed types were delivered (no QR, PairSuccess…).
    let subscribed = ["Message", "ReadReceipt", "Connected"];
    assert!(
        hook.seen.iter().all(|b| subscribed.iter().any(|t| b["type"] == *t)),
        "{:#?}",
        hook.seen
    );
    env.server.shutdown().await;
}

#[tokio::test]
async fn two_users_reply_read_type_and_react() {
    common::logs();
    let env = Env::start("chat-two").await;
    phone(&env, "15551130001", "Alice", false).await;
    phone(&env, "15551130002", "Bob", false).await;
    let mut alice_hook = Hook::start().await;
    let mut bob_hook = Hook::start().await;
    env.user("alice", &alice_hook.receiver.url, "Message,ReadReceipt,ChatPresence,Connected", "")
        .await;
    env.user("bob", &bob_hook.receiver.url, "Message,ChatPresence,Connected", "").await;
    pair(&env, &mut alice_hook, "alice", "15551130001").await;
    pair(&env, &mut bob_hook, "bob", "15551130002").await;
    let alice_jid = "15551130001@s.whatsapp.net";
    let bob_jid = "15551130002@s.whatsapp.net";

    post(
        &env,
        "alice",
        "/chat/send/text",
        json!({ "Phone": "15551130002", "Body": "hi bob", "Id": "3EB0A11CE0000001" }),
    )
    .await;
    let received = bob_hook.message("3EB0A11CE0000001").await;
    assert_eq!(received["event"]["Info"]["Chat"], alice_jid);
    assert_eq!(received["event"]["Info"]["PushName"], "Alice");
    // As wuzapi sends every text: an extendedTextMessage.
    assert_eq!(
        received["event"]["Message"],
        json!({ "extendedTextMessage": { "text": "hi bob" } })
    );
    alice_hook.receipt("Delivered", "3EB0A11CE0000001").await;

    // Bob replies quoting Alice's message: Alice sees the quote in contextInfo.
    let data = post(
        &env,
        "bob",
        "/chat/send/text",
        json!({ "Phone": alice_jid, "Body": "hi alice", "ContextInfo": {
            "StanzaId": "3EB0A11CE0000001", "Participant": alice_jid } }),
    )
    .await;
    let reply = alice_hook.message(data["Id"].as_str().unwrap()).await;
    assert_eq!(
        reply["event"]["Message"],
        json!({ "extendedTextMessage": { "text": "hi alice", "contextInfo": {
            "stanzaID": "3EB0A11CE0000001", "participant": alice_jid,
            "quotedMessage": { "conversation": "" } } } })
    );
    assert_eq!(reply["event"]["Info"]["Chat"], bob_jid);

    // Bob reads Alice's message: Alice gets a Read receipt.
    post(&env, "bob", "/chat/markread", json!({ "Id": ["3EB0A11CE0000001"], "Chat": alice_jid }))
        .await;
    let read = alice_hook.receipt("Read", "3EB0A11CE0000001").await;
    assert_eq!(read["event"]["Chat"], bob_jid);
    assert_eq!(read["event"]["Type"], "read");
    assert_eq!(read["event"]["IsFromMe"], false);

    // Bob records audio, then stops: Alice sees both chat states.
    for (state, media) in [("composing", "audio"), ("paused", "")] {
        post(
            &env,
            "bob",
            "/chat/presence",
            json!({ "Phone": "15551130001", "State": state, "Media": media }),
        )
        .await;
        let seen = alice_hook
            .find(&format!("ChatPresence {state}"), |b| {
                b["type"] == "ChatPresence" && b["event"]["State"] == state
            })
            .await;
        assert_eq!(seen["event"]["Chat"], bob_jid);
        assert!(seen["event"]["Sender"].as_str().unwrap().starts_with("15551130002"));
        assert_eq!(seen["event"]["Media"], media);
    }

    // Bob reacts to Alice's message; Alice reacts to her own (`me:`).
    let data = post(
        &env,
        "bob",
        "/chat/react",
        json!({ "Phone": "15551130001", "Body": "🎉", "Id": "3EB0A11CE0000001" }),
    )
    .await;
    let reaction = alice_hook.message(data["Id"].as_str().unwrap()).await;
    let r = &reaction["event"]["Message"]["reactionMessage"];
    assert_eq!((&r["text"], &r["key"]["ID"]), (&json!("🎉"), &json!("3EB0A11CE0000001")));
    assert_eq!(r["key"]["fromMe"], false);
    let data = post(
        &env,
        "alice",
        "/chat/react",
        json!({ "Phone": "15551130002", "Body": "👀", "Id": "me:3EB0A11CE0000001" }),
    )
    .await;
    let reaction = bob_hook.message(data["Id"].as_str().unwrap()).await;
    let r = &reaction["event"]["Message"]["reactionMessage"];
    assert_eq!((&r["text"], &r["key"]["ID"]), (&json!("👀"), &json!("3EB0A11CE0000001")));
    assert_eq!(r["key"]["fromMe"], true);

    // Bob is not subscribed to ReadReceipt: the delivery receipts of his messages stayed home.
    post(&env, "alice", "/chat/send/text", json!({ "Phone": "15551130002", "Body": "last" })).await;
    bob_hook
        .find("the last text", |b| b["event"]["Message"]["extendedTextMessage"]["text"] == "last")
        .await;
    assert!(bob_hook.seen.iter().all(|b| b["type"] != "ReadReceipt"), "{:#?}", bob_hook.seen);
    env.server.shutdown().await;
}

#[tokio::test]
async fn group_texts_read_receipts_and_reactions_name_the_sender() {
    common::logs();
    let env = Env::start("chat-group").await;
    phone(&env, "15551150001", "Gail", false).await;
    phone(&env, "15551150002", "Hal", false).await;
    let mut gail_hook = Hook::start().await;
    let mut hal_hook = Hook::start().await;
    env.user("gail", &gail_hook.receiver.url, "Message,ReadReceipt,Connected", "").await;
    env.user("hal", &hal_hook.receiver.url, "Message,Connected", "").await;
    pair(&env, &mut gail_hook, "gail", "15551150001").await;
    pair(&env, &mut hal_hook, "hal", "15551150002").await;
    let (status, group) = env
        .control(
            "POST",
            "/control/groups",
            json!({ "creator": "15551150001", "subject": "G", "participants": ["15551150002"] }),
        )
        .await;
    assert_eq!(status, 201, "{group}");
    let group = group["jid"].as_str().unwrap().to_owned();

    let data =
        post(&env, "gail", "/chat/send/text", json!({ "Phone": group, "Body": "hi all" })).await;
    let id = data["Id"].as_str().unwrap().to_owned();
    let received = hal_hook.message(&id).await;
    let info = &received["event"]["Info"];
    assert_eq!((&info["Chat"], &info["IsGroup"]), (&json!(group), &json!(true)));
    let gail_sender = info["Sender"].as_str().unwrap().to_owned();

    // Reading a group message with wuzapi's fields only (no Sender): the session knows who
    // wrote it; Gail sees the group's read receipt.
    post(&env, "hal", "/chat/markread", json!({ "Id": [id], "Chat": group })).await;
    let read = gail_hook.receipt("Read", &id).await;
    assert_eq!((&read["event"]["Chat"], &read["event"]["IsGroup"]), (&json!(group), &json!(true)));

    // A reaction to Gail's group message, without Participant (as wuzapi's clients send it),
    // names her as the key's participant; so does one that names her.
    for participant in [None, Some(gail_sender.as_str())] {
        let mut body = json!({ "Phone": group, "Body": "🔥", "Id": id });
        if let Some(p) = participant {
            body["Participant"] = json!(p);
        }
        let data = post(&env, "hal", "/chat/react", body).await;
        let reaction = gail_hook.message(data["Id"].as_str().unwrap()).await;
        let key = &reaction["event"]["Message"]["reactionMessage"]["key"];
        assert_eq!((&key["ID"], &key["remoteJID"]), (&json!(id), &json!(group)));
        let participant = key["participant"].as_str().unwrap();
        assert_eq!(participant.split('@').next(), gail_sender.split([':', '@']).next());
    }
    // A message the session never saw: the caller must say who wrote it.
    let unknown = json!({ "Phone": group, "Body": "🔥", "Id": "3EB0FFFFFFFFFFFF" }).to_string();
    assert_error(
        &env.api.user("POST", "/chat/react", "hal", Some(&unknown)).await,
        400,
        "missing Participant",
    );

    // Mentions (ContextInfo.MentionedJID) reach the group members in the contextInfo.
    let hal_jid = "15551150002@s.whatsapp.net";
    let data = post(
        &env,
        "gail",
        "/chat/send/text",
        json!({ "Phone": group, "Body": "hi @15551150002",
                "ContextInfo": { "MentionedJID": [hal_jid] } }),
    )
    .await;
    let mention = hal_hook.message(data["Id"].as_str().unwrap()).await;
    assert_eq!(
        mention["event"]["Message"]["extendedTextMessage"],
        json!({ "text": "hi @15551150002", "contextInfo": { "mentionedJID": [hal_jid] } })
    );
    env.server.shutdown().await;
}

#[tokio::test]
async fn chat_calls_check_their_fields_then_the_session() {
    let env = Env::start("chat-bad").await;
    env.user("cid", "", "", "").await;
    let call =
        |path: &'static str, body: &'static str| env.api.user("POST", path, "cid", Some(body));
    let text = "/chat/send/text";
    assert_error(&call(text, "{\"Phone\":").await, 400, "malformed JSON");
    assert_error(&call(text, r#"{"Body":"x"}"#).await, 400, "missing field `phone`");
    assert_error(&call(text, r#"{"Phone":"1555"}"#).await, 400, "missing field `body`");
    assert_error(
        &call(text, r#"{"Phone":5,"Body":"x"}"#).await,
        400,
        "field `phone`: invalid type",
    );
    assert_error(&call(text, r#"{"Phone":"1","Body":["x"]}"#).await, 400, "field `body`");
    assert_error(&call(text, r#"{"Phone":"","Body":"x"}"#).await, 400, "missing Phone");
    assert_error(&call(text, r#"{"Phone":"12ab","Body":"x"}"#).await, 400, "invalid Phone");
    assert_error(&call(text, r#"{"Phone":"1555","Body":""}"#).await, 400, "missing Body");
    let no_participant = r#"{"Phone":"1555","Body":"x","ContextInfo":{"StanzaId":"A"}}"#;
    assert_error(&call(text, no_participant).await, 400, "missing Participant");
    let no_stanza =
        r#"{"Phone":"1555","Body":"x","ContextInfo":{"Participant":"1@s.whatsapp.net"}}"#;
    assert_error(&call(text, no_stanza).await, 400, "missing StanzaId");
    let bad_participant =
        r#"{"Phone":"1555","Body":"x","ContextInfo":{"StanzaId":"A","Participant":"x y"}}"#;
    assert_error(&call(text, bad_participant).await, 400, "ContextInfo.Participant");
    let mistyped = r#"{"Phone":"1555","Body":"x","ContextInfo":"A"}"#;
    assert_error(&call(text, mistyped).await, 400, "field `contextinfo`");
    let bad_mention = r#"{"Phone":"1555","Body":"x","ContextInfo":{"MentionedJID":["x y"]}}"#;
    assert_error(&call(text, bad_mention).await, 400, "ContextInfo.MentionedJID[0]");

    let read = "/chat/markread";
    assert_error(&call(read, r#"{"Chat":"1555"}"#).await, 400, "missing field `id`");
    assert_error(&call(read, r#"{"Id":"A","Chat":"1555"}"#).await, 400, "field `id`: invalid type");
    assert_error(&call(read, r#"{"Id":[],"Chat":"1555"}"#).await, 400, "Id must list");
    assert_error(&call(read, r#"{"Id":["A"]}"#).await, 400, "missing field `chat`");
    assert_error(&call(read, r#"{"Id":["A"],"Chat":"?"}"#).await, 400, "invalid Chat");
    // wuzapi's fields are enough in groups: no Sender needed (the session is not up here).
    let group = r#"{"Id":["A"],"Chat":"120363000000000001@g.us"}"#;
    assert_error(&call(read, group).await, 409, "not connected");

    let presence = "/chat/presence";
    assert_error(&call(presence, r#"{"Phone":"1555"}"#).await, 400, "missing field `state`");
    assert_error(
        &call(presence, r#"{"Phone":"1555","State":"typing"}"#).await,
        400,
        "invalid State",
    );
    let video = r#"{"Phone":"1555","State":"composing","Media":"video"}"#;
    assert_error(&call(presence, video).await, 400, "invalid Media");

    let react = "/chat/react";
    assert_error(&call(react, r#"{"Phone":"1555","Body":"x"}"#).await, 400, "missing field `id`");
    assert_error(&call(react, r#"{"Phone":"1555","Id":"A"}"#).await, 400, "missing field `body`");
    assert_error(
        &call(react, r#"{"Phone":"1555","Body":"x","Id":"me:"}"#).await,
        400,
        "missing Id",
    );
    assert_error(&call(react, r#"{"Phone":"1555","Body":1,"Id":"A"}"#).await, 400, "field `body`");
    let group = r#"{"Phone":"120363000000000001@g.us","Body":"x","Id":"A"}"#;
    assert_error(&call(react, group).await, 409, "not connected");

    // Valid requests before the session is up: 409, saying what to do.
    let valid: [(&str, &str); 4] = [
        (text, r#"{"Phone":"15551140001","Body":"x"}"#),
        (read, r#"{"Id":["A"],"Chat":"15551140001"}"#),
        (presence, r#"{"Phone":"15551140001","State":"paused"}"#),
        (react, r#"{"Phone":"15551140001","Body":"x","Id":"A"}"#),
    ];
    for (path, body) in valid {
        assert_error(&call(path, body).await, 409, "not connected");
    }
    // Connected but not paired yet.
    let (status, value) = env.api.user("POST", "/session/connect", "cid", None).await;
    assert_eq!(status, 200, "{value}");
    for (path, body) in valid {
        assert_error(&call(path, body).await, 409, "not logged in");
    }
    // Wrong method and no token.
    assert_error(&env.api.user("GET", text, "cid", None).await, 405, "method not allowed");
    assert_error(&env.api.raw("POST", text, &[], Some("{}")).await, 401, "missing Token");
    env.server.shutdown().await;
}
