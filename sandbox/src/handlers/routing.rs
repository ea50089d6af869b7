//! Delivery to a device: straight to its connection when it is logged in, otherwise into its
//! queue (flushed at its next login, followed by `<ib><offline count/></ib>`). Device 0, the
//! simulated phone, has no connection: its stanzas wait in its queue for the phone module.
//! Messages, receipts and notifications written to a connection stay in flight until the
//! client acks them ([`crate::state::in_flight`]); [`redeliver_unacked`] hands back what a
//! closed connection never acked.
use wazap::binary::{Jid, Node};

use crate::conn::ConnHandle;
use crate::shared::Shared;
use crate::state::in_flight::{needs_ack, reports_received};

/// Delivers `node` to (phone, device), queueing it when the device is offline.
pub fn deliver(shared: &Shared, phone: &str, device: u16, node: Node) {
    if device != 0 {
        if let Some(conn) = shared.conn_of(phone, device) {
            // Under the state lock, so the client's ack cannot be handled before the stanza is
            // in flight.
            let mut state = shared.state();
            if conn.send(node.clone()) {
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

/// The client reported messages received with a receipt (`<receipt id to [participant]
/// [type]>[<list><item id/>…]`): those it names, from that chat and sender, are done with.
pub fn received(shared: &Shared, conn_id: u64, receipt: &Node) {
    if !reports_received(receipt.attr_str("type")) {
        return;
    }
    let mut ids: Vec<&str> = receipt.attr_str("id").into_iter().collect();
    if let Some(list) = receipt.child_by_tag("list") {
        ids.extend(list.children_by_tag("item").filter_map(|i| i.attr_str("id")));
    }
    let mut state = shared.state();
    // The users (PN and LID) a JID may name: a receipt may name the chat either way.
    let aliases = |jid: Option<Jid>| -> Vec<String> {
        let Some(jid) = jid else { return Vec::new() };
        match state.phone_of(&jid).and_then(|p| state.account(&p)) {
            Some(account) => vec![account.jid().user, account.lid_jid().user],
            None => vec![jid.user],
        }
    };
    let chat = aliases(receipt.opt_jid("to").ok().flatten());
    let participant = aliases(receipt.opt_jid("participant").ok().flatten());
    let same_sender = |sent: &Node| {
        let user = |key: &str| sent.opt_jid(key).ok().flatten().map(|j| j.user);
        user("from").is_some_and(|u| chat.contains(&u))
            && user("participant").map_or(true, |u| participant.contains(&u))
    };
    let settled = state.in_flight.settle_received(conn_id, &ids, same_sender);
    tracing::trace!(settled, "messages settled by a receipt");
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
        tracing::debug!(%phone, device, count = unacked.len(), "redelivering unacked stanzas");
    }
    for node in unacked {
        deliver(shared, phone, device, node);
    }
}
