//! The sandbox server driven over the real wire protocol by raw test connections, and its binary.
//! One test binary for all of them.

mod app_state;
mod binary;
mod common;
mod control_api;
mod faults;
mod groups;
mod interop;
mod iq;
mod latency;
mod media;
mod messaging;
mod pair_code;
mod pairing;
mod persistence;
mod phone_messaging;
