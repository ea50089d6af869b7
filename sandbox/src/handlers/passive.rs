//! `<iq xmlns="passive" type="set"><active/>|<passive/></iq>`: whether the client wants live
//! traffic (clients send `<active/>` right after `success`).
use wazap::binary::Node;

use super::{require_login, stanza, IqError, IqResult};
use crate::conn::ConnCtx;

pub fn handle(ctx: &mut ConnCtx, id: &str, iq: &Node) -> IqResult {
    require_login(ctx)?;
    ctx.active = match iq.get_children().first().map(|c| c.tag.as_ref()) {
        Some("active") => true,
        Some("passive") => false,
        _ => return Err(IqError::BadRequest("expected <active/> or <passive/>".into())),
    };
    Ok(stanza::iq_result(id))
}
