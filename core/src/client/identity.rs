//! A contact's identity key changed (a reinstall, new keys on a device): as whatsmeow's
//! `clearUntrustedIdentity`, the new key is trusted, the old session dropped (the message or
//! bundle that showed the change then builds a new one) and an `IdentityChange` event
//! (implicit: noticed on traffic) tells the application, with both of the contact's
//! identities when we know them.
use super::Inner;
use crate::binary::Jid;
use crate::message::MessageError;
use crate::signal::{ProtocolAddress, SignalError};
use crate::store::{SignalStore, StoreError};
use crate::types::Event;

/// The address and its new identity key, when `error` is an identity change.
pub(crate) fn changed_identity(
    error: &MessageError,
) -> Option<(ProtocolAddress, crate::crypto::PublicKey)> {
    match error {
        MessageError::DecryptFailed(SignalError::IdentityChanged { address, received, .. })
        | MessageError::EncryptFailed(SignalError::IdentityChanged { address, received, .. }) => {
            Some((address.clone(), *received))
        }
        _ => None,
    }
}

/// Trusts `received` for `address` and drops the session built on the old key.
pub(crate) fn trust_new_identity(
    store: &dyn SignalStore,
    address: &ProtocolAddress,
    received: &crate::crypto::PublicKey,
) -> Result<(), StoreError> {
    store.save_identity(address, received)?;
    store.delete_session(address)
}

impl Inner {
    /// The other identity of a user or device (its LID for a phone number and back), when the
    /// LID map knows it.
    pub(crate) fn other_identity(&self, jid: &Jid) -> Option<Jid> {
        if jid.is_lid() {
            self.messaging.pn_of(jid).map(|pn| Jid::pn(pn).with_device(jid.device))
        } else {
            self.messaging.lid_of(jid).map(|lid| Jid::lid(lid).with_device(jid.device))
        }
    }

    /// Emits `IdentityChange` for the device `jid` (as its session is addressed).
    pub(crate) fn emit_identity_change(&self, jid: &Jid, implicit: bool) {
        self.emit(Event::IdentityChange {
            jid: jid.clone(),
            jid_alt: self.other_identity(jid),
            timestamp: super::send::unix_now(),
            implicit,
        });
    }
}
