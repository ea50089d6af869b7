//! The participant list hash (`phash`) that lets the server check a sender's device list.
use base64::engine::general_purpose::STANDARD_NO_PAD;
use base64::Engine;

use crate::binary::Jid;
use crate::crypto::sha256;

/// `2:` + unpadded base64 of the first 6 bytes of SHA256 over the sorted, concatenated
/// `user.agent:device@server` forms of `devices` (whatsmeow `participantListHashV2`).
pub fn participant_hash<'a>(devices: impl IntoIterator<Item = &'a Jid>) -> String {
    let mut parts: Vec<String> = devices.into_iter().map(Jid::ad_string).collect();
    parts.sort();
    let hash = sha256(parts.concat().as_bytes());
    format!("2:{}", STANDARD_NO_PAD.encode(&hash[..6]))
}
