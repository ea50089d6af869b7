//! `<iq xmlns="status" type="set"><status>text</status></iq>`: the account's about text
//! (whatsmeow `SetStatusMessage`, Baileys `updateProfileStatus`), which usync's `status`
//! protocol then answers to everyone.
use wazap::binary::Node;

use super::{require_login, stanza, IqError, IqResult};
use crate::conn::ConnCtx;

pub fn handle(ctx: &mut ConnCtx, id: &str, iq: &Node) -> IqResult {
    let (phone, _) = require_login(ctx)?;
    let status =
        iq.child_by_tag("status").ok_or(IqError::BadRequest("expected <status>".into()))?;
    let text = match status.content_bytes() {
        Some(bytes) => String::from_utf8(bytes.to_vec())
            .map_err(|_| IqError::BadRequest("the status is not UTF-8".into()))?,
        None => String::new(),
    };
    let mut state = ctx.shared.state();
    state.account_mut(&phone).ok_or(IqError::NotAuthorized)?.status = text;
    state.save();
    Ok(stanza::iq_result(id))
}

/// `<iq xmlns="urn:xmpp:whatsapp:dirty" type="set"><clean type=… timestamp=…/></iq>`: the
/// client clears a dirty bit the server set (`<ib><dirty>`); nothing to keep.
pub fn clean(ctx: &mut ConnCtx, id: &str, iq: &Node) -> IqResult {
    require_login(ctx)?;
    let clean = iq.child_by_tag("clean").ok_or(IqError::BadRequest("expected <clean>".into()))?;
    clean.req_str("type")?;
    Ok(stanza::iq_result(id))
}
