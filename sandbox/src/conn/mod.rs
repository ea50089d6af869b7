//! One task per websocket: the Noise handshake (as responder, with the sandbox's certificate
//! chain), the login or registration decision, then a read loop that decodes frames with the
//! dictionary the client announced and dispatches stanzas, while a writer task encodes and sends
//! what the handlers queue on the [`ConnHandle`].
mod dispatch;
mod handle;
mod session;
mod writer;

use std::sync::Arc;

use axum::extract::ws::WebSocket;
use prost::Message;
use rand::rngs::OsRng;
use tracing::Instrument;
use wazap::binary::{Decoder, DictVersion, Encoder, Node};
use wazap::crypto::KeyPair;
use wazap::proto::ClientPayload;
use wazap::socket::{server_handshake, ServerHandshakeConfig, SocketError};

pub use handle::{ConnHandle, Outbound};
pub use session::{ConnCtx, Session};

use crate::handlers::{edge_routing, login, stanza};
use crate::shared::Shared;
use crate::ws::WsBytes;

/// The token dictionary a connection header announces (`WA 06 02` or `WA 06 03`).
pub fn dict_version(byte: u8) -> Option<DictVersion> {
    match byte {
        2 => Some(DictVersion::V2),
        3 => Some(DictVersion::V3),
        _ => None,
    }
}

/// Serves one accepted websocket until it closes.
pub async fn serve(shared: Arc<Shared>, socket: WebSocket) {
    let id = shared.next_conn_id();
    async move {
        run(shared, id, socket).await;
        tracing::debug!("connection ended");
    }
    .instrument(tracing::info_span!("conn", id))
    .await
}

async fn run(shared: Arc<Shared>, id: u64, socket: WebSocket) {
    if shared.faults.fail_handshake() {
        tracing::info!("fault: handshake fails");
        drop(socket);
        return;
    }
    let config =
        ServerHandshakeConfig::new(shared.pki.server_static.clone(), shared.pki.cert_chain.clone());
    let (noise, accepted) = match server_handshake(
        WsBytes::new(socket),
        &config,
        KeyPair::generate(&mut OsRng),
    )
    .await
    {
        Ok(done) => done,
        Err(e) => {
            tracing::info!(error = %e, "handshake failed");
            return;
        }
    };
    let Some(dict) = dict_version(accepted.header.dict_version) else {
        tracing::info!(version = accepted.header.dict_version, "unsupported dictionary version");
        return;
    };
    let (mut reader, writer) = noise.split();
    let (handle, outbound) = ConnHandle::new(id);
    let writer = tokio::spawn(writer::run(writer, outbound, Encoder::new(dict), shared.clone()));

    let payload = match ClientPayload::decode(accepted.payload.as_slice()) {
        Ok(payload) => payload,
        Err(e) => {
            tracing::info!(error = %e, "client payload is not a valid protobuf");
            handle.close(Some(stanza::failure(400)));
            drain(&mut reader, &handle).await;
            let _ = writer.await;
            return;
        }
    };
    // The server authenticates the client before it answers (see `SandboxConfig::login_time`).
    tokio::time::sleep(shared.login_time).await;
    let Some(session) = login::begin(&shared, &handle, &accepted.static_key, &payload) else {
        drain(&mut reader, &handle).await;
        let _ = writer.await;
        return;
    };
    if let Session::LoggedIn { phone, device } = &session {
        edge_routing::after_login(&shared, &handle, phone, *device, accepted.header.routing_info);
    }
    let logged_in = matches!(session, Session::LoggedIn { .. });
    if logged_in {
        shared.faults.count_login();
    }
    let mut ctx =
        ConnCtx { shared: shared.clone(), handle: handle.clone(), session, active: false };
    let decoder = Decoder::new(dict);
    let mut shutdown = shared.shutdown_signal();
    let mut faults = shared.faults.subscribe();
    let mut drop_at = None;
    faults.mark_changed();
    let mut dropped = false;
    loop {
        tokio::select! {
            changed = faults.changed() => {
                if changed.is_err() {
                    continue;
                }
                faults.borrow_and_update();
                drop_at = shared.faults.drop_after().map(|after| tokio::time::Instant::now() + after);
                if logged_in && !handle.is_ending() {
                    if let Some(error) = shared.faults.take_stream_error() {
                        tracing::info!(node = %error, "fault: stream error");
                        handle.close(Some(error));
                    }
                }
            }
            _ = until(drop_at) => {
                tracing::info!("fault: connection dropped");
                shared.faults.count_drop();
                dropped = true;
                break;
            }
            frame = reader.recv_frame() => match frame {
                // The session is over (a stream error went out): the client's last words are
                // not handled.
                Ok(_) if handle.is_ending() => {}
                Ok(frame) => match decoder.decode(&frame) {
                    Ok(node) => dispatch::handle(&mut ctx, node).await,
                    Err(e) => {
                        tracing::info!(error = %e, "undecodable node; closing");
                        handle.close(Some(stanza::stream_error_malformed()));
                        break;
                    }
                },
                Err(SocketError::Closed) => break,
                Err(e) => {
                    tracing::info!(error = %e, "reading failed; closing");
                    break;
                }
            },
            _ = handle.closed() => break,
            _ = shutdown.changed() => break,
        }
    }
    if dropped {
        // Cut, as a network failure does: what the writer had not sent is lost (the stanzas
        // in flight are handed back below, as for any closed connection).
        writer.abort();
        let _ = writer.await;
        ctx.end();
        return;
    }
    handle.close(None);
    ctx.end();
    let _ = writer.await;
}

/// Completes at `deadline`, never without one.
async fn until(deadline: Option<tokio::time::Instant>) {
    match deadline {
        Some(at) => tokio::time::sleep_until(at).await,
        None => std::future::pending().await,
    }
}

/// After a refused login: reads (and ignores) the client's frames until it closes or the writer
/// ends, then lets the writer go.
async fn drain<R: futures_util::Stream<Item = Result<Vec<u8>, SocketError>> + Unpin>(
    reader: &mut wazap::socket::NoiseReader<R>,
    handle: &ConnHandle,
) {
    loop {
        tokio::select! {
            frame = reader.recv_frame() => if frame.is_err() { break },
            _ = handle.closed() => break,
        }
    }
    handle.close(None);
}

/// A node as a log line (bounded).
pub(crate) fn show(node: &Node) -> String {
    let mut text = node.to_string();
    if text.len() > 2000 {
        let mut at = 2000;
        while !text.is_char_boundary(at) {
            at -= 1;
        }
        text.truncate(at);
        text.push('…');
    }
    text
}
