//! Users as pure protocol code (whatsmeow user.go): usync queries for "is this number on
//! WhatsApp" ([`on_whatsapp`]) and user info ([`info`]), and the profile-picture iq
//! ([`picture`]), the blocklist ([`blocklist`]) and privacy settings ([`privacy`]). No I/O:
//! the client sends them and reads the answers with these parsers.
pub mod blocklist;
mod error;
pub mod info;
pub mod on_whatsapp;
pub mod picture;
pub mod privacy;
pub mod usync;

pub use blocklist::{
    blocklist_query, parse_blocklist, parse_blocklist_change, update_blocklist_query,
};
pub use error::UserError;
pub use info::{parse_user_info, user_info_query};
pub use on_whatsapp::{is_on_whatsapp_query, normalize_phone, parse_is_on_whatsapp};
pub use picture::{
    parse_profile_picture, parse_set_picture, profile_picture_query, set_picture_query,
};
pub use privacy::{parse_privacy_answer, parse_privacy_settings, privacy_query, set_privacy_query};
