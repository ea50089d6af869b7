//! Message ids as WhatsApp Web makes them.
use rand::RngCore;

use crate::crypto::sha256;

/// The prefix of ids made by WhatsApp Web (whatsmeow `WebMessageIDPrefix`).
pub const MESSAGE_ID_PREFIX: &str = "3EB0";

/// Length of a generated id: the prefix and 9 hash bytes in hex.
pub const MESSAGE_ID_LEN: usize = MESSAGE_ID_PREFIX.len() + 18;

/// A new message id: `3EB0` + uppercase hex of the first 9 bytes of
/// SHA256(u64 BE unix seconds ‖ own user ‖ "@c.us" ‖ 16 random bytes), as whatsmeow's
/// `Client.GenerateMessageID` does. `own_user` is the user part of our JID (empty before
/// login, in which case it and "@c.us" are left out).
pub fn message_id(own_user: &str, unix_seconds: u64) -> String {
    let mut random = [0u8; 16];
    rand::thread_rng().fill_bytes(&mut random);
    message_id_with(own_user, unix_seconds, &random)
}

/// [`message_id`] with given random bytes (deterministic, for tests).
pub fn message_id_with(own_user: &str, unix_seconds: u64, random: &[u8; 16]) -> String {
    let mut data = Vec::with_capacity(8 + own_user.len() + 5 + 16);
    data.extend_from_slice(&unix_seconds.to_be_bytes());
    if !own_user.is_empty() {
        data.extend_from_slice(own_user.as_bytes());
        data.extend_from_slice(b"@c.us");
    }
    data.extend_from_slice(random);
    let hash = sha256(&data);
    let mut id = String::with_capacity(MESSAGE_ID_LEN);
    id.push_str(MESSAGE_ID_PREFIX);
    for byte in &hash[..9] {
        id.push_str(&format!("{byte:02X}"));
    }
    id
}
