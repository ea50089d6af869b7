//! What the server does with the `ClientPayload` of a new connection: a registration payload
//! starts pairing ([`super::pairing::register`]); a login payload is checked against the paired
//! devices and answered with `<success>`, or `<failure reason="401">` for an unknown device or
//! a Noise key other than the one the device paired with. A second login of the same device
//! replaces the first connection, which gets `<stream:error><conflict type="replaced"/>`.
use wazap::binary::{Jid, Node};
use wazap::crypto::PublicKey;
use wazap::proto::ClientPayload;

use super::{pairing, routing, stanza};
use crate::conn::{ConnHandle, Session};
use crate::shared::Shared;
use crate::state::unix_now;

/// Decides what the connection is; `None` when it was refused (a failure is queued and the
/// connection closes).
pub fn begin(
    shared: &Shared,
    handle: &ConnHandle,
    noise_key: &PublicKey,
    payload: &ClientPayload,
) -> Option<Session> {
    if let Some(data) = &payload.device_pairing_data {
        return match pairing::register(shared, handle, noise_key, data) {
            Ok(()) => Some(Session::Registering),
            Err(e) => {
                tracing::info!(error = %e, "registration refused");
                handle.close(Some(stanza::failure(400)));
                None
            }
        };
    }
    let (Some(user), Some(device)) = (payload.username, payload.device) else {
        tracing::info!("payload is neither a registration nor a login");
        handle.close(Some(stanza::failure(400)));
        return None;
    };
    let phone = user.to_string();
    let Ok(device) = u16::try_from(device) else {
        handle.close(Some(stanza::failure(401)));
        return None;
    };
    let success = {
        let state = shared.state();
        let account = state.account(&phone);
        match account.and_then(|a| a.devices.get(&device).map(|d| (a, d))) {
            Some((account, d)) if d.noise_key.0 == noise_key.0 => {
                Some(success(account.lid_jid().with_device(device), account.created))
            }
            Some(_) => {
                tracing::info!(%phone, device, "login with another Noise key than the paired one");
                None
            }
            None => {
                tracing::info!(%phone, device, "login of an unknown device");
                None
            }
        }
    };
    let Some(success) = success else {
        handle.close(Some(stanza::failure(401)));
        return None;
    };
    if let Some(old) = shared.register_conn(&phone, device, handle.clone()) {
        tracing::info!(%phone, device, old = old.id, "connection replaced");
        old.close(Some(stanza::stream_error_replaced()));
    }
    tracing::info!(%phone, device, "logged in");
    handle.send(success);
    routing::flush_offline(shared, &phone, device, handle);
    Some(Session::LoggedIn { phone, device })
}

/// `<success t lid creation location/>`: whatsmeow reads `t` (server time) and `lid` (the
/// device's LID); Baileys reads `lid`.
fn success(device_lid: Jid, created: u64) -> Node {
    Node::new("success")
        .attr("t", unix_now())
        .attr("lid", device_lid)
        .attr("creation", created)
        .attr("location", "sandbox")
}
