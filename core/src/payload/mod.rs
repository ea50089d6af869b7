//! The handshake's `ClientPayload`: the web version, the device props shown on the phone, and the
//! registration and login payloads built from them. Pure functions, no I/O.

mod client_payload;
mod device_props;
mod version;

pub use client_payload::{
    base_payload, login_payload, registration_payload, PayloadConfig, RegistrationKeys,
};
pub use device_props::CompanionProps;
pub use version::{VersionParseError, WebVersion};
