//! Edge routing, as the real server does it: after a login the server hands the device an
//! opaque routing hint, `<ib><edge_routing><routing_info>…</routing_info></edge_routing></ib>`,
//! which the client sends back before the `WA` header of its next connection
//! (`ED 00 01 <len:3> <info>`; the socket layer parses it into the connection header). The
//! sandbox records, per device, what it handed out and what each login brought, so tests can
//! check the round trip.
use std::collections::HashMap;
use std::sync::{Mutex, MutexGuard};

use wazap::binary::Node;

use crate::conn::ConnHandle;
use crate::shared::Shared;

/// What the sandbox handed out and received, per (phone, device).
#[derive(Default)]
pub struct EdgeRouting {
    inner: Mutex<Log>,
}

#[derive(Default)]
struct Log {
    issued: HashMap<(String, u16), Vec<u8>>,
    received: HashMap<(String, u16), Vec<Option<Vec<u8>>>>,
}

impl EdgeRouting {
    fn lock(&self) -> MutexGuard<'_, Log> {
        self.inner.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// The routing info last sent to the device.
    pub fn issued(&self, phone: &str, device: u16) -> Option<Vec<u8>> {
        self.lock().issued.get(&(phone.to_owned(), device)).cloned()
    }

    /// The routing prefix of each login of the device, oldest first (`None`: no `ED` prefix).
    pub fn received(&self, phone: &str, device: u16) -> Vec<Option<Vec<u8>>> {
        self.lock().received.get(&(phone.to_owned(), device)).cloned().unwrap_or_default()
    }
}

/// After `<success>` was queued: records the routing prefix the login came with and sends a new
/// routing info (unique per connection, so a test can tell which one came back).
pub fn after_login(
    shared: &Shared,
    handle: &ConnHandle,
    phone: &str,
    device: u16,
    received: Option<Vec<u8>>,
) {
    let info = format!("sandbox-edge/{phone}.{device}/{}", handle.id).into_bytes();
    {
        let mut log = shared.edge_routing.lock();
        let key = (phone.to_owned(), device);
        log.received.entry(key.clone()).or_default().push(received);
        log.issued.insert(key, info.clone());
    }
    handle.send(
        Node::new("ib")
            .child(Node::new("edge_routing").child(Node::new("routing_info").bytes(info))),
    );
}
