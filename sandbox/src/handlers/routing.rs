//! Delivery to a device: straight to its connection when it is logged in, otherwise into its
//! queue (flushed at its next login, followed by `<ib><offline count/></ib>`). Device 0, the
//! simulated phone, has no connection: its stanzas wait in its queue for the phone module.
//! Messages, receipts and notifications written to a connection stay in flight until the
//! client acks them ([`crate::state::in_flight`]); [`redeliver_unacked`] hands back what a
//! closed connection never acked.
use wazap::binary::Node;

use crate::conn::ConnHandle;
use crate::shared::Shared;
use crate::state::in_flight::needs_ack;

/// Delivers `node` to (phone, device), queueing it when the device is offline.
pub fn deliver(shared: &Shared, phone: &str, device: u16, node: Node) {
    if device != 0 {
        if let Some(conn) = shared.conn_of(phone, device) {
            // Under the state lock, so the client's ack cannot be handled before the stanza is
            // in flight.
            let mut state = shared.state();
            if conn.send(node.clone()) {
                if shared.faults.duplicate_delivery() {
                    conn.send(node.clone());
                }
                if needs_ack(&node) {
                    state.in_flight.push(conn.id, node);
                }
                return;
            }
        }
    }
    {
        let mut state = shared.state();
        state.durable.queues.push(phone, device, &node);
        state.save();
    }
    if device == 0 {
        shared.wake_phone(phone);
    }
}

/// `<notification type="account_sync">` carrying `child` to every companion of `phone` but
/// `except` (the device that made the change): how WhatsApp tells our other devices of a
/// privacy or blocklist change (whatsmeow `handleAccountSyncNotification`).
pub fn account_sync(shared: &Shared, phone: &str, except: u16, child: Node) {
    let (from, devices): (_, Vec<u16>) = {
        let state = shared.state();
        let Some(account) = state.account(phone) else { return };
        let devices = account.devices.keys().copied().filter(|d| *d != 0 && *d != except);
        (account.jid(), devices.collect())
    };
    for device in devices {
        let node = super::stanza::notification(from.clone(), "account_sync", child.clone());
        deliver(shared, phone, device, node);
    }
}

/// Sends what waited for a device that just logged in, then the end-of-offline marker
/// (whatsmeow `handleIB` "offline", Baileys `CB:ib,,offline`). The stanzas stay in flight
/// until acked.
pub fn flush_offline(shared: &Shared, phone: &str, device: u16, conn: &ConnHandle) {
    let count = {
        let mut state = shared.state();
        let queued = state.durable.queues.take(phone, device);
        if !queued.is_empty() {
            state.save();
        }
        let count = queued.len();
        for node in queued {
            conn.send(node.clone());
            if shared.faults.duplicate_delivery() {
                conn.send(node.clone());
            }
            if needs_ack(&node) {
                state.in_flight.push(conn.id, node);
            }
        }
        count
    };
    conn.send(Node::new("ib").child(Node::new("offline").attr("count", count)));
}

/// The client acked a stanza of ours.
pub fn acked(shared: &Shared, conn_id: u64, ack: &Node) {
    if !shared.state().in_flight.ack(conn_id, ack) {
        tracing::debug!(id = ?ack.attr_str("id"), "ack of nothing in flight");
    }
}

/// A receipt the client sends for messages it was given acknowledges them: whatsmeow acks a
/// message it decrypted with its receipt alone (delivered, `inactive`, `sender`, `peer_msg`;
/// `<ack class="message">` only for ones it could not handle), and the server takes it so.
pub fn receipt_acks(shared: &Shared, conn_id: u64, receipt: &Node) {
    let listed = receipt.child_by_tag("list").into_iter().flat_map(|l| l.children_by_tag("item"));
    let ids = receipt.attr_str("id").into_iter().chain(listed.filter_map(|i| i.attr_str("id")));
    let mut state = shared.state();
    let to = receipt.opt_jid("to").ok().flatten();
    for id in ids {
        // whatsmeow names the message's `from` as it came; Baileys its chat (`remoteJid`,
        // `jidNormalizedUser`: no device, PN or LID): either names the sender.
        let from = state.in_flight.message_from(conn_id, id);
        let names_sender = match (&to, &from) {
            (Some(to), Some(from)) => {
                to.to_non_ad() == from.to_non_ad()
                    || state.phone_of(to).is_some() && state.phone_of(to) == state.phone_of(from)
            }
            _ => false,
        };
        let to = if names_sender { from.map(Into::into) } else { receipt.get_attr("to").cloned() };
        let ack = Node::new("ack")
            .attr("class", "message")
            .attr("id", id.to_owned())
            .opt_attr("to", to)
            .opt_attr("participant", receipt.get_attr("participant").cloned());
        state.in_flight.ack(conn_id, &ack);
    }
}

/// A connection of (phone, device) closed: what it did not ack goes to the device again (a
/// connection that replaced it, or its queue).
pub fn redeliver_unacked(shared: &Shared, phone: &str, device: u16, conn_id: u64) {
    let (unacked, exists) = {
        let mut state = shared.state();
        let exists = state.account(phone).is_some_and(|a| a.devices.contains_key(&device));
        (state.in_flight.take(conn_id), exists)
    };
    if !exists {
        // Unlinked: nobody will log in as this device again.
        return;
    }
    if !unacked.is_empty() {
        let what: Vec<String> = unacked
            .iter()
            .map(|n| format!("{}:{}", n.tag, n.attr_str("type").unwrap_or_default()))
            .collect();
        tracing::debug!(%phone, device, ?what, "redelivering unacked stanzas");
    }
    for node in unacked {
        deliver(shared, phone, device, node);
    }
}
