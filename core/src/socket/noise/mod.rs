//! `Noise_XX_25519_AESGCM_SHA256` as WhatsApp uses it: the symmetric state and both roles of the
//! handshake, without I/O (the async layer in [`super::handshake`] drives them).
mod initiator;
mod messages;
#[cfg(feature = "server")]
mod responder;
pub(crate) mod symmetric;

pub use initiator::{ClientAwaitingFinish, ClientHandshake, ServerIdentity};
pub use messages::{decode_client_hello, encode_client_hello, ClientFinish, ServerHello};
#[cfg(feature = "server")]
pub use responder::{ClientIdentity, ServerAwaitingFinish, ServerHandshake};
pub use symmetric::{SymmetricState, NOISE_PROTOCOL_NAME};
