//! What a phone received and decrypted, as `GET /control/inbox` lists it: texts and media
//! with their captions, reactions, edits (the new text), revokes, polls and votes (opened).
use serde::{Deserialize, Serialize};

/// Most entries kept per phone (oldest dropped first).
pub const MAX_INBOX: usize = 20_000;

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct InboxEntry {
    /// The message id (for receipts: the id of the message the receipt is about).
    pub id: String,
    /// The conversation: the peer's user JID, or the group JID.
    pub chat: String,
    /// The sending device.
    pub sender: String,
    /// The text (captions for media; the receipt type for receipts).
    pub text: String,
    pub timestamp: u64,
    /// text, image, video, audio, document, sticker, reaction, edit, revoke, poll, poll_vote,
    /// receipt, other.
    pub kind: String,
    /// The message an edit, revoke, reaction or vote is about.
    #[serde(default)]
    pub target: Option<String>,
    /// A poll's options, or the options a vote chose.
    #[serde(default)]
    pub options: Vec<String>,
}
