//! The phone's 1:1 sessions. They are kept under each device's LID address, as current
//! WhatsApp clients keep theirs, so a device that writes to the phone by phone number one day
//! and by LID the next still has one session with it. Missing sessions start from the bundle
//! the server publishes for the device (taking one of its one-time prekeys).
use wazap::binary::{Jid, Server};
use wazap::signal::{process_pre_key_bundle, PreKeyBundle, ProtocolAddress, RandomKeys};
use wazap::store::{SessionStore, SqliteSignalStore};

use crate::shared::Shared;
use crate::state::State;

/// The JID the phone keeps `jid`'s session under: its LID device JID when the sandbox knows
/// the account, else `jid` as it is.
pub fn session_jid(state: &State, jid: &Jid) -> Jid {
    if jid.server == Server::Pn {
        if let Some(account) = state.account(&jid.user) {
            return account.lid_jid().with_device(jid.device);
        }
    }
    jid.clone()
}

pub fn address(jid: &Jid) -> ProtocolAddress {
    ProtocolAddress::new(jid.signal_user(), u32::from(jid.device))
}

/// The Signal address of `jid`'s session with the phone.
pub fn session_address(shared: &Shared, jid: &Jid) -> ProtocolAddress {
    address(&session_jid(&shared.state(), jid))
}

/// Starts a session with every device of `devices` (any form of JID) that has none yet;
/// returns the devices it could not start one with (no account, no published keys, a bad
/// bundle), which are logged.
pub fn ensure_sessions(shared: &Shared, store: &SqliteSignalStore, devices: &[Jid]) -> Vec<Jid> {
    let mut bundles = Vec::new();
    let mut failed = Vec::new();
    {
        let mut state = shared.state();
        for jid in devices {
            let lid = session_jid(&state, jid);
            let has_session =
                store.load_session(&address(&lid)).ok().flatten().is_some_and(|r| !r.is_empty());
            if has_session {
                continue;
            }
            let bundle = state.phone_of(jid).and_then(|owner| {
                let keys = state.account_mut(&owner)?.bundles.get_mut(&jid.device)?;
                let b = keys.take_bundle();
                Some(PreKeyBundle {
                    registration_id: b.registration_id,
                    device_id: u32::from(jid.device),
                    pre_key: b.one_time.map(|(id, key)| (id, key.public())),
                    signed_pre_key_id: b.signed.id,
                    signed_pre_key: b.signed.public.public(),
                    signed_pre_key_signature: b.signed.signature.0.clone(),
                    identity_key: b.identity.public(),
                })
            });
            match bundle {
                Some(bundle) => bundles.push((jid.clone(), lid, bundle)),
                None => failed.push(jid.clone()),
            }
        }
        if !bundles.is_empty() {
            state.save();
        }
    }
    for (jid, lid, bundle) in bundles {
        if let Err(e) = process_pre_key_bundle(store, &address(&lid), &bundle, &mut RandomKeys) {
            tracing::warn!(%jid, error = %e, "the phone cannot start a session with this device");
            failed.push(jid);
        }
    }
    for jid in &failed {
        tracing::warn!(%jid, "no session with this device");
    }
    failed
}
