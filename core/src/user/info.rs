//! User info (whatsmeow `GetUserInfo`): a usync query in mode `full`, context `background`,
//! with the `business`, `status`, `picture`, `devices` and `lid` protocols and one `<user
//! jid>` per user. Each answer `<user jid>` carries `<status>text</status>`, `<picture id>`,
//! `<devices><device-list>…</device-list></devices>` and `<lid val>`.
use std::collections::HashMap;

use super::usync::{answer_users, usync_query};
use super::UserError;
use crate::binary::{Jid, Node, Server};
use crate::message::parse_device_list;
use crate::types::UserInfo;

/// The query for `users` (phone-number or LID users; devices are dropped).
pub fn user_info_query(sid: &str, users: &[Jid]) -> Node {
    let protocols = vec![
        Node::new("business").child(Node::new("verified_name")),
        Node::new("status"),
        Node::new("picture"),
        Node::new("devices").attr("version", "2"),
        Node::new("lid"),
    ];
    let list = users.iter().map(|u| Node::new("user").attr("jid", u.to_non_ad())).collect();
    usync_query(sid, "full", "background", protocols, list)
}

/// The info of every `<user>` of the answer, by user JID.
pub fn parse_user_info(iq: &Node) -> Result<HashMap<Jid, UserInfo>, UserError> {
    let mut out = HashMap::new();
    for user in answer_users(iq)? {
        let jid = user.req_jid("jid")?.to_non_ad();
        if !matches!(jid.server, Server::Pn | Server::Lid) {
            return Err(UserError::NotAUser(jid.to_string()));
        }
        let status = user
            .child_by_tag("status")
            .and_then(Node::content_bytes)
            .map(|b| String::from_utf8_lossy(b).into_owned())
            .unwrap_or_default();
        let picture_id = match user.child_by_tag("picture") {
            Some(picture) => {
                picture.attr_text("id").map(|s| s.into_owned()).filter(|s| !s.is_empty())
            }
            None => None,
        };
        let devices = match user.child_by_tag("devices") {
            Some(devices) => parse_device_list(&jid, devices)?,
            None => Vec::new(),
        };
        let lid = match user.child_by_tag("lid") {
            Some(lid) => lid.opt_jid("val")?.map(|l| l.to_non_ad()),
            None => None,
        };
        out.insert(jid, UserInfo { status, picture_id, devices, lid });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::binary::NodeError;

    fn answer(users: Vec<Node>) -> Node {
        Node::new("iq").child(Node::new("usync").child(Node::new("list").children(users)))
    }

    #[test]
    fn the_query_asks_for_every_protocol() {
        let iq = user_info_query("S", &[Jid::pn("1").with_device(2)]);
        let usync = iq.child_by_tag("usync").unwrap();
        assert_eq!(
            (usync.attr_str("mode"), usync.attr_str("context")),
            (Some("full"), Some("background"))
        );
        let tags: Vec<&str> =
            usync.req_child("query").unwrap().get_children().iter().map(|n| &*n.tag).collect();
        assert_eq!(tags, ["business", "status", "picture", "devices", "lid"]);
        let user = usync.child_by_path(&["list", "user"]).unwrap();
        assert_eq!(user.get_attr("jid").and_then(|v| v.as_jid()), Some(&Jid::pn("1")));
    }

    #[test]
    fn an_answer_parses() {
        let iq = answer(vec![
            Node::new("user").attr("jid", Jid::pn("1")).children([
                Node::new("status").attr("t", "5").text("busy"),
                Node::new("picture").attr("id", "77"),
                Node::new("devices").child(Node::new("device-list").children([
                    Node::new("device").attr("id", "0"),
                    Node::new("device").attr("id", "3"),
                ])),
                Node::new("lid").attr("val", Jid::lid("91")),
            ]),
            Node::new("user").attr("jid", Jid::pn("2")).children([
                Node::new("status"),
                Node::new("picture"),
                Node::new("lid"),
            ]),
        ]);
        let info = parse_user_info(&iq).unwrap();
        let one = &info[&Jid::pn("1")];
        assert_eq!(one.status, "busy");
        assert_eq!(one.picture_id.as_deref(), Some("77"));
        assert_eq!(one.devices, [Jid::pn("1"), Jid::pn("1").with_device(3)]);
        assert_eq!(one.lid, Some(Jid::lid("91")));
        assert_eq!(info[&Jid::pn("2")], UserInfo::default());
    }

    #[test]
    fn malformed_answers_are_typed_errors() {
        assert!(matches!(parse_user_info(&Node::new("iq")), Err(UserError::Malformed(_))));
        let no_jid = answer(vec![Node::new("user")]);
        assert!(matches!(
            parse_user_info(&no_jid),
            Err(UserError::Malformed(NodeError::MissingAttr { .. }))
        ));
        let bad_device =
            answer(vec![Node::new("user")
                .attr("jid", Jid::pn("1"))
                .child(Node::new("devices").child(
                    Node::new("device-list").child(Node::new("device").attr("id", "70000")),
                ))]);
        assert!(matches!(
            parse_user_info(&bad_device),
            Err(UserError::Malformed(NodeError::InvalidAttr { .. }))
        ));
        let bad_lid = answer(vec![Node::new("user")
            .attr("jid", Jid::pn("1"))
            .child(Node::new("lid").attr("val", "a@b@c"))]);
        assert!(matches!(parse_user_info(&bad_lid), Err(UserError::Malformed(_))));
        let group = answer(vec![Node::new("user").attr("jid", Jid::group("1-1"))]);
        assert!(matches!(parse_user_info(&group), Err(UserError::NotAUser(_))));
    }
}
