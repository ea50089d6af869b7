//! All the sessions we have with one address: the current one and up to 40 earlier ones, which
//! are tried on decryption as libsignal does (a peer may still use an older session after a
//! re-install or a simultaneous session start).
use std::collections::VecDeque;

use super::session_state::SessionState;
use super::wire::{SignalMessage, CIPHERTEXT_VERSION};
use super::{CiphertextMessage, KeySource, SignalError};
use crate::crypto::PublicKey;

/// libsignal's ARCHIVED_STATES_MAX_LENGTH.
pub const MAX_ARCHIVED_STATES: usize = 40;

/// The session record stored per address. Opaque: it is created and changed by the session
/// functions of [`crate::signal`] and persisted with [`SessionRecord::serialize`].
#[derive(Clone, Debug, Default)]
pub struct SessionRecord {
    pub(crate) current: Option<SessionState>,
    /// Newest first.
    pub(crate) previous: VecDeque<SessionState>,
}

impl SessionRecord {
    /// A record with no session.
    pub fn new() -> Self {
        Self::default()
    }

    /// True when no current session exists (never started, or all archived).
    pub fn is_empty(&self) -> bool {
        self.current.is_none()
    }

    /// Number of archived (previous) sessions.
    pub fn archived_count(&self) -> usize {
        self.previous.len()
    }

    /// The peer's identity key in the current session.
    pub fn remote_identity(&self) -> Option<PublicKey> {
        self.current.as_ref().map(|s| s.remote_identity)
    }

    /// The peer's registration id in the current session (needed by retry receipts).
    pub fn remote_registration_id(&self) -> Option<u32> {
        self.current.as_ref().map(|s| s.remote_registration_id)
    }

    /// Our registration id as recorded in the current session.
    pub fn local_registration_id(&self) -> Option<u32> {
        self.current.as_ref().map(|s| s.local_registration_id)
    }

    /// True while our messages are still sent as PreKeySignalMessages (the peer has not answered).
    pub fn has_unacknowledged_pre_key(&self) -> bool {
        self.current.as_ref().is_some_and(|s| s.pending_pre_key.is_some())
    }

    /// Moves the current session (if any) to the archive and makes `state` current.
    pub(crate) fn promote_state(&mut self, state: SessionState) {
        if let Some(old) = self.current.replace(state) {
            self.previous.push_front(old);
            self.previous.truncate(MAX_ARCHIVED_STATES);
        }
    }

    /// Archives the current session so the next message starts a new one.
    pub fn archive_current_state(&mut self) {
        if let Some(old) = self.current.take() {
            self.previous.push_front(old);
            self.previous.truncate(MAX_ARCHIVED_STATES);
        }
    }

    /// Whether a session started from this X3DH base key is already known.
    pub(crate) fn has_session_with_base_key(&self, base_key: &PublicKey) -> bool {
        self.current
            .iter()
            .chain(self.previous.iter())
            .any(|s| s.version == CIPHERTEXT_VERSION as u32 && s.alice_base_key == *base_key)
    }

    pub(crate) fn encrypt(&mut self, plaintext: &[u8]) -> Result<CiphertextMessage, SignalError> {
        self.current.as_mut().ok_or(SignalError::SessionNotReady)?.encrypt(plaintext)
    }

    /// Tries the current session, then the archived ones (newest first); the one that decrypts
    /// becomes current. A duplicate is reported at once. On failure the record is unchanged and
    /// the current session's error is returned.
    pub(crate) fn decrypt(
        &mut self,
        message: &SignalMessage,
        keys: &mut dyn KeySource,
    ) -> Result<Vec<u8>, SignalError> {
        let mut first_error = None;
        if let Some(current) = &self.current {
            let mut candidate = current.clone();
            match candidate.decrypt(message, keys) {
                Ok(plaintext) => {
                    self.current = Some(candidate);
                    return Ok(plaintext);
                }
                Err(e @ SignalError::DuplicateMessage { .. }) => return Err(e),
                Err(e) => first_error = Some(e),
            }
        }
        for i in 0..self.previous.len() {
            let mut candidate = self.previous[i].clone();
            match candidate.decrypt(message, keys) {
                Ok(plaintext) => {
                    self.previous.remove(i);
                    self.promote_state(candidate);
                    return Ok(plaintext);
                }
                Err(e @ SignalError::DuplicateMessage { .. }) => return Err(e),
                Err(e) => {
                    first_error.get_or_insert(e);
                }
            }
        }
        Err(first_error.unwrap_or(SignalError::SessionNotReady))
    }
}
