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
    (user, server, any::<u16>(), any::<u16>(), any::<u8>()).prop_map(
        |(user, server, device, integrator, agent)| {
            // Only what the wire carries for each form: AD_JID holds a one-byte device, JID_PAIR none.
            let device = match server {
                Server::Pn | Server::Lid | Server::Hosted | Server::HostedLid => device % 256,
                Server::Messenger | Server::Interop => device,
                _ => 0,
            };
            let integrator = if server == Server::Interop { integrator } else { 0 };
            // A raw agent travels only on s.whatsapp.net, in the AD_JID domain byte, and only when
            // it is not a domain value itself.
            let agent = match agent {
                1 | 128 | 129 => 0,
                a if server == Server::Pn => a,
                _ => 0,
            };
            Jid { user, agent, device, integrator, server }
        },
    )
}

fn attr_value(version: DictVersion) -> impl Strategy<Value = AttrValue> {
    prop_oneof![
        3 => wire_string(version).prop_map(|s| AttrValue::Str(s.into())),
        1 => jid().prop_map(AttrValue::from),
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

/// Text and raw content compare by their bytes (the wire does not keep the difference), and
/// empty attribute values are dropped (the encoder skips them).
fn normalize(node: &Node) -> Node {
    let mut out = node.clone();
    out.attrs.retain(|(_, v)| !v.is_empty());
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

/// [`normalize`], and attribute values compared by their text: decoded raw text with '@' that
/// parses as a JID is written back as a JID.
fn as_text(node: &Node) -> Node {
    let mut out = normalize(node);
    for (_, value) in &mut out.attrs {
        *value = AttrValue::Str(value.text().into_owned().into());
    }
    if let Content::Nodes(children) = &mut out.content {
        *children = children.iter().map(as_text).collect();
    }
    out
}

/// Whatever decodes re-encodes to a frame that decodes to the same node.
fn stable_after_reencode(node: &Node) -> Result<(), TestCaseError> {
    let bytes = wazap::binary::try_encode(node).map_err(|e| TestCaseError::fail(e.to_string()))?;
    let again = wazap::binary::decode(&bytes).map_err(|e| TestCaseError::fail(e.to_string()))?;
    prop_assert_eq!(as_text(&again), as_text(node));
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
        let _ = Decoder::new(DictVersion::V2).decode(&frame);
        if let Ok(node) = wazap::binary::decode(&frame) {
            stable_after_reencode(&node)?;
        }
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
        if let Ok(node) = wazap::binary::decode(&bytes) {
            stable_after_reencode(&node)?;
        }
    }

    #[test]
    fn truncated_frames_fail(node in node(DictVersion::V3), cut in any::<prop::sample::Index>()) {
        let bytes = wazap::binary::encode(&node);
        let end = cut.index(bytes.len());
        prop_assert!(wazap::binary::decode(&bytes[..end]).is_err());
    }
}
