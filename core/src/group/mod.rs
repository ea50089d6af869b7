//! Groups as pure protocol code (`xmlns="w:g2"`; whatsmeow group.go): the iqs a client sends
//! ([`iq`]), the answers it reads ([`answer`], with the `<group>` node in [`info`]), and the
//! `w:gp2` notifications members receive ([`notification`]). No I/O: the client sends the
//! iqs, caches what the answers say and emits the notifications as events.
pub mod answer;
mod error;
pub mod info;
pub mod iq;
pub mod notification;

pub use answer::{
    parse_group_answer, parse_invite_code, parse_join_answer, parse_joined_groups,
    parse_participant_updates,
};
pub use error::GroupError;
pub use info::{parse_group, parse_participant};
pub use iq::INVITE_LINK_PREFIX;
pub use notification::{parse_group_notification, GroupNotification, LidPair};
