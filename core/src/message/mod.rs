//! The end-to-end message layer, as pure protocol code: `Message` protos to `<message>`
//! stanzas and back, receipts, retries, prekey and device-list queries. No I/O: callers
//! supply device lists, prekey bundles and a [`SignalStore`](crate::store::SignalStore).
//! Used by the client and by the sandbox's simulated phones.
//!
//! # Sending
//! 1. Device lists: [`build_device_query`] → [`parse_device_response`].
//! 2. Sessions: [`devices_needing_sessions`] → [`build_prekey_request`] →
//!    [`parse_prekey_response`] → [`start_session`] for each.
//! 3. [`build_direct_message`] or [`build_group_message`] (for groups, the devices needing
//!    sessions are those of [`sender_key_targets`]).
//!
//! # Receiving
//! [`decrypt_message`] → commit `changes` → [`build_message_receipt`] (or, on failure,
//! [`build_retry_receipt`]); [`MessageError::Duplicate`] means a redelivery: ack only
//! ([`build_ack`]). The server's ack of what we sent: [`parse_server_ack`]. Keepalive pings
//! and their pongs, and the `clean` answer to the server's `dirty`, are built here too.
//!
//! # Retries
//! The receiver: [`build_retry_receipt`] (with [`RetryKeys`] from the second attempt on, at
//! most [`MAX_RETRIES`]). The sender: [`parse_retry_receipt`] → [`build_retry_message`] from
//! its copy of the message.
//!
//! # Server side (the `server` feature)
//! [`fan_out`] turns a sent stanza into what each recipient device receives;
//! [`build_device_response`], [`build_bundle_node`] and [`build_server_ack`] answer the
//! client's queries (the sandbox uses them; the tests use them as a stand-in server).

mod ack;
mod address;
mod compose;
mod content;
mod decrypt;
mod edits;
mod encrypt;
mod error;
#[cfg(feature = "server")]
mod fanout;
mod id;
mod info;
mod outgoing;
mod overlay;
mod phash;
mod poll;
mod prekeys;
mod receipt;
mod retry;
pub mod secret;
mod unwrap;
mod usync;

pub use ack::{
    build_ack, build_clean, build_ping, build_pong, is_ping, parse_server_ack, ServerAck,
};
#[cfg(feature = "server")]
pub use ack::{build_server_ack, build_stanza_ack};
pub use address::{protocol_address, sender_key_name};
pub use compose::{
    compose_extended_text, compose_text, message_key, reaction, reply, text, QuotedMessage,
};
pub use content::{edit, edit_attribute, media_type, message_type};
pub use decrypt::{decrypt_message, decrypt_with_info, DecryptedMessage};
pub use edits::{edit_message, edit_of, revoke, revoke_of, EditOf};
pub use encrypt::{
    devices_needing_sessions, encrypt_for_device, encrypt_for_devices, has_session, start_session,
    EncryptedParticipants, OutgoingDevice,
};
pub use error::MessageError;
#[cfg(feature = "server")]
pub use fanout::{fan_out, Delivery};
pub use id::{message_id, message_id_with, MESSAGE_ID_LEN, MESSAGE_ID_PREFIX};
pub use info::{parse_message_info, sender_encryption_jid};
pub use outgoing::{
    build_direct_message, build_group_message, build_peer_message, has_own_sender_key,
    sender_key_distribution, sender_key_distribution_plaintext, sender_key_targets, DirectMessage,
    GroupMessage, OutgoingMessage,
};
pub use phash::participant_hash;
pub use poll::{
    option_names, poll_creation, poll_of, poll_sender, poll_vote, tally, OptionVotes, PollCreation,
    PollError, MAX_POLL_OPTIONS,
};
#[cfg(feature = "server")]
pub use prekeys::build_bundle_node;
pub use prekeys::{build_prekey_request, parse_bundle, parse_prekey_response, BundleResult};
pub use receipt::{build_message_receipt, build_read_receipt, build_receipt, parse_receipt};
pub use retry::{
    build_retry_message, build_retry_receipt, parse_retry_receipt, RetryKeys, RetryRequest,
    MAX_RETRIES,
};
pub use unwrap::{unwrap_message, DeviceSentMeta, MessageFlags};
#[cfg(feature = "server")]
pub use usync::build_device_response;
pub use usync::{build_device_query, parse_device_list, parse_device_response, UserDevices};
