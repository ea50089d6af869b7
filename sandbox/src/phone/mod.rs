//! The simulated primary phone (device 0) of each account: a real Signal identity, whose key is
//! also the account's ADV signing key, with a signed prekey and one-time prekeys published like
//! any device's. Pairing uses it to sign companions ([`signing`]).
//!
//! Messaging: what is routed to device 0 waits in its queue and wakes the [`worker`], which
//! [`receive`]s it (decrypts with the phone's Signal store, [`signal_store`], records it in the
//! [`inbox`], sends the delivery receipt, echoes texts when the account asks for it); the phone
//! [`send`]s texts through `handlers::message::route`, exactly like a companion's stanza.
//! The phone sends to groups with its own sender key, and welcomes each new companion with the
//! account's app state keys and a history sync ([`new_companion`]).
pub mod app_state;
pub mod app_state_keys;
pub mod history;
pub mod inbox;
pub mod keys;
pub mod new_companion;
pub mod polls;
pub mod receive;
pub mod reinstall;
pub mod retry;
pub mod retry_buffer;
pub mod send;
pub mod sessions;
pub mod signal_store;
pub mod signing;
pub mod worker;

pub use inbox::{InboxEntry, MAX_INBOX};
pub use keys::PhoneKeys;
pub use signing::{grant_companion, key_index_list};
