//! The server's answers to the `w:g2` iqs (whatsmeow group.go): `<group>` for info and create,
//! `<groups>` for the list, `<add|remove|promote|demote>` with a `<participant jid [error]>`
//! per member, `<invite code>`, and `<group jid>` (or `<membership_approval_request jid>`) for a
//! join.
use super::info::{group_jid, parse_group, parse_participant};
use super::GroupError;
use crate::binary::{Jid, Node};
use crate::types::{GroupInfo, ParticipantAction, ParticipantUpdate};

/// The `<group>` of an info or create answer.
pub fn parse_group_answer(iq: &Node) -> Result<GroupInfo, GroupError> {
    parse_group(iq.req_child("group")?)
}

/// Every `<group>` of a `<groups>` list (other children are skipped).
pub fn parse_joined_groups(iq: &Node) -> Result<Vec<GroupInfo>, GroupError> {
    iq.req_child("groups")?.children_by_tag("group").map(parse_group).collect()
}

/// One result per listed member of a participant change.
pub fn parse_participant_updates(
    iq: &Node,
    action: ParticipantAction,
) -> Result<Vec<ParticipantUpdate>, GroupError> {
    iq.req_child(action.tag())?
        .children_by_tag("participant")
        .map(|p| -> Result<ParticipantUpdate, GroupError> {
            let member = parse_participant(p)?;
            let error = p.opt_parse::<u16>("error", "an error code")?.filter(|&code| code != 0);
            Ok(ParticipantUpdate { jid: member.jid, lid: member.lid, error })
        })
        .collect()
}

/// The code of an `<invite code>` answer (an empty attribute never reaches the wire: the
/// encoder skips it, so it is a missing one).
pub fn parse_invite_code(iq: &Node) -> Result<String, GroupError> {
    Ok(iq.req_child("invite")?.req_str("code")?.to_owned())
}

/// The group a join answer names: `<group jid>`, or `<membership_approval_request jid>` when
/// an admin must approve us first.
pub fn parse_join_answer(iq: &Node) -> Result<Jid, GroupError> {
    if let Some(pending) = iq.child_by_tag("membership_approval_request") {
        return group_jid(pending, "jid");
    }
    group_jid(iq.req_child("group")?, "jid")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::binary::NodeError;

    fn result(child: Node) -> Node {
        Node::new("iq").attr("type", "result").child(child)
    }

    #[test]
    fn answers_parse() {
        let groups = result(Node::new("groups").children([
            Node::new("group").attr("id", "1-1").attr("subject", "A"),
            Node::new("group").attr("id", "2-2").attr("subject", "B"),
        ]));
        let list = parse_joined_groups(&groups).unwrap();
        assert_eq!(list.iter().map(|g| g.name.as_str()).collect::<Vec<_>>(), ["A", "B"]);
        assert!(parse_joined_groups(&result(Node::new("groups"))).unwrap().is_empty());

        let add = result(Node::new("add").children([
            Node::new("participant").attr("jid", Jid::pn("1")).attr("lid", Jid::lid("91")),
            Node::new("participant").attr("jid", Jid::pn("2")).attr("error", "409"),
        ]));
        let updates = parse_participant_updates(&add, ParticipantAction::Add).unwrap();
        assert!(updates[0].is_ok() && updates[0].lid == Some(Jid::lid("91")));
        assert_eq!(updates[1].error, Some(409));

        assert_eq!(
            parse_invite_code(&result(Node::new("invite").attr("code", "XyZ"))).unwrap(),
            "XyZ"
        );
        let joined = result(Node::new("group").attr("jid", Jid::group("1-1")));
        assert_eq!(parse_join_answer(&joined).unwrap(), Jid::group("1-1"));
        let pending =
            result(Node::new("membership_approval_request").attr("jid", Jid::group("3-3")));
        assert_eq!(parse_join_answer(&pending).unwrap(), Jid::group("3-3"));
    }

    #[test]
    fn malformed_answers_are_typed_errors() {
        let empty = Node::new("iq").attr("type", "result");
        assert!(matches!(
            parse_group_answer(&empty),
            Err(GroupError::Malformed(NodeError::MissingChild { .. }))
        ));
        assert!(matches!(parse_joined_groups(&empty), Err(GroupError::Malformed(_))));
        assert!(matches!(
            parse_participant_updates(&result(Node::new("remove")), ParticipantAction::Add),
            Err(GroupError::Malformed(NodeError::MissingChild { .. }))
        ));
        let bad_code = result(
            Node::new("add")
                .child(Node::new("participant").attr("jid", Jid::pn("1")).attr("error", "x")),
        );
        assert!(matches!(
            parse_participant_updates(&bad_code, ParticipantAction::Add),
            Err(GroupError::Malformed(NodeError::InvalidAttr { .. }))
        ));
        assert!(matches!(
            parse_invite_code(&result(Node::new("invite"))),
            Err(GroupError::Malformed(NodeError::MissingAttr { .. }))
        ));
        assert!(matches!(
            parse_join_answer(&result(Node::new("group").attr("jid", Jid::pn("1")))),
            Err(GroupError::NotAGroup(_))
        ));
        assert!(matches!(parse_join_answer(&empty), Err(GroupError::Malformed(_))));
        // One bad group spoils the list: the caller gets an error, not a partial answer.
        let bad_list = result(
            Node::new("groups")
                .children([Node::new("group").attr("id", "1-1"), Node::new("group")]),
        );
        assert!(parse_joined_groups(&bad_list).is_err());
    }
}
