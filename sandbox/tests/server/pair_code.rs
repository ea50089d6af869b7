//! Pairing by code: companion_hello → ref; the phone enters the code (control API) → the
//! link_code_companion_reg notification; companion_finish → pair-success → 515 → login.
use crate::common;

use common::*;
use rand::rngs::OsRng;
use wazap::binary::{Jid, Node};
use wazap::pair::{CompanionCodePairing, PairingCode};

async fn hello(conn: &mut TestConn, device: &TestDevice, phone: &str, wrapped: &[u8]) -> Node {
    let reg = Node::new("link_code_companion_reg")
        .attr("jid", Jid::pn(phone.to_owned()))
        .attr("stage", "companion_hello")
        .attr("should_show_push_notification", "true")
        .child(
            Node::new("link_code_pairing_wrapped_companion_ephemeral_pub").bytes(wrapped.to_vec()),
        )
        .child(Node::new("companion_server_auth_key_pub").bytes(device.noise.public.0.to_vec()))
        .child(Node::new("companion_platform_id").text("1"))
        .child(Node::new("companion_platform_display").text("Chrome (Linux)"))
        .child(Node::new("link_code_pairing_nonce").bytes(vec![0]));
    conn.iq("md", "set", vec![reg]).await
}

/// Runs the exchange with `entered` typed on the phone; returns the control answer and the
/// connection.
async fn run(
    entered: Option<&str>,
) -> (u16, serde_json::Value, TestConn, TestDevice, wazap_sandbox::SandboxHandle) {
    let sandbox = start().await;
    create_account(&sandbox, "15559990000", "Ivy").await;
    let mut device = TestDevice::new();
    let (mut conn, _refs) = register(&sandbox, &device).await;
    let code = PairingCode::generate(&mut OsRng);
    let (companion, wrapped) = CompanionCodePairing::start(&mut OsRng, code.clone());
    let reply = hello(&mut conn, &device, "15559990000", &wrapped).await;
    assert_eq!(reply.attr_str("type"), Some("result"), "{reply}");
    let pairing_ref = reply
        .child_by_path(&["link_code_companion_reg", "link_code_pairing_ref"])
        .and_then(Node::content_bytes)
        .expect("pairing ref")
        .to_vec();

    let typed = entered.map_or_else(|| code.to_string(), str::to_owned);
    let body = serde_json::json!({ "phone": "15559990000", "code": typed }).to_string();
    let addr_sandbox = &sandbox;
    let control =
        async move { http(addr_sandbox, "POST", "/control/pair-code", Some(&body)).await };
    let companion_side = async {
        let notification = conn.recv_tag("notification").await;
        assert_eq!(notification.attr_str("type"), Some("link_code_companion_reg"));
        let reg = notification.child_by_tag("link_code_companion_reg").expect("reg");
        let bytes = |tag| reg.child_by_tag(tag).and_then(Node::content_bytes).expect(tag).to_vec();
        assert_eq!(bytes("link_code_pairing_ref"), pairing_ref);
        let finish = companion
            .finish(
                &mut OsRng,
                &device.identity,
                &bytes("link_code_pairing_wrapped_primary_ephemeral_pub"),
                &bytes("primary_identity_pub"),
            )
            .expect("companion side of the exchange");
        device.adv_secret = finish.adv_secret;
        let reg = Node::new("link_code_companion_reg")
            .attr("jid", Jid::pn("15559990000"))
            .attr("stage", "companion_finish")
            .child(
                Node::new("link_code_pairing_wrapped_key_bundle").bytes(finish.wrapped_key_bundle),
            )
            .child(Node::new("companion_identity_public").bytes(device.identity.public.0.to_vec()))
            .child(Node::new("link_code_pairing_ref").bytes(pairing_ref.clone()));
        let reply = conn.iq("md", "set", vec![reg]).await;
        (reply, conn)
    };
    let ((status, body), (finish_reply, conn)) = tokio::join!(control, companion_side);
    if status == 200 {
        assert_eq!(finish_reply.attr_str("type"), Some("result"), "{finish_reply}");
    } else {
        assert_eq!(iq_error_code(&finish_reply), Some(400), "{finish_reply}");
    }
    (status, body, conn, device, sandbox)
}

#[tokio::test]
async fn code_pairing_then_login() {
    let (status, body, mut conn, mut device, sandbox) = run(None).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["device_jid"], "15559990000:1@s.whatsapp.net");
    answer_pair_success(&mut conn, &mut device).await;
    let rest = conn.expect_closed().await;
    assert_eq!(rest.last().and_then(|n| n.attr_str("code")), Some("515"));
    let (_conn, success) = login(&sandbox, &device).await;
    assert_eq!(success.tag, "success");
}

#[tokio::test]
async fn a_wrong_code_is_refused() {
    let (status, body, _conn, _device, _sandbox) = run(Some("1111-1111")).await;
    assert_eq!(status, 400, "{body}");
    assert_eq!(body["error"], "wrong pairing code");
}
