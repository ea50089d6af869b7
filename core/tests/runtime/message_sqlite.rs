//! A group receiver on the SQLite store: the session, the sender key and the used prekey of
//! one stanza are committed together with the caller's own row, or not at all.
use crate::message_support;

use message_support::{text_of, wire, Account, NOW};
use wazap::binary::{Jid, Node};
use wazap::crypto::KeyPair;
use wazap::message::{
    build_group_message, decrypt_message, fan_out, start_session, text, GroupMessage, MessageError,
    OutgoingDevice,
};
use wazap::signal::{PreKeyBundle, PreKeyRecord, SignedPreKeyRecord};
use wazap::store::{PreKeyStore, SignedPreKeyStore, SqliteSignalStore};
use wazap::types::OwnJids;

fn seen(store: &SqliteSignalStore, changes: wazap::store::StoreChanges, id: &str) {
    store
        .commit_with(changes, |tx| {
            tx.execute("CREATE TABLE IF NOT EXISTS seen (id TEXT PRIMARY KEY)", [])?;
            tx.execute("INSERT INTO seen (id) VALUES (?1)", [id])?;
            Ok(())
        })
        .unwrap();
}

#[test]
fn group_stanza_commits_atomically_with_the_callers_row() {
    let mut rng = rand::thread_rng();
    let sender_account = Account::new("15550001111", "90000000001", &[0]);
    let sender = &sender_account.devices[0];

    let identity = KeyPair::generate(&mut rng);
    let receiver = SqliteSignalStore::open_in_memory().unwrap();
    receiver.set_local_identity(&identity, 4242).unwrap();
    let signed = SignedPreKeyRecord::generate(&identity, 1, &mut rng);
    receiver.store_signed_pre_key(&signed).unwrap();
    let pre_key = PreKeyRecord::new(7, KeyPair::generate(&mut rng));
    receiver.store_pre_key(&pre_key).unwrap();
    let receiver_jid = Jid::pn("15550002222").with_device(2);
    let own = OwnJids::new(receiver_jid.clone(), None);

    let device = OutgoingDevice::new(receiver_jid.clone());
    let bundle = PreKeyBundle {
        registration_id: 4242,
        device_id: 2,
        pre_key: Some((7, pre_key.key_pair.public)),
        signed_pre_key_id: 1,
        signed_pre_key: signed.key_pair.public,
        signed_pre_key_signature: signed.signature.to_vec(),
        identity_key: identity.public,
    };
    start_session(&sender.store, &device, &bundle).unwrap();

    let group = Jid::group("120363000000000009");
    let devices = [device.clone()];
    let send = |id: &str, body: &str, with_key: &[Jid]| -> Node {
        let message = text(body);
        let out = build_group_message(
            &sender.store,
            &sender.own,
            &GroupMessage {
                id,
                group: &group,
                message: &message,
                sender: &sender.jid,
                devices: &devices,
                devices_with_sender_key: with_key,
                device_identity: None,
            },
        )
        .unwrap();
        let deliveries =
            fan_out(&wire(&out.node), &sender.jid, NOW, std::slice::from_ref(&receiver_jid))
                .unwrap();
        wire(&deliveries[0].node)
    };

    let first = send("M1", "first", &[]);
    // Decrypted, but the process "dies" before committing: nothing was written.
    let lost = decrypt_message(&receiver, &own, &first).unwrap();
    drop(lost);
    assert!(receiver.load_pre_key(7).unwrap().is_some());

    // Redelivered after restart: decrypts again; commit it with our own row.
    let got = decrypt_message(&receiver, &own, &first).unwrap();
    assert_eq!(text_of(&got.message), "first");
    assert!(got.received_sender_key);
    seen(&receiver, got.changes, "M1");
    assert!(receiver.load_pre_key(7).unwrap().is_none(), "the one-time prekey is used up");
    assert!(matches!(decrypt_message(&receiver, &own, &first), Err(MessageError::Duplicate)));

    // The committed sender key reads the next skmsg alone.
    let second = send("M2", "second", std::slice::from_ref(&receiver_jid));
    assert_eq!(second.children_by_tag("enc").count(), 1);
    let got = decrypt_message(&receiver, &own, &second).unwrap();
    assert_eq!(text_of(&got.message), "second");
    seen(&receiver, got.changes, "M2");
}
