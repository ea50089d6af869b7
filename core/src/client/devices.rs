//! Who to encrypt for: device lists by usync (with the users' LIDs, which feed the LID↔phone
//! map), group participants by `w:g2` query (see `groups`), prekey bundles for devices without a session.
//! Device lists are cached per user and forgotten on a `devices` notification or when the
//! server's phash disagrees with ours.
use std::sync::Arc;

use super::identity::{changed_identity, trust_new_identity};
use super::{ClientError, Inner};
use crate::binary::{Jid, Node, Server};
use crate::message::{
    build_device_query, build_prekey_request, devices_needing_sessions, parse_device_response,
    parse_prekey_response, start_session, OutgoingDevice,
};
use crate::store::SignalStore;
use crate::types::OwnJids;

impl Inner {
    /// Our identities (phone-number and LID device JIDs).
    pub(crate) fn own_jids(&self) -> Result<OwnJids, ClientError> {
        let device = self.device()?;
        let pn = device.jid.ok_or(ClientError::NotPaired)?;
        Ok(OwnJids::new(pn, device.lid))
    }

    /// The Signal store of the current device, opened once.
    pub(crate) async fn signal(&self) -> Result<Arc<dyn SignalStore>, ClientError> {
        let device = self.device()?;
        let identity = device.identity_key.public;
        if let Some(store) = self.messaging.cached_signal(&identity) {
            return Ok(store);
        }
        let store = self.signal_store().await?;
        self.messaging.set_signal(identity, store.clone());
        Ok(store)
    }

    /// Every device of `users` (phone-number or LID users), from the cache or by usync.
    pub(crate) async fn user_devices(&self, users: &[Jid]) -> Result<Vec<Jid>, ClientError> {
        let mut out = Vec::new();
        let mut missing = Vec::new();
        for user in users {
            let user = self.pn_user(user);
            match self.messaging.cached_devices(&user) {
                Some(devices) => out.extend(devices),
                None => missing.push(user),
            }
        }
        if !missing.is_empty() {
            let sid = self.next_id();
            let query = build_device_query("", &sid, &missing, true);
            let answer = self.send_iq(query, None).await?;
            let users = parse_device_response(&answer)
                .map_err(|e| ClientError::BadResponse(format!("usync: {e}")))?;
            for entry in users {
                if let Some(lid) = &entry.lid {
                    if entry.user.is_pn() {
                        self.messaging.add_lid(&entry.user.user, &lid.user);
                    }
                }
                self.messaging.set_devices(entry.user.clone(), entry.devices.clone());
                out.extend(entry.devices);
            }
        }
        Ok(out)
    }

    /// A user's phone-number form when we know it (device lists are cached by it).
    pub(crate) fn pn_user(&self, user: &Jid) -> Jid {
        let user = user.to_non_ad();
        match self.messaging.pn_of(&user) {
            Some(pn) => Jid::pn(pn),
            None => user,
        }
    }

    /// The participants of `group` (phone-number users when known), by `w:g2` query unless
    /// cached.
    pub(crate) async fn group_participants(&self, group: &Jid) -> Result<Vec<Jid>, ClientError> {
        if let Some(participants) = self.messaging.group_participants(group) {
            return Ok(participants);
        }
        self.fetch_group_info(group).await?;
        self.messaging
            .group_participants(group)
            .ok_or_else(|| ClientError::BadResponse(format!("no members cached for {group}")))
    }

    /// Starts sessions with the devices that have none, from their prekey bundles. Devices
    /// whose bundle the server refuses are skipped (the encryption then reports them).
    pub(crate) async fn ensure_sessions(
        &self,
        store: &Arc<dyn SignalStore>,
        devices: &[OutgoingDevice],
    ) -> Result<(), ClientError> {
        let missing = devices_needing_sessions(&**store, devices)?;
        if missing.is_empty() {
            return Ok(());
        }
        let jids: Vec<Jid> = missing.iter().map(|d| d.jid.clone()).collect();
        let answer = self.send_iq(build_prekey_request("", &jids), None).await?;
        let bundles = parse_prekey_response(&answer)
            .map_err(|e| ClientError::BadResponse(format!("prekeys: {e}")))?;
        for (jid, bundle) in bundles {
            let Some(device) = missing.iter().find(|d| d.jid == jid) else { continue };
            match bundle {
                Ok(bundle) => {
                    let _signal = self.messaging.signal_guard();
                    let mut result = start_session(&**store, device, &bundle);
                    // The device has a new identity key: trust it and start over.
                    if let Some((address, received)) =
                        result.as_ref().err().and_then(changed_identity)
                    {
                        trust_new_identity(&**store, &address, &received)?;
                        self.emit_identity_change(&device.encryption_jid, true);
                        result = start_session(&**store, device, &bundle);
                    }
                    if let Err(e) = result {
                        tracing::warn!(%jid, error = %e, "cannot start a session");
                    }
                }
                Err(e) => tracing::warn!(%jid, error = %e, "no prekey bundle"),
            }
        }
        Ok(())
    }
}

/// `<notification type="devices" from=user [lid]>`: a user's device list changed.
pub(crate) fn handle_notification(inner: &Inner, node: &Node) {
    if let Ok(Some(from)) = node.opt_jid("from") {
        if let Ok(Some(lid)) = node.opt_jid("lid") {
            if from.is_pn() && lid.server == Server::Lid {
                inner.messaging.add_lid(&from.user, &lid.user);
            }
        }
        tracing::debug!(user = %from, "device list changed");
        inner.messaging.forget_devices(&from.to_non_ad());
    }
}
