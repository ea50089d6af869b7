//! Recipients as wuzapi accepts them: a phone number in international form (digits, an optional
//! leading `+`) or a full JID (`…@s.whatsapp.net`, `…@g.us`, `…@lid`).
use wazap::binary::Jid;

use crate::envelope::ApiError;

/// Parses `text` (the body field `field`) into a JID ([`Jid::parse_address`]); the error
/// names the field.
pub fn parse_jid(text: &str, field: &str) -> Result<Jid, ApiError> {
    let text = text.trim();
    if text.is_empty() {
        return Err(ApiError::bad_request(format!("missing {field} in payload")));
    }
    Jid::parse_address(text)
        .map_err(|e| ApiError::bad_request(format!("invalid {field} {text:?}: {e}")))
}

/// Parses a group JID (`<id>@g.us`, the body field `field`); the error names the field.
pub fn parse_group_jid(text: &str, field: &str) -> Result<Jid, ApiError> {
    let text = text.trim();
    if text.is_empty() {
        return Err(ApiError::bad_request(format!("missing {field} in payload")));
    }
    let jid: Jid = text
        .parse()
        .map_err(|e| ApiError::bad_request(format!("invalid {field} {text:?}: {e}")))?;
    // Group ids are digits, with a `-` in old (`creator-timestamp`) ones.
    let id_ok = !jid.user.is_empty() && jid.user.bytes().all(|b| b.is_ascii_digit() || b == b'-');
    if !jid.is_group() || !id_ok {
        return Err(ApiError::bad_request(format!(
            "invalid {field} {text:?}: a group JID (…@g.us) is required"
        )));
    }
    Ok(jid.to_non_ad())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn digits_and_jids() {
        assert_eq!(
            parse_jid("5491155554444", "Phone").unwrap().to_string(),
            "5491155554444@s.whatsapp.net"
        );
        assert_eq!(parse_jid("+15550001111", "Phone").unwrap(), Jid::pn("15550001111"));
        let group = parse_jid("120363000000000000@g.us", "Phone").unwrap();
        assert!(group.is_group());
        let device = parse_jid("15550001111:3@s.whatsapp.net", "Chat").unwrap();
        assert_eq!((device.user.as_str(), device.device), ("15550001111", 3));
    }

    #[test]
    fn bad_values_name_the_field() {
        for bad in ["", "  ", "+", "12ab", "1 555 000", "@s.whatsapp.net"] {
            let e = parse_jid(bad, "Phone").unwrap_err();
            assert_eq!(e.status, 400);
            assert!(e.message.contains("Phone"), "{bad:?}: {}", e.message);
        }
    }

    #[test]
    fn group_jids() {
        let group = parse_group_jid(" 120363000000000001@g.us ", "GroupJID").unwrap();
        assert_eq!(group.to_string(), "120363000000000001@g.us");
        assert!(parse_group_jid("15551234567-1650000000@g.us", "GroupJID").is_ok());
        for bad in ["", "120363000000000001", "1555@s.whatsapp.net", "@g.us", "x y@g.us"] {
            let e = parse_group_jid(bad, "GroupJID").unwrap_err();
            assert_eq!(e.status, 400);
            assert!(e.message.contains("GroupJID"), "{bad:?}: {}", e.message);
        }
    }
}
