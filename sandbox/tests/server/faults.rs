//! Fault injection (`POST/GET/DELETE /control/faults`, `--faults`): each fault does what its
//! name says to connections, counted in `GET /control/faults`, and stops with `DELETE`.
use std::process::Stdio;
use std::time::{Duration, Instant};

use serde_json::{json, Value};
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::Command;
use wazap::binary::{DictVersion, Node};
use wazap_sandbox::SandboxHandle;

use crate::common::{create_account, http, login, pair_new_device, start, TestConn, TestDevice};

async fn set_faults(sandbox: &SandboxHandle, faults: Value) -> Value {
    let (status, view) = http(sandbox, "POST", "/control/faults", Some(&faults.to_string())).await;
    assert_eq!(status, 200, "{view}");
    view
}

async fn faults(sandbox: &SandboxHandle) -> Value {
    let (status, view) = http(sandbox, "GET", "/control/faults", None).await;
    assert_eq!(status, 200, "{view}");
    view
}

#[tokio::test]
async fn faults_are_set_shown_and_cleared_and_bad_ones_refused() {
    let sandbox = start().await;
    let view = faults(&sandbox).await;
    assert_eq!(view["active"], false, "{view}");
    assert_eq!(view["faults"]["stream_error"], "none");

    let spec = json!({
        "drop_every_ms": 500, "delay_ms": 5, "handshake_fail_ratio": 0.1, "stream_error": "515",
        "media_5xx_ratio": 0.2, "duplicate_delivery_ratio": 0.3, "seed": 7
    });
    let view = set_faults(&sandbox, spec.clone()).await;
    assert_eq!(view["active"], true);
    assert_eq!(view["faults"], spec);
    assert_eq!(view["injected"]["connections_dropped"], 0);
    assert_eq!(faults(&sandbox).await["faults"], spec);

    for (bad, word) in [
        (json!({"handshake_fail_ratio": 2.0}), "handshake_fail_ratio"),
        (json!({"stream_error": "418"}), "418"),
        (json!({"drop_every": 500}), "drop_every"),
    ] {
        let (status, body) =
            http(&sandbox, "POST", "/control/faults", Some(&bad.to_string())).await;
        assert_eq!(status, 400, "{bad}: {body}");
        assert!(body["error"].as_str().unwrap_or_default().contains(word), "{body}");
    }
    assert_eq!(faults(&sandbox).await["faults"], spec, "a refused setting changes nothing");

    let (status, view) = http(&sandbox, "DELETE", "/control/faults", None).await;
    assert_eq!(status, 200, "{view}");
    assert_eq!(view["active"], false);
    assert_eq!(faults(&sandbox).await["faults"]["drop_every_ms"], 0);
}

#[tokio::test]
async fn connections_are_cut_every_drop_interval_and_what_they_did_not_ack_comes_again() {
    let sandbox = start().await;
    create_account(&sandbox, "15557700001", "Ann").await;
    create_account(&sandbox, "15557700091", "Sender").await;
    let device = pair_new_device(&sandbox, "15557700001").await;
    set_faults(&sandbox, json!({"drop_every_ms": 300})).await;

    let (mut conn, success) = login(&sandbox, &device).await;
    assert_eq!(success.tag, "success", "{success}");
    let began = Instant::now();
    // The phone sends a text; the companion gets it but never acks it.
    let body = json!({"from": "15557700091", "to": "15557700001", "text": "one"});
    let (status, sent) = http(&sandbox, "POST", "/control/send", Some(&body.to_string())).await;
    assert_eq!(status, 200, "{sent}");
    let before_cut = conn.recv_until_cut().await;
    let lived = began.elapsed();
    assert!(lived >= Duration::from_millis(250), "cut after {lived:?}");
    assert!(before_cut.iter().any(|n| is_message(n, &sent["id"])), "{before_cut:?}");
    assert!(
        !before_cut.iter().any(|n| n.tag == "stream:error"),
        "a cut, not a stream error: {before_cut:?}"
    );
    assert_eq!(faults(&sandbox).await["injected"]["connections_dropped"], 1);

    // The next connection is given the unacked message again (and is cut too).
    let (mut conn, _) = login(&sandbox, &device).await;
    let again = conn.recv_until_cut().await;
    assert!(again.iter().any(|n| is_message(n, &sent["id"])), "{again:?}");
    let view = faults(&sandbox).await;
    assert_eq!(view["injected"]["connections_dropped"], 2, "{view}");
    assert_eq!(view["observed"]["logins"], 2, "{view}");

    // Once cleared, a connection stays.
    http(&sandbox, "DELETE", "/control/faults", None).await;
    let (mut conn, _) = login(&sandbox, &device).await;
    let answer = tokio::time::timeout(Duration::from_secs(1), async {
        tokio::time::sleep(Duration::from_millis(600)).await;
        conn.iq("w:p", "get", vec![]).await
    })
    .await
    .expect("the connection outlives the old drop interval");
    assert_eq!(answer.attr_str("type"), Some("result"), "{answer}");
}

fn is_message(node: &Node, id: &Value) -> bool {
    node.tag == "message" && node.attr_str("id") == id.as_str()
}

#[tokio::test]
async fn a_share_of_handshakes_fails_and_the_draws_follow_the_seed() {
    let sandbox = start().await;
    let device = TestDevice::new();
    let outcomes = |seed: u64| {
        let sandbox = &sandbox;
        let device = &device;
        async move {
            set_faults(sandbox, json!({"handshake_fail_ratio": 0.5, "seed": seed})).await;
            let mut outcomes = Vec::new();
            for _ in 0..16 {
                let conn = TestConn::connect(
                    sandbox,
                    device,
                    &device.registration_payload(),
                    DictVersion::V3,
                )
                .await;
                outcomes.push(conn.is_ok());
            }
            outcomes
        }
    };
    let first = outcomes(11).await;
    let failed = first.iter().filter(|ok| !**ok).count();
    assert!(failed > 0 && failed < 16, "{first:?}");
    assert_eq!(faults(&sandbox).await["injected"]["handshakes_failed"], failed as u64);
    assert_eq!(outcomes(11).await, first, "the same seed fails the same handshakes");
    set_faults(&sandbox, json!({"handshake_fail_ratio": 1.0})).await;
    assert!(TestConn::connect(&sandbox, &device, &device.registration_payload(), DictVersion::V3)
        .await
        .is_err());
}

#[tokio::test]
async fn the_stream_error_goes_out_once() {
    let sandbox = start().await;
    create_account(&sandbox, "15557700002", "Bo").await;
    let device = pair_new_device(&sandbox, "15557700002").await;
    let (mut conn, _) = login(&sandbox, &device).await;
    // Set while the device is connected: it gets the error now.
    set_faults(&sandbox, json!({"stream_error": "conflict"})).await;
    let last = conn.expect_closed().await;
    let error = last.iter().find(|n| n.tag == "stream:error").expect("a stream error");
    let conflict = error.child_by_tag("conflict").expect("conflict");
    assert_eq!(conflict.attr_str("type"), Some("replaced"));
    assert_eq!(faults(&sandbox).await["injected"]["stream_errors_sent"], 1);
    // The next connection is left alone.
    let (mut conn, _) = login(&sandbox, &device).await;
    let pong = conn.iq("w:p", "get", vec![]).await;
    assert_eq!(pong.attr_str("type"), Some("result"), "{pong}");

    // Set while nobody is connected: the next login gets it (515 here, a restart).
    conn.close().await;
    set_faults(&sandbox, json!({"stream_error": "515"})).await;
    let (mut conn, _) = login(&sandbox, &device).await;
    let last = conn.expect_closed().await;
    assert_eq!(last.last().and_then(|n| n.attr_str("code")), Some("515"), "{last:?}");
}

#[tokio::test]
async fn delivered_stanzas_are_duplicated_and_frames_delayed() {
    let sandbox = start().await;
    create_account(&sandbox, "15557700003", "Cy").await;
    create_account(&sandbox, "15557700093", "Sender").await;
    let device = pair_new_device(&sandbox, "15557700003").await;
    set_faults(&sandbox, json!({"duplicate_delivery_ratio": 1.0, "delay_ms": 200})).await;
    let (mut conn, _) = login(&sandbox, &device).await;
    let asked = Instant::now();
    let pong = conn.iq("w:p", "get", vec![]).await;
    assert_eq!(pong.attr_str("type"), Some("result"), "{pong}");
    assert!(asked.elapsed() >= Duration::from_millis(200), "answered in {:?}", asked.elapsed());

    let body = json!({"from": "15557700093", "to": "15557700003", "text": "twice"});
    let (status, sent) = http(&sandbox, "POST", "/control/send", Some(&body.to_string())).await;
    assert_eq!(status, 200, "{sent}");
    let first = conn.recv_tag("message").await;
    let second = conn.recv_tag("message").await;
    assert_eq!(first, second);
    assert_eq!(first.attr_str("id"), sent["id"].as_str());
    let view = faults(&sandbox).await;
    assert!(view["injected"]["stanzas_duplicated"].as_u64() >= Some(1), "{view}");
    assert!(view["injected"]["frames_delayed"].as_u64() >= Some(3), "{view}");
}

#[tokio::test]
async fn a_share_of_media_requests_gets_a_503() {
    let sandbox = start().await;
    set_faults(&sandbox, json!({"media_5xx_ratio": 1.0})).await;
    let (status, body) = http(&sandbox, "GET", "/v/sandbox/00.enc", None).await;
    assert_eq!(status, 503, "{body}");
    let (status, _) = http(&sandbox, "POST", "/mms/image/AA?auth=x", Some("x")).await;
    assert_eq!(status, 503);
    assert_eq!(faults(&sandbox).await["injected"]["media_requests_failed"], 2);
    http(&sandbox, "DELETE", "/control/faults", None).await;
    let (status, _) = http(&sandbox, "GET", "/v/sandbox/00.enc", None).await;
    assert_eq!(status, 404, "no fault: an unknown file is not found");
}

#[tokio::test]
async fn the_binary_starts_with_the_faults_it_is_given_and_refuses_bad_ones() {
    let spec = json!({"delay_ms": 3, "duplicate_delivery_ratio": 0.25, "seed": 5});
    let mut child = Command::new(env!("CARGO_BIN_EXE_wazap-sandbox"))
        .args(["--listen", "127.0.0.1:0", "--faults", &spec.to_string()])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .kill_on_drop(true)
        .spawn()
        .expect("the binary starts");
    let mut stdout = BufReader::new(child.stdout.take().expect("stdout"));
    let mut line = String::new();
    tokio::time::timeout(Duration::from_secs(30), stdout.read_line(&mut line))
        .await
        .expect("ready line in time")
        .expect("read");
    let ready: Value = serde_json::from_str(&line).expect("a JSON line");
    let control = ready["control_url"].as_str().expect("control_url");
    let addr = control.trim_start_matches("http://").trim_end_matches("/control");
    let view = get_json(addr, "/control/faults").await;
    assert_eq!(view["active"], true, "{view}");
    assert_eq!(view["faults"]["delay_ms"], 3);
    assert_eq!(view["faults"]["duplicate_delivery_ratio"], 0.25);
    child.start_kill().expect("kill");
    let _ = child.wait().await;

    let output = Command::new(env!("CARGO_BIN_EXE_wazap-sandbox"))
        .args(["--faults", r#"{"media_5xx_ratio": -1}"#])
        .output()
        .await
        .expect("runs");
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("media_5xx_ratio"));
}

/// A GET over plain HTTP/1.1 to `addr` (the binary's sandbox has no handle here).
async fn get_json(addr: &str, path: &str) -> Value {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut stream = tokio::net::TcpStream::connect(addr).await.expect("connect");
    let request = format!("GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n");
    stream.write_all(request.as_bytes()).await.expect("write");
    let mut response = String::new();
    tokio::time::timeout(Duration::from_secs(30), stream.read_to_string(&mut response))
        .await
        .expect("answer in time")
        .expect("read");
    let (_, body) = response.split_once("\r\n\r\n").expect("HTTP head");
    serde_json::from_str(body).expect("JSON body")
}
