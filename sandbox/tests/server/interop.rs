//! What the ecosystem's real clients (whatsmeow, Baileys) need from the server, byte for byte:
//! one regression test per disagreement found by `tests/interop/` (each is a bullet of "Learned
//! from interop" in sandbox/README.md). Token bytes are from whatsmeow's `binary/token/token.go`
//! (double-byte dictionary 1: `ref` = 80, `pair-device` = 238; DICTIONARY_1 is 0xED).
use crate::common;

use common::*;
use wazap::binary::{Content, DictVersion};

const LIST_8: u8 = 0xf8;
const BINARY_8: u8 = 0xfc;
const DICTIONARY_1: u8 = 0xed;

/// whatsmeow (`handlePairDevice`, pair.go) takes a `<ref>` only when its content decodes as
/// `[]byte`, i.e. comes as BINARY_8/20/32; a ref written as text ("2@…" packs as a JID) gave
/// it no QR code at all.
#[tokio::test]
async fn pair_device_refs_are_raw_bytes() {
    let sandbox = start().await;
    let device = TestDevice::new();
    let mut conn =
        TestConn::connect(&sandbox, &device, &device.registration_payload(), DictVersion::V3)
            .await
            .expect("registration handshake");
    let (frame, iq) = conn.recv_frame_or_closed().await.expect("the pair-device iq");
    let refs: Vec<&[u8]> = iq
        .child_by_tag("pair-device")
        .expect("pair-device")
        .children_by_tag("ref")
        .map(|r| r.content_bytes().expect("ref content"))
        .collect();
    assert_eq!(refs.len(), 6);

    // <pair-device> is the iq's only child, so the frame ends with it.
    let mut expected = vec![LIST_8, 2, DICTIONARY_1, 238, LIST_8, 6];
    for r in &refs {
        assert!(r.starts_with(b"2@") && !r.contains(&b','), "{:?}", String::from_utf8_lossy(r));
        expected.extend([LIST_8, 2, DICTIONARY_1, 80, BINARY_8, r.len() as u8]);
        expected.extend_from_slice(r);
    }
    assert!(
        frame.ends_with(&expected),
        "pair-device bytes:\n{}\nexpected the frame to end with:\n{}",
        hex::encode(&frame),
        hex::encode(&expected)
    );
    let pair_device = iq.child_by_tag("pair-device").unwrap();
    assert!(pair_device.children_by_tag("ref").all(|r| matches!(r.content, Content::Bytes(_))));
}
