//! Starting sessions: from a fetched prekey bundle (we are Alice), or from a received
//! PreKeySignalMessage (we are Bob; see [`super::decrypt_pre_key_message`]).
use super::keys::verify_signed_pre_key;
use super::session_state::{AliceParams, PendingPreKey, SessionState};
use super::store::{SignalStore, StoreChanges};
use super::{KeySource, PreKeyBundle, ProtocolAddress, SignalError};
use crate::crypto::PublicKey;

/// Compares a peer identity with the stored one. `Ok(true)`: first seen (to be saved),
/// `Ok(false)`: the same, `Err(IdentityChanged)`: different.
pub(crate) fn check_identity<S: SignalStore + ?Sized>(
    store: &S,
    address: &ProtocolAddress,
    received: &PublicKey,
) -> Result<bool, SignalError> {
    match store.get_identity(address)? {
        None => Ok(true),
        Some(stored) if stored == *received => Ok(false),
        Some(stored) => Err(SignalError::IdentityChanged {
            address: address.clone(),
            stored,
            received: *received,
        }),
    }
}

/// Starts a session with `remote` from its prekey bundle (X3DH as the initiator) and saves it.
/// The bundle's signed prekey signature is checked first; a bad one is refused. Our messages are
/// PreKeySignalMessages until `remote` answers. Takes the base key, then the first ratchet key,
/// from `keys`.
pub fn process_pre_key_bundle<S: SignalStore + ?Sized>(
    store: &S,
    remote: &ProtocolAddress,
    bundle: &PreKeyBundle,
    keys: &mut dyn KeySource,
) -> Result<(), SignalError> {
    verify_signed_pre_key(
        &bundle.identity_key,
        &bundle.signed_pre_key,
        &bundle.signed_pre_key_signature,
    )?;
    check_identity(store, remote, &bundle.identity_key)?;
    let our_identity = store.identity_key_pair()?;
    let base_key = keys.next_key_pair()?;
    let ratchet_key = keys.next_key_pair()?;
    let mut state = SessionState::initialize_alice(AliceParams {
        our_identity: &our_identity,
        our_base_key: &base_key,
        our_ratchet_key: ratchet_key,
        their_identity: bundle.identity_key,
        their_signed_pre_key: bundle.signed_pre_key,
        their_one_time_pre_key: bundle.pre_key.map(|(_, k)| k),
    });
    state.pending_pre_key = Some(PendingPreKey {
        pre_key_id: bundle.pre_key.map(|(id, _)| id),
        signed_pre_key_id: bundle.signed_pre_key_id,
        base_key: base_key.public,
    });
    state.local_registration_id = store.local_registration_id()?;
    state.remote_registration_id = bundle.registration_id;
    let mut record = store.load_session(remote)?.unwrap_or_default();
    record.promote_state(state);
    let mut changes = StoreChanges::default();
    changes.set_session(remote.clone(), record);
    changes.set_identity(remote.clone(), bundle.identity_key);
    store.commit(changes)?;
    Ok(())
}
