//! Fuzzes the binary node decoder: no input may panic, and whatever decodes must survive a
//! re-encode (same tag, attribute texts and content bytes).
//!
//! Run with `cargo +nightly fuzz run decode_node` from `core/`.
#![no_main]

use libfuzzer_sys::fuzz_target;
use wazap::binary::{decode, try_encode, Content, Decoder, DictVersion, Node};

/// Tag, attributes by text (empty ones dropped: the encoder skips them) and content by bytes.
fn shape(node: &Node) -> (String, Vec<(String, String)>, Option<Vec<u8>>, Vec<Node>) {
    let attrs = node
        .attrs
        .iter()
        .filter(|(_, v)| !v.is_empty())
        .map(|(k, v)| (k.to_string(), v.text().into_owned()))
        .collect();
    let children = match &node.content {
        Content::Nodes(children) => children.clone(),
        _ => Vec::new(),
    };
    (node.tag.to_string(), attrs, node.content_bytes().map(<[u8]>::to_vec), children)
}

fn assert_same(a: &Node, b: &Node) {
    let (a_tag, a_attrs, a_bytes, a_children) = shape(a);
    let (b_tag, b_attrs, b_bytes, b_children) = shape(b);
    assert_eq!((a_tag, a_attrs, a_bytes), (b_tag, b_attrs, b_bytes));
    assert_eq!(a_children.len(), b_children.len());
    assert_eq!(matches!(a.content, Content::None), matches!(b.content, Content::None));
    for (x, y) in a_children.iter().zip(&b_children) {
        assert_same(x, y);
    }
}

fuzz_target!(|data: &[u8]| {
    let _ = Decoder::new(DictVersion::V2).decode(data);
    if let Ok(node) = decode(data) {
        let bytes = try_encode(&node).expect("a decoded node is encodable");
        let again = decode(&bytes).expect("encoder output decodes");
        assert_same(&node, &again);
    }
});
