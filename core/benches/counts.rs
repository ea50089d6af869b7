//! Fixed amounts of the benchmarked work, for instruction counts under callgrind (repeatable
//! on a loaded machine, unlike wall-clock time). Not timed; `cargo bench` runs it as a no-op.
//!
//! ```text
//! cargo bench -p wazap --bench counts --no-run   # prints the binary's path
//! valgrind --tool=callgrind --callgrind-out-file=/tmp/cg.out target/release/deps/counts-* signal_ping_pong 200
//! callgrind_annotate /tmp/cg.out | head -30
//! ```
//! With `--cpu-time` it prints the thread CPU time per round, a steadier figure than criterion's
//! wall-clock time on a busy machine (the media hashing thread is not counted), and the
//! wall-clock time; `--best-of R` repeats the run R times and keeps the least of each.
//! Workloads: codec, media_encrypt, media_decrypt (16 MiB each), signal_one_way,
//! signal_ping_pong, x3dh, agree, generate, sign, verify, x25519_ladder, x25519_edwards,
//! x25519_edwards_known. Divide the total by the count given
//! (and subtract a run with count 0 for the set-up).
use std::hint::black_box;
use std::io;

use wazap::binary::{decode, encode};
use wazap::crypto::media::{decrypt_stream, encrypt, encrypt_stream, Expected, MediaType};
use wazap::crypto::KeyPair;
use wazap::signal::{
    decrypt_pre_key_message, encrypt as signal_encrypt, process_pre_key_bundle, RandomKeys,
};
use wazap::store::SessionStore;

mod common;
use common::{deliver, established, message_stanza, party, MESSAGE};

/// CPU time of this thread, in ns: unlike wall-clock time it leaves out the time other
/// processes had the core (though not their cache pollution).
fn thread_cpu_ns() -> u128 {
    let mut t = libc::timespec { tv_sec: 0, tv_nsec: 0 };
    // SAFETY: `t` is a valid timespec for the call to fill.
    unsafe { libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &mut t) };
    t.tv_sec as u128 * 1_000_000_000 + t.tv_nsec as u128
}

fn main() {
    let cpu_time = std::env::args().any(|a| a == "--cpu-time");
    let mut args: Vec<String> = std::env::args().skip(1).collect();
    // `--best-of R`: R runs, the least time of each kind (the one least disturbed by others).
    let runs: usize = match args.iter().position(|a| a == "--best-of") {
        Some(i) => args.drain(i..i + 2).nth(1).and_then(|r| r.parse().ok()).expect("--best-of R"),
        None => 1,
    };
    args.retain(|a| !a.starts_with("--"));
    let [work, count] = &args[..] else {
        eprintln!("counts: run under callgrind with a workload and a count (see the source)");
        return;
    };
    let n: usize = count.parse().expect("a count");
    let (mut cpu, mut wall) = (u128::MAX, u128::MAX);
    for _ in 0..runs {
        let (c, w) = run(work, n);
        cpu = cpu.min(c);
        wall = wall.min(w);
    }
    if cpu_time {
        let per = |ns: u128| ns as f64 / n.max(1) as f64;
        println!(
            "{work}: {:.0} ns of thread CPU time, {:.0} ns wall-clock per round",
            per(cpu),
            per(wall)
        );
    }
}

/// The thread CPU time and wall-clock time of the loop (not of the set-up).
struct Timer(u128, std::time::Instant);

impl Timer {
    fn start() -> Timer {
        Timer(thread_cpu_ns(), std::time::Instant::now())
    }

    fn stop(self) -> (u128, u128) {
        (thread_cpu_ns() - self.0, self.1.elapsed().as_nanos())
    }
}

fn run(work: &str, n: usize) -> (u128, u128) {
    match work {
        "codec" => {
            let node = message_stanza();
            let t = Timer::start();
            for _ in 0..n {
                black_box(decode(&encode(black_box(&node))).unwrap());
            }
            t.stop()
        }
        "media_encrypt" | "media_decrypt" => {
            let plain: Vec<u8> = (0..16 << 20).map(|i| (i % 251) as u8).collect();
            let key = [0x5a; 32];
            let (enc, info) = encrypt(&plain, &key, MediaType::Video);
            let expected = Expected {
                file_enc_sha256: Some(info.file_enc_sha256),
                file_sha256: Some(info.file_sha256),
            };
            let t = Timer::start();
            for _ in 0..n {
                if work == "media_encrypt" {
                    encrypt_stream(&plain[..], io::sink(), &key, MediaType::Video).unwrap();
                } else {
                    decrypt_stream(&enc[..], io::sink(), &key, MediaType::Video, expected).unwrap();
                }
            }
            t.stop()
        }
        "signal_one_way" | "signal_ping_pong" => {
            let (alice, bob) = established();
            let t = Timer::start();
            for _ in 0..n {
                deliver(&alice, &bob);
                if work == "signal_ping_pong" {
                    deliver(&bob, &alice);
                }
            }
            t.stop()
        }
        "x3dh" => {
            let (alice, bob) = (party("alice", 1), party("bob", 1));
            let t = Timer::start();
            for _ in 0..n {
                alice.store.delete_session(&bob.address).unwrap();
                process_pre_key_bundle(&alice.store, &bob.address, &bob.bundle, &mut RandomKeys)
                    .unwrap();
                let m = signal_encrypt(&alice.store, &bob.address, &MESSAGE).unwrap();
                let d = decrypt_pre_key_message(
                    &bob.store,
                    &alice.address,
                    m.as_bytes(),
                    &mut RandomKeys,
                )
                .unwrap();
                drop(black_box(d.plaintext));
            }
            t.stop()
        }
        "agree" | "generate" | "sign" | "verify" => {
            let mut rng = rand::thread_rng();
            let (a, b) = (KeyPair::generate(&mut rng), KeyPair::generate(&mut rng));
            let sig = a.sign(&MESSAGE);
            let t = Timer::start();
            for _ in 0..n {
                match work {
                    "agree" => drop(black_box(a.agree(black_box(&b.public)))),
                    "generate" => drop(black_box(KeyPair::generate(&mut rng))),
                    "sign" => drop(black_box(a.sign(&MESSAGE))),
                    _ => assert!(wazap::crypto::verify(&a.public, &MESSAGE, &sig)),
                }
            }
            t.stop()
        }
        // The two X25519 routes of `crypto::x25519`, side by side: the Montgomery ladder, the
        // Edwards form (conversion included), and the Edwards form of a known peer key.
        "x25519_ladder" | "x25519_edwards" | "x25519_edwards_known" => {
            use curve25519_dalek::montgomery::MontgomeryPoint;
            let mut rng = rand::thread_rng();
            let (a, b) = (KeyPair::generate(&mut rng), KeyPair::generate(&mut rng));
            let k = *a.private_bytes();
            let u = MontgomeryPoint(b.public.0);
            let known = u.to_edwards(0).expect("a public key is on the curve");
            let t = Timer::start();
            for _ in 0..n {
                let shared = match work {
                    "x25519_ladder" => black_box(u).mul_clamped(k),
                    "x25519_edwards" => black_box(u)
                        .to_edwards(0)
                        .expect("on the curve")
                        .mul_clamped(k)
                        .to_montgomery(),
                    _ => black_box(known).mul_clamped(k).to_montgomery(),
                };
                black_box(shared);
            }
            t.stop()
        }
        other => panic!("unknown workload {other}"),
    }
}
