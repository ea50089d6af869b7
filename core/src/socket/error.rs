//! Errors of the socket layer, one enum per concern (framing, Noise, certificates) and one that
//! gathers them with the websocket and timing failures.
use thiserror::Error;

/// Errors of the length-prefixed frame codec.
#[derive(Debug, Error, Clone, PartialEq, Eq)]
pub enum FrameError {
    /// A frame announces (or a caller tries to send) more bytes than the configured limit.
    #[error("frame of {len} bytes exceeds the limit of {max} bytes")]
    TooLarge { len: usize, max: usize },
    /// The first bytes a server reads are not `"WA"` (nor the `"ED"` routing prefix).
    #[error("stream does not start with the WA header (got {0:02x?})")]
    MissingHeader([u8; 2]),
    /// The header's third byte is not the magic value 6.
    #[error("unsupported WA header magic {0}")]
    UnsupportedMagic(u8),
    /// The `"ED"` routing prefix has a version other than `00 01`.
    #[error("unsupported edge routing prefix version {0:02x?}")]
    UnsupportedRoutingVersion([u8; 2]),
    /// Routing info longer than the 3-byte length field or the frame limit allows.
    #[error("routing info of {len} bytes exceeds the limit of {max} bytes")]
    RoutingInfoTooLarge { len: usize, max: usize },
}

/// Errors of the Noise handshake and of the transport cipher.
#[derive(Debug, Error, Clone, PartialEq, Eq)]
pub enum NoiseError {
    /// AES-GCM authentication failed while decrypting the named item.
    #[error("decryption of the {0} failed")]
    Decrypt(&'static str),
    /// The 32-bit nonce counter is used up; the connection must be re-established.
    #[error("nonce counter exhausted")]
    CounterExhausted,
    /// A key in a handshake message does not have 32 bytes.
    #[error("{what} has {len} bytes, expected 32")]
    BadKeyLength { what: &'static str, len: usize },
    /// A required field of a handshake message is absent.
    #[error("handshake message lacks {0}")]
    MissingField(&'static str),
    /// The handshake message is not the one expected at this step.
    #[error("expected a {expected} handshake message")]
    UnexpectedMessage { expected: &'static str },
    /// A handshake message is not a valid protobuf.
    #[error("handshake message is not a valid protobuf: {0}")]
    Protobuf(#[from] prost::DecodeError),
}

/// Which certificate of the server's chain a [`CertError`] is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CertLevel {
    Intermediate,
    Leaf,
}

impl std::fmt::Display for CertLevel {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            CertLevel::Intermediate => "intermediate",
            CertLevel::Leaf => "leaf",
        })
    }
}

/// Reasons to refuse the server's certificate chain.
#[derive(Debug, Error, Clone, PartialEq, Eq)]
pub enum CertError {
    /// A part of the chain is missing or is not a valid protobuf.
    #[error("malformed certificate chain: {0}")]
    Malformed(&'static str),
    /// The intermediate certificate is not signed by the trusted root.
    #[error("intermediate certificate is not signed by the trusted root")]
    BadIntermediateSignature,
    /// The leaf certificate is not signed by the intermediate's key.
    #[error("leaf certificate is not signed by the intermediate key")]
    BadLeafSignature,
    /// The issuer serial does not name the issuer (0 for the root, else the intermediate).
    #[error("{level} certificate names issuer serial {got}, expected {expected}")]
    WrongIssuerSerial { level: CertLevel, expected: u32, got: u32 },
    /// A certificate key is not 32 bytes.
    #[error("{level} certificate key has {len} bytes, expected 32")]
    BadKeyLength { level: CertLevel, len: usize },
    /// The leaf certifies a key other than the server's Noise static key.
    #[error("leaf certificate key differs from the server's static key")]
    LeafKeyMismatch,
    /// `now` is after the certificate's notAfter.
    #[error("{level} certificate expired at {not_after} (now {now})")]
    Expired { level: CertLevel, not_after: u64, now: u64 },
    /// `now` is before the certificate's notBefore.
    #[error("{level} certificate is valid only from {not_before} (now {now})")]
    NotYetValid { level: CertLevel, not_before: u64, now: u64 },
}

/// Everything that can end a handshake or a Noise socket.
#[derive(Debug, Error)]
pub enum SocketError {
    #[error(transparent)]
    Frame(#[from] FrameError),
    #[error(transparent)]
    Noise(#[from] NoiseError),
    #[error("server certificate rejected: {0}")]
    Cert(#[from] CertError),
    /// The websocket library failed (connection, TLS, protocol).
    #[error("websocket: {0}")]
    WebSocket(#[from] Box<tokio_tungstenite::tungstenite::Error>),
    /// The peer closed the connection (or the stream ended).
    #[error("connection closed")]
    Closed,
    /// The peer sent a text websocket message; the protocol uses binary messages only.
    #[error("unexpected text websocket message")]
    TextMessage,
    /// Nothing arrived in time.
    #[error("timed out waiting for {0}")]
    Timeout(&'static str),
}

impl From<tokio_tungstenite::tungstenite::Error> for SocketError {
    fn from(e: tokio_tungstenite::tungstenite::Error) -> Self {
        SocketError::WebSocket(Box::new(e))
    }
}
