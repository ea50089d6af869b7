//! wazap: a WhatsApp Web multi-device client.
//!
//! The layers, bottom up: [`proto`] (protobuf schemas), [`binary`] (WhatsApp's binary XML),
//! [`crypto`] (keys, XEdDSA, ciphers, media), [`socket`] (frames, Noise, websocket, proxies),
//! [`signal`] (the Signal protocol and its store traits), the sans-IO protocol modules
//! ([`message`], [`group`], [`user`], [`pair`], [`media`], [`appstate`], [`payload`]),
//! [`client`] (the I/O glue on the shared [`runtime`]), [`types`] (the typed data and events)
//! and [`api`], the one surface every binding wraps. [`store`] holds the stores' backends.

pub mod api;
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
