//! Routing received stanzas by tag. Answers to our requests complete them; everything else goes
//! to its handler. Handlers that need a round trip run as their own tasks so the read loop keeps
//! reading. Nothing here panics on odd input: unknown stanzas are logged (and acked when the
//! protocol expects an ack), malformed ones are logged and skipped.
use std::sync::Arc;

use super::connection::{Conn, EndReason};
use super::session::Session;
use super::{
    app_state, devices, edge_routing, groups, identity, login, pair_code, pairing, prekeys,
    presence, receipt, receive, Inner,
};
use crate::binary::{Jid, Node, Server};
use crate::message::{build_ack, build_clean, build_pong, is_ping};
use crate::types::Event;

/// Handles one received stanza; `Some` ends the connection.
pub(crate) async fn dispatch(
    inner: &Arc<Inner>,
    session: &mut Session,
    node: Node,
) -> Option<EndReason> {
    tracing::trace!(%node, "recv");
    // Acks of what the outbox keeps end its wait; answers to our iqs (and other acks) go to
    // whoever waits for them.
    let node = if node.tag == "ack" {
        match inner.outbox.complete(node) {
            Ok(()) => return None,
            Err(node) => node,
        }
    } else {
        node
    };
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

/// Acks `node` ([`build_ack`]); a stanza that cannot be acked is logged.
pub(crate) async fn send_ack(conn: &Conn, node: &Node) {
    match build_ack(node, None) {
        Ok(ack) => {
            if let Err(e) = conn.send(&ack).await {
                tracing::debug!(error = %e, "ack not sent");
            }
        }
        Err(e) => tracing::warn!(error = %e, %node, "stanza cannot be acked"),
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
        _ if is_ping(node) => {
            if let Some(pong) = build_pong(node) {
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
        "server_sync" => app_state::on_server_sync(inner, node),
        "w:gp2" => groups::handle_notification(inner, node),
        "account_sync" => account_sync(inner, node),
        "link_code_companion_reg" => {
            let inner = inner.clone();
            let node = node.clone();
            tokio::spawn(async move { pair_code::handle_notification(&inner, &node).await });
        }
        other => tracing::debug!(kind = other, "notification"),
    }
}

/// What another device of ours changed on the account (whatsmeow
/// `handleAccountSyncNotification`): privacy settings and the blocklist become events.
fn account_sync(inner: &Inner, node: &Node) {
    for child in node.get_children() {
        match &*child.tag {
            "privacy" => {
                let changed = crate::user::parse_privacy_settings(child);
                inner.emit(Event::PrivacySettings(Box::new(changed)));
            }
            "blocklist" => {
                let changes = crate::user::parse_blocklist_change(child);
                let dhash = child.attr_str("dhash").unwrap_or_default().to_owned();
                inner.emit(Event::Blocklist { dhash, changes });
            }
            other => tracing::debug!(item = other, "account sync item"),
        }
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
                if let Some(iq) = build_clean(child) {
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
