//! `<iq xmlns="abt" type="get"><props protocol [hash]/></iq>`: the A/B experiment properties a
//! client reads at login (Baileys `fetchProps`). The sandbox runs no experiments: its answer is
//! an empty property set with a stable hash.
//!
//! Baileys before 7.0.0-rc13 asked with `<iq xmlns="w"><props protocol="2" hash=""/>` instead,
//! which WhatsApp now refuses as a bad request (Baileys PR #2473, "update abprops query to fix
//! bad-request error", moved to `abt` protocol 1); Baileys logs it and goes on.
use wazap::binary::Node;

use super::{require_login, stanza, IqError, IqResult};
use crate::conn::ConnCtx;

/// `<iq xmlns="w" type="get"><props protocol="2"/>`: refused, as WhatsApp does.
pub fn handle_legacy(ctx: &mut ConnCtx, iq: &Node) -> Result<Node, IqError> {
    require_login(ctx)?;
    iq.req_child("props")?;
    Err(IqError::BadRequest("server props (xmlns w) are no longer served; ask abt".into()))
}

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
