//! `<receipt id to [participant] [type] [t]>[<list><item id/>…</list>]`: a device reports that it
//! received (no type), read, played… or could not decrypt (`retry`) a message. The server acks
//! it and relays it to every device of the user it names, `from` the reporting device, queueing
//! for offline ones. Receipts to the server itself (e.g. `hist_sync` with no `to`) are only acked.
//! A receipt also acknowledges the messages it names ([`routing::receipt_acks`]).
use wazap::binary::{Jid, Node, Server};

use super::{acks, routing};
use crate::conn::ConnCtx;
use crate::shared::Shared;
use crate::state::unix_now;

pub fn handle(ctx: &mut ConnCtx, node: &Node) {
    acks::ack(ctx, node);
    routing::receipt_acks(&ctx.shared, ctx.handle.id, node);
    let Some((phone, device)) = ctx.device().map(|(p, d)| (p.to_owned(), d)) else { return };
    relay(&ctx.shared, &phone, device, node);
}

/// Relays a receipt sent by (phone, device) — a companion, or the simulated phone — to the
/// devices of the user it names.
pub fn relay(shared: &Shared, phone: &str, device: u16, node: &Node) {
    if node.attr_str("type") == Some("retry") {
        shared.faults.count_retry_receipt();
    }
    let Ok(Some(to)) = node.opt_jid("to") else { return };
    if to.server == Server::Group {
        group(shared, phone, device, &to, node);
        return;
    }
    if !matches!(to.server, Server::Pn | Server::Lid) {
        return;
    }
    let targets = {
        let state = shared.state();
        let Some(target_phone) = state.phone_of(&to) else { return };
        let Some(me) = state.account(phone) else { return };
        let Some(target) = state.account(&target_phone) else { return };
        let from = if to.server == Server::Lid { me.lid_jid() } else { me.jid() };
        let devices: Vec<u16> = target
            .device_ids()
            .into_iter()
            .filter(|d| !(target_phone == phone && *d == device))
            .collect();
        (target_phone, from.with_device(device), devices)
    };
    let (target_phone, from, devices) = targets;
    let mut relayed = Node::new("receipt")
        .attr("from", from)
        .attr("id", node.attr_str("id").unwrap_or_default().to_owned())
        .attr("t", node.attr_str("t").map_or_else(|| unix_now().to_string(), str::to_owned));
    for key in ["type", "participant", "recipient"] {
        if let Some(value) = node.get_attr(key) {
            relayed.set_attr(key, value.clone());
        }
    }
    let relayed = relayed.children(node.get_children().to_vec());
    for target_device in devices {
        routing::deliver(shared, &target_phone, target_device, relayed.clone());
    }
}

/// A receipt in a group (`to`=group, `participant`=the message's sender) goes to the sender's
/// devices `from` the group with the reporting device as `participant` (read and retry
/// receipts for group messages).
fn group(shared: &Shared, phone: &str, device: u16, to: &Jid, node: &Node) {
    let Ok(Some(participant)) = node.opt_jid("participant") else { return };
    let targets = {
        let state = shared.state();
        let Some(group) = state.durable.groups.get(&to.user) else { return };
        if !group.members.contains_key(phone) {
            return;
        }
        let Some(target_phone) = state.phone_of(&participant) else { return };
        let Some(me) = state.account(phone) else { return };
        let Some(target) = state.account(&target_phone) else { return };
        let from = if participant.server == Server::Lid { me.lid_jid() } else { me.jid() };
        let devices: Vec<u16> = target
            .device_ids()
            .into_iter()
            .filter(|d| !(target_phone == phone && *d == device))
            .collect();
        (target_phone, from.with_device(device), devices)
    };
    let (target_phone, from, devices) = targets;
    let mut relayed = Node::new("receipt")
        .attr("from", to.clone())
        .attr("participant", from)
        .attr("id", node.attr_str("id").unwrap_or_default().to_owned())
        .attr("t", node.attr_str("t").map_or_else(|| unix_now().to_string(), str::to_owned));
    if let Some(kind) = node.get_attr("type") {
        relayed.set_attr("type", kind.clone());
    }
    let relayed = relayed.children(node.get_children().to_vec());
    for target_device in devices {
        routing::deliver(shared, &target_phone, target_device, relayed.clone());
    }
}
