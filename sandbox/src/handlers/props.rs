//! `<iq xmlns="abt" type="get"><props protocol [hash]/></iq>`: the A/B experiment properties a
//! client reads at login (Baileys `fetchProps`). The sandbox runs no experiments: its answer is
//! an empty property set with a stable hash.
use wazap::binary::Node;

use super::{require_login, stanza, IqResult};
use crate::conn::ConnCtx;

pub fn handle(ctx: &mut ConnCtx, id: &str, iq: &Node) -> IqResult {
    require_login(ctx)?;
    let props = iq.req_child("props")?;
    let answer = Node::new("props")
        .attr("protocol", props.attr_str("protocol").unwrap_or("1").to_owned())
        .attr("hash", "sandbox-0")
        .attr("refresh", 86_400u32)
        .children(Vec::new());
    Ok(stanza::iq_result(id).child(answer))
}
