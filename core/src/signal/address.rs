use std::fmt;

/// A Signal address: one device of one user. `name` is the user part of the JID as WhatsApp's
/// clients build it (`user` or `user_agent`, e.g. `123_1` for a LID), `device` the device id.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ProtocolAddress {
    pub name: String,
    pub device: u32,
}

impl ProtocolAddress {
    pub fn new(name: impl Into<String>, device: u32) -> Self {
        Self { name: name.into(), device }
    }
}

/// `name.device`, as libsignal-node (and so Baileys) writes addresses. Used as the storage key.
impl fmt::Display for ProtocolAddress {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}", self.name, self.device)
    }
}

/// Identifies a sender key: the group and the sending device.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct SenderKeyName {
    pub group_id: String,
    pub sender: ProtocolAddress,
}

impl SenderKeyName {
    pub fn new(group_id: impl Into<String>, sender: ProtocolAddress) -> Self {
        Self { group_id: group_id.into(), sender }
    }
}

/// `group::name::device`, the form Baileys uses for sender key names.
impl fmt::Display for SenderKeyName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}::{}::{}", self.group_id, self.sender.name, self.sender.device)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn string_forms() {
        let a = ProtocolAddress::new("15551230002", 3);
        assert_eq!(a.to_string(), "15551230002.3");
        let n =
            SenderKeyName::new("120363025246125888@g.us", ProtocolAddress::new("15551230001", 2));
        assert_eq!(n.to_string(), "120363025246125888@g.us::15551230001::2");
    }
}
