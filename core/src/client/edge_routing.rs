//! Edge routing: after login the server sends `<ib><edge_routing><routing_info>…</routing_info>
//! </edge_routing></ib>`; the client keeps those bytes and sends them back before the `WA`
//! connection header on its next connect (`ED 00 01 <len:3> <info>`, see
//! [`crate::socket::ConnectionHeader`]), so the edge server can route it as before.
//! Wire facts from WhiskeySockets/Baileys (`CB:ib,,edge_routing` in `src/Socket/socket.ts`,
//! `encodeFrame` in `src/Utils/noise-handler.ts`).
use super::Inner;
use crate::binary::Node;

/// Saves the routing info of an `<edge_routing>` child of `<ib>`. Awaited by the read loop,
/// so the info is stored before any later stanza (and so before `Connected`) is handled.
pub(crate) async fn handle(inner: &Inner, edge_routing: &Node) {
    let Some(info) = edge_routing.child_by_tag("routing_info").and_then(Node::content_bytes) else {
        tracing::debug!(node = %edge_routing, "edge_routing without routing_info");
        return;
    };
    if info.is_empty() {
        return;
    }
    let info = info.to_vec();
    if let Err(e) = inner.with_store(move |store| store.set_edge_routing_info(&info)).await {
        tracing::warn!(error = %e, "saving the edge routing info failed");
    }
}

/// The saved routing info for the next connection header; a store error only costs the
/// routing hint, so it is logged and the connection goes ahead without it.
pub(crate) async fn saved(inner: &Inner) -> Option<Vec<u8>> {
    match inner.with_store(|store| store.edge_routing_info()).await {
        Ok(info) => info,
        Err(e) => {
            tracing::warn!(error = %e, "loading the edge routing info failed");
            None
        }
    }
}
