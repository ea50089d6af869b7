//! wazap: a WhatsApp Web multi-device client.
//!
//! The layers, bottom up: [`proto`] (protobuf schemas), [`binary`] (WhatsApp's binary XML),
//! [`crypto`] (keys, XEdDSA, ciphers, media), [`socket`] (frames, Noise, websocket).

pub mod appstate;
pub mod binary;
pub mod client;
pub mod crypto;
pub mod group;
pub mod media;
pub mod message;
pub mod pair;
pub mod payload;
pub mod proto;
pub mod runtime;
pub mod signal;
pub mod socket;
pub mod store;
pub mod types;
pub mod user;

pub use client::{Client, ClientConfig, ClientError};
pub use types::Event;
