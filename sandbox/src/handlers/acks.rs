//! Acks for the stanzas a client sends that expect one (receipts, notifications).
use wazap::binary::Node;

use super::stanza;
use crate::conn::ConnCtx;

pub fn ack(ctx: &ConnCtx, node: &Node) {
    match stanza::ack_for(node) {
        Some(ack) => {
            ctx.handle.send(ack);
        }
        None => tracing::debug!(tag = %node.tag, "stanza without id not acked"),
    }
}
