//! One-time prekeys on the server: ask how many are left (`<iq xmlns="encrypt" type="get">
//! <count/>`) and upload a batch when fewer than the minimum remain: the first upload is large,
//! later refills smaller (see [`PreKeyConfig`](super::PreKeyConfig)).
use std::sync::Arc;

use rand::rngs::OsRng;

use super::{server_iq, ClientError, Inner};
use crate::binary::Node;
use crate::crypto::{KeyPair, DJB_TYPE};
use crate::signal::PreKeyRecord;
use crate::store::device::FIRST_PRE_KEY_ID;

/// The 3-byte big-endian id of a prekey node.
fn id_bytes(id: u32) -> Vec<u8> {
    id.to_be_bytes()[1..].to_vec()
}

pub(crate) async fn server_count(inner: &Inner) -> Result<u32, ClientError> {
    let response =
        inner.send_iq(server_iq("encrypt", "get", vec![Node::new("count")]), None).await?;
    response
        .child_by_tag("count")
        .and_then(|c| c.attr_str("value"))
        .and_then(|v| v.parse().ok())
        .ok_or_else(|| ClientError::BadResponse("prekey count answer without a value".into()))
}

/// Uploads `count` fresh prekeys with the signed prekey.
pub(crate) async fn upload(inner: &Inner, count: u32) -> Result<(), ClientError> {
    let device = inner.device()?;
    let signal = inner.signal_store().await?;
    let records: Vec<PreKeyRecord> = device
        .pre_key_ids(count)
        .into_iter()
        .map(|id| PreKeyRecord::new(id, KeyPair::generate(&mut OsRng)))
        .collect();
    let stored = records.clone();
    let spk = device.signed_pre_key.clone();
    super::blocking(move || {
        signal.store_signed_pre_key(&spk)?;
        stored.iter().try_for_each(|r| signal.store_pre_key(r))
    })
    .await??;

    let keys = records.iter().map(|r| {
        Node::new("key").children([
            Node::new("id").bytes(id_bytes(r.id)),
            Node::new("value").bytes(r.key_pair.public.0.to_vec()),
        ])
    });
    let spk = &device.signed_pre_key;
    let iq = server_iq(
        "encrypt",
        "set",
        vec![
            Node::new("registration").bytes(device.registration_id.to_be_bytes().to_vec()),
            Node::new("type").bytes(vec![DJB_TYPE]),
            Node::new("identity").bytes(device.identity_key.public.0.to_vec()),
            Node::new("list").children(keys),
            Node::new("skey").children([
                Node::new("id").bytes(id_bytes(spk.id)),
                Node::new("value").bytes(spk.key_pair.public.0.to_vec()),
                Node::new("signature").bytes(spk.signature.to_vec()),
            ]),
        ],
    );
    inner.send_iq(iq, None).await?;
    inner.update_device(|d| d.advance_pre_key_id(count)).await?;
    tracing::info!(count, "prekeys uploaded");
    Ok(())
}

/// Checks the server's count and uploads when it is low. `check_count`: ask the server first
/// (after login); a low-count notification already told us.
pub(crate) async fn refill(inner: &Arc<Inner>, check_count: bool) {
    let _guard = inner.pre_key_lock.lock().await;
    if check_count {
        match server_count(inner).await {
            Ok(n) if n >= inner.config.pre_keys.min_count => return,
            Ok(_) => {}
            Err(e) => {
                tracing::warn!(error = %e, "prekey count query failed");
                return;
            }
        }
    }
    let first = inner.device().is_ok_and(|d| d.next_pre_key_id == FIRST_PRE_KEY_ID);
    let batch = if first {
        inner.config.pre_keys.initial_batch
    } else {
        inner.config.pre_keys.refill_batch
    };
    if let Err(e) = upload(inner, batch).await {
        tracing::warn!(error = %e, "prekey upload failed");
    }
}
