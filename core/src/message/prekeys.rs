//! Prekey bundles: the `encrypt` iq that fetches them, its answer, and the `<user>` node a
//! server (the sandbox) answers with. Format as whatsmeow's `fetchPreKeys`/`nodeToPreKeyBundle`.
use crate::binary::{Jid, Node, Server};
use crate::crypto::PublicKey;
use crate::signal::PreKeyBundle;

use super::MessageError;

/// The key type byte in `<type>` (Curve25519, libsignal's DjbType).
pub(crate) const KEY_TYPE_DJB: u8 = 5;

/// `<iq id xmlns="encrypt" type="get" to="s.whatsapp.net"><key><user jid reason="identity"/>…`
pub fn build_prekey_request(id: &str, devices: &[Jid]) -> Node {
    let users = devices
        .iter()
        .map(|jid| Node::new("user").attr("jid", jid.clone()).attr("reason", "identity"));
    Node::new("iq")
        .attr("id", id.to_owned())
        .attr("xmlns", "encrypt")
        .attr("type", "get")
        .attr("to", Jid::server_only(Server::Pn))
        .child(Node::new("key").children(users))
}

/// One device's entry in a prekey answer: its bundle, or why there is none.
pub type BundleResult = (Jid, Result<PreKeyBundle, MessageError>);

/// Reads the answer to [`build_prekey_request`]: one bundle (or the reason there is none)
/// per `<user>` of `<list>`.
pub fn parse_prekey_response(node: &Node) -> Result<Vec<BundleResult>, MessageError> {
    let list = node.req_child("list")?;
    let mut out = Vec::new();
    for user in list.children_by_tag("user") {
        let jid = user.req_jid("jid")?;
        let bundle = parse_bundle(u32::from(jid.device), user);
        out.push((jid, bundle));
    }
    Ok(out)
}

/// A bundle from a `<user>` node (or a retry receipt, whose keys sit in `<keys>`).
pub fn parse_bundle(device_id: u32, node: &Node) -> Result<PreKeyBundle, MessageError> {
    if let Some(error) = node.child_by_tag("error") {
        return Err(MessageError::KeyFetchRefused {
            jid: node.attr_text("jid").map(|s| s.into_owned()).unwrap_or_default(),
            code: error.attr_text("code").map(|s| s.into_owned()).unwrap_or_default(),
        });
    }
    let registration = node.req_child("registration")?.req_bytes()?;
    let registration: [u8; 4] =
        registration.try_into().map_err(|_| MessageError::BadKey("registration"))?;
    let keys = node.child_by_tag("keys").unwrap_or(node);
    let identity_key = PublicKey(fixed::<32>(keys.req_child("identity")?, "identity")?);
    let pre_key = keys.child_by_tag("key").map(|k| parse_key(k, "key")).transpose()?;
    let skey = keys.req_child("skey")?;
    let (signed_pre_key_id, signed_pre_key) = parse_key(skey, "skey")?;
    let signature = fixed::<64>(skey.req_child("signature")?, "signature")?;
    Ok(PreKeyBundle {
        registration_id: u32::from_be_bytes(registration),
        device_id,
        pre_key,
        signed_pre_key_id,
        signed_pre_key,
        signed_pre_key_signature: signature.to_vec(),
        identity_key,
    })
}

fn fixed<const N: usize>(node: &Node, what: &'static str) -> Result<[u8; N], MessageError> {
    node.req_bytes()?.try_into().map_err(|_| MessageError::BadKey(what))
}

/// `<key|skey><id>3 bytes BE</id><value>32 bytes</value>…`
fn parse_key(node: &Node, what: &'static str) -> Result<(u32, PublicKey), MessageError> {
    let id = fixed::<3>(node.req_child("id")?, what)?;
    let key = PublicKey(fixed::<32>(node.req_child("value")?, what)?);
    Ok((u32::from_be_bytes([0, id[0], id[1], id[2]]), key))
}

/// `<key|skey>` for a prekey: the 3-byte id, the 32-byte key, and the signature for a signed one.
pub(crate) fn key_node(
    tag: &'static str,
    id: u32,
    key: &PublicKey,
    signature: Option<&[u8]>,
) -> Node {
    let id = id.to_be_bytes();
    let mut children =
        vec![Node::new("id").bytes(id[1..].to_vec()), Node::new("value").bytes(key.0.to_vec())];
    if let Some(signature) = signature {
        children.push(Node::new("signature").bytes(signature.to_vec()));
    }
    Node::new(tag).children(children)
}

/// The `<user jid>` node of a server's answer for one device:
/// `<registration/><type/><identity/><skey/>[<key/>]`.
#[cfg(feature = "server")]
pub fn build_bundle_node(jid: &Jid, bundle: &PreKeyBundle) -> Node {
    let mut children = vec![
        Node::new("registration").bytes(bundle.registration_id.to_be_bytes().to_vec()),
        Node::new("type").bytes(vec![KEY_TYPE_DJB]),
        Node::new("identity").bytes(bundle.identity_key.0.to_vec()),
        key_node(
            "skey",
            bundle.signed_pre_key_id,
            &bundle.signed_pre_key,
            Some(&bundle.signed_pre_key_signature),
        ),
    ];
    if let Some((id, key)) = &bundle.pre_key {
        children.push(key_node("key", *id, key, None));
    }
    Node::new("user").attr("jid", jid.clone()).children(children)
}
