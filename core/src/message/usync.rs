//! The usync device-list query and its answer (whatsmeow `usync`, `parseDeviceList`).
use crate::binary::{Jid, Node, NodeError, Server};

use super::MessageError;

/// One user's devices, as usync answers.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UserDevices {
    /// The user as queried (no device).
    pub user: Jid,
    /// Device JIDs of the user, device 0 (the phone) included; hosted devices on the hosted
    /// servers.
    pub devices: Vec<Jid>,
    /// The user's LID, when the answer has `<lid val>`.
    pub lid: Option<Jid>,
}

/// `<iq id xmlns="usync" type="get" to="s.whatsapp.net"><usync sid mode="query" last="true"
/// index="0" context="message"><query><devices version="2"/>[<lid/>]</query><list><user
/// jid/>…</list></usync></iq>`. For a 1:1 message, query the recipient and our own user.
pub fn build_device_query(id: &str, sid: &str, users: &[Jid], with_lid: bool) -> Node {
    let mut query = vec![Node::new("devices").attr("version", "2")];
    if with_lid {
        query.push(Node::new("lid"));
    }
    let list = users.iter().map(|u| Node::new("user").attr("jid", u.to_non_ad()));
    Node::new("iq")
        .attr("id", id.to_owned())
        .attr("xmlns", "usync")
        .attr("type", "get")
        .attr("to", Jid::server_only(Server::Pn))
        .child(
            Node::new("usync")
                .attr("sid", sid.to_owned())
                .attr("mode", "query")
                .attr("last", "true")
                .attr("index", "0")
                .attr("context", "message")
                .children([Node::new("query").children(query), Node::new("list").children(list)]),
        )
}

/// Reads the device lists from a usync answer (the `<iq>`, or its `<usync>`). Users whose
/// entry carries no device list are returned with no devices.
pub fn parse_device_response(node: &Node) -> Result<Vec<UserDevices>, MessageError> {
    let usync = if node.tag == "usync" { node } else { node.req_child("usync")? };
    let list = usync.req_child("list")?;
    let mut out = Vec::new();
    for user in list.children_by_tag("user") {
        let jid = user.req_jid("jid")?.to_non_ad();
        let devices = match user.child_by_tag("devices") {
            Some(devices) => parse_device_list(&jid, devices)?,
            None => Vec::new(),
        };
        let lid = match user.child_by_tag("lid") {
            Some(lid) => lid.opt_jid("val")?,
            None => None,
        };
        out.push(UserDevices { user: jid, devices, lid });
    }
    Ok(out)
}

/// The devices of `user` in a usync `<devices><device-list><device id [is_hosted]/>…
/// </device-list></devices>` node (none when it has no list).
pub fn parse_device_list(user: &Jid, devices: &Node) -> Result<Vec<Jid>, NodeError> {
    let mut out = Vec::new();
    if let Some(device_list) = devices.child_by_tag("device-list") {
        for device in device_list.children_by_tag("device") {
            let id: u16 = device.req_parse("id", "a device id")?;
            let mut jid = user.to_non_ad().with_device(id);
            if device.opt_bool("is_hosted")?.unwrap_or(false) {
                jid.server = if jid.is_lid() { Server::HostedLid } else { Server::Hosted };
            }
            out.push(jid);
        }
    }
    Ok(out)
}

/// The answer a server gives to [`build_device_query`] (for the sandbox).
#[cfg(feature = "server")]
pub fn build_device_response(id: &str, sid: &str, users: &[UserDevices]) -> Node {
    let list = users.iter().map(|u| {
        let devices = u
            .devices
            .iter()
            .map(|d| Node::new("device").attr("id", d.device.to_string()))
            .collect::<Vec<_>>();
        let mut children =
            vec![Node::new("devices").child(Node::new("device-list").children(devices))];
        if let Some(lid) = &u.lid {
            children.push(Node::new("lid").attr("val", lid.clone()));
        }
        Node::new("user").attr("jid", u.user.clone()).children(children)
    });
    Node::new("iq")
        .attr("id", id.to_owned())
        .attr("type", "result")
        .attr("from", Jid::server_only(Server::Pn))
        .child(
            Node::new("usync")
                .attr("sid", sid.to_owned())
                .attr("mode", "query")
                .attr("last", "true")
                .attr("index", "0")
                .attr("context", "message")
                .children([
                    Node::new("result").child(Node::new("devices")),
                    Node::new("list").children(list),
                ]),
        )
}
