//! An established, encrypted connection over any `Stream`/`Sink` of binary websocket payloads:
//! `send_frame` encrypts, frames and sends; `recv_frame` reassembles and decrypts. It can be split
//! into a reader and a writer so one task reads while others write.
use futures_util::stream::{SplitSink, SplitStream};
use futures_util::{Sink, SinkExt, Stream, StreamExt};

use crate::crypto::PublicKey;

use super::error::{FrameError, SocketError};
use super::frame::{FrameDecoder, FrameEncoder, MAX_WIRE_LENGTH};
use super::transport::{CipherState, Transport, TAG_LEN};

/// Receiving half of the state: buffered bytes and the read cipher.
#[derive(Debug)]
pub(crate) struct ReadState {
    pub(crate) decoder: FrameDecoder,
    pub(crate) cipher: CipherState,
}

impl ReadState {
    async fn recv<R>(&mut self, stream: &mut R) -> Result<Vec<u8>, SocketError>
    where
        R: Stream<Item = Result<Vec<u8>, SocketError>> + Unpin,
    {
        loop {
            if let Some(mut frame) = self.decoder.next_frame()? {
                self.cipher.decrypt_in_place(&mut frame)?;
                return Ok(frame);
            }
            match stream.next().await {
                Some(message) => self.decoder.push(&message?),
                None => return Err(SocketError::Closed),
            }
        }
    }
}

/// Sending half of the state: the frame encoder and the write cipher.
#[derive(Debug)]
pub(crate) struct WriteState {
    pub(crate) encoder: FrameEncoder,
    pub(crate) cipher: CipherState,
    pub(crate) max_frame_size: usize,
}

impl WriteState {
    fn seal(&mut self, plaintext: &[u8]) -> Result<Vec<u8>, SocketError> {
        // Refuse before the counter is used, so a too-large frame does not break the stream.
        let max = self.max_frame_size.min(MAX_WIRE_LENGTH);
        let len = plaintext.len() + TAG_LEN;
        if len > max {
            return Err(FrameError::TooLarge { len, max }.into());
        }
        let mut buf = Vec::with_capacity(len);
        buf.extend_from_slice(plaintext);
        self.cipher.encrypt_in_place(&mut buf)?;
        Ok(self.encoder.encode(&buf)?)
    }

    async fn send<W>(&mut self, sink: &mut W, plaintext: &[u8]) -> Result<(), SocketError>
    where
        W: Sink<Vec<u8>, Error = SocketError> + Unpin,
    {
        let wire = self.seal(plaintext)?;
        sink.send(wire).await
    }
}

/// What the handshake established about the peer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PeerInfo {
    /// The peer's Noise static key (for a client: the server key its certificate vouched for).
    pub static_key: PublicKey,
    /// The final handshake hash.
    pub handshake_hash: [u8; 32],
}

/// An encrypted connection over `T`, a `Stream` of received binary messages and a `Sink` of
/// messages to send (e.g. [`WsMessages`](super::websocket::WsMessages) over any websocket).
#[derive(Debug)]
pub struct NoiseSocket<T> {
    io: T,
    read: ReadState,
    write: WriteState,
    peer: PeerInfo,
}

impl<T> NoiseSocket<T>
where
    T: Stream<Item = Result<Vec<u8>, SocketError>> + Sink<Vec<u8>, Error = SocketError> + Unpin,
{
    /// Wraps an established transport. `decoder` keeps whatever bytes arrived after the last
    /// handshake frame; `encoder` must have written its connection header already (if any).
    pub(crate) fn new(
        io: T,
        transport: Transport,
        decoder: FrameDecoder,
        encoder: FrameEncoder,
        max_frame_size: usize,
        peer_static: PublicKey,
    ) -> Self {
        let peer = PeerInfo { static_key: peer_static, handshake_hash: transport.handshake_hash };
        Self {
            io,
            read: ReadState { decoder, cipher: transport.read },
            write: WriteState { encoder, cipher: transport.write, max_frame_size },
            peer,
        }
    }

    pub fn peer(&self) -> &PeerInfo {
        &self.peer
    }

    /// Encrypts `plaintext` (flags byte + binary node, for the protocol above), frames it and
    /// sends it as one websocket message. Not cancel-safe: dropping the future after the frame
    /// was sealed loses that counter value, and the connection must then be closed.
    pub async fn send_frame(&mut self, plaintext: &[u8]) -> Result<(), SocketError> {
        self.write.send(&mut self.io, plaintext).await
    }

    /// The next decrypted frame. Cancel-safe: bytes already received stay buffered.
    /// Ends with [`SocketError::Closed`] when the peer closes.
    pub async fn recv_frame(&mut self) -> Result<Vec<u8>, SocketError> {
        self.read.recv(&mut self.io).await
    }

    /// Closes the underlying connection.
    pub async fn close(&mut self) -> Result<(), SocketError> {
        self.io.close().await
    }

    /// Splits into a reader and a writer that can be used from different tasks.
    pub fn split(self) -> (SocketReader<T>, SocketWriter<T>) {
        let (sink, stream) = self.io.split();
        (
            NoiseReader { stream, state: self.read, peer: self.peer },
            NoiseWriter { sink, state: self.write },
        )
    }
}

/// The reader [`NoiseSocket::split`] returns.
pub type SocketReader<T> = NoiseReader<SplitStream<T>>;
/// The writer [`NoiseSocket::split`] returns.
pub type SocketWriter<T> = NoiseWriter<SplitSink<T, Vec<u8>>>;

/// The receiving half of a [`NoiseSocket`].
#[derive(Debug)]
pub struct NoiseReader<R> {
    stream: R,
    state: ReadState,
    peer: PeerInfo,
}

impl<R> NoiseReader<R>
where
    R: Stream<Item = Result<Vec<u8>, SocketError>> + Unpin,
{
    /// The next decrypted frame; see [`NoiseSocket::recv_frame`].
    pub async fn recv_frame(&mut self) -> Result<Vec<u8>, SocketError> {
        self.state.recv(&mut self.stream).await
    }

    pub fn peer(&self) -> &PeerInfo {
        &self.peer
    }
}

/// The sending half of a [`NoiseSocket`].
#[derive(Debug)]
pub struct NoiseWriter<W> {
    sink: W,
    state: WriteState,
}

impl<W> NoiseWriter<W>
where
    W: Sink<Vec<u8>, Error = SocketError> + Unpin,
{
    /// Encrypts, frames and sends; see [`NoiseSocket::send_frame`].
    pub async fn send_frame(&mut self, plaintext: &[u8]) -> Result<(), SocketError> {
        self.state.send(&mut self.sink, plaintext).await
    }

    /// Closes the sending side of the connection (a websocket close message).
    pub async fn close(&mut self) -> Result<(), SocketError> {
        self.sink.close().await
    }
}
