//! Acks: the one a client sends for every stanza it handled, and the server's answer to a
//! sent message (its timestamp, and the participant hash it computed).
use crate::binary::Node;

use super::MessageError;

/// `<ack class=tag id to [participant] [recipient] [type] [error]>` for a received stanza
/// (whatsmeow `sendAck`; messages are acked without their type).
pub fn build_ack(stanza: &Node, error: Option<u16>) -> Result<Node, MessageError> {
    let mut ack = Node::new("ack")
        .attr("class", stanza.tag.to_string())
        .attr("id", stanza.req_str("id")?.to_owned())
        .attr("to", stanza.req_jid("from")?);
    for key in ["participant", "recipient"] {
        if let Some(jid) = stanza.opt_jid(key)? {
            ack = ack.attr(key, jid);
        }
    }
    if stanza.tag != "message" {
        if let Some(kind) = stanza.attr_text("type") {
            ack = ack.attr("type", kind.into_owned());
        }
    }
    Ok(ack.opt_attr("error", error.map(|e| e.to_string())))
}

/// What the server says about a message we sent: `<ack class="message" id t [phash]
/// [server_id] [error]>`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ServerAck {
    pub id: String,
    /// Server time of the message, unix seconds.
    pub timestamp: Option<u64>,
    /// The server's participant hash; when it differs from ours, our device lists are stale.
    pub phash: Option<String>,
    pub server_id: Option<u64>,
    /// A non-zero error code: the message was refused.
    pub error: Option<u32>,
}

impl ServerAck {
    /// Whether the server's participant hash disagrees with the one we sent.
    pub fn phash_mismatch(&self, ours: &str) -> bool {
        self.phash.as_deref().is_some_and(|theirs| !theirs.is_empty() && theirs != ours)
    }
}

/// Reads the server's ack of a sent message.
pub fn parse_server_ack(node: &Node) -> Result<ServerAck, MessageError> {
    if node.tag != "ack" {
        return Err(MessageError::UnexpectedTag { expected: "ack", got: node.tag.to_string() });
    }
    Ok(ServerAck {
        id: node.req_str("id")?.to_owned(),
        timestamp: node.opt_u64("t")?,
        phash: node.attr_text("phash").map(|s| s.into_owned()),
        server_id: node.opt_u64("server_id")?,
        error: node.opt_parse("error", "an error code")?.filter(|&e: &u32| e != 0),
    })
}

/// The server's ack of a `<message>` (for the sandbox): `<ack class="message" id from=chat t
/// [phash]>`, where `phash` is the hash of the devices the server knows.
pub fn build_server_ack(
    message: &Node,
    timestamp: u64,
    phash: Option<&str>,
) -> Result<Node, MessageError> {
    Ok(Node::new("ack")
        .attr("class", "message")
        .attr("id", message.req_str("id")?.to_owned())
        .attr("from", message.req_jid("to")?)
        .attr("t", timestamp.to_string())
        .opt_attr("phash", phash.map(str::to_owned)))
}
