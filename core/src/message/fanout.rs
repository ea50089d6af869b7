//! The server's side of a `<message>`: splitting what a device sent into what each recipient
//! device receives. The sandbox routes with it, and tests use it to stand in for a server.
use crate::binary::{Jid, Node, Server};

use super::MessageError;

/// One stanza for one recipient device.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Delivery {
    pub device: Jid,
    pub node: Node,
}

/// Splits a stanza sent by `sender` (a device JID) into deliveries, as WhatsApp's server does:
/// each `<to jid>` device gets its own `<enc>` (plus the group's skmsg, plus
/// `<device-identity>` with a pkmsg) in `<message id from t type [participant] [recipient]
/// [edit]>`; in a group `from` is the group and `participant` the sender; our own devices get
/// `recipient` (the chat). In a group, `group_devices` not named in `<participants>` get the
/// skmsg alone. A stanza with a direct `<enc>` (a retry answer, a peer message) goes to its
/// single target.
pub fn fan_out(
    stanza: &Node,
    sender: &Jid,
    timestamp: u64,
    group_devices: &[Jid],
) -> Result<Vec<Delivery>, MessageError> {
    if stanza.tag != "message" {
        return Err(MessageError::UnexpectedTag {
            expected: "message",
            got: stanza.tag.to_string(),
        });
    }
    let to = stanza.req_jid("to")?;
    let is_group = to.is_group() || to.server == Server::Broadcast;
    let mut base = Node::new("message")
        .attr("id", stanza.req_str("id")?.to_owned())
        .attr("t", timestamp.to_string())
        .opt_attr("type", stanza.attr_text("type").map(|s| s.into_owned()))
        .opt_attr("edit", stanza.attr_text("edit").map(|s| s.into_owned()))
        .opt_attr("category", stanza.attr_text("category").map(|s| s.into_owned()));
    let is_peer = stanza.attr_text("category").as_deref() == Some("peer");
    if is_group {
        base = base.attr("from", to.clone()).attr("participant", sender.clone());
    } else {
        base = base.attr("from", sender.clone());
    }
    let skmsg =
        stanza.children_by_tag("enc").find(|e| e.attr_text("type").as_deref() == Some("skmsg"));
    let identity = stanza.child_by_tag("device-identity");
    let deliver = |device: &Jid, enc: Option<&Node>| {
        let mut node = base.clone();
        if !is_group && !is_peer && device.user == sender.user && device.server == sender.server {
            node = node.attr("recipient", to.clone());
        }
        if let Some(enc) = enc {
            node.push_child(enc.clone());
        }
        if let Some(skmsg) = skmsg {
            node.push_child(skmsg.clone());
        }
        if enc.is_some_and(|e| e.attr_text("type").as_deref() == Some("pkmsg")) {
            if let Some(identity) = identity {
                node.push_child(identity.clone());
            }
        }
        Delivery { device: device.clone(), node }
    };
    let mut out = Vec::new();
    if let Some(participants) = stanza.child_by_tag("participants") {
        for target in participants.children_by_tag("to") {
            let device = target.req_jid("jid")?;
            out.push(deliver(&device, Some(target.req_child("enc")?)));
        }
    }
    let direct =
        stanza.children_by_tag("enc").find(|e| e.attr_text("type").as_deref() != Some("skmsg"));
    if let Some(enc) = direct {
        let device = if is_group { stanza.req_jid("participant")? } else { to.clone() };
        let mut delivery = deliver(&device, Some(enc));
        if !is_group {
            // A retry answer to one of our own devices keeps the chat it names.
            if let Some(recipient) = stanza.opt_jid("recipient")? {
                delivery.node.set_attr("recipient", recipient);
            }
        }
        out.push(delivery);
    } else if is_group && skmsg.is_some() {
        for device in group_devices {
            if device != sender && !out.iter().any(|d| &d.device == device) {
                out.push(deliver(device, None));
            }
        }
    }
    Ok(out)
}
