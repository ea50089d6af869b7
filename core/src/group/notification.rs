//! `<notification type="w:gp2" from=group participant notify t>`: a change to a group we are in
//! (whatsmeow `parseGroupNotification`, `parseGroupChange`, `parseGroupCreate`). A lone
//! `<create><group/></create>` child means we joined a new group; otherwise each child is one
//! change: `<add|remove|promote|demote><participant jid [lid|phone_number]/>…`, `<subject
//! subject s_t s_o>`, `<description id><body/>|<delete/></description>`, `<announcement>`,
//! `<not_announcement>`, `<locked>`, `<unlocked>`, `<ephemeral expiration>`,
//! `<not_ephemeral>`, `<invite code>`, `<delete reason>`.
use super::info::{group_jid, opt_u32, parse_group, parse_participant, text_content};
use super::iq::INVITE_LINK_PREFIX;
use super::GroupError;
use crate::binary::{Jid, Node, Server};
use crate::types::{GroupChange, GroupInfo, GroupName, GroupTopic, JoinedGroup};

/// A phone-number user and its LID, as a notification pairs them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LidPair {
    pub pn: Jid,
    pub lid: Jid,
}

/// What a `w:gp2` notification says.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum GroupNotification {
    /// We are in a new group.
    Joined(JoinedGroup),
    Changed(GroupChange),
}

/// The LID pairs of a group's members (their `lid` / `phone_number` attributes).
fn member_pairs(group: &GroupInfo) -> Vec<LidPair> {
    group
        .participants
        .iter()
        .filter_map(|p| Some(LidPair { pn: p.phone_number.clone()?, lid: p.lid.clone()? }))
        .collect()
}

/// Reads a `w:gp2` notification; also returns the LID pairs of the members it lists.
pub fn parse_group_notification(
    node: &Node,
) -> Result<(GroupNotification, Vec<LidPair>), GroupError> {
    let jid = group_jid(node, "from")?;
    let sender = node.opt_jid("participant")?;
    let notify = node.attr_text("notify").map(|s| s.into_owned()).filter(|s| !s.is_empty());
    let children = node.get_children();
    if let [create] = children {
        if create.tag == "create" {
            let group = parse_group(create.req_child("group")?)?;
            let reason = create.attr_text("reason").map(|s| s.into_owned());
            let pairs = member_pairs(&group);
            return Ok((
                GroupNotification::Joined(JoinedGroup { sender, notify, reason, group }),
                pairs,
            ));
        }
    }
    let timestamp = node.req_u64("t")?;
    let mut change = GroupChange {
        jid,
        sender,
        notify,
        timestamp,
        name: None,
        topic: None,
        announce: None,
        locked: None,
        ephemeral_secs: None,
        join: Vec::new(),
        join_reason: None,
        leave: Vec::new(),
        promote: Vec::new(),
        demote: Vec::new(),
        new_invite_link: None,
        deleted: None,
        unknown: Vec::new(),
    };
    let mut pairs = Vec::new();
    for child in children {
        match child.tag.as_ref() {
            tag @ ("add" | "remove" | "promote" | "demote") => {
                let members = participant_list(child, &mut pairs)?;
                match tag {
                    "add" => {
                        change.join_reason = child.attr_text("reason").map(|s| s.into_owned());
                        change.join.extend(members);
                    }
                    "remove" => change.leave.extend(members),
                    "promote" => change.promote.extend(members),
                    _ => change.demote.extend(members),
                }
            }
            "subject" => {
                change.name = Some(GroupName {
                    name: child.req_str("subject")?.to_owned(),
                    set_by: child.opt_jid("s_o")?.or_else(|| change.sender.clone()),
                    set_at: child.opt_u64("s_t")?.or(Some(timestamp)),
                })
            }
            "description" => {
                let deleted = child.child_by_tag("delete").is_some();
                let topic =
                    if deleted { String::new() } else { text_content(child.req_child("body")?) };
                change.topic = Some(GroupTopic {
                    topic,
                    id: child.attr_text("id").map(|s| s.into_owned()),
                    set_by: change.sender.clone(),
                    set_at: timestamp,
                    deleted,
                });
            }
            "announcement" => change.announce = Some(true),
            "not_announcement" => change.announce = Some(false),
            "locked" => change.locked = Some(true),
            "unlocked" => change.locked = Some(false),
            "ephemeral" => change.ephemeral_secs = Some(opt_u32(child, "expiration")?.unwrap_or(0)),
            "not_ephemeral" => change.ephemeral_secs = Some(0),
            "invite" => {
                change.new_invite_link =
                    Some(format!("{INVITE_LINK_PREFIX}{}", child.req_str("code")?))
            }
            "delete" => {
                change.deleted =
                    Some(child.attr_text("reason").map(|s| s.into_owned()).unwrap_or_default())
            }
            other => change.unknown.push(other.to_owned()),
        }
    }
    Ok((GroupNotification::Changed(change), pairs))
}

/// The members of an `<add|remove|promote|demote>`, in the form the group uses.
fn participant_list(node: &Node, pairs: &mut Vec<LidPair>) -> Result<Vec<Jid>, GroupError> {
    let mut members = Vec::new();
    for p in node.children_by_tag("participant") {
        let member = parse_participant(p)?;
        if let (Some(pn), Some(lid)) = (&member.phone_number, &member.lid) {
            if pn.server == Server::Pn && lid.server == Server::Lid {
                pairs.push(LidPair { pn: pn.clone(), lid: lid.clone() });
            }
        }
        members.push(member.jid);
    }
    Ok(members)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::binary::NodeError;

    fn gp2(children: Vec<Node>) -> Node {
        Node::new("notification")
            .attr("from", Jid::group("1-1"))
            .attr("type", "w:gp2")
            .attr("id", "N1")
            .attr("participant", Jid::pn("111"))
            .attr("notify", "Ann")
            .attr("t", "1700000000")
            .children(children)
    }

    fn changed(node: &Node) -> GroupChange {
        match parse_group_notification(node).unwrap().0 {
            GroupNotification::Changed(change) => change,
            other => panic!("not a change: {other:?}"),
        }
    }

    #[test]
    fn changes_parse() {
        let change = changed(&gp2(vec![
            Node::new("subject").attr("subject", "New").attr("s_t", "1700000005"),
            Node::new("description")
                .attr("id", "D2")
                .child(Node::new("body").bytes(b"topic".to_vec())),
            Node::new("announcement"),
            Node::new("unlocked"),
            Node::new("ephemeral").attr("expiration", "604800"),
            Node::new("invite").attr("code", "Abc"),
            Node::new("mystery"),
        ]));
        assert_eq!(change.jid, Jid::group("1-1"));
        assert_eq!(change.sender, Some(Jid::pn("111")));
        assert_eq!(change.notify.as_deref(), Some("Ann"));
        assert_eq!(change.timestamp, 1_700_000_000);
        let name = change.name.unwrap();
        assert_eq!((name.name.as_str(), name.set_at), ("New", Some(1_700_000_005)));
        assert_eq!(name.set_by, Some(Jid::pn("111")));
        let topic = change.topic.unwrap();
        assert_eq!(
            (topic.topic.as_str(), topic.id.as_deref(), topic.deleted),
            ("topic", Some("D2"), false)
        );
        assert_eq!((change.announce, change.locked), (Some(true), Some(false)));
        assert_eq!(change.ephemeral_secs, Some(604_800));
        assert_eq!(change.new_invite_link.as_deref(), Some("https://chat.whatsapp.com/Abc"));
        assert_eq!(change.unknown, ["mystery"]);

        let deleted = changed(&gp2(vec![Node::new("description")
            .attr("id", "D3")
            .child(Node::new("delete"))]));
        assert!(deleted.topic.is_some_and(|t| t.deleted && t.topic.is_empty()));
    }

    #[test]
    fn membership_changes_list_members_and_lid_pairs() {
        let node = gp2(vec![
            Node::new("add").attr("reason", "invite").child(
                Node::new("participant").attr("jid", Jid::pn("222")).attr("lid", Jid::lid("9222")),
            ),
            Node::new("remove").child(Node::new("participant").attr("jid", Jid::pn("333"))),
            Node::new("promote").child(Node::new("participant").attr("jid", Jid::pn("444"))),
        ]);
        let (notification, pairs) = parse_group_notification(&node).unwrap();
        let GroupNotification::Changed(change) = notification else { panic!("not a change") };
        assert_eq!(change.join, [Jid::pn("222")]);
        assert_eq!(change.join_reason.as_deref(), Some("invite"));
        assert_eq!(change.leave, [Jid::pn("333")]);
        assert_eq!(change.promote, [Jid::pn("444")]);
        assert!(change.demote.is_empty());
        assert_eq!(pairs, [LidPair { pn: Jid::pn("222"), lid: Jid::lid("9222") }]);
    }

    #[test]
    fn a_create_is_a_joined_group() {
        let group = Node::new("group").attr("id", "1-1").attr("subject", "Team").child(
            Node::new("participant")
                .attr("jid", Jid::pn("111"))
                .attr("type", "superadmin")
                .attr("lid", Jid::lid("9111")),
        );
        let node = gp2(vec![Node::new("create").attr("reason", "create").child(group)]);
        let (notification, pairs) = parse_group_notification(&node).unwrap();
        let GroupNotification::Joined(joined) = notification else { panic!("not a join") };
        assert_eq!(joined.group.name, "Team");
        assert_eq!(joined.sender, Some(Jid::pn("111")));
        assert_eq!(joined.reason.as_deref(), Some("create"));
        assert_eq!(pairs, [LidPair { pn: Jid::pn("111"), lid: Jid::lid("9111") }]);
    }

    #[test]
    fn malformed_notifications_are_typed_errors() {
        let mut from_user = gp2(vec![Node::new("locked")]);
        from_user.set_attr("from", Jid::pn("111"));
        assert!(matches!(parse_group_notification(&from_user), Err(GroupError::NotAGroup(_))));

        let mut no_time = gp2(vec![Node::new("locked")]);
        no_time.remove_attr("t");
        assert!(matches!(
            parse_group_notification(&no_time),
            Err(GroupError::Malformed(NodeError::MissingAttr { .. }))
        ));

        let cases = [
            Node::new("subject"),
            Node::new("description").attr("id", "D"),
            Node::new("invite"),
            Node::new("add").child(Node::new("participant")),
            Node::new("ephemeral").attr("expiration", "-1"),
            Node::new("create"),
        ];
        for child in cases {
            let tag = child.tag.to_string();
            let result = parse_group_notification(&gp2(vec![child]));
            assert!(matches!(result, Err(GroupError::Malformed(_))), "<{tag}>: {result:?}");
        }
        let mut bad_sender = gp2(vec![Node::new("locked")]);
        bad_sender.set_attr("participant", "x@y@z");
        assert!(parse_group_notification(&bad_sender).is_err());
    }
}
