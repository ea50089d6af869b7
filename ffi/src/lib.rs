//! The C ABI of wazap (`libwazap_ffi.so`, `libwazap_ffi.a`, `include/wazap.h`).
//!
//! Modelled on rustls-ffi: opaque handles, every function returns a [`result::wazap_result`],
//! outputs go through pointers, strings handed to C are freed with `wazap_string_free`, and no
//! panic crosses the boundary ([`boundary::call`]). The header's introduction (cbindgen.toml)
//! states the ownership and threading contract.
//!
//! - `result`: the result codes; `error`: the last-error message and the core-error mapping.
//! - `handle`: the registry of live clients; `client`: the client functions; `messaging`:
//!   sending and reading; `events`: callback and pull delivery.
//! - `strings`: C strings in and out. The configuration JSON is the core's `ClientOptions`.
mod boundary;
pub mod client;
pub mod error;
pub mod events;
pub mod handle;
pub mod media;
pub mod messaging;
pub mod requests;
pub mod result;
pub mod strings;

#[cfg(test)]
mod tests;
