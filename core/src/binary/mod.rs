//! WhatsApp's binary XML ("WABinary"): the node model, JIDs, the token dictionaries, and the
//! encoder and decoder of frame bodies (flags byte + node).
//!
//! ```
//! use wazap::binary::{decode, encode, Jid, Node, Server};
//!
//! let ping = Node::new("iq")
//!     .attr("id", "abc")
//!     .attr("xmlns", "w:p")
//!     .attr("type", "get")
//!     .attr("to", Jid::server_only(Server::Pn));
//! let bytes = encode(&ping);
//! assert_eq!(bytes, [0x00, 0xf8, 0x09, 0x19, 0x08, 0xfc, 0x03, b'a', b'b', b'c', 0x16, 0x57,
//!                    0x04, 0x29, 0x11, 0xfa, 0x00, 0x03]);
//! assert_eq!(decode(&bytes)?, ping);
//! # Ok::<(), wazap::binary::DecodeError>(())
//! ```

mod attrs;
mod decoder;
mod display;
mod encoder;
mod error;
mod jid;
mod node;
mod token;
mod tokens_v2;
mod tokens_v3;

pub use attrs::NodeError;
pub use decoder::{Decoder, DEFAULT_MAX_INFLATED, MAX_DEPTH};
pub use display::MAX_SHOWN_BYTES;
pub use encoder::Encoder;
pub use error::{DecodeError, EncodeError};
pub use jid::{Jid, JidError, Server};
pub use node::{AttrValue, Content, Node};
pub use token::{tag, DictVersion, Dictionary, Token, PACKED_MAX};

/// Encodes `node` as a frame body (0x00 + node) with dictionary v3.
///
/// # Panics
/// When the format cannot express the node; see [`Encoder::encode`] and [`try_encode`].
pub fn encode(node: &Node) -> Vec<u8> {
    Encoder::new(DictVersion::V3).encode(node)
}

/// Encodes `node` with dictionary v3, or says why the format cannot express it.
pub fn try_encode(node: &Node) -> Result<Vec<u8>, EncodeError> {
    Encoder::new(DictVersion::V3).try_encode(node)
}

/// Decodes a frame body (flags byte, then a node, zlib-inflated when flags & 2) with
/// dictionary v3.
pub fn decode(frame: &[u8]) -> Result<Node, DecodeError> {
    Decoder::new(DictVersion::V3).decode(frame)
}
