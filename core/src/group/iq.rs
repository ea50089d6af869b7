//! The `w:g2` iqs (shapes from whatsmeow group.go). Ids are left to the sender
//! ([`crate::Client::send_iq`] sets them). Requests about the group list, creating, leaving
//! and joining go to `g.us`; the others to the group.
use crate::binary::{Jid, Node, Server};
use crate::types::ParticipantAction;

/// What invite links start with (whatsmeow `InviteLinkPrefix`).
pub const INVITE_LINK_PREFIX: &str = "https://chat.whatsapp.com/";

/// `g.us`.
pub fn group_server() -> Jid {
    Jid::server_only(Server::Group)
}

fn g2(kind: &'static str, to: Jid, child: Node) -> Node {
    Node::new("iq").attr("xmlns", "w:g2").attr("type", kind).attr("to", to).child(child)
}

/// `<query request="interactive"/>` to the group: its metadata and members.
pub fn group_info(group: &Jid) -> Node {
    g2("get", group.to_non_ad(), Node::new("query").attr("request", "interactive"))
}

/// `<participating><participants/><description/></participating>` to `g.us`: every group we
/// are in, with members and descriptions.
pub fn joined_groups() -> Node {
    let child =
        Node::new("participating").children([Node::new("participants"), Node::new("description")]);
    g2("get", group_server(), child)
}

/// `<create subject><participant jid/>…</create>` to `g.us` (we need not list ourselves).
pub fn create_group(name: &str, participants: &[Jid]) -> Node {
    let members = participants.iter().map(|p| Node::new("participant").attr("jid", p.to_non_ad()));
    g2(
        "set",
        group_server(),
        Node::new("create").attr("subject", name.to_owned()).children(members),
    )
}

/// `<leave><group id/></leave>` to `g.us`.
pub fn leave_group(group: &Jid) -> Node {
    let child = Node::new("leave").child(Node::new("group").attr("id", group.to_non_ad()));
    g2("set", group_server(), child)
}

/// `<add|remove|promote|demote><participant jid/>…</…>` to the group.
pub fn update_participants(group: &Jid, participants: &[Jid], action: ParticipantAction) -> Node {
    let members = participants.iter().map(|p| Node::new("participant").attr("jid", p.to_non_ad()));
    g2("set", group.to_non_ad(), Node::new(action.tag()).children(members))
}

/// `<subject>name</subject>`: renames the group.
pub fn set_name(group: &Jid, name: &str) -> Node {
    g2("set", group.to_non_ad(), Node::new("subject").bytes(name.as_bytes().to_vec()))
}

/// `<description id [prev]><body>topic</body></description>`, or `delete="true"` without a
/// body for an empty topic. `id` is the new description's id, `previous` the current one's.
pub fn set_topic(group: &Jid, id: &str, previous: Option<&str>, topic: &str) -> Node {
    let mut description = Node::new("description").attr("id", id.to_owned());
    if let Some(previous) = previous.filter(|p| !p.is_empty()) {
        description.set_attr("prev", previous.to_owned());
    }
    let description = if topic.is_empty() {
        description.attr("delete", "true")
    } else {
        description.child(Node::new("body").bytes(topic.as_bytes().to_vec()))
    };
    g2("set", group.to_non_ad(), description)
}

/// `<announcement/>` or `<not_announcement/>`: only admins may send messages, or everyone.
pub fn set_announce(group: &Jid, announce: bool) -> Node {
    let tag = if announce { "announcement" } else { "not_announcement" };
    g2("set", group.to_non_ad(), Node::new(tag))
}

/// `<locked/>` or `<unlocked/>`: only admins may edit the group info, or everyone.
pub fn set_locked(group: &Jid, locked: bool) -> Node {
    let tag = if locked { "locked" } else { "unlocked" };
    g2("set", group.to_non_ad(), Node::new(tag))
}

/// `<invite/>` to the group: `get` reads the code, `set` revokes it and makes a new one.
pub fn invite_link(group: &Jid, reset: bool) -> Node {
    g2(if reset { "set" } else { "get" }, group.to_non_ad(), Node::new("invite"))
}

/// The code of an invite link (the link itself, or the bare code).
pub fn invite_code(link: &str) -> &str {
    let link = link.trim();
    let code = link.strip_prefix(INVITE_LINK_PREFIX).unwrap_or(link);
    // A link may carry a query string or a trailing slash.
    code.split(['?', '/']).next().unwrap_or(code)
}

/// `<invite code/>` (get) to `g.us`: the group of an invite link, without joining it
/// (whatsmeow `GetGroupInfoFromLink`).
pub fn invite_info(link: &str) -> Node {
    g2("get", group_server(), Node::new("invite").attr("code", invite_code(link).to_owned()))
}

/// `<invite code/>` (set) to `g.us`: joins the group of an invite link.
pub fn join_with_link(link: &str) -> Node {
    g2("set", group_server(), Node::new("invite").attr("code", invite_code(link).to_owned()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn requests_have_whatsmeows_shapes() {
        let group = Jid::group("123-456");
        let info = group_info(&group);
        assert_eq!(info.attr_str("xmlns"), Some("w:g2"));
        assert_eq!(info.attr_str("type"), Some("get"));
        assert_eq!(info.get_attr("to").and_then(|v| v.as_jid()), Some(&group));
        assert_eq!(
            info.child_by_tag("query").and_then(|q| q.attr_str("request")),
            Some("interactive")
        );

        let create = create_group("Team", &[Jid::pn("1").with_device(3)]);
        assert_eq!(create.get_attr("to").and_then(|v| v.as_jid()), Some(&group_server()));
        let create = create.child_by_tag("create").unwrap();
        assert_eq!(create.attr_str("subject"), Some("Team"));
        let member = create.child_by_tag("participant").unwrap();
        assert_eq!(member.get_attr("jid").and_then(|v| v.as_jid()), Some(&Jid::pn("1")));

        let topic = set_topic(&group, "N", Some("P"), "about");
        let description = topic.child_by_tag("description").unwrap();
        assert_eq!(description.attr_str("prev"), Some("P"));
        assert_eq!(description.child_by_tag("body").and_then(Node::content_str), Some("about"));
        let cleared = set_topic(&group, "N", None, "");
        let description = cleared.child_by_tag("description").unwrap();
        assert_eq!(description.attr_str("delete"), Some("true"));
        assert!(description.child_by_tag("body").is_none() && !description.has_attr("prev"));

        let change = update_participants(&group, &[Jid::pn("2")], ParticipantAction::Demote);
        assert!(change.child_by_tag("demote").is_some());
        assert_eq!(invite_link(&group, true).attr_str("type"), Some("set"));
        assert_eq!(invite_link(&group, false).attr_str("type"), Some("get"));
        assert!(set_announce(&group, false).child_by_tag("not_announcement").is_some());
        assert!(set_locked(&group, true).child_by_tag("locked").is_some());
        let leave = leave_group(&group);
        assert_eq!(
            leave
                .child_by_path(&["leave", "group"])
                .and_then(|g| g.get_attr("id"))
                .and_then(|v| v.as_jid()),
            Some(&group)
        );
    }

    #[test]
    fn invite_codes_come_out_of_links() {
        assert_eq!(invite_code("https://chat.whatsapp.com/AbC123"), "AbC123");
        assert_eq!(invite_code(" https://chat.whatsapp.com/AbC123?x=1 "), "AbC123");
        assert_eq!(invite_code("AbC123"), "AbC123");
        let join = join_with_link("https://chat.whatsapp.com/AbC123");
        assert_eq!(join.child_by_tag("invite").and_then(|i| i.attr_str("code")), Some("AbC123"));
        let peek = invite_info("https://chat.whatsapp.com/AbC123");
        assert_eq!(peek.attr_str("type"), Some("get"));
        assert_eq!(peek.get_attr("to").and_then(|v| v.as_jid()), Some(&group_server()));
        assert_eq!(peek.child_by_tag("invite").and_then(|i| i.attr_str("code")), Some("AbC123"));
    }
}
