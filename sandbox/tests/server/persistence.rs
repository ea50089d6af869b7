//! `--data DIR`: accounts, devices, prekeys and the root key survive a restart.
use crate::common;

use common::*;
use rand::RngCore;
use wazap::binary::Node;
use wazap_sandbox::{Sandbox, SandboxConfig};

fn temp_dir() -> std::path::PathBuf {
    let mut tag = [0u8; 8];
    rand::rngs::OsRng.fill_bytes(&mut tag);
    std::env::temp_dir().join(format!("wazap-sandbox-test-{}", hex::encode(tag)))
}

#[tokio::test]
async fn state_survives_a_restart() {
    let dir = temp_dir();
    let config = SandboxConfig::ephemeral().with_data_dir(&dir);

    let sandbox = Sandbox::start(config.clone()).await.expect("start");
    let root = sandbox.root_public_key();
    let account = create_account(&sandbox, "15551230000", "Jo").await;
    let device = pair_new_device(&sandbox, "15551230000").await;
    let (mut conn, _) = login(&sandbox, &device).await;
    let prekey = |id: u32| {
        Node::new("key")
            .child(Node::new("id").bytes(id.to_be_bytes()[1..].to_vec()))
            .child(Node::new("value").bytes(vec![id as u8; 32]))
    };
    let skey = Node::new("skey")
        .child(Node::new("id").bytes(vec![0, 0, 1]))
        .child(Node::new("value").bytes(device.signed_prekey.key_pair.public.0.to_vec()))
        .child(Node::new("signature").bytes(device.signed_prekey.signature.to_vec()));
    let upload = vec![
        Node::new("registration").bytes(device.registration_id.to_be_bytes().to_vec()),
        Node::new("type").bytes(vec![5]),
        Node::new("identity").bytes(device.identity.public.0.to_vec()),
        Node::new("list").children((1..=3).map(prekey)),
        skey,
    ];
    assert_eq!(conn.iq("encrypt", "set", upload).await.attr_str("type"), Some("result"));
    drop(conn);
    sandbox.shutdown().await;

    let sandbox = Sandbox::start(config).await.expect("restart");
    assert_eq!(sandbox.root_public_key(), root, "the same root key");
    let (mut conn, success) = login(&sandbox, &device).await;
    assert_eq!(success.tag, "success", "{success}");
    assert_eq!(
        success.req_jid("lid").unwrap().user,
        account["lid"].as_str().unwrap().trim_end_matches("@lid")
    );
    let count = conn.iq("encrypt", "get", vec![Node::new("count")]).await;
    assert_eq!(count.child_by_tag("count").and_then(|c| c.attr_str("value")), Some("3"));
    let (_, devices) = http(&sandbox, "GET", "/control/devices?phone=15551230000", None).await;
    assert_eq!(devices.as_array().map(Vec::len), Some(2), "{devices}");
    sandbox.shutdown().await;
    let _ = std::fs::remove_dir_all(&dir);
}
