//! `<iq xmlns="md" type="set"><remove-companion-device jid reason/></iq>`: a device unlinks itself
//! or another companion of the same account. The device is forgotten, its connection gets
//! `<stream:error code="401"><conflict type="device_removed"/>`, and the account's other
//! connections a `devices` notification.
use wazap::binary::Node;

use super::{devices, require_login, stanza, IqError, IqResult};
use crate::conn::ConnCtx;
use crate::state::unix_now;

pub fn handle(ctx: &mut ConnCtx, id: &str, remove: &Node) -> IqResult {
    let (phone, _) = require_login(ctx)?;
    let target = remove.req_jid("jid")?;
    let removed = {
        let mut state = ctx.shared.state();
        if state.phone_of(&target).as_deref() != Some(phone.as_str()) {
            return Err(IqError::NotAuthorized);
        }
        let account = state.account_mut(&phone).ok_or(IqError::NotFound)?;
        if account.devices.remove(&target.device).is_none() {
            return Err(IqError::NotFound);
        }
        account.bundles.remove(&target.device);
        account.devices_changed = unix_now();
        state.durable.queues.clear(&phone, target.device);
        state.save();
        target.device
    };
    tracing::info!(%phone, device = removed, reason = remove.attr_str("reason").unwrap_or(""), "device removed");
    let reply = stanza::iq_result(id);
    if let Some(conn) = ctx.shared.conn_of(&phone, removed) {
        if conn.id == ctx.handle.id {
            // The reply must go before the stream error on this very connection.
            conn.send(reply.clone());
        }
        conn.close(Some(stanza::stream_error_device_removed()));
        ctx.shared.unregister_conn(&phone, removed, conn.id);
    }
    devices::notify_change(&ctx.shared, &phone, "remove", removed, 0);
    Ok(reply)
}
