//! A wuzapi integration pointed at wazap-server: webhooks in wuzapi's formats (the form by
//! default, `WEBHOOK_FORMAT=json`), media files embedded in message webhooks (`base64`,
//! `mimeType`, `fileName`) within the limit and never with `-skipmedia`, the global webhook
//! that gets every user's events signed with the global key; the receivers parse the bodies as
//! a wuzapi receiver does.
use crate::common;

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use common::messaging::{pair, phone, post, Hook};
use common::{assert_error, Delivery, Env, Receiver};
use serde_json::{json, Value};
use wazap_server::webhook::signature;
use wazap_server::{MediaPolicy, WebhookFormat};

fn sample(len: usize, seed: u8) -> Vec<u8> {
    (0..len).map(|i| (i as u32).wrapping_mul(2_654_435_761).to_le_bytes()[3] ^ seed).collect()
}

fn data_url(mime: &str, bytes: &[u8]) -> String {
    format!("data:{mime};base64,{}", STANDARD.encode(bytes))
}

/// The first delivery (already seen or yet to come) whose event `pred` accepts.
async fn await_delivery(
    receiver: &mut Receiver,
    seen: &mut Vec<Delivery>,
    pred: impl Fn(&Value) -> bool,
) -> Delivery {
    if let Some(d) = seen.iter().find(|d| pred(&d.body)) {
        return d.clone();
    }
    loop {
        let d = receiver.next().await;
        seen.push(d.clone());
        if pred(&d.body) {
            return d;
        }
    }
}

fn message(id: &str) -> impl Fn(&Value) -> bool + '_ {
    move |b| b["type"] == "Message" && b["event"]["Info"]["ID"] == id
}

#[tokio::test]
async fn json_format_global_webhook_and_embedded_media() {
    common::logs();
    let mut global = Receiver::start(0).await;
    let mut seen = Vec::new();
    let options = wazap_server::DeliveryOptions {
        format: WebhookFormat::Json,
        global_webhook: global.url.clone(),
        global_hmac_key: "g-key".into(),
        media: MediaPolicy { skip: false, limit: 200_000 },
    };
    let env = Env::start_with("dropin-json", options).await;
    let (ann_phone, ben_phone) = ("15551180001", "15551180002");
    phone(&env, ann_phone, "Ann", false).await;
    phone(&env, ben_phone, "Ben", false).await;
    let mut ann_hook = Hook::start().await;
    env.user("ann", &ann_hook.receiver.url, "Message,Connected", "a-key").await;
    // Ben has no webhook of his own: his events reach only the global one.
    let ben_id = env.user("ben", "", "", "").await;
    pair(&env, &mut ann_hook, "ann", ann_phone).await;
    env.pair("ben", ben_phone).await;

    // Ann's own webhook: JSON with wuzapi's added fields, signed with her key.
    let connected = ann_hook.find("Connected", |b| b["type"] == "Connected").await;
    assert_eq!((&connected["token"], &connected["instanceName"]), (&json!("ann"), &json!("ann")));

    let photo = sample(150_000, 7);
    let sent = post(
        &env,
        "ann",
        "/chat/send/image",
        json!({ "Phone": ben_phone, "Image": data_url("image/png", &photo), "Caption": "hi" }),
    )
    .await;
    let id = sent["Id"].as_str().unwrap().to_owned();
    let big = sample(300_000, 9);
    let sent = post(
        &env,
        "ann",
        "/chat/send/document",
        json!({ "Phone": ben_phone, "Document": data_url("application/pdf", &big),
                "FileName": "big.pdf" }),
    )
    .await;
    let big_id = sent["Id"].as_str().unwrap().to_owned();

    // The global webhook gets Ben's message with the file embedded, as wuzapi embeds it.
    let delivery = await_delivery(&mut global, &mut seen, message(&id)).await;
    assert_eq!(delivery.content_type, "application/json");
    assert_eq!(delivery.signature.as_deref(), Some(signature(b"g-key", &delivery.raw).as_str()));
    let body = &delivery.body;
    assert_eq!((&body["userID"], &body["token"]), (&json!(ben_id.to_string()), &json!("ben")));
    assert_eq!(body["event"]["Message"]["imageMessage"]["caption"], "hi");
    assert_eq!(body["mimeType"], "image/png");
    assert_eq!(body["fileName"], format!("{id}.png"));
    assert_eq!(STANDARD.decode(body["base64"].as_str().expect("base64")).unwrap(), photo);

    // A file over the limit travels without its bytes (the message itself still does).
    let delivery = await_delivery(&mut global, &mut seen, message(&big_id)).await;
    assert_eq!(delivery.body["event"]["Message"]["documentMessage"]["fileName"], "big.pdf");
    assert!(delivery.body.get("base64").is_none(), "over the limit: no file");

    // Every user's events reach the global webhook: Ann's Connected too.
    let ann_connected =
        await_delivery(&mut global, &mut seen, |b| b["type"] == "Connected" && b["token"] == "ann")
            .await;
    assert_eq!(ann_connected.body["instanceName"], "ann");
}

#[tokio::test]
async fn the_form_is_the_default_and_skipmedia_leaves_files_out() {
    common::logs();
    let options = wazap_server::DeliveryOptions {
        media: MediaPolicy { skip: true, ..MediaPolicy::default() },
        ..wazap_server::DeliveryOptions::default()
    };
    let env = Env::start_with("dropin-form", options).await;
    let (cat_phone, dan_phone) = ("15551180003", "15551180004");
    phone(&env, cat_phone, "Cat", false).await;
    phone(&env, dan_phone, "Dan", false).await;
    let mut cat_hook = Hook::start().await;
    let mut dan_hook = Hook::start().await;
    env.user("cat", &cat_hook.receiver.url, "Connected", "").await;
    let dan_id = env.user("dan", &dan_hook.receiver.url, "Message,Connected", "d-key").await;
    pair(&env, &mut cat_hook, "cat", cat_phone).await;
    pair(&env, &mut dan_hook, "dan", dan_phone).await;

    let photo = sample(20_000, 3);
    let sent = post(
        &env,
        "cat",
        "/chat/send/image",
        json!({ "Phone": dan_phone, "Image": data_url("image/jpeg", &photo) }),
    )
    .await;
    let id = sent["Id"].as_str().unwrap().to_owned();
    let mut seen = Vec::new();
    let delivery = await_delivery(&mut dan_hook.receiver, &mut seen, message(&id)).await;
    assert_eq!(delivery.content_type, "application/x-www-form-urlencoded");
    assert_eq!(delivery.signature.as_deref(), Some(signature(b"d-key", &delivery.raw).as_str()));
    assert_eq!(delivery.form["token"], "dan");
    assert_eq!(delivery.form["userID"], dan_id.to_string());
    assert_eq!(delivery.form["instanceName"], "dan");
    let event: Value = serde_json::from_str(&delivery.form["jsonData"]).unwrap();
    assert_eq!(event["event"]["Message"]["imageMessage"]["mimetype"], "image/jpeg");
    assert!(event.get("base64").is_none(), "-skipmedia: no file in the webhook");

    // The device name (-osname) is what the phone shows under Linked devices.
    let (status, devices) =
        env.control("GET", &format!("/control/devices?phone={dan_phone}"), Value::Null).await;
    assert_eq!(status, 200, "{devices}");
    assert_eq!(devices[1]["name"], "wazap-server test", "{devices}");

    // /user/presence and /user/lid/{jid}.
    let data = post(&env, "dan", "/user/presence", json!({ "type": "available" })).await;
    assert_eq!(data["Details"], "Presence set successfuly");
    let bad = json!({ "type": "away" }).to_string();
    assert_error(&env.api.user("POST", "/user/presence", "dan", Some(&bad)).await, 400, "away");
    let path = format!("/user/lid/{cat_phone}@s.whatsapp.net");
    let (status, value) = env.api.user("GET", &path, "dan", None).await;
    assert_eq!(status, 200, "{value}");
    assert_eq!(value["data"]["jid"], format!("{cat_phone}@s.whatsapp.net"));
    assert!(value["data"]["lid"].as_str().is_some_and(|l| l.ends_with("@lid")), "{value}");
    // And by ?token= instead of the header, as wuzapi allows.
    let (status, value) = env.api.raw("GET", &format!("{path}?token=dan"), &[], None).await;
    assert_eq!(status, 200, "{value}");
}
