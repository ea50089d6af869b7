use std::collections::VecDeque;

use rand::{CryptoRng, Rng, RngCore};

use super::record::{SenderKeyRecord, SenderKeyState};
use crate::crypto::{aes_cbc_decrypt, aes_cbc_encrypt, KeyPair};
use crate::signal::ratchet::{ChainKey, SenderMessageKeys};
use crate::signal::store::{SignalStore, StoreChanges};
use crate::signal::wire::{SenderKeyDistributionMessage, SenderKeyMessage};
use crate::signal::{Decrypted, SenderKeyName, SignalError};

/// Returns the distribution message for our own sender key in a group, creating the key (random
/// 31-bit id, chain key and signing key) and saving it the first time.
pub fn create_sender_key_distribution<S, R>(
    store: &S,
    name: &SenderKeyName,
    rng: &mut R,
) -> Result<SenderKeyDistributionMessage, SignalError>
where
    S: SignalStore + ?Sized,
    R: RngCore + CryptoRng,
{
    if let Some(record) = store.load_sender_key(name)? {
        if let Some(skdm) = record.distribution_message() {
            if record.states.front().is_some_and(|s| s.signing_private.is_some()) {
                return Ok(skdm);
            }
        }
    }
    let key_id = rng.gen::<u32>() & 0x7fff_ffff;
    let mut chain_key = [0u8; 32];
    rng.fill_bytes(&mut chain_key);
    let signing = KeyPair::generate(rng);
    let record = SenderKeyRecord::own(key_id, 0, chain_key, &signing);
    let skdm = record.distribution_message().expect("record has one state");
    store.store_sender_key(name, &record)?;
    Ok(skdm)
}

/// Installs a member's sender key from its distribution message. The write is added to
/// `changes` (to be committed with the 1:1 message that carried it); a pending record for the
/// same name in `changes` is taken into account.
pub fn process_sender_key_distribution<S: SignalStore + ?Sized>(
    store: &S,
    name: &SenderKeyName,
    skdm: &SenderKeyDistributionMessage,
    changes: &mut StoreChanges,
) -> Result<(), SignalError> {
    let mut record = match changes.sender_key(name) {
        Some(pending) => pending.clone(),
        None => store.load_sender_key(name)?.unwrap_or_default(),
    };
    record.add_state(SenderKeyState {
        key_id: skdm.key_id,
        chain: ChainKey { key: skdm.chain_key, index: skdm.iteration },
        signing_public: skdm.signing_key,
        signing_private: None,
        skipped: VecDeque::new(),
    });
    changes.set_sender_key(name.clone(), record);
    Ok(())
}

/// Encrypts a group message (`<enc type="skmsg">`) with our newest sender key and saves the
/// advanced chain before returning.
pub fn group_encrypt<S: SignalStore + ?Sized>(
    store: &S,
    name: &SenderKeyName,
    plaintext: &[u8],
) -> Result<Vec<u8>, SignalError> {
    let mut record =
        store.load_sender_key(name)?.ok_or_else(|| SignalError::NoSenderKey(name.clone()))?;
    let state = record.newest_mut().ok_or_else(|| SignalError::NoSenderKey(name.clone()))?;
    let signing_private =
        state.signing_private.ok_or_else(|| SignalError::NotOwnSenderKey(name.clone()))?;
    let iteration = state.chain.index;
    let (seed, next) = state.chain.step();
    let keys = SenderMessageKeys::derive(&seed);
    let ciphertext = aes_cbc_encrypt(&keys.cipher_key, &keys.iv, plaintext).expect("32-byte key");
    let message = SenderKeyMessage::new(
        &signing_private,
        &state.signing_public,
        state.key_id,
        iteration,
        ciphertext,
    );
    state.chain = next;
    let mut changes = StoreChanges::default();
    changes.set_sender_key(name.clone(), record);
    store.commit(changes)?;
    Ok(message.into_serialized())
}

/// Decrypts a group message from `name.sender`. Like 1:1 decryption it writes nothing: commit
/// the returned changes.
pub fn group_decrypt<S: SignalStore + ?Sized>(
    store: &S,
    name: &SenderKeyName,
    ciphertext: &[u8],
) -> Result<Decrypted, SignalError> {
    let message = SenderKeyMessage::parse(ciphertext)?;
    let mut record =
        store.load_sender_key(name)?.ok_or_else(|| SignalError::NoSenderKey(name.clone()))?;
    let state = record.state_mut(message.key_id).ok_or_else(|| SignalError::NoSenderKeyState {
        name: name.clone(),
        key_id: message.key_id,
    })?;
    if !message.verify_signature(&state.signing_public) {
        return Err(SignalError::BadSenderKeySignature);
    }
    let seed = state.message_key_seed(message.iteration)?;
    let keys = SenderMessageKeys::derive(&seed);
    let plaintext = aes_cbc_decrypt(&keys.cipher_key, &keys.iv, &message.ciphertext)
        .map_err(|_| SignalError::BadCiphertext)?;
    let mut changes = StoreChanges::default();
    changes.set_sender_key(name.clone(), record);
    Ok(Decrypted { plaintext, changes })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::signal::store::SenderKeyStore;
    use crate::signal::ProtocolAddress;
    use crate::store::MemorySignalStore;

    fn stores() -> (MemorySignalStore, MemorySignalStore, SenderKeyName) {
        let mut rng = rand::thread_rng();
        let sender = MemorySignalStore::new(KeyPair::generate(&mut rng), 1);
        let receiver = MemorySignalStore::new(KeyPair::generate(&mut rng), 2);
        let name = SenderKeyName::new("g@g.us", ProtocolAddress::new("s", 1));
        let skdm = create_sender_key_distribution(&sender, &name, &mut rng).unwrap();
        let mut changes = StoreChanges::default();
        process_sender_key_distribution(&receiver, &name, &skdm, &mut changes).unwrap();
        receiver.commit(changes).unwrap();
        (sender, receiver, name)
    }

    #[test]
    fn catch_up_is_bounded_and_received_keys_cannot_send() {
        let (sender, receiver, name) = stores();
        let messages: Vec<Vec<u8>> = (0..2002u32)
            .map(|i| group_encrypt(&sender, &name, &i.to_be_bytes()).unwrap())
            .collect();
        let err = group_decrypt(&receiver, &name, &messages[2001]).unwrap_err();
        assert!(matches!(err, SignalError::TooFarInFuture { ahead: 2001, limit: 2000 }), "{err}");
        let d = group_decrypt(&receiver, &name, &messages[2000]).unwrap();
        assert_eq!(d.plaintext, 2000u32.to_be_bytes());
        receiver.commit(d.changes).unwrap();
        let d = group_decrypt(&receiver, &name, &messages[3]).unwrap();
        assert_eq!(d.plaintext, 3u32.to_be_bytes());
        assert!(matches!(
            group_encrypt(&receiver, &name, b"x"),
            Err(SignalError::NotOwnSenderKey(_))
        ));
        let unknown = SenderKeyName::new("other@g.us", ProtocolAddress::new("s", 1));
        assert!(matches!(
            group_encrypt(&receiver, &unknown, b"x"),
            Err(SignalError::NoSenderKey(_))
        ));
    }

    #[test]
    fn a_new_distribution_with_another_key_id_is_tried_by_id() {
        let (sender, receiver, name) = stores();
        let old = group_encrypt(&sender, &name, b"old").unwrap();
        // The sender rotates its key (e.g. after a member left).
        let mut rng = rand::thread_rng();
        let rotated = SenderKeyRecord::own(77, 0, [3; 32], &KeyPair::generate(&mut rng));
        sender.store_sender_key(&name, &rotated).unwrap();
        let mut changes = StoreChanges::default();
        let skdm = rotated.distribution_message().unwrap();
        process_sender_key_distribution(&receiver, &name, &skdm, &mut changes).unwrap();
        receiver.commit(changes).unwrap();
        let new = group_encrypt(&sender, &name, b"new").unwrap();
        assert_eq!(group_decrypt(&receiver, &name, &new).unwrap().plaintext, b"new");
        assert_eq!(group_decrypt(&receiver, &name, &old).unwrap().plaintext, b"old");
        let forger = KeyPair::from_private([1; 32]);
        let forged =
            SenderKeyMessage::new(forger.private_bytes(), &forger.public, 12345, 0, vec![0; 16])
                .into_serialized();
        assert!(matches!(
            group_decrypt(&receiver, &name, &forged),
            Err(SignalError::NoSenderKeyState { key_id: 12345, .. })
        ));
    }
}
