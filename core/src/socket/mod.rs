//! The connection to WhatsApp's servers: websocket messages carry length-prefixed frames
//! ([`frame`]); the first three frames are a Noise XX handshake ([`noise`], [`handshake`]) that
//! authenticates the server through its certificate chain ([`cert`]); the rest are AES-GCM
//! encrypted ([`transport`]).
pub mod error;
pub mod frame;
pub mod noise;
pub mod transport;

pub use error::{CertError, CertLevel, FrameError, NoiseError, SocketError};
pub use frame::{ConnectionHeader, FrameDecoder, FrameEncoder, DICT_VERSION, MAX_FRAME_SIZE};
pub use transport::{CipherState, Transport};
