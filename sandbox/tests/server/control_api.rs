//! The control API's answers to bad input: 4xx statuses with a JSON `{"error"}`.
use crate::common;

use common::*;
use serde_json::Value;

fn assert_error(status: u16, body: &Value, expected: u16) {
    assert_eq!(status, expected, "{body}");
    assert!(body["error"].as_str().is_some_and(|e| !e.is_empty()), "a JSON error message: {body}");
}

#[tokio::test]
async fn account_creation_errors() {
    let sandbox = start().await;
    let (s, b) = http(&sandbox, "POST", "/control/accounts", Some("{not json")).await;
    assert_error(s, &b, 400);
    let (s, b) = http(&sandbox, "POST", "/control/accounts", Some(r#"{"push_name":"x"}"#)).await;
    assert_error(s, &b, 400);
    let (s, b) = http(&sandbox, "POST", "/control/accounts", Some(r#"{"phone":"12ab"}"#)).await;
    assert_error(s, &b, 400);
    create_account(&sandbox, "15556660000", "Fay").await;
    let (s, b) =
        http(&sandbox, "POST", "/control/accounts", Some(r#"{"phone":"15556660000"}"#)).await;
    assert_error(s, &b, 409);
}

#[tokio::test]
async fn pair_errors() {
    let sandbox = start().await;
    let device = TestDevice::new();
    let (_conn, refs) = register(&sandbox, &device).await;
    let qr = device.qr(&refs[0]);
    let pair = |phone: &str, qr: &str| serde_json::json!({ "phone": phone, "qr": qr }).to_string();

    let (s, b) = http(&sandbox, "POST", "/control/pair", Some(&pair("15557770000", &qr))).await;
    assert_error(s, &b, 404); // unknown account
    create_account(&sandbox, "15557770000", "Gus").await;
    let (s, b) = http(&sandbox, "POST", "/control/pair", Some(&pair("15557770000", "hello"))).await;
    assert_error(s, &b, 400); // malformed QR
    let unknown_ref = device.qr("2@nosuchref");
    let (s, b) =
        http(&sandbox, "POST", "/control/pair", Some(&pair("15557770000", &unknown_ref))).await;
    assert_error(s, &b, 404);
    let other = TestDevice::new();
    let (s, b) =
        http(&sandbox, "POST", "/control/pair", Some(&pair("15557770000", &other.qr(&refs[0]))))
            .await;
    assert_error(s, &b, 400); // keys of another device
    let (s, b) = http(&sandbox, "POST", "/control/pair", Some("[]")).await;
    assert_error(s, &b, 400);

    let code =
        |phone: &str, code: &str| serde_json::json!({ "phone": phone, "code": code }).to_string();
    let (s, b) =
        http(&sandbox, "POST", "/control/pair-code", Some(&code("15557770000", "ABC"))).await;
    assert_error(s, &b, 400);
    let (s, b) =
        http(&sandbox, "POST", "/control/pair-code", Some(&code("15557770000", "ABCD-EFGH"))).await;
    assert_error(s, &b, 404); // nobody asked for a code
}

#[tokio::test]
async fn devices_and_unknown_endpoints() {
    let sandbox = start().await;
    let (s, b) = http(&sandbox, "GET", "/control/devices?phone=15558880000", None).await;
    assert_error(s, &b, 404);
    let (s, b) = http(&sandbox, "GET", "/control/devices", None).await;
    assert_error(s, &b, 400);
    let (s, b) = http(&sandbox, "GET", "/control/nothing", None).await;
    assert_error(s, &b, 404);
    create_account(&sandbox, "15558880000", "Hal").await;
    let (s, b) = http(&sandbox, "GET", "/control/devices?phone=%2B15558880000", None).await;
    assert_eq!(s, 200);
    assert_eq!(b[0]["jid"], "15558880000@s.whatsapp.net");
    assert_eq!(b[0]["device"], 0);
}
