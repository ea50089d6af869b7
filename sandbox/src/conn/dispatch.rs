//! Routes a decoded stanza by tag.
use wazap::binary::Node;

use super::session::ConnCtx;
use crate::handlers::{acks, handle_iq};

pub async fn handle(ctx: &mut ConnCtx, node: Node) {
    tracing::trace!(node = %super::show(&node), "recv");
    match node.tag.as_ref() {
        "iq" => handle_iq(ctx, &node).await,
        "receipt" | "notification" => acks::ack(ctx, &node),
        // Acks of what we sent, presence and chat state need no answer from the server core.
        "ack" | "presence" | "chatstate" => {}
        other => tracing::debug!(tag = other, "stanza not handled"),
    }
}
