//! Sender keys for group messages: one signed, symmetric chain per (group, sender device),
//! handed to members in a SenderKeyDistributionMessage.

mod cipher;
pub(crate) mod record;

pub use cipher::{
    create_sender_key_distribution, group_decrypt, group_encrypt, process_sender_key_distribution,
};
pub use record::{SenderKeyRecord, MAX_SENDER_KEY_STATES};
