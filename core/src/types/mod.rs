//! Plain data types shared by the protocol layers and the client's events (serde-serializable).

mod message_info;
mod receipt;

pub use message_info::{MessageInfo, OwnJids};
pub use receipt::{Receipt, ReceiptParticipant, ReceiptType};
