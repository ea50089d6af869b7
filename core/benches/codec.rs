//! Encode + decode of a typical ~100-byte message stanza (the codec's hot path).

use criterion::{black_box, criterion_group, criterion_main, Criterion, Throughput};
use wazap::binary::{decode, encode};

mod common;
use common::message_stanza;

fn codec(c: &mut Criterion) {
    let node = message_stanza();
    let bytes = encode(&node);
    let mut group = c.benchmark_group("codec");
    group.throughput(Throughput::Elements(1));
    group.bench_function(format!("round_trip_{}_bytes", bytes.len()), |b| {
        b.iter(|| decode(&encode(black_box(&node))))
    });
    group.bench_function("encode", |b| b.iter(|| encode(black_box(&node))));
    group.bench_function("decode", |b| b.iter(|| decode(black_box(&bytes))));
    group.finish();
}

criterion_group!(benches, codec);
criterion_main!(benches);
