//! The `<group>` node: `<group id subject s_t s_o creation creator size><participant jid
//! [type] [lid|phone_number]/>…[<description id t participant><body/></description>]
//! [<announcement/>][<locked/>][<ephemeral expiration/>]</group>` (whatsmeow
//! `parseGroupNode`, `parseParticipant`).
use super::GroupError;
use crate::binary::{AttrValue, Jid, Node, NodeError, Server};
use crate::types::{GroupInfo, GroupParticipant};

/// A group JID from an `id` (`123-456`, or a full `…@g.us`) or `jid` attribute.
pub(crate) fn group_jid(node: &Node, key: &str) -> Result<Jid, GroupError> {
    let value = node
        .get_attr(key)
        .ok_or_else(|| NodeError::MissingAttr { tag: node.tag.to_string(), key: key.to_owned() })?;
    let jid = match value {
        AttrValue::Jid(jid) => jid.clone(),
        AttrValue::Str(s) if s.contains('@') => node.req_jid(key)?,
        AttrValue::Str(s) if !s.is_empty() => Jid::group(s.to_string()),
        AttrValue::Str(_) => return Err(GroupError::NotAGroup(String::new())),
    };
    if jid.server != Server::Group || jid.user.is_empty() {
        return Err(GroupError::NotAGroup(jid.to_string()));
    }
    Ok(jid.to_non_ad())
}

/// A `u32` attribute (timers, counts).
pub(crate) fn opt_u32(node: &Node, key: &'static str) -> Result<Option<u32>, GroupError> {
    match node.opt_u64(key)? {
        None => Ok(None),
        Some(value) => u32::try_from(value).map(Some).map_err(|_| GroupError::OutOfRange {
            tag: node.tag.to_string(),
            key,
            value,
        }),
    }
}

/// Text content (bytes as UTF-8, invalid sequences replaced); empty when there is none.
pub(crate) fn text_content(node: &Node) -> String {
    node.content_bytes().map(|b| String::from_utf8_lossy(b).into_owned()).unwrap_or_default()
}

/// A `<participant jid [type] [lid] [phone_number]>`.
pub fn parse_participant(node: &Node) -> Result<GroupParticipant, GroupError> {
    let jid = node.req_jid("jid")?.to_non_ad();
    let kind = node.attr_str("type").unwrap_or_default();
    let (lid, phone_number) = match jid.server {
        Server::Lid => (Some(jid.clone()), node.opt_jid("phone_number")?),
        Server::Pn => (node.opt_jid("lid")?, Some(jid.clone())),
        _ => (None, None),
    };
    Ok(GroupParticipant {
        jid,
        lid: lid.map(|l| l.to_non_ad()),
        phone_number: phone_number.map(|p| p.to_non_ad()),
        is_admin: matches!(kind, "admin" | "superadmin"),
        is_super_admin: kind == "superadmin",
    })
}

/// Reads a `<group>` node.
pub fn parse_group(node: &Node) -> Result<GroupInfo, GroupError> {
    if node.tag != "group" {
        return Err(
            NodeError::MissingChild { tag: node.tag.to_string(), child: "group".into() }.into()
        );
    }
    let mut info = GroupInfo {
        jid: group_jid(node, "id")?,
        name: node.attr_text("subject").map(|s| s.into_owned()).unwrap_or_default(),
        name_set_by: node.opt_jid("s_o")?,
        name_set_at: node.opt_u64("s_t")?,
        topic: String::new(),
        topic_id: None,
        topic_set_by: None,
        topic_set_at: None,
        owner: node.opt_jid("creator")?,
        created: node.opt_u64("creation")?,
        announce: false,
        locked: false,
        ephemeral_secs: None,
        participant_count: opt_u32(node, "size")?,
        participants: Vec::new(),
    };
    for child in node.get_children() {
        match child.tag.as_ref() {
            "participant" => info.participants.push(parse_participant(child)?),
            "description" => {
                // A description without a body is an empty one.
                if let Some(body) = child.child_by_tag("body") {
                    info.topic = text_content(body);
                    info.topic_id = Some(child.req_str("id")?.to_owned());
                    info.topic_set_by = child.opt_jid("participant")?;
                    info.topic_set_at = child.opt_u64("t")?;
                }
            }
            "announcement" => info.announce = true,
            "locked" => info.locked = true,
            "ephemeral" => info.ephemeral_secs = opt_u32(child, "expiration")?,
            other => tracing::debug!(tag = other, group = %info.jid, "unknown group element"),
        }
    }
    Ok(info)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Node {
        Node::new("group")
            .attr("id", "120363-77")
            .attr("subject", "Team")
            .attr("s_t", "1700000000")
            .attr("s_o", Jid::pn("111"))
            .attr("creation", "1700000000")
            .attr("creator", Jid::pn("111"))
            .attr("size", "2")
            .children([
                Node::new("participant")
                    .attr("jid", Jid::pn("111"))
                    .attr("type", "superadmin")
                    .attr("lid", Jid::lid("9111")),
                Node::new("participant")
                    .attr("jid", Jid::lid("9222"))
                    .attr("phone_number", Jid::pn("222")),
                Node::new("description")
                    .attr("id", "D1")
                    .attr("t", "1700000001")
                    .attr("participant", Jid::pn("111"))
                    .child(Node::new("body").bytes(b"about us".to_vec())),
                Node::new("announcement"),
                Node::new("ephemeral").attr("expiration", "86400"),
                Node::new("something_new"),
            ])
    }

    #[test]
    fn a_full_group_node_parses() {
        let info = parse_group(&sample()).unwrap();
        assert_eq!(info.jid, Jid::group("120363-77"));
        assert_eq!(info.name, "Team");
        assert_eq!(info.name_set_by, Some(Jid::pn("111")));
        assert_eq!(info.name_set_at, Some(1_700_000_000));
        assert_eq!(info.owner, Some(Jid::pn("111")));
        assert_eq!(info.participant_count, Some(2));
        assert_eq!(info.topic, "about us");
        assert_eq!(info.topic_id.as_deref(), Some("D1"));
        assert_eq!(info.topic_set_at, Some(1_700_000_001));
        assert!(info.announce && !info.locked);
        assert_eq!(info.ephemeral_secs, Some(86_400));
        let owner = &info.participants[0];
        assert!(owner.is_admin && owner.is_super_admin);
        assert_eq!(owner.lid, Some(Jid::lid("9111")));
        assert_eq!(owner.phone_number, Some(Jid::pn("111")));
        let member = info.participant(&Jid::pn("222")).unwrap();
        assert!(!member.is_admin && !member.is_super_admin);
        assert_eq!(member.jid, Jid::lid("9222"));
        assert!(info.participant(&Jid::pn("333")).is_none());
    }

    #[test]
    fn malformed_group_nodes_are_typed_errors() {
        let mut no_id = sample();
        no_id.remove_attr("id");
        assert!(matches!(
            parse_group(&no_id),
            Err(GroupError::Malformed(NodeError::MissingAttr { .. }))
        ));

        let mut user_id = sample();
        user_id.set_attr("id", Jid::pn("111"));
        assert_eq!(parse_group(&user_id), Err(GroupError::NotAGroup("111@s.whatsapp.net".into())));

        let mut empty_id = sample();
        empty_id.set_attr("id", "");
        assert!(matches!(parse_group(&empty_id), Err(GroupError::NotAGroup(_))));

        let mut bad_time = sample();
        bad_time.set_attr("s_t", "yesterday");
        assert!(matches!(
            parse_group(&bad_time),
            Err(GroupError::Malformed(NodeError::InvalidAttr { .. }))
        ));

        let huge = sample().child(Node::new("ephemeral").attr("expiration", "99999999999"));
        assert!(matches!(
            parse_group(&huge),
            Err(GroupError::OutOfRange { key: "expiration", .. })
        ));

        let bad_member = sample().child(Node::new("participant").attr("jid", "a@b@c"));
        assert!(matches!(
            parse_group(&bad_member),
            Err(GroupError::Malformed(NodeError::InvalidAttr { .. }))
        ));
        let no_jid = sample().child(Node::new("participant"));
        assert!(matches!(
            parse_group(&no_jid),
            Err(GroupError::Malformed(NodeError::MissingAttr { .. }))
        ));

        let topic_without_id =
            sample().child(Node::new("description").child(Node::new("body").bytes(b"x".to_vec())));
        assert!(matches!(parse_group(&topic_without_id), Err(GroupError::Malformed(_))));

        assert!(matches!(parse_group(&Node::new("groups")), Err(GroupError::Malformed(_))));
    }

    #[test]
    fn a_full_jid_as_id_is_accepted() {
        let mut node = sample();
        node.set_attr("id", "120363-77@g.us");
        assert_eq!(parse_group(&node).unwrap().jid, Jid::group("120363-77"));
    }
}
