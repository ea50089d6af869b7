//! A phone that reinstalls WhatsApp: device 0 gets a new identity, signed prekey and one-time
//! prekeys; its Signal store starts over (no sessions, no sender keys); every companion is
//! unlinked (they were signed with the old identity, and a real reinstall logs them out); and
//! every other account's devices get `<notification type="encrypt" from=user><identity/>
//! </notification>` (whatsmeow `handleEncryptNotification`), so they drop their sessions with
//! the user and start new ones. The other simulated phones forget theirs directly.
use wazap::binary::{Jid, Node};
use wazap::store::SignalStore;

use super::PhoneKeys;
use crate::handlers::{routing, stanza};
use crate::shared::Shared;
use crate::state::unix_now;

/// What a reinstall did.
pub struct Reinstalled {
    /// The companions that were unlinked.
    pub removed_devices: Vec<u16>,
    /// The other accounts' devices that were told.
    pub notified_devices: usize,
}

/// Reinstalls the phone of `phone`; `None` for an unknown account.
pub fn reinstall(shared: &Shared, phone: &str) -> Option<Reinstalled> {
    let (pn, lid, removed, others) = {
        let mut state = shared.state();
        let account = state.account_mut(phone)?;
        account.primary = PhoneKeys::generate();
        account.bundles.clear();
        account.bundles.insert(0, account.primary.public_keys());
        let removed: Vec<u16> = account.devices.keys().copied().collect();
        account.devices.clear();
        account.devices_changed = unix_now();
        let (pn, lid) = (account.jid(), account.lid_jid());
        for device in &removed {
            state.durable.queues.clear(phone, *device);
        }
        state.durable.sender_key_holders.remove(phone);
        // Nobody holds any of the user's devices' sender keys' counterparts any more: other
        // phones must hand their sender keys to the new device 0 again.
        let own_user =
            |j: &str| j.parse::<Jid>().is_ok_and(|j: Jid| j.user == pn.user || j.user == lid.user);
        for groups in state.durable.sender_key_holders.values_mut() {
            for holders in groups.values_mut() {
                holders.retain(|h| !own_user(h));
            }
        }
        let others: Vec<(String, Vec<u16>)> = state
            .durable
            .accounts
            .values()
            .filter(|a| a.phone != phone)
            .map(|a| (a.phone.clone(), a.device_ids()))
            .collect();
        state.save();
        (pn, lid, removed, others)
    };
    shared.reset_phone_store(phone);
    for device in &removed {
        if let Some(conn) = shared.conn_of(phone, *device) {
            conn.close(Some(stanza::stream_error_device_removed()));
            shared.unregister_conn(phone, *device, conn.id);
        }
    }
    let mut notified = 0;
    for (other, device_ids) in &others {
        // The other phones keep sessions under LID addresses (see `sessions`).
        if let Some(store) = shared.phone_store(other) {
            for name in [pn.signal_user(), lid.signal_user()] {
                if let Err(e) = store.forget_user(&name) {
                    tracing::warn!(phone = %other, error = %e, "sessions not forgotten");
                }
            }
        }
        for device in device_ids.iter().copied().filter(|d| *d != 0) {
            let node = stanza::notification(pn.clone(), "encrypt", Node::new("identity"));
            routing::deliver(shared, other, device, node);
            notified += 1;
        }
    }
    tracing::info!(%phone, removed = removed.len(), notified, "phone reinstalled");
    Some(Reinstalled { removed_devices: removed, notified_devices: notified })
}
