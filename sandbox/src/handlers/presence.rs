//! `<presence type="available|unavailable" [name]/>` (the device's own state) and
//! `<presence type="subscribe" to/>` (follow a contact). Subscribers get
//! `<presence from type [last]/>` when a contact's availability changes, and once at subscribe
//! time (whatsmeow `handlePresence` reads `from`, `type` and `last`).
use wazap::binary::{Jid, Node, Server};

use crate::conn::ConnCtx;
use crate::shared::Shared;
use crate::state::{unix_now, State};

pub fn handle(ctx: &mut ConnCtx, node: &Node) {
    let Some((phone, device)) = ctx.device().map(|(p, d)| (p.to_owned(), d)) else { return };
    match node.attr_str("type") {
        Some("available") => {
            remember_push_name(&ctx.shared, &phone, node.attr_str("name"));
            set(&ctx.shared, &phone, device, true)
        }
        Some("unavailable") => set(&ctx.shared, &phone, device, false),
        Some("subscribe") => {
            let Ok(Some(to)) = node.opt_jid("to") else { return };
            let current = {
                let mut state = ctx.shared.state();
                let Some(target) = state.phone_of(&to) else { return };
                state.presence.subscribe(&target, (phone.clone(), device));
                stanza(&state, &target, to.server == Server::Lid)
            };
            if let Some(current) = current {
                ctx.handle.send(current);
            }
        }
        other => tracing::debug!(kind = ?other, "presence type not handled"),
    }
}

/// The `name` of an available presence becomes the account's push name, which the server puts
/// in the `notify` attribute of the account's messages (why clients send their presence with
/// the name after login and after a name change).
fn remember_push_name(shared: &Shared, phone: &str, name: Option<&str>) {
    let Some(name) = name.filter(|n| !n.is_empty()) else { return };
    let mut state = shared.state();
    match state.account_mut(phone) {
        Some(account) if account.push_name != name => account.push_name = name.to_owned(),
        _ => return,
    }
    state.save();
}

/// A device went away (connection closed).
pub fn disconnected(shared: &Shared, phone: &str, device: u16) {
    shared.state().presence.drop_device(phone, device);
    set(shared, phone, device, false);
}

/// The account's current presence as a subscriber sees it.
fn stanza(state: &State, phone: &str, lid: bool) -> Option<Node> {
    let presence = &state.presence;
    let account = state.account(phone)?;
    let from: Jid = if lid { account.lid_jid() } else { account.jid() };
    let available = presence.is_available(phone);
    Some(
        Node::new("presence")
            .attr("from", from)
            .attr("type", if available { "available" } else { "unavailable" })
            .opt_attr("last", (!available).then(|| presence.last_seen(phone)).flatten()),
    )
}

fn set(shared: &Shared, phone: &str, device: u16, available: bool) {
    let (node, subscribers) = {
        let mut state = shared.state();
        if !state.presence.set(phone, device, available, unix_now()) {
            return;
        }
        let node = stanza(&state, phone, false);
        (node, state.presence.subscribers(phone))
    };
    let Some(node) = node else { return };
    for (sub_phone, sub_device) in subscribers {
        if let Some(conn) = shared.conn_of(&sub_phone, sub_device) {
            conn.send(node.clone());
        }
    }
}
