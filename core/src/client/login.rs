//! After the handshake the server answers `<success>` (logged in), `<failure reason>` (refused),
//! or later `<stream:error>`. Codes and their handling follow whatsmeow (`connectionevents.go`):
//! failure 401/403/406 log out and delete the keys, 402 is a temporary ban, 405 an outdated
//! client, 500/503 are retried; stream:error 515 restarts the connection, 401 with
//! `<conflict type="device_removed">` logs out, `<conflict type="replaced">` means another
//! connection took over.
use std::sync::Arc;
use std::time::{SystemTime, UNIX_EPOCH};

use super::connection::EndReason;
use super::session::Session;
use super::{prekeys, server_iq, ClientError, Inner};
use crate::binary::Node;
use crate::types::Event;

/// `failure` reasons (whatsmeow `ConnectFailureReason`).
pub(crate) const FAILURE_LOGGED_OUT: u32 = 401;
pub(crate) const FAILURE_TEMP_BANNED: u32 = 402;
pub(crate) const FAILURE_MAIN_DEVICE_GONE: u32 = 403;
pub(crate) const FAILURE_CLIENT_OUTDATED: u32 = 405;
pub(crate) const FAILURE_UNKNOWN_LOGOUT: u32 = 406;
pub(crate) const FAILURE_INTERNAL_SERVER_ERROR: u32 = 500;
pub(crate) const FAILURE_SERVICE_UNAVAILABLE: u32 = 503;

fn unix_now() -> i64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs() as i64)
}

pub(crate) async fn handle_success(inner: &Arc<Inner>, session: &mut Session, node: &Node) {
    session.logged_in = true;
    session.stop_qr();
    inner.set_logged_in(true);
    if let Some(t) = node.attr_str("t").and_then(|t| t.parse::<i64>().ok()) {
        inner.set_server_time_offset(t - unix_now());
    }
    match node.opt_jid("lid") {
        Ok(Some(lid)) if inner.device().ok().and_then(|d| d.lid) != Some(lid.clone()) => {
            if let Err(e) = inner.update_device(|d| d.lid = Some(lid)).await {
                tracing::warn!(error = %e, "saving the LID failed");
            }
        }
        Ok(_) => {}
        Err(e) => tracing::warn!(error = %e, "success with a malformed lid"),
    }
    // What the last connection left unacked goes out again, before anything new.
    let (flushing, conn) = (inner.clone(), session.conn.clone());
    tokio::spawn(async move { flushing.flush_outbox(conn).await });
    let inner = inner.clone();
    tokio::spawn(async move {
        prekeys::refill(&inner, true).await;
        if let Err(e) = set_passive(&inner, false).await {
            tracing::warn!(error = %e, "passive iq failed");
        }
        inner.announce_available().await;
        inner.emit(Event::Connected);
        super::app_state::on_login(&inner);
    });
}

/// `<iq xmlns="passive" type="set"><active/></iq>` (or `<passive/>`).
pub(crate) async fn set_passive(inner: &Inner, passive: bool) -> Result<(), ClientError> {
    let child = Node::new(if passive { "passive" } else { "active" });
    inner.send_iq(server_iq("passive", "set", vec![child]), None).await.map(|_| ())
}

async fn logged_out(inner: &Inner, reason: String, on_connect: bool) -> EndReason {
    if let Err(e) = inner.wipe_device().await {
        tracing::error!(error = %e, "deleting the logged-out device failed");
    }
    EndReason::Terminal(Box::new(Event::LoggedOut { reason, on_connect }))
}

pub(crate) async fn handle_failure(inner: &Arc<Inner>, node: &Node) -> EndReason {
    let reason = node.attr_str("reason").and_then(|r| r.parse::<u32>().ok()).unwrap_or(0);
    let message = node.attr_str("message").unwrap_or_default().to_owned();
    tracing::warn!(reason, %message, "connect failure");
    match reason {
        FAILURE_LOGGED_OUT | FAILURE_MAIN_DEVICE_GONE | FAILURE_UNKNOWN_LOGOUT => {
            logged_out(inner, reason.to_string(), true).await
        }
        FAILURE_TEMP_BANNED => {
            let code = node.attr_str("code").and_then(|c| c.parse().ok()).unwrap_or(0);
            let expire_secs = node.attr_str("expire").and_then(|c| c.parse().ok()).unwrap_or(0);
            EndReason::Terminal(Box::new(Event::TemporaryBan { code, expire_secs }))
        }
        FAILURE_CLIENT_OUTDATED => EndReason::Terminal(Box::new(Event::ClientOutdated)),
        FAILURE_INTERNAL_SERVER_ERROR | FAILURE_SERVICE_UNAVAILABLE => {
            EndReason::Dropped(format!("server failure {reason}"))
        }
        _ => EndReason::Terminal(Box::new(Event::ConnectFailure { reason, message })),
    }
}

pub(crate) async fn handle_stream_error(inner: &Arc<Inner>, node: &Node) -> EndReason {
    let code = node.attr_str("code").unwrap_or_default().to_owned();
    let conflict = node.child_by_tag("conflict").and_then(|c| c.attr_str("type"));
    tracing::info!(%code, ?conflict, "stream error");
    match (code.as_str(), conflict) {
        ("515", _) => EndReason::Restart,
        ("401", Some("device_removed")) => logged_out(inner, "device_removed".into(), false).await,
        (_, Some("replaced")) => EndReason::Terminal(Box::new(Event::StreamReplaced)),
        ("503", _) => EndReason::Dropped("stream error 503".into()),
        _ => {
            inner.emit(Event::StreamError { code: code.clone() });
            EndReason::Dropped(format!("stream error {code}"))
        }
    }
}

/// Unlinks the device: `<iq xmlns="md" type="set"><remove-companion-device jid reason/>`,
/// then disconnects and deletes the keys.
pub(crate) async fn logout(inner: Arc<Inner>) -> Result<(), ClientError> {
    let jid = inner.device()?.jid.ok_or(ClientError::NotPaired)?;
    let remove =
        Node::new("remove-companion-device").attr("jid", jid).attr("reason", "user_initiated");
    inner.send_iq(server_iq("md", "set", vec![remove]), None).await?;
    super::connection::stop(inner.clone()).await;
    inner.wipe_device().await
}
