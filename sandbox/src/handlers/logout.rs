//! `<iq xmlns="md" type="set"><remove-companion-device jid reason/></iq>`: a device unlinks itself
//! or another companion of the same account ([`devices::unlink`]).
use wazap::binary::Node;

use super::{devices, require_login, stanza, IqError, IqResult};
use crate::conn::ConnCtx;

pub fn handle(ctx: &mut ConnCtx, id: &str, remove: &Node) -> IqResult {
    let (phone, _) = require_login(ctx)?;
    let target = remove.req_jid("jid")?;
    if ctx.shared.state().phone_of(&target).as_deref() != Some(phone.as_str()) {
        return Err(IqError::NotAuthorized);
    }
    let reply = stanza::iq_result(id);
    if !devices::unlink(&ctx.shared, &phone, target.device, Some((ctx.handle.id, reply.clone()))) {
        return Err(IqError::NotFound);
    }
    let reason = remove.attr_str("reason").unwrap_or("");
    tracing::info!(%phone, device = target.device, reason, "device removed");
    Ok(reply)
}
