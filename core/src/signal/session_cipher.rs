//! Encrypting and decrypting 1:1 messages against a [`SignalStore`].
use super::session_builder::check_identity;
use super::session_state::{BobParams, SessionState};
use super::store::{SignalStore, StoreChanges};
use super::wire::{PreKeySignalMessage, SignalMessage};
use super::{CiphertextMessage, KeySource, ProtocolAddress, SignalError};

/// A decrypted message and the store writes that go with it. Nothing is written until the
/// caller passes `changes` to [`SignalStore::commit`] (or `SqliteSignalStore::commit_with`):
/// see the crash-safety notes in [`super::store`].
#[must_use = "commit `changes`, or the session does not advance and the message can be decrypted again"]
#[derive(Debug)]
pub struct Decrypted {
    pub plaintext: Vec<u8>,
    pub changes: StoreChanges,
}

/// Encrypts for `remote` with the current session and saves the advanced session before
/// returning, so a message key is never reused. Fails with `NoSession` when there is none
/// and `IdentityChanged` when the stored identity of `remote` is no longer the session's.
pub fn encrypt<S: SignalStore + ?Sized>(
    store: &S,
    remote: &ProtocolAddress,
    plaintext: &[u8],
) -> Result<CiphertextMessage, SignalError> {
    let mut record = store
        .load_session(remote)?
        .filter(|r| !r.is_empty())
        .ok_or_else(|| SignalError::NoSession(remote.clone()))?;
    if let Some(identity) = record.remote_identity() {
        check_identity(store, remote, &identity)?;
    }
    let message = record.encrypt(plaintext)?;
    let mut changes = StoreChanges::default();
    changes.set_session(remote.clone(), record);
    store.commit(changes)?;
    Ok(message)
}

/// Decrypts a SignalMessage (`<enc type="msg">`). Takes a ratchet key from `keys` when the
/// message carries a new ratchet key of the peer.
pub fn decrypt_message<S: SignalStore + ?Sized>(
    store: &S,
    remote: &ProtocolAddress,
    ciphertext: &[u8],
    keys: &mut dyn KeySource,
) -> Result<Decrypted, SignalError> {
    let message = SignalMessage::parse(ciphertext)?;
    let mut record =
        store.load_session(remote)?.ok_or_else(|| SignalError::NoSession(remote.clone()))?;
    let plaintext = record.decrypt(&message, keys)?;
    let mut changes = StoreChanges::default();
    if let Some(identity) = record.remote_identity() {
        if check_identity(store, remote, &identity)? {
            changes.set_identity(remote.clone(), identity);
        }
    }
    changes.set_session(remote.clone(), record);
    Ok(Decrypted { plaintext, changes })
}

/// Decrypts a PreKeySignalMessage (`<enc type="pkmsg">`): runs X3DH as the responder unless a
/// session from the same base key exists already (the peer repeats prekey messages until we
/// answer), then decrypts the inner message. The used one-time prekey is deleted on commit.
pub fn decrypt_pre_key_message<S: SignalStore + ?Sized>(
    store: &S,
    remote: &ProtocolAddress,
    ciphertext: &[u8],
    keys: &mut dyn KeySource,
) -> Result<Decrypted, SignalError> {
    let message = PreKeySignalMessage::parse(ciphertext)?;
    let new_identity = check_identity(store, remote, &message.identity_key)?;
    let mut record = store.load_session(remote)?.unwrap_or_default();
    let mut changes = StoreChanges::default();
    if !record.has_session_with_base_key(&message.base_key) {
        let signed = store
            .load_signed_pre_key(message.signed_pre_key_id)?
            .ok_or(SignalError::UnknownSignedPreKey(message.signed_pre_key_id))?;
        let one_time = match message.pre_key_id {
            Some(id) => Some(store.load_pre_key(id)?.ok_or(SignalError::UnknownPreKey(id))?),
            None => None,
        };
        let our_identity = store.identity_key_pair()?;
        let mut state = SessionState::initialize_bob(BobParams {
            our_identity: &our_identity,
            our_signed_pre_key: signed.key_pair,
            our_one_time_pre_key: one_time.as_ref().map(|k| &k.key_pair),
            their_identity: message.identity_key,
            their_base_key: message.base_key,
        });
        state.local_registration_id = store.local_registration_id()?;
        state.remote_registration_id = message.registration_id;
        record.promote_state(state);
        if let Some(id) = message.pre_key_id {
            changes.remove_pre_key(id);
        }
    }
    let plaintext = record.decrypt(&message.message, keys)?;
    if new_identity {
        changes.set_identity(remote.clone(), message.identity_key);
    }
    changes.set_session(remote.clone(), record);
    Ok(Decrypted { plaintext, changes })
}
