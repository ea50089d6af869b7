//! An account's device list as the server publishes it: usync `<devices>` and the `devices`
//! notifications that tell an account's other devices about a companion added or removed.
use wazap::binary::{Jid, Node};

use super::stanza;
use crate::jids::participant_hash;
use crate::phone;
use crate::shared::Shared;
use crate::state::Account;

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
