//! Stanzas waiting for a device that is not connected (delivered on its next login), and the
//! phone's inbox (device 0: what the simulated phone has to process). Stored encoded (binary
//! nodes, dictionary v3) so they persist with `--data`.
use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use wazap::binary::{decode, try_encode, Node};

use super::codec::HexBytes;

/// Most stanzas kept for one device; older ones are dropped first (a device offline for long
/// loses the oldest, as on the real server after its retention period).
pub const MAX_QUEUED: usize = 10_000;

#[derive(Default, Serialize, Deserialize)]
pub struct Queues {
    /// By `phone:device`.
    by_device: BTreeMap<String, Vec<HexBytes>>,
}

fn key(phone: &str, device: u16) -> String {
    format!("{phone}:{device}")
}

impl Queues {
    pub fn push(&mut self, phone: &str, device: u16, node: &Node) {
        let Ok(bytes) = try_encode(node) else {
            tracing::error!(tag = %node.tag, "cannot queue a stanza that does not encode");
            return;
        };
        let queue = self.by_device.entry(key(phone, device)).or_default();
        if queue.len() >= MAX_QUEUED {
            queue.remove(0);
        }
        queue.push(HexBytes(bytes));
    }

    /// Takes every stanza queued for the device, oldest first.
    pub fn take(&mut self, phone: &str, device: u16) -> Vec<Node> {
        self.by_device
            .remove(&key(phone, device))
            .unwrap_or_default()
            .into_iter()
            .filter_map(|b| decode(&b.0).ok())
            .collect()
    }

    pub fn len(&self, phone: &str, device: u16) -> usize {
        self.by_device.get(&key(phone, device)).map_or(0, Vec::len)
    }

    /// Forgets a removed device's queue.
    pub fn clear(&mut self, phone: &str, device: u16) {
        self.by_device.remove(&key(phone, device));
    }
}
