//! The message layer end to end with in-memory stores: a 1:1 text from stanza building to the
//! receiver's commit (through the binary codec and `fan_out`), and a group text (skmsg) to a
//! group of six devices, built once and decrypted by one of them.
use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use wazap::binary::{decode, encode, Jid};
use wazap::message::{
    build_direct_message, build_group_message, decrypt_message, fan_out, start_session, text,
    DirectMessage, GroupMessage, OutgoingDevice,
};
use wazap::signal::PreKeyBundle;
use wazap::store::{MemorySignalStore, SignalStore};
use wazap::types::OwnJids;

mod common;

struct Dev {
    jid: Jid,
    own: OwnJids,
    store: MemorySignalStore,
    bundle: PreKeyBundle,
}

fn dev(user: &str, device: u16) -> Dev {
    let party = common::party(user, u32::from(device));
    let jid = Jid::pn(user).with_device(device);
    Dev { own: OwnJids::new(jid.clone(), None), jid, store: party.store, bundle: party.bundle }
}

/// Sends a text from `from` to `to` and has `to` decrypt and commit it.
fn send(from: &Dev, to: &Dev, id: &str) {
    let message = text("a typical short chat message, about sixty characters long.");
    let recipients = [OutgoingDevice::new(to.jid.clone())];
    let out = build_direct_message(
        &from.store,
        &from.own,
        &DirectMessage {
            id,
            to: &to.jid.to_non_ad(),
            message: &message,
            recipient_devices: &recipients,
            own_devices: &[],
            device_identity: None,
        },
    )
    .unwrap();
    let stanza = decode(&encode(&out.node)).unwrap();
    let delivery = fan_out(&stanza, &from.jid, 1_700_000_000, &[]).unwrap().remove(0);
    let node = decode(&encode(&delivery.node)).unwrap();
    let got = decrypt_message(&to.store, &to.own, &node).unwrap();
    to.store.commit(got.changes).unwrap();
}

fn bench(c: &mut Criterion) {
    let mut group = c.benchmark_group("message");
    group.throughput(Throughput::Elements(1));

    let (a, b) = (dev("15550001111", 1), dev("15550002222", 2));
    start_session(&a.store, &OutgoingDevice::new(b.jid.clone()), &b.bundle).unwrap();
    send(&a, &b, "warm1");
    send(&b, &a, "warm2");
    group
        .bench_function("direct_text_send_to_commit", |bench| bench.iter(|| send(&a, &b, "3EB0X")));

    let sender = dev("15550001111", 1);
    let members: Vec<Dev> = (0..6).map(|i| dev(&format!("1555000{i}000"), 0)).collect();
    let devices: Vec<OutgoingDevice> =
        members.iter().map(|m| OutgoingDevice::new(m.jid.clone())).collect();
    for m in &members {
        start_session(&sender.store, &OutgoingDevice::new(m.jid.clone()), &m.bundle).unwrap();
    }
    let g = Jid::group("120363000000000001");
    let message = text("a typical short chat message, about sixty characters long.");
    let all: Vec<Jid> = members.iter().map(|m| m.jid.clone()).collect();
    let mut with_key: Vec<Jid> = Vec::new();
    let group_send = |with_key: &[Jid]| {
        let out = build_group_message(
            &sender.store,
            &sender.own,
            &GroupMessage {
                id: "3EB0G",
                group: &g,
                message: &message,
                sender: &sender.jid,
                devices: &devices,
                devices_with_sender_key: with_key,
                device_identity: None,
            },
        )
        .unwrap();
        let stanza = decode(&encode(&out.node)).unwrap();
        let delivery = fan_out(&stanza, &sender.jid, 1_700_000_000, &all).unwrap().remove(0);
        let node = decode(&encode(&delivery.node)).unwrap();
        let got = decrypt_message(&members[0].store, &members[0].own, &node).unwrap();
        members[0].store.commit(got.changes).unwrap();
        out.sender_key_recipients
    };
    with_key.extend(group_send(&[]));
    group.bench_function("group_text_six_devices_send_and_one_commit", |bench| {
        bench.iter(|| group_send(&with_key))
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
