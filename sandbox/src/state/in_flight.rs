//! Stanzas written to a connection that its client has not acked yet. A message, receipt or
//! notification is only done with once the client acks it (`<ack class id to [participant]
//! [type]>`, whatsmeow `sendAck`); when the connection ends first, what it had not acked is
//! delivered again (to the connection that replaced it, or queued for the next login). Memory
//! only: the durable queue keeps what was never written.
use std::collections::HashMap;

use wazap::binary::{Jid, Node};

/// The stanza tags a client acks.
pub const ACKED_TAGS: [&str; 3] = ["message", "receipt", "notification"];

/// Whether the client is expected to ack `node`.
pub fn needs_ack(node: &Node) -> bool {
    ACKED_TAGS.contains(&node.tag.as_ref()) && node.attr_str("id").is_some()
}

/// Whether `ack` (from the client) acknowledges `sent` (to the client).
pub fn acknowledges(ack: &Node, sent: &Node) -> bool {
    let text = |n: &Node, key: &str| n.attr_text(key).map(|s| s.into_owned());
    ack.attr_str("class") == Some(sent.tag.as_ref())
        && ack.attr_str("id") == sent.attr_str("id")
        && text(ack, "to") == text(sent, "from")
        && (text(ack, "participant").is_none()
            || text(ack, "participant") == text(sent, "participant"))
        // Receipts of one message differ by type (delivery, then read); an ack without a type
        // takes the oldest.
        && (sent.tag == "message"
            || text(ack, "type").is_none()
            || text(ack, "type") == text(sent, "type"))
}

#[derive(Default)]
pub struct InFlight {
    /// By connection id, oldest first.
    by_conn: HashMap<u64, Vec<Node>>,
}

impl InFlight {
    pub fn push(&mut self, conn: u64, node: Node) {
        self.by_conn.entry(conn).or_default().push(node);
    }

    /// Forgets the stanza `ack` acknowledges; `false` when none matched.
    pub fn ack(&mut self, conn: u64, ack: &Node) -> bool {
        let Some(list) = self.by_conn.get_mut(&conn) else { return false };
        match list.iter().position(|sent| acknowledges(ack, sent)) {
            Some(at) => {
                list.remove(at);
                true
            }
            None => false,
        }
    }

    /// The `from` of the message with `id` this connection was given and has not acked.
    pub fn message_from(&self, conn: u64, id: &str) -> Option<Jid> {
        self.by_conn.get(&conn)?.iter().find_map(|sent| {
            (sent.tag == "message" && sent.attr_str("id") == Some(id))
                .then(|| sent.opt_jid("from").ok().flatten())
                .flatten()
        })
    }

    /// Everything a connection had not acked, oldest first.
    pub fn take(&mut self, conn: u64) -> Vec<Node> {
        self.by_conn.remove(&conn).unwrap_or_default()
    }

    pub fn len(&self, conn: u64) -> usize {
        self.by_conn.get(&conn).map_or(0, Vec::len)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn receipt(kind: Option<&'static str>) -> Node {
        Node::new("receipt")
            .attr("id", "M1")
            .attr("from", "1555:1@s.whatsapp.net")
            .opt_attr("type", kind)
    }

    fn ack_of(kind: Option<&'static str>) -> Node {
        Node::new("ack")
            .attr("class", "receipt")
            .attr("id", "M1")
            .attr("to", "1555:1@s.whatsapp.net")
            .opt_attr("type", kind)
    }

    #[test]
    fn acks_match_by_class_id_sender_and_receipt_type() {
        let mut flight = InFlight::default();
        flight.push(7, receipt(None));
        flight.push(7, receipt(Some("read")));
        assert!(!flight.ack(7, &ack_of(Some("played"))));
        assert!(!flight.ack(8, &ack_of(Some("read"))), "another connection's ack");
        assert!(flight.ack(7, &ack_of(Some("read"))));
        assert_eq!(flight.len(7), 1);
        flight.push(7, receipt(Some("played")));
        assert!(flight.ack(7, &ack_of(None)), "an untyped ack takes the oldest");
        let rest = flight.take(7);
        assert_eq!(rest, vec![receipt(Some("played"))]);
        assert_eq!(flight.len(7), 0);
    }

    #[test]
    fn only_messages_receipts_and_notifications_wait_for_acks() {
        assert!(needs_ack(&receipt(None)));
        assert!(!needs_ack(&Node::new("presence").attr("id", "x")));
        assert!(!needs_ack(&Node::new("message")));
    }
}
