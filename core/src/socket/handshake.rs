//! The handshake over a live connection, for both roles. Each side sends and receives frames
//! through any `Stream`/`Sink` of binary websocket messages, so the sandbox server reuses exactly
//! the code the client runs.
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use futures_util::{Sink, SinkExt, Stream, StreamExt};

use crate::crypto::{KeyPair, PublicKey};

use super::cert::{verify_cert_chain, DEFAULT_ROOT_KEY};
use super::error::SocketError;
use super::frame::{ConnectionHeader, FrameDecoder, FrameEncoder, MAX_FRAME_SIZE};
#[cfg(feature = "server")]
use super::noise::{decode_client_hello, ClientFinish, ServerHandshake};
use super::noise::{encode_client_hello, ClientHandshake, ServerHello};
use super::noise_socket::NoiseSocket;

/// How long each side waits for the other's handshake message (whatsmeow `NoiseHandshakeResponseTimeout`).
pub const DEFAULT_HANDSHAKE_TIMEOUT: Duration = Duration::from_secs(20);

/// Settings of [`client_handshake`].
#[derive(Debug, Clone)]
pub struct ClientHandshakeConfig {
    /// The connection header (dictionary version, routing info); its `WA 06 xx` part is the
    /// Noise prologue.
    pub header: ConnectionHeader,
    /// The key the server's certificate chain must lead to.
    pub trusted_root: PublicKey,
    /// The time (Unix seconds) certificates are checked against; `None` reads the system clock.
    pub now: Option<u64>,
    /// How long to wait for the server hello.
    pub server_hello_timeout: Duration,
    /// Bound on one frame, both directions.
    pub max_frame_size: usize,
}

impl Default for ClientHandshakeConfig {
    fn default() -> Self {
        Self {
            header: ConnectionHeader::default(),
            trusted_root: DEFAULT_ROOT_KEY,
            now: None,
            server_hello_timeout: DEFAULT_HANDSHAKE_TIMEOUT,
            max_frame_size: MAX_FRAME_SIZE,
        }
    }
}

/// Settings of [`server_handshake`].
#[cfg(feature = "server")]
#[derive(Debug, Clone)]
pub struct ServerHandshakeConfig {
    /// The server's Noise static key, which the leaf certificate names.
    pub static_key: KeyPair,
    /// The marshalled `CertChain` sent in the server hello (see [`super::cert::build_cert_chain`]).
    pub cert_chain: Vec<u8>,
    /// How long to wait for each client message.
    pub timeout: Duration,
    /// Bound on one frame, both directions.
    pub max_frame_size: usize,
}

#[cfg(feature = "server")]
impl ServerHandshakeConfig {
    pub fn new(static_key: KeyPair, cert_chain: Vec<u8>) -> Self {
        Self {
            static_key,
            cert_chain,
            timeout: DEFAULT_HANDSHAKE_TIMEOUT,
            max_frame_size: MAX_FRAME_SIZE,
        }
    }
}

/// What the server learnt about the client during the handshake.
#[cfg(feature = "server")]
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AcceptedClient {
    /// The connection header the client sent (dictionary version, routing info).
    pub header: ConnectionHeader,
    /// The client's long-lived Noise static key.
    pub static_key: PublicKey,
    /// The marshalled `ClientPayload` (login or registration).
    pub payload: Vec<u8>,
}

/// Reads until one whole (unencrypted) frame is buffered.
async fn recv_raw<T>(io: &mut T, decoder: &mut FrameDecoder) -> Result<Vec<u8>, SocketError>
where
    T: Stream<Item = Result<Vec<u8>, SocketError>> + Unpin,
{
    loop {
        if let Some(frame) = decoder.next_frame()? {
            return Ok(frame);
        }
        match io.next().await {
            Some(message) => decoder.push(&message?),
            None => return Err(SocketError::Closed),
        }
    }
}

async fn recv_within<T>(
    io: &mut T,
    decoder: &mut FrameDecoder,
    limit: Duration,
    what: &'static str,
) -> Result<Vec<u8>, SocketError>
where
    T: Stream<Item = Result<Vec<u8>, SocketError>> + Unpin,
{
    tokio::time::timeout(limit, recv_raw(io, decoder))
        .await
        .map_err(|_| SocketError::Timeout(what))?
}

fn unix_now() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs())
}

/// Runs the client side: sends the client hello (after the connection header), checks the
/// server's hello and certificate chain, sends the client finish carrying `client_payload` (the
/// marshalled `ClientPayload`), and returns the encrypted socket. `noise_key` is the device's
/// long-lived Noise key; `ephemeral` must be fresh for each connection
/// (`KeyPair::generate(&mut OsRng)`); tests pin it.
pub async fn client_handshake<T>(
    mut io: T,
    config: &ClientHandshakeConfig,
    noise_key: &KeyPair,
    ephemeral: KeyPair,
    client_payload: &[u8],
) -> Result<NoiseSocket<T>, SocketError>
where
    T: Stream<Item = Result<Vec<u8>, SocketError>> + Sink<Vec<u8>, Error = SocketError> + Unpin,
{
    let max = config.max_frame_size;
    let mut encoder = FrameEncoder::with_header(&config.header, max)?;
    let mut decoder = FrameDecoder::new(max);
    let handshake = ClientHandshake::new(&config.header.wa_header(), ephemeral);
    let hello = encode_client_hello(handshake.ephemeral_public().as_bytes());
    io.send(encoder.encode(&hello)?).await?;

    let reply =
        recv_within(&mut io, &mut decoder, config.server_hello_timeout, "the server hello").await?;
    let (handshake, server) = handshake.read_server_hello(&ServerHello::decode(&reply)?)?;
    let now = config.now.unwrap_or_else(unix_now);
    verify_cert_chain(&server.payload, &config.trusted_root, &server.static_key, now)?;

    let (finish, transport) = handshake.write_client_finish(noise_key, client_payload)?;
    io.send(encoder.encode(&finish.encode())?).await?;
    Ok(NoiseSocket::new(io, transport, decoder, encoder, max, server.static_key))
}

/// Runs the server side (the sandbox's): reads the client's connection header and hello, answers with our
/// ephemeral key, static key and certificate chain, reads the client finish, and returns the
/// encrypted socket with what the client sent. `ephemeral` must be fresh for each connection.
#[cfg(feature = "server")]
pub async fn server_handshake<T>(
    mut io: T,
    config: &ServerHandshakeConfig,
    ephemeral: KeyPair,
) -> Result<(NoiseSocket<T>, AcceptedClient), SocketError>
where
    T: Stream<Item = Result<Vec<u8>, SocketError>> + Sink<Vec<u8>, Error = SocketError> + Unpin,
{
    let max = config.max_frame_size;
    let mut decoder = FrameDecoder::expecting_header(max);
    let mut encoder = FrameEncoder::new(max);

    let hello = recv_within(&mut io, &mut decoder, config.timeout, "the client hello").await?;
    // A frame was decoded, so the header before it was read.
    let header = decoder.header().cloned().unwrap_or_default();
    let handshake =
        ServerHandshake::read_client_hello(&header.wa_header(), &decode_client_hello(&hello)?)?;
    let (handshake, reply) =
        handshake.write_server_hello(ephemeral, &config.static_key, &config.cert_chain)?;
    io.send(encoder.encode(&reply.encode())?).await?;

    let finish = recv_within(&mut io, &mut decoder, config.timeout, "the client finish").await?;
    let (client, transport) = handshake.read_client_finish(&ClientFinish::decode(&finish)?)?;
    let socket = NoiseSocket::new(io, transport, decoder, encoder, max, client.static_key);
    let accepted =
        AcceptedClient { header, static_key: client.static_key, payload: client.payload };
    Ok((socket, accepted))
}
