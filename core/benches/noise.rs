//! Transport throughput: encrypt + decrypt of 1 KiB frames with the AES-256-GCM transport
//! cipher, framing included.
use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use wazap::socket::{CipherState, FrameDecoder, FrameEncoder, MAX_FRAME_SIZE};

fn transport_1k(c: &mut Criterion) {
    let plaintext = vec![0x5a; 1024];
    let mut group = c.benchmark_group("noise_transport");
    group.throughput(Throughput::Bytes(plaintext.len() as u64));
    let mut tx = CipherState::new([7; 32]);
    let mut rx = CipherState::new([7; 32]);
    group.bench_function("encrypt_decrypt_1KiB", |b| {
        b.iter(|| {
            let ct = tx.encrypt(&plaintext).expect("counter");
            rx.decrypt(&ct).expect("authentic")
        })
    });
    let mut tx = CipherState::new([7; 32]);
    let mut rx = CipherState::new([7; 32]);
    let mut encoder = FrameEncoder::new(MAX_FRAME_SIZE);
    let mut decoder = FrameDecoder::new(MAX_FRAME_SIZE);
    group.bench_function("seal_frame_open_1KiB", |b| {
        b.iter(|| {
            let wire = encoder.encode(&tx.encrypt(&plaintext).expect("counter")).expect("size");
            decoder.push(&wire);
            let frame = decoder.next_frame().expect("valid").expect("whole frame");
            rx.decrypt(&frame).expect("authentic")
        })
    });
    group.finish();
}

criterion_group!(benches, transport_1k);
criterion_main!(benches);
