//! QR pairing, the companion's stanzas (the crypto is in [`crate::pair`]):
//! `<iq type="set"><pair-device><ref/>…</pair-device></iq>` → answer `result`, show one QR code
//! per ref (the first for `qr_first_timeout`, the others `qr_next_timeout` each), and when they
//! run out emit `QrTimeout` and disconnect. `<pair-success>` → verify the phone's signed identity,
//! countersign it, save the account and reply `<pair-device-sign>`; the server then restarts the
//! stream (515) and we log in.
use std::sync::Arc;

use super::connection::EndReason;
use super::session::Session;
use super::{ClientError, Inner};
use crate::binary::{Jid, Node, Server};
use crate::pair::{complete_pair_success, qr_string, CompanionClientType, PairIqError};
use crate::types::Event;

pub(crate) async fn handle_pair_device(inner: &Arc<Inner>, session: &mut Session, node: &Node) {
    let Some(id) = node.get_attr("id") else {
        tracing::warn!(%node, "pair-device without id");
        return;
    };
    let mut reply = Node::new("iq").attr("id", id.clone()).attr("type", "result");
    if let Some(from) = node.get_attr("from") {
        reply = reply.attr("to", from.clone());
    }
    if let Err(e) = session.conn.send(&reply).await {
        tracing::warn!(error = %e, "pair-device answer not sent");
    }
    let device = match inner.device() {
        Ok(d) => d,
        Err(e) => {
            tracing::error!(error = %e, "pair-device without a loaded device");
            return;
        }
    };
    let client_type = CompanionClientType::from_platform(inner.config.platform);
    let codes: Vec<String> = node
        .child_by_tag("pair-device")
        .map(|p| p.children_by_tag("ref").collect::<Vec<_>>())
        .unwrap_or_default()
        .into_iter()
        .filter_map(|r| r.content_bytes().and_then(|b| std::str::from_utf8(b).ok()))
        .map(|reference| {
            qr_string(
                reference,
                &device.noise_key.public,
                &device.identity_key.public,
                &device.adv_secret,
                client_type,
            )
        })
        .collect();
    if codes.is_empty() {
        tracing::warn!(%node, "pair-device without refs");
        return;
    }
    session.stop_qr();
    let inner = inner.clone();
    let conn = session.conn.clone();
    let task = tokio::spawn(async move {
        for (index, code) in codes.into_iter().enumerate() {
            let timeout = inner.config.qr_timeout(index);
            inner.emit(Event::Qr { code, timeout_ms: timeout.as_millis() as u64 });
            tokio::time::sleep(timeout).await;
        }
        conn.end(EndReason::Terminal(Box::new(Event::QrTimeout)));
    });
    session.qr_task = Some(task.abort_handle());
}

fn pair_error_iq(id: &str, error: PairIqError) -> Node {
    Node::new("iq")
        .attr("to", Jid::server_only(Server::Pn))
        .attr("type", "error")
        .attr("id", id.to_owned())
        .child(Node::new("error").attr("code", error.code).attr("text", error.text))
}

pub(crate) async fn handle_pair_success(inner: &Arc<Inner>, session: &mut Session, node: &Node) {
    let Some(id) = node.attr_str("id").map(str::to_owned) else {
        tracing::warn!(%node, "pair-success without id");
        return;
    };
    session.stop_qr();
    match pair(inner, session, &id, node).await {
        Ok(event) => inner.emit(event),
        Err((e, iq_error)) => {
            tracing::warn!(error = %e, "pairing failed");
            let _ = session.conn.send(&pair_error_iq(&id, iq_error)).await;
            inner.emit(Event::PairError { reason: e.to_string() });
        }
    }
}

const INTERNAL: PairIqError = PairIqError { code: 500, text: crate::pair::adv::INTERNAL_ERROR };

async fn pair(
    inner: &Arc<Inner>,
    session: &Session,
    id: &str,
    node: &Node,
) -> Result<Event, (ClientError, PairIqError)> {
    let bad = |what: String| (ClientError::BadResponse(what), INTERNAL);
    let success = node.child_by_tag("pair-success").ok_or_else(|| bad("no pair-success".into()))?;
    let identity_bytes = success
        .child_by_tag("device-identity")
        .and_then(Node::content_bytes)
        .ok_or_else(|| bad("pair-success without device-identity".into()))?;
    let device_node = success.req_child("device").map_err(|e| bad(e.to_string()))?;
    let jid = device_node.req_jid("jid").map_err(|e| bad(e.to_string()))?;
    let lid = device_node.opt_jid("lid").map_err(|e| bad(e.to_string()))?;
    let business_name =
        success.child_by_tag("biz").and_then(|b| b.attr_str("name")).unwrap_or_default().to_owned();
    let platform = success
        .child_by_tag("platform")
        .and_then(|p| p.attr_str("name"))
        .unwrap_or_default()
        .to_owned();

    let device = inner.device().map_err(|e| (e, INTERNAL))?;
    if device.is_paired() {
        return Err((ClientError::AlreadyPaired, INTERNAL));
    }
    let pairing = complete_pair_success(identity_bytes, &device.adv_secret, &device.identity_key)
        .map_err(|e| {
        let iq = e.iq_error();
        (ClientError::Adv(e), iq)
    })?;
    let key_index = pairing.key_index();
    let reply_identity = pairing.reply_identity.clone();
    let (jid2, lid2, platform2, biz2) =
        (jid.clone(), lid.clone(), platform.clone(), business_name.clone());
    inner
        .update_device(move |d| {
            d.account = Some(pairing.account);
            d.jid = Some(jid2);
            d.lid = lid2;
            d.platform = platform2;
            d.business_name = biz2;
        })
        .await
        .map_err(|e| (e, INTERNAL))?;
    let sign = Node::new("iq")
        .attr("to", Jid::server_only(Server::Pn))
        .attr("type", "result")
        .attr("id", id.to_owned())
        .child(Node::new("pair-device-sign").child(
            Node::new("device-identity").attr("key-index", key_index).bytes(reply_identity),
        ));
    if let Err(e) = session.conn.send(&sign).await {
        // Without the countersignature the phone never completes the link: forget it.
        let _ = inner.wipe_device().await;
        return Err((e, INTERNAL));
    }
    tracing::info!(%jid, "paired");
    Ok(Event::PairSuccess { jid, lid, platform, business_name })
}
