//! The connection to WhatsApp's servers: websocket messages ([`websocket`]) carry length-prefixed
//! frames ([`frame`]); the first three frames are a Noise XX handshake ([`noise`]) that
//! authenticates the server through its certificate chain ([`cert`]); the rest are AES-GCM encrypted
//! ([`transport`], [`noise_socket`]). A [`proxy`] (HTTP CONNECT or SOCKS5) can carry the
//! connection. The server's halves (the responder's handshake, building a
//! certificate chain) are behind the `server` feature, for the sandbox.
pub mod cert;
pub mod error;
pub mod frame;
pub mod handshake;
pub mod noise;
pub mod noise_socket;
pub mod proxy;
pub mod transport;
pub mod websocket;

#[cfg(feature = "server")]
pub use cert::build_cert_chain;
pub use cert::{verify_cert_chain, CertDetails, SignedCert, VerifiedChain, DEFAULT_ROOT_KEY};
pub use error::{CertError, CertLevel, FrameError, NoiseError, SocketError};
pub use frame::{
    ConnectionHeader, FrameDecoder, FrameEncoder, DICT_VERSION, MAX_FRAME_SIZE, MAX_WIRE_LENGTH,
};
pub use handshake::{client_handshake, ClientHandshakeConfig, DEFAULT_HANDSHAKE_TIMEOUT};
#[cfg(feature = "server")]
pub use handshake::{server_handshake, AcceptedClient, ServerHandshakeConfig};
pub use noise_socket::{
    NoiseReader, NoiseSocket, NoiseWriter, PeerInfo, SocketReader, SocketWriter,
};
pub use proxy::{Proxy, ProxyError};
pub use transport::{CipherState, Transport};
pub use websocket::{
    connect, connect_with, ConnectOptions, WsConnection, WsMessages, DEFAULT_ORIGIN, DEFAULT_URL,
};
