//! App state sync ("syncd") as pure protocol code: the account's contacts, push name and chat
//! settings (mute, pin, archive, star, read, labels…), kept in step across devices as five
//! versioned, encrypted, MAC-chained collections on WhatsApp's servers.
//!
//! - [`keys`]: the five keys expanded from an app state sync key (`appStateSyncKeyShare`).
//! - [`lthash`]: the order-independent summing hash over the live value MACs.
//! - [`mac`]: index, value, snapshot and patch MACs.
//! - [`decode`]: verify and decrypt snapshots and patches into [`Mutation`]s.
//! - [`encode`]: our own mutations into a patch to upload.
//! - [`action`]: what the indexes mean (typed [`Change`]s) and builders for outgoing ones.
//! - [`iq`]: the `w:sync:app:state` iqs and `server_sync` notifications.
//!
//! No I/O: the client (and the sandbox's server side) fetch, store and send. Facts from
//! whatsmeow `appstate/` @33cfac51 and Baileys 6.17.16 `Utils/chat-utils.ts`; the known-answer
//! vectors in `tests/vectors/app_state.json` are Baileys' own output.
pub mod action;
mod collection;
pub mod decode;
pub mod encode;
mod error;
pub mod iq;
pub mod keys;
pub mod lthash;
pub mod mac;
pub mod state;

pub use action::{Change, MutationSpec};
pub use collection::Collection;
pub use decode::{decode_patch, decode_snapshot, Decoded};
pub use encode::{encode_patch, Encoded};
pub use error::AppStateError;
pub use keys::{KeySource, MutationKeys};
pub use lthash::LtHash;
pub use state::{HashState, Mutation, Operation, ValueMacs};
