//! The connection lifecycle. [`start`] opens the first connection (errors go back to the
//! caller) and spawns the supervisor, which serves one connection at a time: a read loop that
//! decodes frames into nodes and dispatches them, a writer task draining the send queue, and
//! the keepalive. When a connection ends, its [`EndReason`] decides: stop, reconnect at once
//! (515 after pairing), or reconnect after a backoff.
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use prost::Message;
use rand::rngs::OsRng;
use tokio::sync::{mpsc, oneshot, watch};
use tokio::task::JoinHandle;

use super::reconnect::Backoff;
use super::session::Session;
use super::{dispatch, edge_routing, keepalive, ClientError, Inner};
use crate::binary::{self, Node};
use crate::crypto::KeyPair;
use crate::payload::{
    login_payload, registration_payload, CompanionProps, PayloadConfig, RegistrationKeys,
};
use crate::socket::websocket::{tls_config, websocket_config};
use crate::socket::{
    client_handshake, connect_with, ClientHandshakeConfig, ConnectOptions, ConnectionHeader,
    NoiseSocket, Proxy, ProxyError, SocketError, SocketReader, SocketWriter, WsConnection,
    WsMessages, MAX_FRAME_SIZE,
};
use crate::store::Device;
use crate::types::Event;

/// How many encoded stanzas may wait for the writer.
const SEND_QUEUE: usize = 256;

/// How long to keep reading after our side of the socket failed (see [`drain`]).
const DRAIN_LIMIT: std::time::Duration = std::time::Duration::from_secs(2);

static CONN_IDS: AtomicU64 = AtomicU64::new(1);

/// Why a connection ended, and so what happens next.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum EndReason {
    /// The socket failed or the server closed it: reconnect after a backoff.
    Dropped(String),
    /// `stream:error` 515: reconnect at once (with the login payload after pairing).
    Restart,
    /// Terminal: no reconnect; the event is emitted once the connection is closed (so a handler
    /// may call `connect()` again at once).
    Terminal(Box<Event>),
    /// [`stop`] was called.
    ClientDisconnect,
}

/// The sending side of a live connection, shared with handlers.
#[derive(Clone)]
pub(crate) struct Conn {
    pub(crate) id: u64,
    queue: mpsc::Sender<Vec<u8>>,
    end: mpsc::UnboundedSender<EndReason>,
}

impl Conn {
    /// Encodes `node` and queues it for the writer.
    pub(crate) async fn send(&self, node: &Node) -> Result<(), ClientError> {
        tracing::trace!(%node, "send");
        let frame = binary::try_encode(node)?;
        self.queue.send(frame).await.map_err(|_| ClientError::NotConnected)
    }

    /// Asks the read loop to end the connection.
    pub(crate) fn end(&self, reason: EndReason) {
        let _ = self.end.send(reason);
    }
}

/// The supervisor of one `connect()` session.
pub(crate) struct RunHandle {
    stop: watch::Sender<bool>,
    task: JoinHandle<()>,
}

impl RunHandle {
    /// Tells the supervisor to close the connection and end, without waiting.
    pub(crate) fn stop(self) {
        let _ = self.stop.send(true);
    }
}

type Socket = NoiseSocket<WsConnection>;

fn payload_config(inner: &Inner, device: &Device) -> PayloadConfig {
    PayloadConfig {
        version: inner.config.version,
        language: inner.config.language.clone(),
        country: inner.config.country.clone(),
        push_name: (!device.push_name.is_empty()).then(|| device.push_name.clone()),
    }
}

/// The marshalled `ClientPayload`: login when paired, registration otherwise.
fn client_payload(inner: &Inner, device: &Device) -> Result<Vec<u8>, ClientError> {
    let config = payload_config(inner, device);
    let payload = match &device.jid {
        Some(jid) if device.is_paired() => {
            let user =
                jid.user.parse().map_err(|_| ClientError::InvalidDeviceJid(jid.to_string()))?;
            login_payload(user, jid.device, &config)
        }
        _ => {
            let keys = RegistrationKeys {
                registration_id: device.registration_id,
                identity: device.identity_key.public,
                signed_prekey_id: device.signed_pre_key.id,
                signed_prekey: device.signed_pre_key.key_pair.public,
                signed_prekey_signature: device.signed_pre_key.signature,
            };
            let mut props = CompanionProps::new(&inner.config.device_name, inner.config.platform);
            props.version = CompanionProps::default().version;
            registration_payload(&keys, &config, &props)
        }
    };
    Ok(payload.encode_to_vec())
}

/// Websocket + Noise handshake.
async fn open(inner: &Inner) -> Result<Socket, ClientError> {
    let device = inner.ensure_device().await?;
    let payload = client_payload(inner, &device)?;
    let options = ConnectOptions {
        timeout: inner.config.connect_timeout,
        max_message_size: 2 * MAX_FRAME_SIZE,
    };
    let config = &inner.config;
    let ws = match &config.proxy {
        None => connect_with(&config.url, &config.origin, &options).await?,
        Some(proxy) => {
            connect_via(
                proxy,
                &config.url,
                &config.origin,
                options.timeout,
                options.max_message_size,
            )
            .await?
        }
    };
    let header = ConnectionHeader {
        dict_version: inner.config.dict_version,
        routing_info: edge_routing::saved(inner).await,
    };
    let handshake = ClientHandshakeConfig {
        header,
        trusted_root: inner.config.trusted_root,
        now: None,
        server_hello_timeout: inner.config.handshake_timeout,
        max_frame_size: MAX_FRAME_SIZE,
    };
    let ephemeral = KeyPair::generate(&mut OsRng);
    let socket = client_handshake(ws, &handshake, &device.noise_key, ephemeral, &payload).await?;
    tracing::info!(url = %inner.config.url, paired = device.is_paired(), "handshake done");
    Ok(socket)
}

/// Connects and spawns the supervisor; fails if a session is already running.
pub(crate) async fn start(inner: Arc<Inner>) -> Result<(), ClientError> {
    let mut run = inner.run.lock().await;
    if let Some(previous) = run.take() {
        if inner.session_active.load(Ordering::SeqCst) {
            *run = Some(previous);
            return Err(ClientError::AlreadyConnected);
        }
        // The previous session has ended and its task is returning.
        let _ = previous.task.await;
    }
    let socket = open(&inner).await?;
    inner.session_active.store(true, Ordering::SeqCst);
    let (stop, stop_rx) = watch::channel(false);
    let (ready, registered) = oneshot::channel();
    let task = tokio::spawn(supervise(inner.clone(), socket, stop_rx, ready));
    *run = Some(RunHandle { stop, task });
    drop(run);
    // Return once the connection is registered, so that `is_connected()` holds when
    // `connect()` has returned (an error means the session already ended: nothing to wait for).
    let _ = registered.await;
    Ok(())
}

/// Ends the session (if any) and waits until its connection is closed.
pub(crate) async fn stop(inner: Arc<Inner>) {
    let run = inner.run.lock().await.take();
    if let Some(run) = run {
        let _ = run.stop.send(true);
        let _ = run.task.await;
    }
}

async fn supervise(
    inner: Arc<Inner>,
    first: Socket,
    stop: watch::Receiver<bool>,
    ready: oneshot::Sender<()>,
) {
    let terminal = run_session(&inner, first, stop, ready).await;
    inner.session_active.store(false, Ordering::SeqCst);
    if let Some(event) = terminal {
        inner.emit(event);
    }
}

/// Serves and re-makes connections until the session ends; returns the terminal event, if any.
async fn run_session(
    inner: &Arc<Inner>,
    first: Socket,
    mut stop: watch::Receiver<bool>,
    ready: oneshot::Sender<()>,
) -> Option<Event> {
    let mut backoff = Backoff::new(inner.config.reconnect.clone());
    let mut socket = Some(first);
    let mut ready = Some(ready);
    loop {
        if let Some(live) = socket.take() {
            let (reason, logged_in) = serve(inner, live, stop.clone(), ready.take()).await;
            tracing::info!(?reason, "connection ended");
            if logged_in {
                backoff.reset();
            }
            match reason {
                EndReason::ClientDisconnect => return None,
                EndReason::Terminal(event) => return Some(*event),
                EndReason::Restart => match open_unless_stopped(inner, &mut stop).await? {
                    Ok(s) => {
                        socket = Some(s);
                        continue;
                    }
                    Err(e) => {
                        inner.emit(Event::Disconnected { reason: e.to_string() });
                    }
                },
                EndReason::Dropped(why) => {
                    inner.emit(Event::Disconnected { reason: why });
                }
            }
            if !inner.config.reconnect.enabled {
                return None;
            }
        }
        let delay = backoff.next_delay();
        tracing::info!(?delay, "reconnecting");
        tokio::select! {
            _ = tokio::time::sleep(delay) => {}
            _ = stop.changed() => return None,
        }
        match open_unless_stopped(inner, &mut stop).await? {
            Ok(s) => socket = Some(s),
            Err(e) => tracing::warn!(error = %e, "reconnect failed"),
        }
    }
}

/// [`open`], abandoned (`None`) as soon as the session is told to stop.
async fn open_unless_stopped(
    inner: &Inner,
    stop: &mut watch::Receiver<bool>,
) -> Option<Result<Socket, ClientError>> {
    if *stop.borrow() {
        return None;
    }
    tokio::select! {
        opened = open(inner) => Some(opened),
        _ = stop.changed() => None,
    }
}

async fn write_loop(
    mut writer: SocketWriter<WsConnection>,
    mut queue: mpsc::Receiver<Vec<u8>>,
    end: mpsc::UnboundedSender<EndReason>,
) {
    while let Some(frame) = queue.recv().await {
        if let Err(e) = writer.send_frame(&frame).await {
            let _ = end.send(EndReason::Dropped(format!("send failed: {e}")));
            return;
        }
    }
    // Every sender is gone: the connection is over; close it politely.
    let _ = writer.close().await;
}

/// Our write failed (the server closed the socket), but what it sent before closing may still
/// be unread: an iq answer, a final `stream:error` (a logout's `device_removed`). Reads and
/// handles it, for at most [`DRAIN_LIMIT`]; the end reason a handled stanza gives, if any.
async fn drain(
    inner: &Arc<Inner>,
    session: &mut Session,
    reader: &mut SocketReader<WsConnection>,
) -> Option<EndReason> {
    let deadline = tokio::time::sleep(DRAIN_LIMIT);
    tokio::pin!(deadline);
    loop {
        tokio::select! {
            frame = reader.recv_frame() => {
                let Ok(frame) = frame else { return None };
                if let Ok(node) = binary::decode(&frame) {
                    if let Some(end) = dispatch::dispatch(inner, session, node).await {
                        return Some(end);
                    }
                }
            }
            _ = &mut deadline => return None,
        }
    }
}

/// Serves one connection until it ends. Returns why, and whether it got logged in.
async fn serve(
    inner: &Arc<Inner>,
    socket: Socket,
    mut stop: watch::Receiver<bool>,
    ready: Option<oneshot::Sender<()>>,
) -> (EndReason, bool) {
    let (mut reader, writer) = socket.split();
    let (queue_tx, queue_rx) = mpsc::channel(SEND_QUEUE);
    let (end_tx, mut end_rx) = mpsc::unbounded_channel();
    let conn =
        Conn { id: CONN_IDS.fetch_add(1, Ordering::Relaxed), queue: queue_tx, end: end_tx.clone() };
    let writer_task = tokio::spawn(write_loop(writer, queue_rx, end_tx));
    inner.set_conn(Some(conn.clone()));
    if let Some(ready) = ready {
        let _ = ready.send(());
    }
    let keepalive_task = tokio::spawn(keepalive::run(inner.clone(), conn.clone()));
    let mut session = Session::new(conn.clone());

    let reason = loop {
        tokio::select! {
            frame = reader.recv_frame() => match frame {
                Ok(frame) => match binary::decode(&frame) {
                    Ok(node) => {
                        if let Some(end) = dispatch::dispatch(inner, &mut session, node).await {
                            break end;
                        }
                    }
                    Err(e) => tracing::warn!(error = %e, len = frame.len(), "undecodable frame ignored"),
                },
                Err(SocketError::Closed) => break EndReason::Dropped("connection closed".into()),
                Err(e) => break EndReason::Dropped(e.to_string()),
            },
            Some(end) = end_rx.recv() => break match end {
                EndReason::Dropped(_) => drain(inner, &mut session, &mut reader).await.unwrap_or(end),
                other => other,
            },
            _ = stop.changed() => break EndReason::ClientDisconnect,
        }
    };

    let logged_in = session.logged_in;
    session.finish();
    keepalive_task.abort();
    inner.outbox.offline(conn.id);
    inner.clear_conn(conn.id);
    inner.set_logged_in(false);
    inner.iq.fail_all();
    // Let queued stanzas (a logout iq, a last ack) go out, then the writer closes the socket.
    drop(conn);
    let mut writer_task = writer_task;
    if tokio::time::timeout(std::time::Duration::from_secs(2), &mut writer_task).await.is_err() {
        writer_task.abort();
    }
    (reason, logged_in)
}

/// Opens the websocket to `url` through `proxy`'s tunnel; `timeout` bounds the whole set-up.
async fn connect_via(
    proxy: &Proxy,
    url: &str,
    origin: &str,
    timeout: std::time::Duration,
    max_message_size: usize,
) -> Result<WsConnection, ClientError> {
    use tokio_tungstenite::tungstenite::client::IntoClientRequest;
    use tokio_tungstenite::tungstenite::http::{header::ORIGIN, HeaderValue};

    let mut request = url.into_client_request().map_err(SocketError::from)?;
    let origin =
        HeaderValue::from_str(origin).map_err(|_| ProxyError::InvalidUrl(origin.into()))?;
    request.headers_mut().insert(ORIGIN, origin);
    let uri = request.uri().clone();
    let host = uri.host().ok_or(ProxyError::NoHost)?.trim_matches(['[', ']']).to_owned();
    let port = uri.port_u16().unwrap_or(if uri.scheme_str() == Some("wss") { 443 } else { 80 });
    let connecting = async {
        let stream = proxy.tunnel(&host, port).await?;
        let (ws, _) = tokio_tungstenite::client_async_tls_with_config(
            request,
            stream,
            Some(websocket_config(max_message_size)),
            Some(tokio_tungstenite::Connector::Rustls(tls_config()?)),
        )
        .await
        .map_err(SocketError::from)?;
        Ok::<_, ClientError>(WsMessages::new(ws))
    };
    tokio::time::timeout(timeout, connecting).await.map_err(|_| ProxyError::Timeout)?
}
