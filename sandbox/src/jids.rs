//! Addressing helpers shared by the handlers: parsing users from JIDs or phone numbers, and the
//! device-list hash.
use wazap::binary::{Jid, Server};

/// `phone@s.whatsapp.net` for a bare phone number.
pub fn pn_jid(phone: &str) -> Jid {
    Jid::pn(phone)
}

/// `lid@lid` for a bare LID number.
pub fn lid_jid(lid: &str) -> Jid {
    Jid::lid(lid)
}

/// A phone number as the control API and `<contact>` queries take it: digits, optionally with a
/// leading `+`, optionally as a JID on `s.whatsapp.net` or `c.us`. `None` if it is not one.
pub fn parse_phone(text: &str) -> Option<String> {
    let text = text.trim();
    let user = match text.split_once('@') {
        Some((user, "s.whatsapp.net" | "c.us")) => user,
        Some(_) => return None,
        None => text,
    };
    let user = user.split(':').next().unwrap_or(user);
    let digits = user.strip_prefix('+').unwrap_or(user);
    let ok = (5..=20).contains(&digits.len()) && digits.bytes().all(|b| b.is_ascii_digit());
    ok.then(|| digits.to_owned()).filter(|d| !d.starts_with('0'))
}

/// Whether a JID names a user (phone number or LID) rather than a group or server.
pub fn is_user(jid: &Jid) -> bool {
    matches!(jid.server, Server::Pn | Server::Lid)
}

/// The participant-list hash (`phash`, and `device_hash` in device notifications): the core's,
/// shared with the client.
pub use wazap::message::participant_hash;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phones_parse_from_every_form() {
        assert_eq!(parse_phone("15550001111").as_deref(), Some("15550001111"));
        assert_eq!(parse_phone("+15550001111").as_deref(), Some("15550001111"));
        assert_eq!(parse_phone("+15550001111@c.us").as_deref(), Some("15550001111"));
        assert_eq!(parse_phone("15550001111:3@s.whatsapp.net").as_deref(), Some("15550001111"));
        assert_eq!(parse_phone("1555abc"), None);
        assert_eq!(parse_phone("0155500011"), None);
        assert_eq!(parse_phone("123@g.us"), None);
        assert_eq!(parse_phone(""), None);
    }
}
