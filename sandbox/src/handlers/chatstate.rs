//! `<chatstate to><composing [media]/>|<paused/></chatstate>`: typing indicators, relayed live to
//! the recipient's connected devices `from` the sender's user JID (never queued: they are stale
//! by the next login).
use wazap::binary::{Node, Server};

use crate::conn::ConnCtx;

pub fn handle(ctx: &mut ConnCtx, node: &Node) {
    let Some((phone, _)) = ctx.device().map(|(p, d)| (p.to_owned(), d)) else { return };
    let Ok(Some(to)) = node.opt_jid("to") else { return };
    let (target_phone, from) = {
        let state = ctx.shared.state();
        let Some(target_phone) = state.phone_of(&to) else { return };
        let Some(me) = state.account(&phone) else { return };
        let from = if to.server == Server::Lid { me.lid_jid() } else { me.jid() };
        (target_phone, from)
    };
    let relayed = Node::new("chatstate").attr("from", from).children(node.get_children().to_vec());
    for (_, conn) in ctx.shared.conns_of_account(&target_phone) {
        conn.send(relayed.clone());
    }
}
