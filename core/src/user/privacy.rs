//! Privacy settings (whatsmeow privacysettings.go, Baileys `fetchPrivacySettings` /
//! `privacyQuery`): `<iq xmlns="privacy" type="get" to="s.whatsapp.net"><privacy/></iq>` →
//! `<privacy><category name value/>…</privacy>`; a change is `type="set"` with
//! `<privacy><category name value/></privacy>`. Changes made on another device of ours arrive
//! as `<notification type="account_sync"><privacy><category name value/>…</privacy>`.
use super::UserError;
use crate::binary::{Jid, Node, Server};
use crate::types::{PrivacyCategory, PrivacySettings, PrivacyValue};

fn privacy_iq(kind: &'static str, privacy: Node) -> Node {
    Node::new("iq")
        .attr("xmlns", "privacy")
        .attr("type", kind)
        .attr("to", Jid::server_only(Server::Pn))
        .child(privacy)
}

/// The query for our privacy settings.
pub fn privacy_query() -> Node {
    privacy_iq("get", Node::new("privacy"))
}

/// Sets `category` to `value`; a value WhatsApp does not take for that setting is refused
/// here, before anything is sent (the message names the allowed ones).
pub fn set_privacy_query(category: PrivacyCategory, value: PrivacyValue) -> Result<Node, String> {
    let allowed = category.allowed();
    if !allowed.contains(&value) {
        let names: Vec<&str> = allowed.iter().map(|v| v.name()).collect();
        return Err(format!("{category} takes {}, not {value}", names.join(", ")));
    }
    let item = Node::new("category").attr("name", category.name()).attr("value", value.name());
    Ok(privacy_iq("set", Node::new("privacy").child(item)))
}

/// The settings a `<privacy>` element lists; categories and values this version does not know
/// are skipped, as whatsmeow does.
pub fn parse_privacy_settings(privacy: &Node) -> PrivacySettings {
    let mut settings = PrivacySettings::default();
    for category in privacy.children_by_tag("category") {
        let name = category.attr_str("name").and_then(|n| n.parse::<PrivacyCategory>().ok());
        let value = category.attr_str("value").and_then(|v| v.parse::<PrivacyValue>().ok());
        if let (Some(name), Some(value)) = (name, value) {
            settings.set(name, value);
        }
    }
    settings
}

/// The settings of a get answer.
pub fn parse_privacy_answer(answer: &Node) -> Result<PrivacySettings, UserError> {
    Ok(parse_privacy_settings(answer.req_child("privacy")?))
}

/// `<privacy>` listing `settings` (the server's answer, and its `account_sync` notification).
#[cfg(feature = "server")]
pub fn build_privacy(settings: &[(&str, &str)]) -> Node {
    let items: Vec<Node> = settings
        .iter()
        .map(|(name, value)| {
            Node::new("category").attr("name", name.to_string()).attr("value", value.to_string())
        })
        .collect();
    Node::new("privacy").children(items)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn queries_follow_whatsmeow() {
        let get = privacy_query();
        assert_eq!((get.attr_str("xmlns"), get.attr_str("type")), (Some("privacy"), Some("get")));
        assert!(get.child_by_tag("privacy").unwrap().get_children().is_empty());
        let set = set_privacy_query(PrivacyCategory::LastSeen, PrivacyValue::Contacts).unwrap();
        assert_eq!(set.attr_str("type"), Some("set"));
        let category = set.child_by_tag("privacy").unwrap().child_by_tag("category").unwrap();
        assert_eq!(
            (category.attr_str("name"), category.attr_str("value")),
            (Some("last"), Some("contacts"))
        );
        let error = set_privacy_query(PrivacyCategory::Online, PrivacyValue::Contacts);
        assert_eq!(error.unwrap_err(), "online takes all, match_last_seen, not contacts");
    }

    #[test]
    fn answers_parse_and_skip_what_they_do_not_know() {
        let answer = Node::new("iq").child(
            Node::new("privacy")
                .child(Node::new("category").attr("name", "readreceipts").attr("value", "none"))
                .child(Node::new("category").attr("name", "groupadd").attr("value", "contacts"))
                .child(Node::new("category").attr("name", "stickers").attr("value", "none"))
                .child(Node::new("category").attr("name", "last").attr("value", "x-new")),
        );
        let settings = parse_privacy_answer(&answer).unwrap();
        assert_eq!(
            settings,
            PrivacySettings {
                read_receipts: Some(PrivacyValue::None),
                group_add: Some(PrivacyValue::Contacts),
                ..Default::default()
            }
        );
        assert!(parse_privacy_answer(&Node::new("iq")).is_err(), "no <privacy>");
    }
}
