//! An account's device list as the server publishes it: usync `<devices>` and the `devices`
//! notifications that tell an account's other devices about a companion added or removed; and
//! the unlinking of a companion.
use wazap::binary::{Jid, Node};

use super::stanza;
use crate::jids::participant_hash;
use crate::phone;
use crate::shared::Shared;
use crate::state::{unix_now, Account};

/// `<key-index-list ts>ADVSignedKeyIndexList</key-index-list>` signed by the phone.
pub fn key_index_list(account: &Account) -> Node {
    let indexes: Vec<u32> = account.devices.values().map(|d| d.key_index).collect();
    let current = indexes.iter().copied().max().unwrap_or(0);
    let signed = phone::key_index_list(
        &account.primary.identity_pair(),
        account.adv_raw_id,
        account.devices_changed,
        current,
        indexes,
    );
    Node::new("key-index-list").attr("ts", account.devices_changed).bytes(signed)
}

/// `<devices><device-list><device id [key-index]/>…</device-list><key-index-list/></devices>`
/// (parsed by whatsmeow `parseDeviceList`, Baileys `USyncDeviceProtocol`).
pub fn devices_node(account: &Account) -> Node {
    let list = std::iter::once(Node::new("device").attr("id", 0u16)).chain(
        account
            .devices
            .values()
            .map(|d| Node::new("device").attr("id", d.id).attr("key-index", d.key_index)),
    );
    Node::new("devices")
        .child(Node::new("device-list").children(list))
        .child(key_index_list(account))
}

/// Tells the account's connected companions (except `skip`) that `device` was added or
/// removed: `<notification type="devices" from=user lid=lid><add|remove device_hash
/// device_lid_hash><device jid lid/><key-index-list/></…></notification>` (whatsmeow
/// `handleDeviceNotification`).
pub fn notify_change(shared: &Shared, phone: &str, change: &'static str, device: u16, skip: u64) {
    let node = {
        let state = shared.state();
        let Some(account) = state.account(phone) else { return };
        let pn = account.jid();
        let lid = account.lid_jid();
        let child = Node::new(change)
            .attr("device_hash", participant_hash(&account.device_jids(&pn)))
            .attr("device_lid_hash", participant_hash(&account.device_jids(&lid)))
            .child(
                Node::new("device")
                    .attr("jid", pn.clone().with_device(device))
                    .attr("lid", lid.clone().with_device(device)),
            )
            .child(key_index_list(account));
        let mut node = stanza::notification(pn, "devices", child);
        node.set_attr("lid", lid);
        node
    };
    for (_, conn) in shared.conns_of_account(phone) {
        if conn.id != skip {
            conn.send(node.clone());
        }
    }
}

/// Every device JID of a user, under the JID the caller used (phone number or LID).
pub fn device_jids(account: &Account, user: &Jid) -> Vec<Jid> {
    account.device_jids(&user.to_non_ad())
}

/// Unlinks companion `device` of `phone` (the companion logged itself out, or the phone removed
/// it): forgets it and its queued stanzas, ends its live connection with `<stream:error
/// code="401"><conflict type="device_removed"/>` (after `reply`, when that connection is the
/// one asking), and tells the account's other companions. `false` if there was no such device.
pub fn unlink(shared: &Shared, phone: &str, device: u16, reply: Option<(u64, Node)>) -> bool {
    {
        let mut state = shared.state();
        let Some(account) = state.account_mut(phone) else { return false };
        if account.devices.remove(&device).is_none() {
            return false;
        }
        account.bundles.remove(&device);
        account.devices_changed = unix_now();
        state.durable.queues.clear(phone, device);
        state.save();
    }
    if let Some(conn) = shared.conn_of(phone, device) {
        if let Some((_, reply)) = reply.filter(|(asking, _)| *asking == conn.id) {
            // The reply must go before the stream error on this very connection.
            conn.send(reply);
        }
        conn.close(Some(stanza::stream_error_device_removed()));
        shared.unregister_conn(phone, device, conn.id);
    }
    notify_change(shared, phone, "remove", device, 0);
    true
}
