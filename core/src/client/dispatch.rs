//! Routing received stanzas by tag. Answers to our requests complete them; everything else goes
//! to its handler. Handlers that need a round trip run as their own tasks so the read loop keeps
//! reading. Nothing here panics on odd input: unknown stanzas are logged (and acked when the
//! protocol expects an ack), malformed ones are logged and skipped.
use std::sync::Arc;

use tokio::task::AbortHandle;

use super::connection::{Conn, EndReason};
use super::{
    devices, edge_routing, groups, identity, login, pair_code, pairing, prekeys, presence, receipt,
    receive, Inner,
};
use crate::binary::{Jid, Node, Server};
use crate::types::Event;

/// Per-connection state of the dispatcher.
pub(crate) struct Session {
    pub(crate) conn: Conn,
    pub(crate) logged_in: bool,
    /// The QR rotation of this connection, if one is running.
    pub(crate) qr_task: Option<AbortHandle>,
}

impl Session {
    pub(crate) fn new(conn: Conn) -> Self {
        Self { conn, logged_in: false, qr_task: None }
    }

    pub(crate) fn stop_qr(&mut self) {
        if let Some(task) = self.qr_task.take() {
            task.abort();
        }
    }

    /// Ends per-connection tasks.
    pub(crate) fn finish(mut self) {
        self.stop_qr();
    }
}

/// Handles one received stanza; `Some` ends the connection.
pub(crate) async fn dispatch(
    inner: &Arc<Inner>,
    session: &mut Session,
    node: Node,
) -> Option<EndReason> {
    tracing::trace!(%node, "recv");
    // Answers to our iqs (and acks of our stanzas) go to whoever waits for them.
    let node = if matches!(&*node.tag, "iq" | "ack")
        && (node.tag == "ack" || matches!(node.attr_str("type"), Some("result" | "error")))
    {
        match inner.iq.complete(node) {
            Ok(()) => return None,
            Err(node) => node,
        }
    } else {
        node
    };
    match &*node.tag {
        "iq" => {
            handle_iq(inner, session, &node).await;
            None
        }
        "success" => {
            login::handle_success(inner, session, &node).await;
            None
        }
        "failure" => Some(login::handle_failure(inner, &node).await),
        "stream:error" => Some(login::handle_stream_error(inner, &node).await),
        "xmlstreamend" => Some(EndReason::Dropped("the server ended the stream".into())),
        "notification" => {
            handle_notification(inner, session, &node).await;
            None
        }
        "ib" => {
            handle_ib(inner, &node).await;
            None
        }
        "message" => {
            receive::handle_message(inner, session, node).await;
            None
        }
        "receipt" => {
            receipt::handle_receipt(inner, session, node).await;
            None
        }
        // Calls are acked so the server stops redelivering them.
        "call" => {
            send_ack(&session.conn, &node).await;
            None
        }
        "presence" => {
            presence::handle_presence(inner, &node);
            None
        }
        "chatstate" => {
            presence::handle_chatstate(inner, &node);
            None
        }
        "ack" => None,
        other => {
            tracing::debug!(tag = other, %node, "unhandled stanza");
            None
        }
    }
}

/// `<ack class=tag id to [participant] [recipient] [type]>` as whatsmeow's `sendAck` builds it
/// (no `type` for messages).
pub(crate) fn ack_for(node: &Node) -> Option<Node> {
    let id = node.get_attr("id")?.clone();
    let mut ack = Node::new("ack").attr("class", node.tag.clone()).attr("id", id);
    for key in ["from", "participant", "recipient"] {
        if let Some(value) = node.get_attr(key) {
            let target = if key == "from" { "to" } else { key };
            ack = ack.attr(target, value.clone());
        }
    }
    if node.tag != "message" {
        if let Some(kind) = node.get_attr("type") {
            ack = ack.attr("type", kind.clone());
        }
    }
    Some(ack)
}

pub(crate) async fn send_ack(conn: &Conn, node: &Node) {
    match ack_for(node) {
        Some(ack) => {
            if let Err(e) = conn.send(&ack).await {
                tracing::debug!(error = %e, "ack not sent");
            }
        }
        None => tracing::warn!(%node, "stanza without id cannot be acked"),
    }
}

fn from_server(node: &Node) -> bool {
    matches!(node.get_attr("from").and_then(|v| v.as_jid()), Some(j) if *j == Jid::server_only(Server::Pn))
        || node.attr_str("from") == Some("s.whatsapp.net")
}

async fn handle_iq(inner: &Arc<Inner>, session: &mut Session, node: &Node) {
    let kind = node.attr_str("type").unwrap_or_default();
    let children = node.get_children();
    match (kind, children.first().map(|c| &*c.tag)) {
        ("set", Some("pair-device")) if from_server(node) => {
            pairing::handle_pair_device(inner, session, node).await
        }
        ("result", Some("pair-success")) | ("set", Some("pair-success")) if from_server(node) => {
            pairing::handle_pair_success(inner, session, node).await
        }
        ("get", _) if node.attr_str("xmlns") == Some("urn:xmpp:ping") => {
            if let Some(id) = node.get_attr("id") {
                let mut pong = Node::new("iq").attr("id", id.clone()).attr("type", "result");
                if let Some(from) = node.get_attr("from") {
                    pong = pong.attr("to", from.clone());
                }
                let _ = session.conn.send(&pong).await;
            }
        }
        _ => tracing::debug!(%node, "unhandled iq"),
    }
}

async fn handle_notification(inner: &Arc<Inner>, session: &mut Session, node: &Node) {
    send_ack(&session.conn, node).await;
    match node.attr_str("type").unwrap_or_default() {
        // Inline: messages after it must see the sessions already forgotten.
        "encrypt" if node.child_by_tag("identity").is_some() => {
            identity::handle_notification(inner, node).await;
        }
        "encrypt" => {
            if let Some(count) = node.child_by_tag("count") {
                let left = count.attr_str("value").and_then(|v| v.parse::<u32>().ok());
                if left.is_some_and(|n| n < inner.config.pre_keys.min_count) {
                    let inner = inner.clone();
                    tokio::spawn(async move { prekeys::refill(&inner, false).await });
                }
            }
        }
        "devices" => devices::handle_notification(inner, node),
        "w:gp2" => groups::handle_notification(inner, node),
        "link_code_companion_reg" => {
            let inner = inner.clone();
            let node = node.clone();
            tokio::spawn(async move { pair_code::handle_notification(&inner, &node).await });
        }
        other => tracing::debug!(kind = other, "notification"),
    }
}

async fn handle_ib(inner: &Arc<Inner>, node: &Node) {
    for child in node.get_children() {
        match &*child.tag {
            "offline" => {
                let count = child.attr_str("count").and_then(|c| c.parse().ok()).unwrap_or(0);
                inner.emit(Event::OfflineSyncCompleted { count });
            }
            "dirty" => {
                // The server asks us to re-sync something; acknowledge it as cleaned.
                if let (Some(kind), Some(ts)) =
                    (child.get_attr("type"), child.get_attr("timestamp"))
                {
                    let clean =
                        Node::new("clean").attr("type", kind.clone()).attr("timestamp", ts.clone());
                    let iq = super::server_iq("urn:xmpp:whatsapp:dirty", "set", vec![clean]);
                    let inner = inner.clone();
                    tokio::spawn(async move {
                        if let Err(e) = inner.send_iq(iq, None).await {
                            tracing::debug!(error = %e, "dirty clean failed");
                        }
                    });
                }
            }
            "edge_routing" => edge_routing::handle(inner, child).await,
            other => tracing::debug!(tag = other, "ib child"),
        }
    }
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
        let ack = ack_for(&receipt).unwrap();
        assert_eq!(ack.attr_str("class"), Some("receipt"));
        assert_eq!(ack.attr_str("id"), Some("R1"));
        assert_eq!(ack.get_attr("to").and_then(|v| v.as_jid()), Some(&Jid::pn("123")));
        assert_eq!(ack.get_attr("participant").and_then(|v| v.as_jid()), Some(&Jid::pn("456")));
        assert_eq!(ack.attr_str("type"), Some("read"));

        let message =
            Node::new("message").attr("id", "M1").attr("from", Jid::pn("1")).attr("type", "text");
        let ack = ack_for(&message).unwrap();
        assert_eq!(ack.attr_str("class"), Some("message"));
        assert!(ack.get_attr("type").is_none());

        assert!(ack_for(&Node::new("notification")).is_none());
    }
}
