//! `<iq xmlns="privacy">`: get `<privacy/>` → `<privacy><category name value/>…</privacy>`; set
//! `<privacy><category name value/></privacy>` changes one (whatsmeow privacysettings.go, Baileys
//! `fetchPrivacySettings` / `privacyQuery`).
use wazap::binary::Node;
use wazap::user::privacy::build_privacy;

use super::{require_login, routing, stanza, IqError, IqResult};
use crate::conn::ConnCtx;

/// Every category with its allowed values; the first is the default of a new account
/// (whatsmeow types/user.go lists the values).
pub const CATEGORIES: &[(&str, &[&str])] = &[
    ("last", &["all", "contacts", "contact_blacklist", "none"]),
    ("online", &["all", "match_last_seen"]),
    ("profile", &["all", "contacts", "contact_blacklist", "none"]),
    ("status", &["contacts", "all", "contact_blacklist", "none"]),
    ("readreceipts", &["all", "none"]),
    ("groupadd", &["all", "contacts", "contact_blacklist", "none"]),
    ("calladd", &["all", "known"]),
    ("messages", &["all", "contacts"]),
];

pub fn handle(ctx: &mut ConnCtx, id: &str, kind: &str, iq: &Node) -> IqResult {
    let (phone, device) = require_login(ctx)?;
    let privacy = iq.req_child("privacy")?;
    let mut state = ctx.shared.state();
    let account = state.account_mut(&phone).ok_or(IqError::NotAuthorized)?;
    if kind == "set" {
        let mut changed = Vec::new();
        for category in privacy.children_by_tag("category") {
            let name = category.req_str("name")?;
            let value = category.req_str("value")?;
            let allowed = CATEGORIES
                .iter()
                .find(|(n, _)| *n == name)
                .ok_or_else(|| IqError::BadRequest(format!("unknown privacy category {name}")))?
                .1;
            if !allowed.contains(&value) {
                return Err(IqError::BadRequest(format!("{value} is not allowed for {name}")));
            }
            account.privacy.insert(name.to_owned(), value.to_owned());
            changed.push((name, value));
        }
        state.save();
        drop(state);
        // The account's other devices hear of it, as from WhatsApp.
        routing::account_sync(&ctx.shared, &phone, device, build_privacy(&changed));
        return Ok(stanza::iq_result(id));
    }
    let categories = CATEGORIES.iter().map(|(name, values)| {
        let value = account.privacy.get(*name).cloned().unwrap_or_else(|| values[0].to_owned());
        Node::new("category").attr("name", *name).attr("value", value)
    });
    Ok(stanza::iq_result(id).child(Node::new("privacy").children(categories.collect::<Vec<_>>())))
}
