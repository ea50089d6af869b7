//! The connection to WhatsApp's servers: websocket messages ([`websocket`]) carry length-prefixed
//! frames ([`frame`]); the first three frames are a Noise XX handshake ([`noise`]) that
//! authenticates the server through its certificate chain ([`cert`]); the rest are AES-GCM encrypted
//! ([`transport`], [`noise_socket`]).
pub mod cert;
pub mod error;
pub mod frame;
pub mod handshake;
pub mod noise;
pub mod noise_socket;
pub mod transport;
pub mod websocket;

pub use cert::{
    build_cert_chain, verify_cert_chain, CertDetails, SignedCert, VerifiedChain, DEFAULT_ROOT_KEY,
};
pub use error::{CertError, CertLevel, FrameError, NoiseError, SocketError};
pub use frame::{
    ConnectionHeader, FrameDecoder, FrameEncoder, DICT_VERSION, MAX_FRAME_SIZE, MAX_WIRE_LENGTH,
};
pub use handshake::{
    client_handshake, server_handshake, AcceptedClient, ClientHandshakeConfig,
    ServerHandshakeConfig, DEFAULT_HANDSHAKE_TIMEOUT,
};
pub use noise_socket::{
    NoiseReader, NoiseSocket, NoiseWriter, PeerInfo, SocketReader, SocketWriter,
};
pub use transport::{CipherState, Transport};
pub use websocket::{
    connect, connect_with, ConnectOptions, WsConnection, WsMessages, DEFAULT_ORIGIN, DEFAULT_URL,
};
