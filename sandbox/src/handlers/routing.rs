//! Delivery to a device: straight to its connection when it is logged in, otherwise into its
//! queue (flushed at its next login, followed by `<ib><offline count/></ib>`). Device 0, the
//! simulated phone, has no connection: its stanzas wait in its queue for the phone module.
use wazap::binary::Node;

use crate::conn::ConnHandle;
use crate::shared::Shared;

/// Delivers `node` to (phone, device), queueing it when the device is offline.
pub fn deliver(shared: &Shared, phone: &str, device: u16, node: Node) {
    if device != 0 {
        if let Some(conn) = shared.conn_of(phone, device) {
            if conn.send(node.clone()) {
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
/// (whatsmeow `handleIB` "offline", Baileys `CB:ib,,offline`).
pub fn flush_offline(shared: &Shared, phone: &str, device: u16, conn: &ConnHandle) {
    let queued = {
        let mut state = shared.state();
        let queued = state.durable.queues.take(phone, device);
        if !queued.is_empty() {
            state.save();
        }
        queued
    };
    let count = queued.len();
    for node in queued {
        conn.send(node);
    }
    conn.send(Node::new("ib").child(Node::new("offline").attr("count", count)));
}
