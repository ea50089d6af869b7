//! The simulated primary phone (device 0) of each account: a real Signal identity, whose key is
//! also the account's ADV signing key, with a signed prekey and one-time prekeys published like
//! any device's. Pairing uses it to sign companions ([`signing`]).
//!
//! Its messaging is not written yet; the seams are in place:
//! - what the phone receives (messages, receipts, group notifications addressed to device 0)
//!   waits in its queue: `state.durable.queues.take(phone, 0)`; decrypt with [`PhoneKeys`]'
//!   private keys and `wazap::signal`;
//! - what it sends goes through `handlers::message::route(shared, phone, 0, &stanza)` exactly
//!   like a companion's stanza (fan-out, offline queue, ack);
//! - bundles of the peers' devices come from `Account::bundles` (`DeviceKeys::take_bundle`).
pub mod keys;
pub mod signing;

pub use keys::PhoneKeys;
pub use signing::{grant_companion, key_index_list};
