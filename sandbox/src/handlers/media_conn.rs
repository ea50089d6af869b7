//! `<iq xmlns="w:m" type="set"><media_conn/></iq>`: where and with which token to upload media.
//! The only host is this server's media host (`host:port`, served over plain HTTP).
use rand::rngs::OsRng;
use rand::RngCore;
use wazap::binary::Node;

use super::{require_login, stanza, IqError, IqResult};
use crate::conn::ConnCtx;
use crate::state::unix_now;

/// Seconds the host list stays valid (whatsmeow reads `ttl`).
pub const TTL_SECS: u64 = 300;
/// Seconds the upload token stays valid (`auth_ttl`).
pub const AUTH_TTL_SECS: u64 = 21_600;

pub fn handle(ctx: &mut ConnCtx, id: &str, iq: &Node) -> IqResult {
    let (phone, _) = require_login(ctx)?;
    if iq.child_by_tag("media_conn").is_none() {
        return Err(IqError::BadRequest("expected <media_conn/>".into()));
    }
    let mut raw = [0u8; 24];
    OsRng.fill_bytes(&mut raw);
    let auth = base64::Engine::encode(&base64::engine::general_purpose::URL_SAFE_NO_PAD, raw);
    ctx.shared.state().media_tokens.insert(auth.clone(), (phone, unix_now() + AUTH_TTL_SECS));
    let conn = Node::new("media_conn")
        .attr("auth", auth)
        .attr("ttl", TTL_SECS)
        .attr("auth_ttl", AUTH_TTL_SECS)
        .attr("max_buckets", 12u32)
        .child(Node::new("host").attr("hostname", ctx.shared.addresses.media_host.clone()));
    Ok(stanza::iq_result(id).child(conn))
}
