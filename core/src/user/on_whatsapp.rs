//! "Is this number on WhatsApp?" (whatsmeow `IsOnWhatsApp`): a usync query in mode `query`,
//! context `interactive`, with the `contact` protocol in LID addressing mode and one `<user>
//! <contact>+number@c.us</contact></user>` per number. Each answer `<user jid [pn_jid]><contact
//! type="in|out">query</contact></user>` names the account by LID (`jid`) and phone number
//! (`pn_jid`), or by phone number alone.
use super::usync::{answer_users, usync_query};
use super::UserError;
use crate::binary::{Node, Server};
use crate::types::IsOnWhatsApp;

/// What the contact query names numbers with (whatsmeow builds `+number@c.us` JIDs).
const CONTACT_SUFFIX: &str = "@c.us";

/// The digits of a phone number written with an optional `+` and spaces, dashes, dots or
/// parentheses; `None` when anything else is in it or it has no digits.
pub fn normalize_phone(phone: &str) -> Option<String> {
    let mut digits = String::new();
    for (i, c) in phone.trim().chars().enumerate() {
        match c {
            '0'..='9' => digits.push(c),
            '+' if i == 0 => {}
            ' ' | '-' | '.' | '(' | ')' => {}
            _ => return None,
        }
    }
    (!digits.is_empty() && digits.len() <= 20).then_some(digits)
}

/// The query for `phones` (digits, see [`normalize_phone`]).
pub fn is_on_whatsapp_query(sid: &str, phones: &[String]) -> Node {
    let users = phones
        .iter()
        .map(|p| {
            Node::new("user").child(Node::new("contact").text(format!("+{p}{CONTACT_SUFFIX}")))
        })
        .collect();
    let protocols = vec![Node::new("contact").attr("addressing_mode", "lid")];
    usync_query(sid, "query", "interactive", protocols, users)
}

/// One result per `<user>` of the answer.
pub fn parse_is_on_whatsapp(iq: &Node) -> Result<Vec<IsOnWhatsApp>, UserError> {
    answer_users(iq)?.map(parse_user).collect()
}

fn parse_user(user: &Node) -> Result<IsOnWhatsApp, UserError> {
    let jid = user.opt_jid("jid")?.map(|j| j.to_non_ad());
    let pn = user.opt_jid("pn_jid")?.map(|j| j.to_non_ad());
    let listed_lid = match user.child_by_tag("lid") {
        Some(lid) => lid.opt_jid("val")?,
        None => None,
    };
    let (jid, lid) = match (jid, pn) {
        (Some(lid), Some(pn)) if lid.server == Server::Lid => (pn, Some(lid)),
        (Some(lid), None) if lid.server == Server::Lid => (lid.clone(), Some(lid)),
        (Some(jid), _) => (jid, listed_lid),
        (None, Some(pn)) => (pn, listed_lid),
        (None, None) => return Err(UserError::UserWithoutJid),
    };
    if !matches!(jid.server, Server::Pn | Server::Lid) {
        return Err(UserError::NotAUser(jid.to_string()));
    }
    let contact = user.req_child("contact")?;
    let is_in = contact.attr_str("type") == Some("in");
    let query = contact.content_bytes().map(String::from_utf8_lossy).unwrap_or_default();
    let query = query.strip_suffix(CONTACT_SUFFIX).unwrap_or(&query[..]).to_owned();
    Ok(IsOnWhatsApp { query, jid, is_in, lid })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::binary::{Jid, NodeError};

    fn answer(users: Vec<Node>) -> Node {
        Node::new("iq").child(Node::new("usync").child(Node::new("list").children(users)))
    }

    #[test]
    fn phones_normalize() {
        assert_eq!(normalize_phone("+1 (555) 000-1111").as_deref(), Some("15550001111"));
        assert_eq!(normalize_phone("15550001111").as_deref(), Some("15550001111"));
        assert_eq!(normalize_phone("+"), None);
        assert_eq!(normalize_phone("1555+1"), None);
        assert_eq!(normalize_phone("abc"), None);
        assert_eq!(normalize_phone(&"1".repeat(21)), None);
    }

    #[test]
    fn the_query_names_numbers_as_contacts() {
        let iq = is_on_whatsapp_query("S1", &["15550001111".to_owned()]);
        let usync = iq.child_by_tag("usync").unwrap();
        assert_eq!(
            (usync.attr_str("mode"), usync.attr_str("context")),
            (Some("query"), Some("interactive"))
        );
        let contact = usync.child_by_path(&["list", "user", "contact"]).unwrap();
        assert_eq!(contact.content_str(), Some("+15550001111@c.us"));
        let protocol = usync.child_by_path(&["query", "contact"]).unwrap();
        assert_eq!(protocol.attr_str("addressing_mode"), Some("lid"));
    }

    #[test]
    fn answers_in_lid_and_phone_number_form_parse() {
        let iq = answer(vec![
            Node::new("user")
                .attr("jid", Jid::lid("91"))
                .attr("pn_jid", Jid::pn("1"))
                .child(Node::new("contact").attr("type", "in").text("+1@c.us")),
            Node::new("user")
                .attr("jid", Jid::pn("2"))
                .child(Node::new("contact").attr("type", "out").text("+2")),
        ]);
        let results = parse_is_on_whatsapp(&iq).unwrap();
        assert_eq!(
            results,
            [
                IsOnWhatsApp {
                    query: "+1".into(),
                    jid: Jid::pn("1"),
                    is_in: true,
                    lid: Some(Jid::lid("91"))
                },
                IsOnWhatsApp { query: "+2".into(), jid: Jid::pn("2"), is_in: false, lid: None },
            ]
        );
    }

    #[test]
    fn malformed_answers_are_typed_errors() {
        assert!(matches!(
            parse_is_on_whatsapp(&Node::new("iq")),
            Err(UserError::Malformed(NodeError::MissingChild { .. }))
        ));
        let no_jid = answer(vec![Node::new("user").child(Node::new("contact").attr("type", "in"))]);
        assert_eq!(parse_is_on_whatsapp(&no_jid), Err(UserError::UserWithoutJid));
        let no_contact = answer(vec![Node::new("user").attr("jid", Jid::pn("1"))]);
        assert!(matches!(
            parse_is_on_whatsapp(&no_contact),
            Err(UserError::Malformed(NodeError::MissingChild { .. }))
        ));
        let group = answer(vec![Node::new("user")
            .attr("jid", Jid::group("1-1"))
            .child(Node::new("contact").attr("type", "in"))]);
        assert!(matches!(parse_is_on_whatsapp(&group), Err(UserError::NotAUser(_))));
        let bad_jid = answer(vec![Node::new("user").attr("jid", "a@b@c")]);
        assert!(matches!(parse_is_on_whatsapp(&bad_jid), Err(UserError::Malformed(_))));
    }
}
