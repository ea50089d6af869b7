//! `<iq xmlns="blocklist">`: get → `<list dhash><item jid/>…</list>`; set `<item action="block|
//! unblock" jid/>` → the new list (whatsmeow `GetBlocklist` / `UpdateBlocklist`), built by the
//! core's `user::blocklist` (its server half). Users are named by LID, with their phone
//! number. Messages from a blocked user are not delivered to the blocker; the sender still gets
//! the server's ack, as from WhatsApp.
use wazap::binary::Node;
use wazap::user::blocklist::build_blocklist;

use super::{require_login, routing, IqError, IqResult};
use crate::conn::ConnCtx;
use crate::state::State;

/// The answer listing whom `phone` blocked.
fn list(state: &State, id: &str, phone: &str) -> Node {
    let blocked: Vec<String> =
        state.account(phone).map(|a| a.blocked.iter().cloned().collect()).unwrap_or_default();
    let hash = wazap::crypto::sha256(blocked.join(",").as_bytes());
    let users: Vec<_> =
        blocked.iter().filter_map(|p| state.account(p)).map(|a| (a.lid_jid(), a.jid())).collect();
    build_blocklist(id, &hex::encode(&hash[..8]), &users)
}

pub fn handle(ctx: &mut ConnCtx, id: &str, kind: &str, iq: &Node) -> IqResult {
    let (phone, device) = require_login(ctx)?;
    let mut state = ctx.shared.state();
    if kind == "set" {
        let mut changes = Vec::new();
        for item in iq.children_by_tag("item") {
            let target = state.phone_of(&item.req_jid("jid")?).ok_or(IqError::NotFound)?;
            let block = match item.req_str("action")? {
                "block" => true,
                "unblock" => false,
                other => return Err(IqError::BadRequest(format!("unknown action {other}"))),
            };
            let account = state.account_mut(&phone).ok_or(IqError::NotAuthorized)?;
            if block {
                account.blocked.insert(target.clone());
            } else {
                account.blocked.remove(&target);
            }
            changes.push((target, block));
        }
        state.save();
        let answer = list(&state, id, &phone);
        // The account's other devices hear of it (`<blocklist dhash><item jid action/>`).
        let dhash = answer.child_by_tag("list").and_then(|l| l.attr_str("dhash")).unwrap_or("");
        let items: Vec<Node> = changes
            .iter()
            .filter_map(|(target, block)| {
                let jid = state.account(target)?.lid_jid();
                let action = if *block { "block" } else { "unblock" };
                Some(Node::new("item").attr("jid", jid).attr("action", action))
            })
            .collect();
        let child = Node::new("blocklist").attr("dhash", dhash.to_owned()).children(items);
        drop(state);
        routing::account_sync(&ctx.shared, &phone, device, child);
        return Ok(answer);
    }
    Ok(list(&state, id, &phone))
}
