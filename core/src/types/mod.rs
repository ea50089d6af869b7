//! Plain data types shared by the protocol layers and the public API (serde-serializable; as JSON
//! they are what the C, Python, Node and REST layers receive).
mod content;
pub mod events;
mod message_info;
mod receipt;

pub use content::{MessageContent, Reaction};
pub use events::Event;
pub use message_info::{MessageInfo, OwnJids};
pub use receipt::{Receipt, ReceiptParticipant, ReceiptType};
