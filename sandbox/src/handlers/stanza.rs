//! Builders for the stanzas the server sends, shaped as WhatsApp's servers send them (attribute
//! names from whatsmeow's and Baileys' readers of each stanza).
use rand::rngs::OsRng;
use rand::RngCore;
use wazap::binary::{Jid, Node, Server};

use crate::state::unix_now;

/// `s.whatsapp.net`, the `from` of server stanzas (clients compare it as a JID).
pub fn server_jid() -> Jid {
    Jid::server_only(Server::Pn)
}

/// A fresh stanza id for server-initiated iqs and notifications.
pub fn new_id() -> String {
    let mut bytes = [0u8; 8];
    OsRng.fill_bytes(&mut bytes);
    hex::encode_upper(bytes)
}

/// `<iq from="s.whatsapp.net" id type="result"/>`.
pub fn iq_result(id: &str) -> Node {
    Node::new("iq").attr("from", server_jid()).attr("id", id.to_owned()).attr("type", "result")
}

/// `<iq from id type="error"><error code text/></iq>`.
pub fn iq_error(id: &str, code: u16, text: &str) -> Node {
    Node::new("iq")
        .attr("from", server_jid())
        .attr("id", id.to_owned())
        .attr("type", "error")
        .child(Node::new("error").attr("code", code).attr("text", text.to_owned()))
}

/// A server-initiated `<iq type="set" xmlns>`.
pub fn iq_set(xmlns: &'static str, child: Node) -> (String, Node) {
    let id = new_id();
    let node = Node::new("iq")
        .attr("from", server_jid())
        .attr("id", id.clone())
        .attr("type", "set")
        .attr("xmlns", xmlns)
        .attr("t", unix_now())
        .child(child);
    (id, node)
}

/// `<notification from id type t>child</notification>`.
pub fn notification(from: Jid, kind: &'static str, child: Node) -> Node {
    Node::new("notification")
        .attr("from", from)
        .attr("id", new_id())
        .attr("type", kind)
        .attr("t", unix_now())
        .child(child)
}

/// `<failure reason/>`: a refused login (401 unknown or unlinked device, 400 bad payload).
pub fn failure(reason: u16) -> Node {
    Node::new("failure").attr("reason", reason).attr("location", "sandbox")
}

/// `<stream:error code/>` (515: reconnect, right after pairing).
pub fn stream_error_code(code: u16) -> Node {
    Node::new("stream:error").attr("code", code)
}

/// `<stream:error><conflict type="replaced"/></stream:error>`: another connection of the same
/// device took over.
pub fn stream_error_replaced() -> Node {
    Node::new("stream:error").child(Node::new("conflict").attr("type", "replaced"))
}

/// `<stream:error code="401"><conflict type="device_removed"/></stream:error>`: the device was
/// unlinked.
pub fn stream_error_device_removed() -> Node {
    Node::new("stream:error")
        .attr("code", 401u16)
        .child(Node::new("conflict").attr("type", "device_removed"))
}

/// The stream error for a frame that does not decode.
pub fn stream_error_malformed() -> Node {
    Node::new("stream:error").child(Node::new("xml-not-well-formed"))
}

/// `<ack class id from [type]>` for a stanza the client sent (the core's server half).
pub use wazap::message::build_stanza_ack as ack_for;
