//! Media on WhatsApp's media hosts (protocol-notes §8): what identifies a file
//! ([`MediaRef`], [`UploadedMedia`]), the download and upload URLs, the HTTP transfer, and the
//! history-sync blob format. The
//! cipher is [`crate::crypto::media`]; the client asks the server for the hosts (`media_conn`)
//! and drives a download with [`crate::client::Client::download`].
mod error;
mod history_blob;
pub(crate) mod http;
mod kind;
mod message;
mod reference;
mod upload;
mod url;

pub use error::TransferError;
pub use history_blob::{decode_history_sync, inflate_history_sync, MAX_HISTORY_SYNC_BYTES};
pub use kind::{MediaKind, MediaKindError};
pub use reference::MediaRef;
pub use upload::{parse_upload_answer, upload_url, UploadedMedia};
pub use url::download_url;
