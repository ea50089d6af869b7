//! Signal addresses of WhatsApp devices.
use crate::binary::Jid;
use crate::signal::{ProtocolAddress, SenderKeyName};

/// The Signal address of a device JID: name `user[_agent]`, device id. A LID device is
/// `<lid>_1:<device>` (the agent of the `lid` server), as whatsmeow's `JID.SignalAddress`.
pub fn protocol_address(jid: &Jid) -> ProtocolAddress {
    ProtocolAddress::new(jid.signal_user(), u32::from(jid.device))
}

/// The sender key name of `sender`'s key in `group`: the group JID as text and the sender's
/// Signal address.
pub fn sender_key_name(group: &Jid, sender: &Jid) -> SenderKeyName {
    SenderKeyName::new(group.to_string(), protocol_address(sender))
}
