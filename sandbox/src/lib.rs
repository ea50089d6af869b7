//! wazap-sandbox: a local server that behaves towards a client as WhatsApp's servers do, so a
//! client can pair, log in and exchange stanzas with it on loopback, with no phone and no network.
//!
//! Start it in-process with [`Sandbox::start`] (tests do), or run the `wazap-sandbox` binary,
//! which prints one JSON line with its addresses. One port serves the chat websocket
//! (`/ws/chat`), the control API (`/control/*`, where tests and demos play the phone's part) and,
//! later, the media host.
//!
//! Layout, one concern per module: [`server`] (startup, routes), [`pki`] (certificate chain),
//! [`ws`] (axum websocket as a byte stream), [`conn`] (one task per connection: handshake, frames,
//! dispatch), [`handlers`] (one file per stanza family), [`control`] (HTTP handlers), [`state`]
//! (accounts, devices, prekeys, pending pairings; JSON persistence), [`media`] (the media host),
//! [`phone`] (the simulated primary device of each account), [`faults`] (what the server does
//! wrong on purpose, for tests of recovery).
pub mod config;
pub mod conn;
pub mod control;
pub mod faults;
pub mod handlers;
pub mod jids;
pub mod media;
pub mod phone;
pub mod pki;
pub mod server;
pub mod shared;
pub mod state;
pub mod ws;

pub use config::SandboxConfig;
pub use faults::{FaultSpec, FaultsView, StreamErrorFault};
pub use server::{Sandbox, SandboxHandle, StartError};
