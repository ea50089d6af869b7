//! Plain data types shared by the protocol layers and the public API (serde-serializable; as JSON
//! they are what the C, Python, Node and REST layers receive).
mod app_state;
mod base64_bytes;
mod content;
pub mod events;
mod group;
mod history;
mod message_info;
mod presence;
mod proto_base64;
mod receipt;
mod user;

pub use app_state::{AppStateChange, AppStateRecovery};
pub use content::{Edit, MessageContent, MessageKind, MessageRef, Poll, PollVote, Reaction};
pub use events::Event;
pub use group::{
    GroupChange, GroupInfo, GroupName, GroupParticipant, GroupTopic, JoinedGroup,
    ParticipantAction, ParticipantUpdate,
};
pub use history::{HistoryConversation, HistoryMessage, HistorySync, LidMapping, PushName};
pub use message_info::{MessageInfo, OwnJids};
pub use presence::{ChatState, ChatStateMedia, Presence};
pub use receipt::{Receipt, ReceiptParticipant, ReceiptType};
pub use user::{
    Blocklist, BlocklistAction, BlocklistChange, IsOnWhatsApp, PrivacyCategory, PrivacySettings,
    PrivacyValue, ProfilePicture, UserInfo,
};
