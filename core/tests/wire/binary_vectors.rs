//! Known-answer tests of the binary node codec: binary_v3.json and binary_v2.json (Baileys 6/7
//! output with whatsmeow's v3 tables), plus the sanity value of protocol-notes §2.

use crate::common;

use serde_json::Value;
use sha2::{Digest, Sha256};
use wazap::binary::{AttrValue, Content, Decoder, DictVersion, Encoder, Jid, Node, Server};

/// Builds the node a case describes. Attribute values stay text: the encoder itself writes text
/// that parses as a JID with the JID tags, as Baileys does.
fn node_from_json(v: &Value) -> Node {
    let mut node = Node::new(v["tag"].as_str().expect("tag").to_owned());
    for pair in v["attrs"].as_array().expect("attrs") {
        let key = pair[0].as_str().expect("key").to_owned();
        node = node.attr(key, pair[1].as_str().expect("value").to_owned());
    }
    node.content = match &v["content"] {
        Value::Null => Content::None,
        Value::String(s) => Content::Text(s.clone().into()),
        Value::Array(children) => Content::Nodes(children.iter().map(node_from_json).collect()),
        Value::Object(o) if o.contains_key("bytes_hex") => {
            Content::Bytes(common::hex(&o["bytes_hex"]))
        }
        Value::Object(o) => {
            assert_eq!(o["bytes_pattern"], "i%251");
            let len = o["len"].as_u64().expect("len") as usize;
            Content::Bytes((0..len).map(|i| (i % 251) as u8).collect())
        }
        other => panic!("unknown content {other}"),
    };
    node
}

/// Compares a decoded node with the case's node: attributes in order by their text, content by
/// its bytes (raw strings decode as bytes).
fn assert_matches(got: &Node, want: &Value, path: &str) {
    let path = format!("{path}/{}", got.tag);
    assert_eq!(got.tag, want["tag"].as_str().expect("tag"), "{path}: tag");
    let want_attrs = want["attrs"].as_array().expect("attrs");
    let got_attrs: Vec<(String, String)> =
        got.attrs.iter().map(|(k, v)| (k.to_string(), v.text().into_owned())).collect();
    let want_attrs: Vec<(String, String)> = want_attrs
        .iter()
        .map(|p| (p[0].as_str().expect("k").to_owned(), p[1].as_str().expect("v").to_owned()))
        .collect();
    assert_eq!(got_attrs, want_attrs, "{path}: attrs");
    match (&got.content, &want["content"]) {
        (Content::None, Value::Null) => {}
        (Content::Nodes(children), Value::Array(wanted)) => {
            assert_eq!(children.len(), wanted.len(), "{path}: child count");
            for (c, w) in children.iter().zip(wanted) {
                assert_matches(c, w, &path);
            }
        }
        (_, Value::String(s)) => {
            assert_eq!(got.content_bytes(), Some(s.as_bytes()), "{path}: text content")
        }
        (_, Value::Object(_)) => {
            let want_bytes = node_from_json(want).content;
            let Content::Bytes(want_bytes) = want_bytes else { unreachable!() };
            assert_eq!(got.content_bytes(), Some(&want_bytes[..]), "{path}: byte content");
        }
        (got, want) => panic!("{path}: content {got:?} vs {want}"),
    }
}

/// The same node with every attribute value that parses as a JID turned into a typed JID.
fn with_typed_jids(node: &Node) -> Node {
    let mut out = node.clone();
    for (_, value) in &mut out.attrs {
        if let AttrValue::Str(s) = value {
            if s.contains('@') {
                *value = AttrValue::from(s.parse::<Jid>().expect("JID text"));
            }
        }
    }
    if let Content::Nodes(children) = &mut out.content {
        *children = children.iter().map(with_typed_jids).collect();
    }
    out
}

/// Checks the encoder output against `hex`, or `hex_head` + `encoded_len` + `encoded_sha256`.
fn assert_encoding(name: &str, encoded: &[u8], case: &Value) {
    if let Some(hex) = case.get("hex").filter(|_| !case["decode_only"].as_bool().unwrap_or(false)) {
        assert_eq!(hex::encode(encoded), hex.as_str().expect("hex"), "{name}: encoding");
    } else {
        let head = common::hex(&case["hex_head"]);
        assert_eq!(&encoded[..head.len()], &head[..], "{name}: head");
        assert_eq!(encoded.len() as u64, case["encoded_len"].as_u64().expect("len"), "{name}");
        let digest = hex::encode(Sha256::digest(encoded));
        assert_eq!(digest, case["encoded_sha256"].as_str().expect("sha"), "{name}: sha256");
    }
}

/// What the decoder must return: the node, or for `roundtrip: false` cases the node Baileys 7
/// (natively v3) decodes.
fn expected_decoding(case: &Value) -> &Value {
    if case["roundtrip"].as_bool() != Some(false) || case["baileys7_roundtrip"] == true {
        &case["node"]
    } else if let Some(b7) = case.get("baileys7_decoded") {
        b7
    } else {
        &case["baileys_decoded"]
    }
}

fn run_cases(file: &str, version: DictVersion) -> usize {
    let vectors = common::load(file);
    let encoder = Encoder::new(version);
    let decoder = Decoder::new(version);
    let cases = vectors["cases"].as_array().expect("cases");
    for case in cases {
        let name = case["name"].as_str().expect("name");
        let node = node_from_json(&case["node"]);
        let divergent = case["divergent"].as_bool().unwrap_or(false);
        let decode_only = case["decode_only"].as_bool().unwrap_or(false);
        let encoded = encoder.encode(&node);

        if decode_only {
            // Compressed frames: inflate and parse; the body is what our encoder writes.
            let frame = common::hex(&case["hex"]);
            assert_eq!(frame[0] & 2, 2, "{name}: compressed flag");
            assert_matches(&decoder.decode(&frame).expect(name), &case["node"], name);
            let plain = common::hex(&case["uncompressed_hex"]);
            assert_eq!(hex::encode(&encoded), hex::encode(&plain), "{name}: body");
            assert_matches(&decoder.decode(&plain).expect(name), &case["node"], name);
            continue;
        }

        if !divergent {
            assert_encoding(name, &encoded, case);
            // whatsmeow writes JID attributes from typed JIDs: same bytes.
            assert_encoding(name, &encoder.encode(&with_typed_jids(&node)), case);
        }

        // Decode the vector bytes (our own bytes for the large cases, checked above by hash).
        let wire = case.get("hex").map(common::hex).unwrap_or_else(|| encoded.clone());
        let decoded = decoder.decode(&wire).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_matches(&decoded, expected_decoding(case), name);

        // Decoding keeps content kinds (token/packed/JID text vs raw bytes), so re-encoding a
        // decoded canonical frame gives the same bytes.
        if !divergent {
            assert_eq!(
                hex::encode(encoder.encode(&decoded)),
                hex::encode(&wire),
                "{name}: re-encode"
            );
        }
    }
    cases.len()
}

#[test]
fn binary_v3_cases() {
    assert_eq!(run_cases("binary_v3.json", DictVersion::V3), 75);
}

#[test]
fn binary_v2_cases() {
    assert_eq!(run_cases("binary_v2.json", DictVersion::V2), 11);
}

fn case<'a>(vectors: &'a Value, name: &str) -> &'a Value {
    vectors["cases"]
        .as_array()
        .expect("cases")
        .iter()
        .find(|c| c["name"] == name)
        .unwrap_or_else(|| panic!("case {name} missing"))
}

#[test]
fn divergent_empty_attribute_value() {
    let vectors = common::load("binary_v3.json");
    let c = case(&vectors, "empty_string_attr_value");
    // All three forms public encoders write (Baileys 6 0x00, Baileys 7 fc00, whatsmeow ff00)
    // decode as "".
    for hex in [
        c["hex"].as_str().expect("hex"),
        c["baileys7_hex"].as_str().expect("b7"),
        "00f8033ffc016bff00",
    ] {
        let node = wazap::binary::decode(&hex::decode(hex).expect("hex")).expect(hex);
        assert_eq!(node.attr_str("k"), Some(""), "{hex}");
    }
    // We skip empty values, as whatsmeow does and the notes recommend.
    let node = node_from_json(&c["node"]);
    assert_eq!(hex::encode(wazap::binary::encode(&node)), "00f8013f");
}

#[test]
fn divergent_device_zero_and_at_strings() {
    let vectors = common::load("binary_v3.json");
    // ":0" is written as whatsmeow does (JID_PAIR, no device); the vector's AD_JID device 0
    // decodes without ":0", as both Baileys versions do.
    let c = case(&vectors, "jid_pn_device_0");
    let node = node_from_json(&c["node"]);
    assert_eq!(hex::encode(wazap::binary::encode(&node)), "00f803110cfaff8615551234567f03");
    let decoded = wazap::binary::decode(&common::hex(&c["hex"])).expect("decode");
    assert_eq!(decoded.req_jid("jid"), Ok(Jid::pn("15551234567")));
    assert_matches(&decoded, &c["baileys7_decoded"], "jid_pn_device_0");

    // Text with '@' that parses as a JID goes out as one, like Baileys.
    let c = case(&vectors, "string_with_at_is_jid");
    let node = node_from_json(&c["node"]);
    assert_eq!(hex::encode(wazap::binary::encode(&node)), c["hex"].as_str().expect("hex"));
    let decoded = wazap::binary::decode(&common::hex(&c["hex"])).expect("decode");
    assert_eq!(decoded.attr_text("k").as_deref(), Some("foo@bar.example"));
}

#[test]
fn hosted_jids_decode_to_hosted_servers() {
    let vectors = common::load("binary_v3.json");
    for (name, server) in [
        ("jid_hosted_device_ad_jid", Server::Hosted),
        ("jid_hosted_lid_device_ad_jid", Server::HostedLid),
    ] {
        let decoded =
            wazap::binary::decode(&common::hex(&case(&vectors, name)["hex"])).expect(name);
        let jid = decoded.get_attr("jid").and_then(AttrValue::as_jid).expect("typed JID");
        assert_eq!((jid.server.clone(), jid.device), (server, 5), "{name}");
    }
}

#[test]
fn protocol_notes_ping_sanity_value() {
    let ping = Node::new("iq")
        .attr("id", "abc")
        .attr("xmlns", "w:p")
        .attr("type", "get")
        .attr("to", Jid::server_only(Server::Pn));
    let bytes = wazap::binary::encode(&ping);
    assert_eq!(hex::encode(&bytes), "00f8091908fc036162631657042911fa0003");
    assert_eq!(wazap::binary::decode(&bytes), Ok(ping));
}

#[test]
fn decoded_jid_attributes_are_typed() {
    let vectors = common::load("binary_v3.json");
    let decoded = wazap::binary::decode(&common::hex(&case(&vectors, "stanza_success")["hex"]))
        .expect("decode");
    assert_eq!(
        decoded.get_attr("lid"),
        Some(&AttrValue::from(Jid::lid("123456789012345").with_device(7)))
    );
    assert_eq!(decoded.req_u64("t"), Ok(1700000000));
    // Tokens decode without allocating: the tag borrows the static table.
    assert!(matches!(decoded.tag, std::borrow::Cow::Borrowed("success")));
}
