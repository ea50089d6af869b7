//! The one surface every binding wraps (C, Python, Node and the REST server): requests by
//! name with serde arguments and answers, enums with one spelling, [`ClientOptions`],
//! [`ErrorKind`], the JSON view of events and the terminal QR code ([`qr_terminal`]).
mod app_state;
pub mod args;
mod edits;
mod error;
pub mod names;
mod options;
mod polls;
mod privacy;
mod qr;
pub mod requests;

pub use app_state::*;
pub use edits::{EditMessage, RevokeMessage};
pub use error::{Error, ErrorKind, Result};
pub use options::{ClientOptions, DEFAULT_ACCOUNT, IN_MEMORY};
pub use polls::{PollResultsRequest, SendPoll, VotePoll};
pub use privacy::{GetPrivacySettings, SetPrivacySetting};
pub use qr::qr_terminal;
pub use requests::*;
