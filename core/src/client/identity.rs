//! A contact's identity key changed (a reinstall, new keys on a device): as whatsmeow's
//! `clearUntrustedIdentity`, the new key is trusted, the old session dropped (the message or
//! bundle that showed the change then builds a new one) and an `IdentityChange` event
//! (implicit: noticed on traffic) tells the application, with both of the contact's
//! identities when we know them. The server may also announce a change
//! (`<notification type="encrypt"><identity/>`, whatsmeow `handleEncryptNotification`): then
//! every session and trusted key of that user is forgotten at once.
use std::sync::Arc;

use super::Inner;
use crate::binary::{Jid, Node};
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

/// `<notification type="encrypt" from="user" t><identity/></notification>`: `from` reinstalled
/// (new keys on every device). Their sessions and identities go, under both of their
/// identities when the LID map knows the other, with the cached device list; the next message
/// either way starts new sessions from fresh bundles. Emits `IdentityChange` (announced, not
/// implicit).
pub(crate) async fn handle_notification(inner: &Arc<Inner>, node: &Node) {
    let Ok(Some(from)) = node.opt_jid("from") else {
        tracing::warn!(%node, "identity notification without a sender");
        return;
    };
    let user = from.to_non_ad();
    let mut names = vec![user.signal_user()];
    let other = inner.other_identity(&user);
    if let Some(other) = &other {
        names.push(other.signal_user());
        inner.messaging.forget_devices(other);
    }
    inner.messaging.forget_devices(&user);
    match inner.signal().await {
        Ok(store) => {
            let forget = move || names.iter().try_for_each(|name| store.forget_user(name));
            match tokio::task::spawn_blocking(forget).await {
                Ok(Ok(())) => {}
                Ok(Err(e)) => tracing::warn!(error = %e, %user, "sessions not forgotten"),
                Err(_) => tracing::warn!(%user, "sessions not forgotten: task lost"),
            }
        }
        Err(e) => {
            tracing::warn!(error = %e, "identity notification: no Signal store");
            return;
        }
    }
    let timestamp =
        node.attr_str("t").and_then(|t| t.parse().ok()).unwrap_or_else(super::send::unix_now);
    inner.emit(Event::IdentityChange { jid: user, jid_alt: other, timestamp, implicit: false });
}
