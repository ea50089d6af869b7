//! Property tests of the binary codec: random nodes survive encode -> decode, encoder output is
//! canonical (decode -> encode gives the same bytes), and no input makes the decoder panic.

use std::borrow::Cow;

use proptest::prelude::*;
use wazap::binary::{
    AttrValue, Content, Decoder, DictVersion, Dictionary, Encoder, Jid, Node, Server,
};

/// Strings of every wire form: tokens, packable digits and hex, raw text (never with '@', which
/// would become a JID; JIDs are generated typed).
fn wire_string(version: DictVersion) -> impl Strategy<Value = String> {
    let dict = Dictionary::get(version);
    prop_oneof![
        (1u8..236).prop_map(move |b| dict.single(b).unwrap_or("x").to_owned()),
        (0u8..4, any::<u8>()).prop_map(move |(d, i)| dict.double(d, i).unwrap_or("x").to_owned()),
        "[0-9.-]{1,130}",
        "[0-9A-F]{1,130}",
        "[^@]{1,40}",
        "a{250,260}",
    ]
}

fn jid() -> impl Strategy<Value = Jid> {
    let user = prop_oneof![Just(String::new()), "[0-9]{1,20}", "[a-z0-9]{1,12}"];
    let server = prop_oneof![
        Just(Server::Pn),
        Just(Server::Lid),
        Just(Server::Group),
        Just(Server::Broadcast),
        Just(Server::LegacyUser),
        Just(Server::Newsletter),
        Just(Server::Hosted),
        Just(Server::HostedLid),
        Just(Server::Messenger),
        Just(Server::Interop),
        Just(Server::Bot),
        Just(Server::Call),
        "x-[a-z.]{1,10}".prop_map(|s| Server::Other(s.into())),
    ];
    (user, server, any::<u16>(), any::<u16>()).prop_map(|(user, server, device, integrator)| {
        // Only what the wire carries for each form: AD_JID holds a one-byte device, JID_PAIR none.
        let device = match server {
            Server::Pn | Server::Lid | Server::Hosted | Server::HostedLid => device % 256,
            Server::Messenger | Server::Interop => device,
            _ => 0,
        };
        let integrator = if server == Server::Interop { integrator } else { 0 };
        Jid { user, agent: 0, device, integrator, server }
    })
}

fn attr_value(version: DictVersion) -> impl Strategy<Value = AttrValue> {
    prop_oneof![
        3 => wire_string(version).prop_map(|s| AttrValue::Str(s.into())),
        1 => jid().prop_map(AttrValue::Jid),
    ]
}

fn node(version: DictVersion) -> impl Strategy<Value = Node> {
    let attrs = move || {
        prop::collection::vec((wire_string(version), attr_value(version)), 0..5)
            .prop_map(|pairs| pairs.into_iter().map(|(k, v)| (Cow::Owned(k), v)).collect())
    };
    let leaf_content = prop_oneof![
        Just(Content::None),
        prop::collection::vec(any::<u8>(), 0..600).prop_map(Content::Bytes),
        wire_string(version).prop_map(|s| Content::Text(s.into())),
    ];
    let leaf = (wire_string(version), attrs(), leaf_content)
        .prop_map(|(tag, attrs, content)| Node { tag: tag.into(), attrs, content });
    leaf.prop_recursive(4, 64, 6, move |inner| {
        (wire_string(version), attrs(), prop::collection::vec(inner, 0..6)).prop_map(
            |(tag, attrs, children)| Node {
                tag: tag.into(),
                attrs,
                content: Content::Nodes(children),
            },
        )
    })
}

/// Text and raw content compare by their bytes (the wire does not keep the difference).
fn normalize(node: &Node) -> Node {
    let mut out = node.clone();
    out.content = match &node.content {
        Content::Text(t) => Content::Bytes(t.as_bytes().to_vec()),
        Content::Nodes(children) => Content::Nodes(children.iter().map(normalize).collect()),
        other => other.clone(),
    };
    out
}

fn round_trip(version: DictVersion, node: &Node) -> Result<(), TestCaseError> {
    let encoder = Encoder::new(version);
    let decoder = Decoder::new(version);
    let bytes = encoder.encode(node);
    let decoded = decoder.decode(&bytes).map_err(|e| TestCaseError::fail(e.to_string()))?;
    prop_assert_eq!(normalize(&decoded), normalize(node));
    prop_assert_eq!(encoder.encode(&decoded), bytes);
    Ok(())
}

proptest! {
    #[test]
    fn v3_nodes_round_trip(node in node(DictVersion::V3)) {
        round_trip(DictVersion::V3, &node)?;
    }

    #[test]
    fn v2_nodes_round_trip(node in node(DictVersion::V2)) {
        round_trip(DictVersion::V2, &node)?;
    }

    #[test]
    fn jid_text_round_trips(jid in jid()) {
        let text = jid.to_string();
        prop_assert_eq!(text.parse::<Jid>(), Ok(jid));
    }

    #[test]
    fn random_bytes_never_panic(flags in any::<u8>(), body in prop::collection::vec(any::<u8>(), 0..300)) {
        let mut frame = vec![flags];
        frame.extend(body);
        let _ = wazap::binary::decode(&frame);
        let _ = Decoder::new(DictVersion::V2).decode(&frame);
    }

    #[test]
    fn corrupted_frames_never_panic(
        node in node(DictVersion::V3),
        flips in prop::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 1..6),
    ) {
        let mut bytes = wazap::binary::encode(&node);
        for (at, value) in flips {
            let i = at.index(bytes.len());
            bytes[i] = value;
        }
        let _ = wazap::binary::decode(&bytes);
    }

    #[test]
    fn truncated_frames_fail(node in node(DictVersion::V3), cut in any::<prop::sample::Index>()) {
        let bytes = wazap::binary::encode(&node);
        let end = cut.index(bytes.len());
        prop_assert!(wazap::binary::decode(&bytes[..end]).is_err());
    }
}
