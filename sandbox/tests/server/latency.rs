//! `SandboxConfig::latency`: the server is at network distance. Every stanza reaches the client
//! no sooner than the latency after its cause, the first one after the handshake included
//! (Baileys misreads a frame that beats its own ClientFinish write: sandbox/README.md).
use std::time::{Duration, Instant};

use wazap::binary::DictVersion;
use wazap_sandbox::{Sandbox, SandboxConfig};

use crate::common::{TestConn, TestDevice};

const LATENCY: Duration = Duration::from_millis(150);

#[tokio::test]
async fn stanzas_reach_the_client_a_latency_after_their_cause() {
    let sandbox = Sandbox::start(SandboxConfig::ephemeral().with_latency(LATENCY))
        .await
        .expect("sandbox starts");
    let device = TestDevice::new();
    let mut conn =
        TestConn::connect(&sandbox, &device, &device.registration_payload(), DictVersion::V3)
            .await
            .expect("registration handshake");
    // `connect` returns once the ClientFinish was written: the server's first frame (the
    // pair-device iq) was queued after it arrived, and is held back for the latency.
    let finished = Instant::now();
    let first = conn.recv().await;
    assert!(first.child_by_tag("pair-device").is_some(), "{first}");
    assert!(finished.elapsed() >= LATENCY, "first frame after {:?}", finished.elapsed());

    // An answer too.
    let asked = Instant::now();
    let pong = conn.iq("w:p", "get", vec![]).await;
    assert_eq!(pong.attr_str("type"), Some("result"), "{pong}");
    assert!(asked.elapsed() >= LATENCY, "answer after {:?}", asked.elapsed());
}
