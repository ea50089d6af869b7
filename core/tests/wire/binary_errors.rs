//! Malformed frames: each failure a caller may tell apart has its own error, and no input
//! panics (truncations of every vector, corrupt and oversized zlib, deep nesting).

use crate::common;

use std::io::Write;

use wazap::binary::{
    decode, encode, try_encode, DecodeError, Decoder, DictVersion, EncodeError, Jid, Node,
    MAX_DEPTH,
};

fn dec(hex: &str) -> Result<Node, DecodeError> {
    decode(&hex::decode(hex).expect("hex"))
}

fn zlib(data: &[u8]) -> Vec<u8> {
    let mut z = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::default());
    z.write_all(data).expect("deflate");
    z.finish().expect("deflate")
}

#[test]
fn every_truncation_of_every_vector_is_an_error() {
    for file in ["binary_v3.json", "binary_v2.json"] {
        let vectors = common::load(file);
        for case in vectors["cases"].as_array().expect("cases") {
            let Some(hex) = case.get("hex") else { continue };
            let bytes = common::hex(hex);
            let compressed = bytes[0] & 2 != 0;
            for cut in 0..bytes.len() {
                let result = decode(&bytes[..cut]);
                assert!(result.is_err(), "{}: prefix {cut} decoded", case["name"]);
                if !compressed && cut > 1 {
                    assert!(
                        matches!(result, Err(DecodeError::UnexpectedEof { .. })),
                        "{} prefix {cut}: {result:?}",
                        case["name"]
                    );
                }
            }
        }
    }
}

#[test]
fn empty_input() {
    assert_eq!(decode(&[]), Err(DecodeError::UnexpectedEof { position: 0, needed: 1 }));
    assert_eq!(decode(&[0]), Err(DecodeError::UnexpectedEof { position: 0, needed: 1 }));
}

#[test]
fn unknown_tag_bytes() {
    for t in 240..=244u8 {
        // <item k=?>: the value byte is not a tag of the format.
        let hex = format!("00f8033ffc016b{t:02x}");
        assert_eq!(dec(&hex), Err(DecodeError::InvalidTag { tag: t, position: 6 }));
    }
}

#[test]
fn tags_in_the_wrong_place() {
    // Node header that is not a list.
    assert!(matches!(dec("0019"), Err(DecodeError::UnexpectedTag { tag: 0x19, position: 0, .. })));
    // A list as the node tag.
    assert!(matches!(dec("00f801f80119"), Err(DecodeError::UnexpectedTag { tag: 0xf8, .. })));
    // A JID as an attribute key.
    assert!(matches!(
        dec("00f8033ffa0003fc0178"),
        Err(DecodeError::UnexpectedTag { tag: 0xfa, .. })
    ));
}

#[test]
fn empty_nodes() {
    assert_eq!(dec("0000"), Err(DecodeError::EmptyNode { position: 0 }));
    assert_eq!(dec("00f800"), Err(DecodeError::EmptyNode { position: 0 }));
    // Tag written as an empty raw string.
    assert_eq!(dec("00f801fc00"), Err(DecodeError::EmptyNode { position: 0 }));
}

#[test]
fn invalid_packed_strings() {
    // NIBBLE_8 "1c": 0xc is not a nibble character.
    assert_eq!(
        dec("00f8033ffc016bff011c"),
        Err(DecodeError::InvalidNibble { nibble: 0xc, position: 8 })
    );
    // 0xf in the middle of nibbles (only the filler of an odd length may be 0xf).
    assert!(matches!(
        dec("00f8033ffc016bff01f1"),
        Err(DecodeError::InvalidNibble { nibble: 0xf, .. })
    ));
    // Odd length flag without any byte.
    assert_eq!(dec("00f8033ffc016bff80"), Err(DecodeError::InvalidPackedLength { position: 7 }));
    // Every hex nibble is valid.
    assert_eq!(dec("00f8033ffc016bfb01fa").expect("hex").attr_str("k"), Some("FA"));
}

#[test]
fn invalid_utf8_in_strings() {
    assert_eq!(dec("00f8033ffc016bfc02c328"), Err(DecodeError::Utf8 { position: 6 }));
    // Raw content is bytes: no UTF-8 needed.
    assert_eq!(dec("00f8023ffc02c328").expect("bytes").content_bytes(), Some(&[0xc3, 0x28][..]));
}

#[test]
fn invalid_jids() {
    assert!(matches!(dec("00f8033ffc016bfa0300"), Err(DecodeError::InvalidJid { .. })));
    assert!(matches!(dec("00f8033ffc016bfa03fc00"), Err(DecodeError::InvalidJid { .. })));
    // FB_JID whose server is not msgr.
    assert!(matches!(dec("00f8033ffc016bf6ff811f000103"), Err(DecodeError::InvalidJid { .. })));
    // A valid FB_JID and INTEROP_JID.
    let fb = Jid { device: 1, ..Jid::new("1", wazap::binary::Server::Messenger) };
    let node = Node::new("to").attr("jid", fb.clone());
    assert_eq!(decode(&encode(&node)).expect("fb").req_jid("jid"), Ok(fb));
    let interop: Jid = "7-15551234567:2@interop".parse().expect("jid");
    let node = Node::new("to").attr("jid", interop.clone());
    let bytes = encode(&node);
    assert_eq!(bytes[5], 0xf5);
    assert_eq!(decode(&bytes).expect("interop").req_jid("jid"), Ok(interop));
}

#[test]
fn trailing_bytes() {
    assert_eq!(dec("00f801190000"), Err(DecodeError::TrailingBytes { count: 2 }));
}

#[test]
fn nesting_is_bounded() {
    // <a><a><a>... one child each, deeper than MAX_DEPTH, without a single allocation per level
    // being able to overflow the stack.
    let mut hex = String::from("00");
    for _ in 0..MAX_DEPTH + 10 {
        hex.push_str("f80219f801");
    }
    hex.push_str("f80119");
    assert_eq!(dec(&hex), Err(DecodeError::TooDeep { limit: MAX_DEPTH }));
    // Just inside the limit decodes.
    let mut node = Node::new("iq");
    for _ in 0..MAX_DEPTH - 1 {
        node = Node::new("iq").child(node);
    }
    assert_eq!(decode(&encode(&node)), Ok(node));
}

#[test]
fn lying_list_sizes_do_not_allocate() {
    // LIST_16 of 65535 children, then nothing: fails fast with EOF.
    assert!(matches!(dec("00f80271f9ffff"), Err(DecodeError::UnexpectedEof { .. })));
    // BINARY_32 claiming 4 GiB.
    assert!(matches!(dec("00f8023ffeffffffff"), Err(DecodeError::UnexpectedEof { .. })));
}

#[test]
fn compressed_frames() {
    let node = Node::new("success").attr("t", "1700000000");
    let body = encode(&node);
    let mut frame = vec![2];
    frame.extend(zlib(&body[1..]));
    assert_eq!(decode(&frame), Ok(node));

    // Corrupt zlib data.
    assert!(matches!(decode(&[2, 0x78, 0x9c, 0xff, 0xff]), Err(DecodeError::Zlib(_))));
    // Inflated size bound.
    let big = encode(&Node::new("media").bytes(vec![0u8; 100_000]));
    let mut frame = vec![2];
    frame.extend(zlib(&big[1..]));
    let small = Decoder::new(DictVersion::V3).with_max_inflated(50_000);
    assert_eq!(small.decode(&frame), Err(DecodeError::TooLarge { limit: 50_000 }));
    assert!(Decoder::new(DictVersion::V3).decode(&frame).is_ok());
}

#[test]
fn unencodable_nodes_are_errors() {
    assert_eq!(try_encode(&Node::new("")), Err(EncodeError::EmptyTag));
    let many = Node::new("list").children((0..65536).map(|_| Node::new("item")));
    assert!(matches!(try_encode(&many), Err(EncodeError::TooManyChildren { count: 65536, .. })));
    let jid = Jid::pn("1").with_device(300);
    let node = Node::new("to").attr("jid", jid);
    assert!(matches!(try_encode(&node), Err(EncodeError::DeviceOutOfRange { device: 300, .. })));
    // The same JID as text cannot be an AD_JID: it is written as a raw string instead.
    let node = Node::new("to").attr("jid", "1:300@s.whatsapp.net");
    assert_eq!(decode(&encode(&node)).expect("raw").attr_str("jid"), Some("1:300@s.whatsapp.net"));
    // encode_into leaves the buffer untouched on error.
    let mut out = vec![9];
    let encoder = wazap::binary::Encoder::new(DictVersion::V3);
    assert!(encoder.encode_into(&Node::new(""), &mut out).is_err());
    assert_eq!(out, [9]);
}
