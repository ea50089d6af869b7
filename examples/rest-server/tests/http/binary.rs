//! The `wazap-server` binary as a wuzapi user starts it: Go-style one-dash flags
//! (`-logtype json`, `-osname`, `-skipmedia`), JSON log lines, the embedded sandbox.
use std::process::Stdio;

use serde_json::Value;
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::Command;

use crate::common;

#[tokio::test]
async fn one_dash_flags_and_json_logs() {
    let dir = common::temp_dir("binary");
    let mut child = Command::new(env!("CARGO_BIN_EXE_wazap-server"))
        .args(["--sandbox", "--sandbox-listen", "127.0.0.1:0", "--listen", "127.0.0.1:0"])
        .arg("--data")
        .arg(&dir)
        .args(["-admintoken", "adm", "-logtype", "json", "-osname=Mac OS 10", "-skipmedia"])
        .env_remove("RUST_LOG")
        .env_remove("TZ")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .expect("the binary starts");
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let mut json_lines = Vec::new();
    let listening = common::bounded(async {
        while let Some(line) = lines.next_line().await.expect("stdout") {
            if let Some(addr) = line.strip_prefix("wazap-server: listening on ") {
                return addr.to_owned();
            }
            if let Ok(value) = serde_json::from_str::<Value>(&line) {
                json_lines.push(value);
            }
        }
        panic!("the binary ended before listening");
    })
    .await;
    assert!(listening.starts_with("http://127.0.0.1:"), "{listening}");
    // Every log line is one JSON object with the level and the message.
    let started = json_lines
        .iter()
        .find(|l| l["fields"]["message"] == "wazap-server listening")
        .unwrap_or_else(|| panic!("no JSON log of the start: {json_lines:?}"));
    assert_eq!(started["level"], "INFO");
    // The admin token of -admintoken works.
    let (status, _) = common::Api { base: listening.clone(), http: reqwest::Client::new() }
        .raw("GET", "/admin/users", &[("Authorization", "adm")], None)
        .await;
    assert_eq!(status, 200);
    child.kill().await.expect("stopped");
}
