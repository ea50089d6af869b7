//! Signal hot paths with the in-memory store: 1:1 encrypt+decrypt on an established chain,
//! ping-pong (a DH ratchet step on every message), X3DH setup plus the first message, and
//! sender-key encrypt+decrypt. Messages are 100 bytes.
use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use wazap::crypto::KeyPair;
use wazap::signal::{
    create_sender_key_distribution, decrypt_pre_key_message, encrypt, group_decrypt, group_encrypt,
    process_pre_key_bundle, process_sender_key_distribution, RandomKeys, SenderKeyName,
};
use wazap::store::{SessionStore, SignalStore, StoreChanges};

mod common;
use common::{deliver, established, party, MESSAGE};

fn benches(c: &mut Criterion) {
    let mut g = c.benchmark_group("signal");

    let (alice, bob) = established();
    g.throughput(Throughput::Elements(1));
    g.bench_function("session_encrypt_decrypt_100B", |b| b.iter(|| deliver(&alice, &bob)));

    let (alice, bob) = established();
    g.throughput(Throughput::Elements(2));
    g.bench_function("ping_pong_dh_ratchet_step", |b| {
        b.iter(|| {
            deliver(&alice, &bob);
            deliver(&bob, &alice);
        })
    });

    let (alice, bob) = (party("alice", 1), party("bob", 1));
    g.throughput(Throughput::Elements(1));
    g.bench_function("x3dh_setup_and_first_message", |b| {
        b.iter(|| {
            alice.store.delete_session(&bob.address).unwrap();
            process_pre_key_bundle(&alice.store, &bob.address, &bob.bundle, &mut RandomKeys)
                .unwrap();
            let m = encrypt(&alice.store, &bob.address, &MESSAGE).unwrap();
            // Bob's side runs in full but is not committed, so every round starts alike.
            let d =
                decrypt_pre_key_message(&bob.store, &alice.address, m.as_bytes(), &mut RandomKeys)
                    .unwrap();
            assert_eq!(d.plaintext.len(), MESSAGE.len());
        })
    });

    let (sender, receiver) = (party("alice", 1), party("bob", 1));
    let name = SenderKeyName::new("1203@g.us", sender.address.clone());
    let skdm =
        create_sender_key_distribution(&sender.store, &name, &mut rand::thread_rng()).unwrap();
    let mut changes = StoreChanges::default();
    process_sender_key_distribution(&receiver.store, &name, &skdm, &mut changes).unwrap();
    receiver.store.commit(changes).unwrap();
    g.bench_function("sender_key_encrypt_decrypt_100B", |b| {
        b.iter(|| {
            let m = group_encrypt(&sender.store, &name, &MESSAGE).unwrap();
            let d = group_decrypt(&receiver.store, &name, &m).unwrap();
            receiver.store.commit(d.changes).unwrap();
        })
    });
    g.finish();
}

/// The curve operations the protocol paths are made of, to tell where their time goes.
fn primitives(c: &mut Criterion) {
    let mut g = c.benchmark_group("curve25519");
    let mut rng = rand::thread_rng();
    let a = KeyPair::generate(&mut rng);
    let b = KeyPair::generate(&mut rng);
    let sig = a.sign(&MESSAGE);
    g.bench_function("generate", |x| x.iter(|| KeyPair::generate(&mut rand::thread_rng())));
    g.bench_function("agree", |x| x.iter(|| a.agree(&b.public)));
    g.bench_function("sign", |x| x.iter(|| a.sign(&MESSAGE)));
    g.bench_function("verify", |x| x.iter(|| wazap::crypto::verify(&a.public, &MESSAGE, &sig)));
    g.finish();
}

criterion_group!(signal, benches, primitives);
criterion_main!(signal);
