//! The blocklist (whatsmeow `GetBlocklist` / `UpdateBlocklist`, Baileys `fetchBlocklist` /
//! `updateBlockStatus`): `<iq xmlns="blocklist" type="get" to="s.whatsapp.net"/>` →
//! `<list dhash><item jid/>…</list>`; a change is `type="set"` with one `<item jid=LID
//! action="block|unblock" [pn_jid]/>` (the user by LID; blocking also names the phone
//! number), answered with the new list. Changes made on another device of ours arrive as
//! `<notification type="account_sync"><blocklist dhash [prev_dhash] [action]><item jid
//! action/>…</blocklist></notification>`.
use super::UserError;
use crate::binary::{Jid, Node, Server};
use crate::types::{Blocklist, BlocklistAction, BlocklistChange};

fn blocklist_iq(kind: &'static str) -> Node {
    Node::new("iq")
        .attr("xmlns", "blocklist")
        .attr("type", kind)
        .attr("to", Jid::server_only(Server::Pn))
}

/// The query for our blocklist.
pub fn blocklist_query() -> Node {
    blocklist_iq("get")
}

/// Blocks or unblocks the user `lid`; `pn` is their phone-number JID (sent when blocking).
pub fn update_blocklist_query(lid: &Jid, pn: Option<&Jid>, action: BlocklistAction) -> Node {
    let mut item = Node::new("item").attr("jid", lid.to_non_ad()).attr("action", action.name());
    if let (BlocklistAction::Block, Some(pn)) = (action, pn) {
        item = item.attr("pn_jid", pn.to_non_ad());
    }
    blocklist_iq("set").child(item)
}

/// The list of a get or set answer.
pub fn parse_blocklist(answer: &Node) -> Result<Blocklist, UserError> {
    let list = answer.req_child("list")?;
    let jids =
        list.children_by_tag("item").map(|item| item.req_jid("jid")).collect::<Result<_, _>>()?;
    Ok(Blocklist { dhash: list.attr_str("dhash").unwrap_or_default().to_owned(), jids })
}

/// The changes of an `account_sync` notification's `<blocklist>` child (whatsmeow
/// `handleBlocklist`): each item's user and action; items with neither are skipped.
pub fn parse_blocklist_change(blocklist: &Node) -> Vec<BlocklistChange> {
    blocklist
        .children_by_tag("item")
        .filter_map(|item| {
            let jid = item.opt_jid("jid").ok().flatten()?;
            let action = item.attr_str("action")?.parse().ok()?;
            Some(BlocklistChange { jid, action })
        })
        .collect()
}

/// The server's answer listing `blocked` (each user's LID and phone-number JID), under
/// `dhash` (for the sandbox).
#[cfg(feature = "server")]
pub fn build_blocklist(id: &str, dhash: &str, blocked: &[(Jid, Jid)]) -> Node {
    let items: Vec<Node> = blocked
        .iter()
        .map(|(lid, pn)| Node::new("item").attr("jid", lid.clone()).attr("pn_jid", pn.clone()))
        .collect();
    Node::new("iq")
        .attr("id", id.to_owned())
        .attr("type", "result")
        .attr("from", Jid::server_only(Server::Pn))
        .child(Node::new("list").attr("dhash", dhash.to_owned()).children(items))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn queries_follow_whatsmeow() {
        let get = blocklist_query();
        assert_eq!((get.attr_str("xmlns"), get.attr_str("type")), (Some("blocklist"), Some("get")));
        assert!(get.get_children().is_empty());
        let lid = Jid::lid("901").with_device(3);
        let pn = Jid::pn("15550001111");
        let block = update_blocklist_query(&lid, Some(&pn), BlocklistAction::Block);
        assert_eq!(block.attr_str("type"), Some("set"));
        let item = block.child_by_tag("item").unwrap();
        assert_eq!(item.get_attr("jid").and_then(|v| v.as_jid()), Some(&Jid::lid("901")));
        assert_eq!(item.attr_str("action"), Some("block"));
        assert_eq!(item.get_attr("pn_jid").and_then(|v| v.as_jid()), Some(&pn));
        let unblock = update_blocklist_query(&lid, Some(&pn), BlocklistAction::Unblock);
        let item = unblock.child_by_tag("item").unwrap();
        assert_eq!(item.attr_str("action"), Some("unblock"));
        assert!(item.get_attr("pn_jid").is_none(), "unblocking names the LID only");
    }

    #[test]
    fn answers_and_notifications_parse() {
        let answer = Node::new("iq").attr("type", "result").child(
            Node::new("list")
                .attr("dhash", "abc")
                .child(Node::new("item").attr("jid", Jid::lid("901")))
                .child(Node::new("item").attr("jid", Jid::pn("1555"))),
        );
        let list = parse_blocklist(&answer).unwrap();
        assert_eq!(
            list,
            Blocklist { dhash: "abc".into(), jids: vec![Jid::lid("901"), Jid::pn("1555")] }
        );
        assert!(parse_blocklist(&Node::new("iq")).is_err(), "no list");
        let bad = Node::new("iq").child(Node::new("list").child(Node::new("item")));
        assert!(parse_blocklist(&bad).is_err(), "an item without jid");

        let change = Node::new("blocklist")
            .child(Node::new("item").attr("jid", Jid::lid("901")).attr("action", "block"))
            .child(Node::new("item").attr("action", "unblock"));
        assert_eq!(
            parse_blocklist_change(&change),
            [BlocklistChange { jid: Jid::lid("901"), action: BlocklistAction::Block }]
        );
    }
}
