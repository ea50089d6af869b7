//! Routes a decoded stanza by tag.
use wazap::binary::Node;

use super::session::ConnCtx;
use crate::handlers::{acks, chatstate, handle_iq, message, presence, receipt};

pub async fn handle(ctx: &mut ConnCtx, node: Node) {
    tracing::trace!(node = %super::show(&node), "recv");
    match node.tag.as_ref() {
        "iq" => handle_iq(ctx, &node).await,
        "message" => message::handle(ctx, &node),
        "receipt" => receipt::handle(ctx, &node),
        "notification" => acks::ack(ctx, &node),
        "chatstate" => chatstate::handle(ctx, &node),
        "presence" => presence::handle(ctx, &node),
        // Acks of what we sent need no answer; they end its time in flight.
        "ack" => crate::handlers::routing::acked(&ctx.shared, ctx.handle.id, &node),
        other => tracing::debug!(tag = other, "stanza not handled"),
    }
}
