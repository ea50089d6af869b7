//! `<iq xmlns="w:profile:picture" type="get" target><picture type query="url"/></iq>`. The
//! sandbox has no profile pictures yet, so every query gets the answer the real server gives for
//! a user without one: 404 item-not-found (whatsmeow maps it to "no picture").
use wazap::binary::Node;

use super::{require_login, IqError, IqResult};
use crate::conn::ConnCtx;

pub fn get(ctx: &mut ConnCtx, _id: &str, iq: &Node) -> IqResult {
    require_login(ctx)?;
    iq.req_child("picture")?;
    let target = iq.opt_jid("target")?.or(iq.opt_jid("to")?);
    if target.is_none() {
        return Err(IqError::BadRequest("no target".into()));
    }
    Err(IqError::NotFound)
}
