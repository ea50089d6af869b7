//! The simulated primary phone (device 0) of each account: a real Signal identity, whose key is
//! also the account's ADV signing key, with a signed prekey and one-time prekeys published like
//! any device's. Pairing uses it to sign companions ([`signing`]); its messaging (decrypting what
//! it receives, sending texts, echo) is built on the private keys kept here.
pub mod keys;
pub mod signing;

pub use keys::PhoneKeys;
pub use signing::{grant_companion, key_index_list};
