//! Our client against a sandbox at network distance (`SandboxConfig::latency`, what the
//! sandbox binary runs with by default): pairing, the 515, login, the phone's welcome and
//! texts both ways all work when every server stanza comes late.
use std::time::Duration;

use wazap::binary::Jid;
use wazap::Event;
use wazap_e2e::{create_account, http, link_companion, wait_for, wait_for_inbox};
use wazap_sandbox::{Sandbox, SandboxConfig};

#[tokio::test]
async fn the_client_works_with_a_server_at_network_distance() {
    let sandbox =
        Sandbox::start(SandboxConfig::ephemeral().with_latency(Duration::from_millis(60)))
            .await
            .expect("sandbox starts");
    let (mine, friend) = ("15550031001", "15550031002");
    create_account(&sandbox, mine).await;
    create_account(&sandbox, friend).await;
    let mut me = link_companion(&sandbox, mine).await;

    me.client.send_text(Jid::pn(friend.to_owned()), "across the network").await.expect("send");
    wait_for_inbox(&sandbox, friend, |e| e["text"] == "across the network").await;

    let body = serde_json::json!({ "from": friend, "to": mine, "text": "and back" });
    let (status, value) = http(sandbox.local_addr(), "POST", "/control/send", Some(&body)).await;
    assert_eq!(status, 200, "send: {value}");
    wait_for(
        &mut me.events,
        |e| matches!(e, Event::Message { message, .. } if message.text() == Some("and back")),
    )
    .await;
}
