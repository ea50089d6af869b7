//! `<message id type to [phash]><participants><to jid><enc/></to>…</participants>…</message>`:
//! a 1:1 message, encrypted by the sender once per recipient device (and per own other device).
//! The server checks the participants against the device lists, delivers each device its own
//! `<enc>` (queued when offline), and acks the sender with the server timestamp; when the
//! sender's `phash` differs from the one of the real device lists, the ack carries the server's
//! (whatsmeow then refreshes its device cache).
use std::collections::BTreeSet;

use wazap::binary::{Jid, Node, Server};
use wazap::message::ServerAck;

use super::routing;
use crate::conn::ConnCtx;
use crate::jids::participant_hash;
use crate::shared::Shared;
use crate::state::unix_now;

/// Children copied from the sent stanza into every delivered copy.
const SHARED_CHILDREN: [&str; 3] = ["device-identity", "meta", "biz"];

pub fn handle(ctx: &mut ConnCtx, node: &Node) {
    let Some((phone, device)) = ctx.device().map(|(p, d)| (p.to_owned(), d)) else {
        tracing::info!("message from an unpaired connection ignored");
        return;
    };
    match route(&ctx.shared, &phone, device, node) {
        Some(ack) => {
            ctx.handle.send(ack);
        }
        None => tracing::info!("message without id ignored"),
    }
}

/// Routes a message sent by (phone, device) — a companion's connection, or the simulated phone
/// (device 0) — and returns the server ack for the sender (`None` without a message id).
pub fn route(shared: &Shared, phone: &str, device: u16, node: &Node) -> Option<Node> {
    let id = node.attr_str("id")?.to_owned();
    shared.faults.note_routed(&format!("{phone}:{device}"), &id);
    let to = match node.req_jid("to") {
        Ok(to) => to,
        Err(e) => {
            tracing::info!(error = %e, "message without recipient");
            return Some(ack(&id, None, None, Some(400)));
        }
    };
    let outcome = match to.server {
        Server::Pn | Server::Lid => direct(shared, phone, device, &id, &to, node),
        Server::Group => group(shared, phone, device, &id, &to, node),
        // Broadcast lists, status and newsletters are not served yet.
        _ => Err(404),
    };
    Some(match outcome {
        Ok(expected_phash) => {
            let phash = expected_phash.filter(|p| Some(p.as_str()) != node.attr_str("phash"));
            ack(&id, Some(to), phash, None)
        }
        Err(code) => ack(&id, Some(to), None, Some(code)),
    })
}

/// `<ack class="message" id from t [phash] [error]>` (the core's [`ServerAck`]).
fn ack(id: &str, to: Option<Jid>, phash: Option<String>, error: Option<u16>) -> Node {
    let ack = ServerAck {
        id: id.to_owned(),
        timestamp: Some(unix_now()),
        phash,
        server_id: None,
        error: error.map(u32::from),
    };
    ack.to_node(to)
}

/// Delivers a direct message; returns the server's participant hash.
fn direct(
    shared: &Shared,
    phone: &str,
    device: u16,
    id: &str,
    to: &Jid,
    node: &Node,
) -> Result<Option<String>, u16> {
    let lid_mode = to.server == Server::Lid;
    let (recipient_phone, sender, expected, push_name, blocked) = {
        let state = shared.state();
        let recipient_phone = state.phone_of(to).ok_or(404u16)?;
        let recipient = state.account(&recipient_phone).ok_or(404u16)?;
        let me = state.account(phone).ok_or(401u16)?;
        let user = |a: &crate::state::Account| if lid_mode { a.lid_jid() } else { a.jid() };
        let mut expected: Vec<Jid> = recipient.device_jids(&user(recipient));
        expected.extend(me.device_jids(&user(me)).into_iter().filter(|j| j.device != device));
        expected.sort();
        expected.dedup();
        let blocked = recipient.blocked.contains(phone);
        let sender =
            Sender { device_jid: user(me).with_device(device), pn: me.jid(), lid: me.lid_jid() };
        (recipient_phone, sender, expected, me.push_name.clone(), blocked)
    };
    let valid: BTreeSet<&Jid> = expected.iter().collect();
    let extra: Vec<Node> = node
        .get_children()
        .iter()
        .filter(|c| SHARED_CHILDREN.contains(&c.tag.as_ref()))
        .cloned()
        .collect();
    let t = unix_now();
    let participants =
        node.child_by_tag("participants").map(Node::get_children).unwrap_or_default();
    let mut targets: Vec<(Jid, &Node)> = participants
        .iter()
        .filter(|n| n.tag == "to")
        .filter_map(|n| Some((n.req_jid("jid").ok()?, n.child_by_tag("enc")?)))
        .collect();
    // A stanza with its own `<enc>` (a retry answer, `device_fanout="false"`) goes to the one
    // device `to` names.
    if let (Some(enc), true) = (node.child_by_tag("enc"), to.device != 0 || targets.is_empty()) {
        targets.push((to.clone(), enc));
    }
    for (target, enc) in targets {
        if !valid.contains(&target) {
            tracing::debug!(%target, "participant is not a device of the conversation; skipped");
            continue;
        }
        let own = target.user == sender.device_jid.user;
        if blocked && !own {
            // The blocker never sees it; the sender only gets the server ack.
            continue;
        }
        let mut copy = Node::new("message")
            .attr("from", sender.device_jid.clone())
            .attr("type", node.attr_str("type").unwrap_or("text").to_owned())
            .attr("id", id.to_owned())
            .attr("t", t)
            .attr("notify", push_name.clone());
        if own {
            // The sender's other devices learn which chat it was (whatsmeow parseMessageSource);
            // a retry answer names it in `recipient`.
            let chat = node.opt_jid("recipient").ok().flatten().unwrap_or_else(|| to.to_non_ad());
            copy.set_attr("recipient", chat);
        }
        if lid_mode {
            copy.set_attr("addressing_mode", "lid");
            copy.set_attr("sender_pn", sender.pn.clone());
        } else {
            copy.set_attr("sender_lid", sender.lid.clone());
        }
        // `category="peer"` (a message between one's own devices) reaches them as sent.
        for key in ["edit", "category"] {
            if let Some(value) = node.attr_str(key) {
                copy.set_attr(key, value.to_owned());
            }
        }
        let copy = copy.child(enc.clone()).children(extra.clone());
        let target_phone = if own { phone.to_owned() } else { recipient_phone.clone() };
        routing::deliver(shared, &target_phone, target.device, copy);
    }
    Ok(Some(send_phash(&expected, &sender.device_jid)))
}

/// The hash the sender's `phash` must equal: over the conversation's devices and the sending
/// device too (WhatsApp Web hashes `[].concat(devices, [sender])`; whatsmeow's device lists
/// include the sending device), though the sending device gets no copy.
fn send_phash(devices: &[Jid], sending: &Jid) -> String {
    participant_hash(devices.iter().chain(std::iter::once(sending)))
}

struct Sender {
    device_jid: Jid,
    pn: Jid,
    lid: Jid,
}

/// Delivers a group message: every member device except the sender's gets the shared `<enc
/// type="skmsg">` plus its own `<enc>` from the participants list (the sender-key distribution,
/// when the sender included one), `from` the group with the sender as `participant`.
fn group(
    shared: &Shared,
    phone: &str,
    device: u16,
    id: &str,
    to: &Jid,
    node: &Node,
) -> Result<Option<String>, u16> {
    let (targets, expected, sender, push_name) = {
        let state = shared.state();
        let group = state.durable.groups.get(&to.user).ok_or(404u16)?;
        let role = group.members.get(phone).ok_or(403u16)?;
        if group.announce && !role.is_admin() {
            return Err(403);
        }
        let mut targets = Vec::new();
        let mut expected = Vec::new();
        for member in group.members.keys() {
            let Some(account) = state.account(member) else { continue };
            for d in account.device_ids() {
                if member == phone && d == device {
                    continue;
                }
                targets.push((member.clone(), d));
                expected.push(account.jid().with_device(d));
            }
        }
        let me = state.account(phone).ok_or(401u16)?;
        let sender = (me.jid().with_device(device), me.lid_jid().with_device(device));
        (targets, expected, sender, me.push_name.clone())
    };
    let (sender, sender_lid) = sender;
    let skmsg = node.children_by_tag("enc").find(|e| e.attr_str("type") == Some("skmsg"));
    let own_encs: Vec<(Jid, &Node)> = node
        .child_by_tag("participants")
        .map(Node::get_children)
        .unwrap_or_default()
        .iter()
        .filter(|n| n.tag == "to")
        .filter_map(|n| Some((n.req_jid("jid").ok()?, n.child_by_tag("enc")?)))
        .collect();
    let mut own_encs = own_encs;
    // A retry answer: `<message to=group participant=device><enc/>` for that device only.
    let direct = node.children_by_tag("enc").find(|e| e.attr_str("type") != Some("skmsg"));
    let retry_target = match (direct, node.opt_jid("participant")) {
        (Some(enc), Ok(Some(participant))) => {
            let participant = match participant.server {
                Server::Lid => shared
                    .state()
                    .phone_of(&participant)
                    .map(|p| Jid::pn(p).with_device(participant.device)),
                _ => Some(participant),
            };
            if let Some(p) = &participant {
                own_encs.push((p.clone(), enc));
            }
            participant
        }
        _ => None,
    };
    let extra: Vec<Node> = node
        .get_children()
        .iter()
        .filter(|c| SHARED_CHILDREN.contains(&c.tag.as_ref()))
        .cloned()
        .collect();
    let t = unix_now();
    for (member, d) in targets {
        if let Some(only) = &retry_target {
            if only.user != member || only.device != d {
                continue;
            }
        }
        let target_jid = Jid::pn(member.clone()).with_device(d);
        let mut copy = Node::new("message")
            .attr("from", to.clone())
            .attr("participant", sender.clone())
            .attr("participant_lid", sender_lid.clone())
            .attr("type", node.attr_str("type").unwrap_or("text").to_owned())
            .attr("id", id.to_owned())
            .attr("t", t)
            .attr("notify", push_name.clone());
        if let Some(edit) = node.attr_str("edit") {
            copy.set_attr("edit", edit.to_owned());
        }
        if let Some((_, enc)) = own_encs.iter().find(|(j, _)| *j == target_jid) {
            copy.push_child((*enc).clone());
        }
        if let Some(skmsg) = skmsg {
            copy.push_child(skmsg.clone());
        }
        if copy.get_children().is_empty() {
            continue;
        }
        let copy = copy.children(extra.clone());
        routing::deliver(shared, &member, d, copy);
    }
    Ok(Some(send_phash(&expected, &sender)))
}
