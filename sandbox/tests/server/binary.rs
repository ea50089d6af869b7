//! The `wazap-sandbox` binary prints exactly one JSON line when ready, and serves what it
//! announces.
use std::process::Stdio;
use std::time::Duration;

use tokio::io::{AsyncBufReadExt, AsyncReadExt, BufReader};
use tokio::process::Command;

const WAIT: Duration = Duration::from_secs(30);

#[tokio::test]
async fn prints_one_ready_line_and_serves_it() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_wazap-sandbox"))
        .args(["--listen", "127.0.0.1:0"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .kill_on_drop(true)
        .spawn()
        .expect("the binary starts");
    let mut stdout = BufReader::new(child.stdout.take().expect("stdout"));
    let mut line = String::new();
    tokio::time::timeout(WAIT, stdout.read_line(&mut line))
        .await
        .expect("ready line in time")
        .expect("read");
    let ready: serde_json::Value = serde_json::from_str(&line).expect("a JSON line");
    let object = ready.as_object().expect("an object");
    let mut keys: Vec<&str> = object.keys().map(String::as_str).collect();
    keys.sort_unstable();
    assert_eq!(keys, ["control_url", "media_url", "root_public_key", "ws_url"]);
    let ws = ready["ws_url"].as_str().unwrap();
    assert!(ws.starts_with("ws://127.0.0.1:") && ws.ends_with("/ws/chat"), "{ws}");
    let port = ws.trim_start_matches("ws://127.0.0.1:").trim_end_matches("/ws/chat");
    assert_eq!(ready["control_url"], format!("http://127.0.0.1:{port}/control"));
    assert_eq!(ready["media_url"], format!("http://127.0.0.1:{port}"));
    let root = hex::decode(ready["root_public_key"].as_str().unwrap()).expect("hex");
    assert_eq!(root.len(), 32);

    // The announced endpoint completes a Noise handshake whose chain leads to the printed root.
    let conn = tokio::time::timeout(WAIT, wazap::socket::connect(ws, "https://web.whatsapp.com"))
        .await
        .expect("connect in time")
        .expect("connect");
    let config = wazap::socket::ClientHandshakeConfig {
        trusted_root: wazap::crypto::PublicKey::from_bytes(&root).unwrap(),
        ..Default::default()
    };
    let mut rng = rand::rngs::OsRng;
    let noise = wazap::crypto::KeyPair::generate(&mut rng);
    let payload = prost::Message::encode_to_vec(&wazap::payload::login_payload(
        15550000000,
        1,
        &wazap::payload::PayloadConfig::default(),
    ));
    let handshake = wazap::socket::client_handshake(
        conn,
        &config,
        &noise,
        wazap::crypto::KeyPair::generate(&mut rng),
        &payload,
    );
    tokio::time::timeout(WAIT, handshake).await.expect("handshake in time").expect("handshake");

    child.start_kill().expect("kill");
    let mut rest = String::new();
    tokio::time::timeout(WAIT, stdout.read_to_string(&mut rest)).await.expect("eof").expect("read");
    assert_eq!(rest, "", "nothing but the ready line on stdout");
    let _ = child.wait().await;
}

#[tokio::test]
async fn bad_arguments_exit_with_usage() {
    let output = Command::new(env!("CARGO_BIN_EXE_wazap-sandbox"))
        .args(["--listen", "not-an-address"])
        .output()
        .await
        .expect("runs");
    assert_eq!(output.status.code(), Some(2));
    assert!(output.stdout.is_empty());
    assert!(String::from_utf8_lossy(&output.stderr).contains("usage"));
}

#[tokio::test]
async fn a_latency_or_login_time_that_is_not_a_number_is_refused() {
    for flag in ["--latency-ms", "--login-ms"] {
        let output = Command::new(env!("CARGO_BIN_EXE_wazap-sandbox"))
            .args([flag, "soon"])
            .output()
            .await
            .expect("runs");
        assert_eq!(output.status.code(), Some(2));
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(stderr.contains(&format!("{flag} soon")) && stderr.contains("usage"), "{stderr}");
    }
}
