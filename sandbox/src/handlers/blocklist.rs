//! `<iq xmlns="blocklist">`: get → `<list dhash><item jid/>…</list>`; set `<item action="block|
//! unblock" jid/>` → the new list (whatsmeow `GetBlocklist` / `UpdateBlocklist`). Messages from
//! a blocked user are not delivered to the blocker.
use wazap::binary::Node;

use super::{require_login, stanza, IqError, IqResult};
use crate::conn::ConnCtx;
use crate::state::State;

fn list(state: &State, phone: &str) -> Node {
    let blocked: Vec<String> =
        state.account(phone).map(|a| a.blocked.iter().cloned().collect()).unwrap_or_default();
    let hash = wazap::crypto::sha256(blocked.join(",").as_bytes());
    let items = blocked
        .iter()
        .filter_map(|p| state.account(p))
        .map(|a| Node::new("item").attr("jid", a.lid_jid()).attr("pn_jid", a.jid()));
    Node::new("list").attr("dhash", hex::encode(&hash[..8])).children(items.collect::<Vec<_>>())
}

pub fn handle(ctx: &mut ConnCtx, id: &str, kind: &str, iq: &Node) -> IqResult {
    let (phone, _) = require_login(ctx)?;
    let mut state = ctx.shared.state();
    if kind == "set" {
        for item in iq.children_by_tag("item") {
            let target = state.phone_of(&item.req_jid("jid")?).ok_or(IqError::NotFound)?;
            let block = match item.req_str("action")? {
                "block" => true,
                "unblock" => false,
                other => return Err(IqError::BadRequest(format!("unknown action {other}"))),
            };
            let account = state.account_mut(&phone).ok_or(IqError::NotAuthorized)?;
            if block {
                account.blocked.insert(target);
            } else {
                account.blocked.remove(&target);
            }
        }
        state.save();
    }
    Ok(stanza::iq_result(id).child(list(&state, &phone)))
}
