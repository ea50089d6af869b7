//! `<iq xmlns="usync" type="get"><usync sid mode context index last><query>…</query><list><user
//! …/>…</list></usync></iq>`: per user, the protocols the query names — `devices` (device list
//! and signed key-index list), `lid`, `contact` (is this `+number` on WhatsApp), `status`,
//! `picture` (the profile picture id), `business`. Users are named by `jid` (phone number or LID) or, for contact checks, by a
//! `<contact>+number</contact>` child. Shapes follow whatsmeow user.go and Baileys WAUSync.
use wazap::binary::{Jid, Node};

use super::{devices, require_login, stanza, IqError, IqResult};
use crate::conn::ConnCtx;
use crate::jids::{is_user, parse_phone};
use crate::state::{Account, State};

/// Which user a `<user>` of the list names.
enum Query {
    Jid(Jid),
    /// A contact check: the text as sent and the phone number in it.
    Contact(String, Option<String>),
}

pub fn handle(ctx: &mut ConnCtx, id: &str, iq: &Node) -> IqResult {
    require_login(ctx)?;
    let usync = iq.req_child("usync")?;
    let protocols: Vec<&Node> = usync.req_child("query")?.get_children().iter().collect();
    let lid_addressing = protocols
        .iter()
        .any(|p| p.tag == "contact" && p.attr_str("addressing_mode") == Some("lid"));
    let mut queries = Vec::new();
    for user in usync.req_child("list")?.children_by_tag("user") {
        if let Some(jid) = user.opt_jid("jid")? {
            if !is_user(&jid) {
                return Err(IqError::BadRequest(format!("{jid} is not a user")));
            }
            queries.push(Query::Jid(jid.to_non_ad()));
        } else if let Some(contact) = user.child_by_tag("contact").and_then(Node::content_str) {
            queries.push(Query::Contact(contact.to_owned(), parse_phone(contact)));
        } else {
            return Err(IqError::BadRequest("<user> without jid or contact".into()));
        }
    }
    let state = ctx.shared.state();
    let list = queries.iter().map(|q| user_node(&state, q, &protocols, lid_addressing));
    let mut answer = Node::new("usync");
    for key in ["sid", "mode", "context", "index", "last"] {
        if let Some(value) = usync.get_attr(key) {
            answer.set_attr(key, value.clone());
        }
    }
    let answer = answer.child(Node::new("list").children(list.collect::<Vec<_>>()));
    Ok(stanza::iq_result(id).child(answer))
}

fn user_node(state: &State, query: &Query, protocols: &[&Node], lid_addressing: bool) -> Node {
    let (account, jid, contact) = match query {
        Query::Jid(jid) => {
            let account = state.phone_of(jid).and_then(|p| state.account(&p));
            (account, jid.clone(), None)
        }
        Query::Contact(text, phone) => {
            let account = phone.as_deref().and_then(|p| state.account(p));
            let jid = match (account, phone) {
                (Some(a), _) if lid_addressing => a.lid_jid(),
                (Some(a), _) => a.jid(),
                (None, Some(p)) => Jid::pn(p.clone()),
                (None, None) => Jid::pn(text.trim_start_matches('+').to_owned()),
            };
            (account, jid, Some(text.as_str()))
        }
    };
    let mut user = Node::new("user").attr("jid", jid);
    if let (Some(account), true) = (account, lid_addressing && contact.is_some()) {
        user.set_attr("pn_jid", account.jid());
    }
    for protocol in protocols {
        if let Some(child) = protocol_node(state, protocol.tag.as_ref(), account, contact) {
            user.push_child(child);
        }
    }
    user
}

fn protocol_node(
    state: &State,
    tag: &str,
    account: Option<&Account>,
    contact: Option<&str>,
) -> Option<Node> {
    Some(match tag {
        "devices" => match account {
            Some(a) => devices::devices_node(a),
            None => Node::new("devices").child(Node::new("device-list").children(Vec::new())),
        },
        "lid" => match account {
            Some(a) => Node::new("lid").attr("val", a.lid_jid()),
            None => Node::new("lid"),
        },
        "contact" => {
            let kind = if account.is_some() { "in" } else { "out" };
            let node = Node::new("contact").attr("type", kind);
            match contact {
                Some(text) => node.text(text.to_owned()),
                None => node,
            }
        }
        "status" => match account {
            Some(a) => Node::new("status").attr("t", a.created).text(a.status.clone()),
            None => Node::new("status"),
        },
        // The current profile picture's id, as whatsmeow `GetUserInfo` reads it (`<picture
        // id>`); an empty element when there is none.
        "picture" => {
            let id = account.and_then(|a| state.durable.pictures.get(&a.phone)).map(|p| &p.id);
            Node::new("picture").opt_attr("id", id.cloned())
        }
        // No simulated account is a business: an empty element means "no verified name".
        "business" => Node::new("business"),
        _ => return None,
    })
}
