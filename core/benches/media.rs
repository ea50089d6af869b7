//! Media cipher throughput on 16 MiB: `cargo bench -p wazap --bench media`.
use std::io;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use wazap::crypto::media::{decrypt_stream, encrypt, encrypt_stream, Expected, MediaType};

const LEN: usize = 16 << 20;

fn media(c: &mut Criterion) {
    let key = [0x5a; 32];
    let plain: Vec<u8> = (0..LEN).map(|i| (i % 251) as u8).collect();
    let (enc, info) = encrypt(&plain, &key, MediaType::Video);
    let expected = Expected {
        file_enc_sha256: Some(info.file_enc_sha256),
        file_sha256: Some(info.file_sha256),
    };

    let mut group = c.benchmark_group("media_16MiB");
    group.throughput(Throughput::Bytes(LEN as u64));
    group.sample_size(20);
    group.bench_function("encrypt_stream", |b| {
        b.iter(|| encrypt_stream(&plain[..], io::sink(), &key, MediaType::Video).unwrap())
    });
    group.bench_function("decrypt_stream", |b| {
        b.iter(|| decrypt_stream(&enc[..], io::sink(), &key, MediaType::Video, expected).unwrap())
    });
    group.finish();
}

criterion_group!(benches, media);
criterion_main!(benches);
