//! QR pairing end to end: registration → pair-device with 6 refs → the phone scans a QR (control
//! API) → pair-success that the companion verifies → pair-device-sign → stream:error 515 →
//! login → success.
use crate::common;

use common::*;
use wazap::binary::Node;

#[tokio::test]
async fn registration_gets_six_refs() {
    let sandbox = start().await;
    let device = TestDevice::new();
    let (_conn, refs) = register(&sandbox, &device).await;
    assert_eq!(refs.len(), 6);
    let mut unique = refs.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), 6, "refs are distinct");
    assert!(refs.iter().all(|r| !r.contains(',')));
}

#[tokio::test]
async fn qr_pairing_then_login_succeeds() {
    let sandbox = start().await;
    let account = create_account(&sandbox, "15550001111", "Alice").await;
    let lid = account["lid"].as_str().expect("lid").to_owned();
    assert_eq!(account["jid"], "15550001111@s.whatsapp.net");
    assert!(lid.ends_with("@lid"));

    let mut device = TestDevice::new();
    let (mut conn, refs) = register(&sandbox, &device).await;
    let body = serde_json::json!({ "phone": "+15550001111", "qr": device.qr(&refs[1]) });
    let (status, value) = http(&sandbox, "POST", "/control/pair", Some(&body.to_string())).await;
    assert_eq!(status, 200, "{value}");
    assert_eq!(value["device_jid"], "15550001111:1@s.whatsapp.net");

    let iq = conn.recv_tag("iq").await;
    let success = iq.child_by_tag("pair-success").expect("pair-success");
    let dev = success.child_by_tag("device").expect("device");
    assert_eq!(dev.req_jid("jid").unwrap().to_string(), "15550001111:1@s.whatsapp.net");
    assert_eq!(dev.req_jid("lid").unwrap().user, lid.trim_end_matches("@lid"));
    assert_eq!(success.child_by_tag("platform").and_then(|p| p.attr_str("name")), Some("android"));
    // Feed the same iq to the helper that answers as a companion does.
    let identity = success.child_by_tag("device-identity").and_then(Node::content_bytes).unwrap();
    let pairing =
        wazap::pair::complete_pair_success(identity, &device.adv_secret, &device.identity)
            .expect("valid ADV identity");
    assert_eq!(pairing.key_index(), 1);
    let reply = iq_result_for(&iq).child(
        Node::new("pair-device-sign").child(
            Node::new("device-identity")
                .attr("key-index", pairing.key_index())
                .bytes(pairing.reply_identity.clone()),
        ),
    );
    conn.send(&reply).await;
    let rest = conn.expect_closed().await;
    let last = rest.last().expect("a stream error before closing");
    assert_eq!(last.tag, "stream:error");
    assert_eq!(last.attr_str("code"), Some("515"));

    device.paired = Some(("15550001111".into(), 1));
    let (_conn, success) = login(&sandbox, &device).await;
    assert_eq!(success.tag, "success", "{success}");
    assert_eq!(
        success.req_jid("lid").unwrap().to_string(),
        format!("{}:1@lid", lid.trim_end_matches("@lid"))
    );
    assert!(success.req_u64("t").unwrap() > 1_600_000_000);

    let (status, devices) = http(&sandbox, "GET", "/control/devices?phone=15550001111", None).await;
    assert_eq!(status, 200);
    let list = devices.as_array().expect("list");
    assert_eq!(list.len(), 2);
    assert_eq!(list[1]["jid"], "15550001111:1@s.whatsapp.net");
    assert_eq!(list[1]["name"], "wazap-test");
    assert_eq!(list[1]["connected"], true);
}

#[tokio::test]
async fn a_bad_device_signature_does_not_link_the_device() {
    let sandbox = start().await;
    create_account(&sandbox, "15550002222", "Bob").await;
    let device = TestDevice::new();
    let (mut conn, refs) = register(&sandbox, &device).await;
    let body = serde_json::json!({ "phone": "15550002222", "qr": device.qr(&refs[0]) });
    let (status, _) = http(&sandbox, "POST", "/control/pair", Some(&body.to_string())).await;
    assert_eq!(status, 200);
    let iq = conn.recv_tag("iq").await;
    let identity = iq
        .child_by_path(&["pair-success", "device-identity"])
        .and_then(Node::content_bytes)
        .unwrap();
    // Signed with another identity key than the one registered.
    let other = wazap::crypto::KeyPair::generate(&mut rand::rngs::OsRng);
    let forged = wazap::pair::complete_pair_success(identity, &device.adv_secret, &other);
    assert!(forged.is_err(), "the account signature covers our identity only");
    let mut tampered =
        wazap::pair::complete_pair_success(identity, &device.adv_secret, &device.identity)
            .unwrap()
            .reply_identity;
    let last = tampered.len() - 1;
    tampered[last] ^= 1;
    let reply = iq_result_for(&iq).child(
        Node::new("pair-device-sign")
            .child(Node::new("device-identity").attr("key-index", 1u32).bytes(tampered)),
    );
    conn.send(&reply).await;
    let rest = conn.expect_closed().await;
    assert!(rest.iter().all(|n| n.attr_str("code") != Some("515")), "{rest:?}");
    let (_, devices) = http(&sandbox, "GET", "/control/devices?phone=15550002222", None).await;
    assert_eq!(devices.as_array().map(Vec::len), Some(1), "only the phone: {devices}");
}

#[tokio::test]
async fn unknown_device_login_fails_with_401() {
    let sandbox = start().await;
    create_account(&sandbox, "15550003333", "Carol").await;
    let mut device = TestDevice::new();
    device.paired = Some(("15550003333".into(), 4));
    let (mut conn, failure) = login(&sandbox, &device).await;
    assert_eq!(failure.tag, "failure");
    assert_eq!(failure.attr_str("reason"), Some("401"));
    assert!(conn.expect_closed().await.is_empty());
}

#[tokio::test]
async fn login_with_another_noise_key_fails_and_second_login_replaces_first() {
    let sandbox = start().await;
    create_account(&sandbox, "15550004444", "Dan").await;
    let device = pair_new_device(&sandbox, "15550004444").await;

    let mut impostor = TestDevice::new();
    impostor.paired = device.paired.clone();
    let (_c, failure) = login(&sandbox, &impostor).await;
    assert_eq!((failure.tag.as_ref(), failure.attr_str("reason")), ("failure", Some("401")));

    let (mut first, success) = login(&sandbox, &device).await;
    assert_eq!(success.tag, "success");
    let (mut second, success) = login(&sandbox, &device).await;
    assert_eq!(success.tag, "success");
    let rest = first.expect_closed().await;
    let error = rest.last().expect("stream error");
    assert_eq!(error.tag, "stream:error");
    assert_eq!(error.child_by_tag("conflict").and_then(|c| c.attr_str("type")), Some("replaced"));
    let pong = second.iq("w:p", "get", vec![]).await;
    assert_eq!(pong.attr_str("type"), Some("result"));
}

#[tokio::test]
async fn dictionary_v2_clients_are_served_in_v2() {
    let sandbox = start().await;
    let device = TestDevice::new();
    let mut conn = TestConn::connect(
        &sandbox,
        &device,
        &device.registration_payload(),
        wazap::binary::DictVersion::V2,
    )
    .await
    .expect("v2 handshake");
    // The test connection decodes with v2 tables: the iq must decode into the same stanza.
    let iq = conn.recv().await;
    assert_eq!(iq.child_by_tag("pair-device").map(|p| p.children_by_tag("ref").count()), Some(6));
    assert_eq!(conn.iq("w:p", "get", vec![]).await.attr_str("type"), Some("result"));
}

#[tokio::test]
async fn garbage_after_the_handshake_closes_that_connection_only() {
    let sandbox = start().await;
    let device = TestDevice::new();
    let (mut bad, _) = register(&sandbox, &device).await;
    bad.send_raw(&[0x00, 0xf8, 0x7f, 0xff, 0x01]).await;
    let rest = bad.expect_closed().await;
    assert_eq!(rest.last().map(|n| n.tag.as_ref()), Some("stream:error"), "{rest:?}");
    // A zlib flag over bytes that do not inflate.
    let (mut bad, _) = register(&sandbox, &TestDevice::new()).await;
    bad.send_raw(&[0x02, 1, 2, 3, 4]).await;
    assert_eq!(
        bad.expect_closed().await.last().map(|n| n.tag.to_string()),
        Some("stream:error".into())
    );
    // The server still serves others.
    let (mut good, refs) = register(&sandbox, &TestDevice::new()).await;
    assert_eq!(refs.len(), 6);
    assert_eq!(good.iq("w:p", "get", vec![]).await.attr_str("type"), Some("result"));
}

#[tokio::test]
async fn expired_refs_are_refused_while_later_refs_still_pair() {
    let sandbox = start().await;
    create_account(&sandbox, "15550003333", "Carol").await;
    let device = TestDevice::new();
    let (mut conn, refs) = register(&sandbox, &device).await;
    // The real server's schedule: ref 0 for 60 s, each next one 20 s more. 81 s later the
    // first two have expired and the third (valid until 100 s) has not.
    tokio::time::pause();
    tokio::time::advance(std::time::Duration::from_secs(81)).await;
    tokio::time::resume();
    for expired in &refs[..2] {
        let body = serde_json::json!({ "phone": "15550003333", "qr": device.qr(expired) });
        let (status, answer) =
            http(&sandbox, "POST", "/control/pair", Some(&body.to_string())).await;
        assert_eq!(status, 410, "{answer}");
        assert!(answer["error"].as_str().is_some_and(|e| e.contains("expired")), "{answer}");
    }
    let body = serde_json::json!({ "phone": "15550003333", "qr": device.qr(&refs[2]) });
    let (status, answer) = http(&sandbox, "POST", "/control/pair", Some(&body.to_string())).await;
    assert_eq!(status, 200, "{answer}");
    let iq = conn.recv_tag("iq").await;
    assert!(iq.child_by_tag("pair-success").is_some(), "{iq}");
}
