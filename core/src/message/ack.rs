//! Acks, both ways: the one a client sends for every stanza it handled ([`build_ack`]), the
//! server's answer to a sent message ([`ServerAck`], [`parse_server_ack`]) and to any other
//! stanza a client sent ([`build_stanza_ack`]). The client and the sandbox build them here.
use crate::binary::{Jid, Node, Server};

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

    /// The ack as the server writes it, `from` the chat the message was sent to (for the
    /// sandbox and test servers).
    #[cfg(feature = "server")]
    pub fn to_node(&self, from: Option<Jid>) -> Node {
        Node::new("ack")
            .attr("class", "message")
            .attr("id", self.id.clone())
            .opt_attr("from", from)
            .opt_attr("t", self.timestamp.map(|t| t.to_string()))
            .opt_attr("phash", self.phash.clone())
            .opt_attr("server_id", self.server_id.map(|s| s.to_string()))
            .opt_attr("error", self.error.map(|e| e.to_string()))
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

/// The server's ack of a `<message>`: `<ack class="message" id from=chat t [phash]>`, where
/// `phash` is the hash of the devices the server knows.
#[cfg(feature = "server")]
pub fn build_server_ack(
    message: &Node,
    timestamp: u64,
    phash: Option<&str>,
) -> Result<Node, MessageError> {
    let ack = ServerAck {
        id: message.req_str("id")?.to_owned(),
        timestamp: Some(timestamp),
        phash: phash.map(str::to_owned),
        server_id: None,
        error: None,
    };
    Ok(ack.to_node(Some(message.req_jid("to")?)))
}

/// The server's ack of another stanza a client sent (a receipt, a notification's ack…):
/// `<ack class=tag id from=(its to, or the server) [type]>`; `None` without an id.
#[cfg(feature = "server")]
pub fn build_stanza_ack(stanza: &Node) -> Option<Node> {
    let id = stanza.attr_str("id")?;
    let from =
        stanza.get_attr("to").cloned().unwrap_or_else(|| Jid::server_only(Server::Pn).into());
    Some(
        Node::new("ack")
            .attr("class", stanza.tag.clone())
            .attr("id", id.to_owned())
            .attr("from", from)
            .opt_attr("type", stanza.attr_str("type").map(str::to_owned)),
    )
}

/// The keepalive ping a client sends (whatsmeow `keepAliveLoop`):
/// `<iq xmlns="w:p" type="get" to="s.whatsapp.net"><ping/></iq>` (the id is the sender's).
pub fn build_ping() -> Node {
    Node::new("iq")
        .attr("xmlns", "w:p")
        .attr("type", "get")
        .attr("to", Jid::server_only(Server::Pn))
        .child(Node::new("ping"))
}

/// Whether `iq` is a ping to answer: the server's `urn:xmpp:ping` (to a client) or a client's
/// `w:p` keepalive (to the server).
pub fn is_ping(iq: &Node) -> bool {
    iq.tag == "iq"
        && iq.attr_str("type") == Some("get")
        && matches!(iq.attr_str("xmlns"), Some("urn:xmpp:ping" | "w:p"))
}

/// The pong for a ping: `<iq id type="result">` addressed back the way it came (`to` its
/// `from`, `from` its `to`); `None` without an id.
pub fn build_pong(ping: &Node) -> Option<Node> {
    let id = ping.get_attr("id")?.clone();
    let mut pong = Node::new("iq").attr("id", id).attr("type", "result");
    if let Some(from) = ping.get_attr("from") {
        pong = pong.attr("to", from.clone());
    }
    if let Some(to) = ping.get_attr("to") {
        pong = pong.attr("from", to.clone());
    }
    Some(pong)
}

/// The answer to the server's `<ib><dirty type timestamp/></ib>` (whatsmeow `handleIB`):
/// `<iq xmlns="urn:xmpp:whatsapp:dirty" type="set" to="s.whatsapp.net"><clean type
/// timestamp/></iq>`; `None` when the `dirty` names no type or time.
pub fn build_clean(dirty: &Node) -> Option<Node> {
    let (kind, timestamp) = (dirty.get_attr("type")?, dirty.get_attr("timestamp")?);
    let clean = Node::new("clean").attr("type", kind.clone()).attr("timestamp", timestamp.clone());
    Some(
        Node::new("iq")
            .attr("xmlns", "urn:xmpp:whatsapp:dirty")
            .attr("type", "set")
            .attr("to", Jid::server_only(Server::Pn))
            .child(clean),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn acks_follow_the_stanza() {
        let receipt = Node::new("receipt")
            .attr("id", "R1")
            .attr("from", Jid::pn("123"))
            .attr("participant", Jid::pn("456"))
            .attr("type", "read");
        let ack = build_ack(&receipt, None).unwrap();
        assert_eq!(ack.attr_str("class"), Some("receipt"));
        assert_eq!(ack.attr_str("id"), Some("R1"));
        assert_eq!(ack.get_attr("to").and_then(|v| v.as_jid()), Some(&Jid::pn("123")));
        assert_eq!(ack.get_attr("participant").and_then(|v| v.as_jid()), Some(&Jid::pn("456")));
        assert_eq!(ack.attr_str("type"), Some("read"));

        let message =
            Node::new("message").attr("id", "M1").attr("from", Jid::pn("1")).attr("type", "text");
        let ack = build_ack(&message, None).unwrap();
        assert_eq!(ack.attr_str("class"), Some("message"));
        assert!(ack.get_attr("type").is_none());

        assert!(build_ack(&Node::new("notification"), None).is_err());
    }

    #[test]
    fn pings_are_answered_back_the_way_they_came() {
        let server = Jid::server_only(Server::Pn);
        // The server's ping to a client.
        let ping = Node::new("iq")
            .attr("id", "P1")
            .attr("type", "get")
            .attr("xmlns", "urn:xmpp:ping")
            .attr("from", server.clone());
        assert!(is_ping(&ping));
        let pong = build_pong(&ping).unwrap();
        assert_eq!((pong.attr_str("id"), pong.attr_str("type")), (Some("P1"), Some("result")));
        assert_eq!(pong.get_attr("to").and_then(|v| v.as_jid()), Some(&server));
        assert!(pong.get_attr("from").is_none());
        // A client's keepalive to the server.
        let keepalive = build_ping().attr("id", "K1");
        assert!(is_ping(&keepalive));
        let pong = build_pong(&keepalive).unwrap();
        assert_eq!(pong.get_attr("from").and_then(|v| v.as_jid()), Some(&server));
        assert!(pong.get_attr("to").is_none());
        assert!(!is_ping(&Node::new("iq").attr("type", "get").attr("xmlns", "w:g2")));
        assert!(build_pong(&Node::new("iq")).is_none());
    }

    #[test]
    fn dirty_is_cleaned() {
        let dirty = Node::new("dirty").attr("type", "account_sync").attr("timestamp", "17");
        let iq = build_clean(&dirty).unwrap();
        assert_eq!(iq.attr_str("xmlns"), Some("urn:xmpp:whatsapp:dirty"));
        let clean = iq.child_by_tag("clean").unwrap();
        assert_eq!(
            (clean.attr_str("type"), clean.attr_str("timestamp")),
            (Some("account_sync"), Some("17"))
        );
        assert!(build_clean(&Node::new("dirty")).is_none());
    }
}
