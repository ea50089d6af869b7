//! `SandboxConfig::latency`: the server is at network distance. Every stanza reaches the client
//! no sooner than the latency after its cause, the first one after the handshake included
//! (Baileys misreads a frame that beats its own ClientFinish write: sandbox/README.md), and
//! the simulated phone is as far away as the client.
use std::time::{Duration, Instant};

use rand::rngs::OsRng;
use wazap::binary::{DictVersion, Jid, Node, Server};
use wazap::crypto::KeyPair;
use wazap_sandbox::{Sandbox, SandboxConfig};

use crate::common::{
    answer_pair_success, create_account, http, login, register, TestConn, TestDevice,
};

const LATENCY: Duration = Duration::from_millis(150);
const LOGIN_TIME: Duration = Duration::from_millis(100);

#[tokio::test]
async fn stanzas_reach_the_client_a_latency_after_their_cause() {
    let config = SandboxConfig { login_time: LOGIN_TIME, ..SandboxConfig::ephemeral() };
    let sandbox = Sandbox::start(config.with_latency(LATENCY)).await.expect("sandbox starts");
    let device = TestDevice::new();
    let mut conn =
        TestConn::connect(&sandbox, &device, &device.registration_payload(), DictVersion::V3)
            .await
            .expect("registration handshake");
    // `connect` returns once the ClientFinish was written: the server's first frame (the
    // pair-device iq) was queued after it arrived and the login time passed, and is held back
    // for the latency.
    let finished = Instant::now();
    let first = conn.recv().await;
    assert!(first.child_by_tag("pair-device").is_some(), "{first}");
    let took = finished.elapsed();
    assert!(took >= LOGIN_TIME + LATENCY, "first frame after {took:?}");

    // An answer too.
    let asked = Instant::now();
    let pong = conn.iq("w:p", "get", vec![]).await;
    assert_eq!(pong.attr_str("type"), Some("result"), "{pong}");
    assert!(asked.elapsed() >= LATENCY, "answer after {:?}", asked.elapsed());
}

#[tokio::test]
async fn the_phone_welcomes_a_companion_after_its_prekey_upload_was_answered() {
    let sandbox = Sandbox::start(SandboxConfig::ephemeral().with_latency(LATENCY))
        .await
        .expect("sandbox starts");
    create_account(&sandbox, "15554460000", "Fay").await;
    let mut device = TestDevice::new();
    let (mut conn, refs) = register(&sandbox, &device).await;
    let body = serde_json::json!({ "phone": "15554460000", "qr": device.qr(&refs[0]) });
    let (status, value) = http(&sandbox, "POST", "/control/pair", Some(&body.to_string())).await;
    assert_eq!(status, 200, "pair: {value}");
    answer_pair_success(&mut conn, &mut device).await;
    conn.expect_closed().await;

    let (mut conn, _) = login(&sandbox, &device).await;
    let signed = &device.signed_prekey;
    let key = |id: u32| {
        Node::new("key")
            .child(Node::new("id").bytes(id.to_be_bytes()[1..].to_vec()))
            .child(Node::new("value").bytes(KeyPair::generate(&mut OsRng).public.0.to_vec()))
    };
    let upload = Node::new("iq")
        .attr("id", "upload")
        .attr("xmlns", "encrypt")
        .attr("type", "set")
        .attr("to", Jid::server_only(Server::Pn))
        .child(Node::new("registration").bytes(device.registration_id.to_be_bytes().to_vec()))
        .child(Node::new("type").bytes(vec![5]))
        .child(Node::new("identity").bytes(device.identity.public.0.to_vec()))
        .child(Node::new("list").children(vec![key(1), key(2)]))
        .child(
            Node::new("skey")
                .child(Node::new("id").bytes(signed.id.to_be_bytes()[1..].to_vec()))
                .child(Node::new("value").bytes(signed.key_pair.public.0.to_vec()))
                .child(Node::new("signature").bytes(signed.signature.to_vec())),
        );
    conn.send(&upload).await;
    // The answer to the upload comes before anything the phone encrypted with those keys.
    loop {
        let node = conn.recv().await;
        assert_ne!(node.tag, "message", "a welcome message overtook the upload's answer: {node}");
        if node.tag == "iq" && node.attr_str("id") == Some("upload") {
            assert_eq!(node.attr_str("type"), Some("result"), "{node}");
            break;
        }
    }
    // And well after it: the phone fetched the bundle over its own connection first.
    let answered = Instant::now();
    let welcome = conn.recv_tag("message").await;
    assert_eq!(welcome.attr_str("category"), Some("peer"), "{welcome}");
    assert!(answered.elapsed() >= LATENCY, "welcome {:?} after the answer", answered.elapsed());
}
